import { distributionShiftScenario, newDataScenario } from '@rvft/data';
import { DecisionEngine } from '@rvft/decision';
import { createMlp } from '@rvft/model';
import { trainFromScratch } from '@rvft/strategies';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { raceCandidates, raceStrategies } from '../src/index';

const engine = new DecisionEngine();

describe('raceCandidates', () => {
  it('the primary, then the alternatives, never a ruled-out or history-less combined one', () => {
    const decision = engine.decide({
      data: { nNewSamples: 300, nHistoricalSamples: 1000 },
      model: { currentAccuracy: 0.94, accuracyOnNewData: 0.72, transferQuality: 0.76 },
      drift: { driftSeverity: 'moderate' },
    });
    expect(decision.primary.strategy).toBe('retrain_warm_combined');
    expect(raceCandidates(decision, 'off', { hasHistory: true })).toEqual([
      'retrain_warm_combined',
    ]);
    const short = raceCandidates(decision, 'shortlist', { hasHistory: true });
    expect(short[0]).toBe('retrain_warm_combined');
    expect(short).toEqual([
      decision.primary.strategy,
      ...decision.alternatives.map((a) => a.strategy),
    ]);
    // without history the combined strategies cannot run
    expect(raceCandidates(decision, 'all', { hasHistory: false })).not.toContain(
      'retrain_warm_combined',
    );
    expect(raceCandidates(decision, 'all', { hasHistory: true })).toHaveLength(7);
    expect(raceCandidates(decision, 'all', { hasHistory: true, maxCandidates: 2 })).toHaveLength(2);
    const noHistory = engine.decide({
      data: { nNewSamples: 300 },
      constraints: { canStoreHistorical: false },
    });
    expect(raceCandidates(noHistory, 'all', { hasHistory: true })).not.toContain(
      'retrain_cold_combined',
    );
  });
});

describe('raceStrategies', () => {
  it('of candidates that tie, ships the cheapest; the champion is not modified; nothing leaks', async () => {
    // the same distribution: every update ties the others on the validation rows
    const a = newDataScenario({ nInitial: 400, nNew: 300, nTest: 50, nFeatures: 6, seed: 3 });
    const champion = createMlp({ inputDim: 6, hiddenDims: [16], outputDim: 2, seed: 3 });
    await trainFromScratch(champion, a.initial, { profile: 'article' });
    const before = champion.snapshot();
    const tensors = tf.memory().numTensors;
    const decision = engine.decide({
      data: { nNewSamples: 300, nHistoricalSamples: 400 },
      drift: { driftSeverity: 'moderate' },
    });
    const { model, result } = await raceStrategies({
      champion,
      decision,
      newData: a.new,
      oldData: a.initial,
      race: 'all',
      seed: 3,
      // 60 validation rows: enough here for a tie to mean "as good", so cost breaks it
      minRowsForCost: 60,
    });
    expect(result.tieBreak).toBe('cost');
    expect(champion.snapshot()).toEqual(before);
    expect(result.candidates).toHaveLength(7);
    expect(result.validationRows).toBe(60); // 20 % of each class of 300
    const picked = result.candidates.find((c) => c.verdict === 'picked')!;
    expect(picked.strategy).toBe(result.picked);
    // every candidate that ties the best costs at least as much as the one picked
    for (const c of result.candidates.filter((x) => x.verdict === 'tied')) {
      expect(c.cost).toBeGreaterThanOrEqual(picked.cost);
    }
    // on this easy, unchanged distribution head-only (cost 1) ties the best
    expect(result.picked).toBe('fine_tune_head_only');
    expect(result.extraWallS).toBeGreaterThan(0);
    expect(result.refit).toBe(true);
    // the losers were freed: only the returned model holds tensors beyond the champion's
    model.dispose();
    expect(tf.memory().numTensors).toBe(tensors);
    champion.dispose();
  });

  it('a candidate significantly worse than the best is not shipped, however cheap', async () => {
    // a shifted window: the strategies that adapt beat the one that replays the old rows
    const b = distributionShiftScenario({ nFeatures: 8, nOriginal: 600, nShifted: 400, seed: 5 });
    const champion = createMlp({ inputDim: 8, hiddenDims: [32, 16], outputDim: 2, seed: 5 });
    await trainFromScratch(champion, b.originalTrain, { profile: 'article' });
    const decision = engine.decide({
      data: { nNewSamples: 400, nHistoricalSamples: 600 },
      drift: { driftSeverity: 'severe' },
      constraints: { retainPriorPerformance: false },
    });
    const { model, result } = await raceStrategies({
      champion,
      decision,
      newData: b.shiftedTrain,
      oldData: b.originalTrain,
      race: 'all',
      maxForgetting: null,
      seed: 5,
    });
    const best = Math.max(...result.candidates.map((c) => c.accuracy));
    // the combined strategies replay the unshifted rows: on the shifted window they lose
    expect(result.candidates.filter((c) => c.verdict === 'worse').map((c) => c.strategy)).toContain(
      'retrain_warm_combined',
    );
    for (const c of result.candidates) {
      if (c.verdict === 'worse') {
        expect(c.pValueVsBest).toBeLessThan(0.05);
        expect(c.accuracy).toBeLessThan(best);
      }
    }
    const picked = result.candidates.find((c) => c.verdict === 'picked')!;
    expect(picked.pValueVsBest).toBeGreaterThanOrEqual(0.05);
    model.dispose();
    champion.dispose();
  });

  it('on too few validation rows a tie means "cannot tell": the engine\'s order breaks it', async () => {
    const a = newDataScenario({ nInitial: 400, nNew: 100, nTest: 50, nFeatures: 6, seed: 4 });
    const champion = createMlp({ inputDim: 6, hiddenDims: [16], outputDim: 2, seed: 4 });
    await trainFromScratch(champion, a.initial, { profile: 'article' });
    const decision = engine.decide({
      data: { nNewSamples: 100, nHistoricalSamples: 400 },
      drift: { driftSeverity: 'moderate' },
    });
    const { model, result } = await raceStrategies({
      champion,
      decision,
      newData: a.new,
      oldData: a.initial,
      seed: 4,
      refit: false,
    });
    expect(result.validationRows).toBe(20);
    expect(result.tieBreak).toBe('engine-order');
    // the first candidate in the engine's order that ties the best ships, whatever it costs
    const firstTied = result.candidates.find((c) => c.verdict === 'picked' || c.verdict === 'tied');
    expect(result.picked).toBe(firstTied?.strategy);
    expect(result.candidates[0]!.strategy).toBe(decision.primary.strategy);
    model.dispose();
    champion.dispose();
  });

  it('successive halving trains all briefly, then the best third in full, and says who was dropped', async () => {
    const b = distributionShiftScenario({ nFeatures: 8, nOriginal: 600, nShifted: 400, seed: 5 });
    const champion = createMlp({ inputDim: 8, hiddenDims: [32, 16], outputDim: 2, seed: 5 });
    await trainFromScratch(champion, b.originalTrain, { profile: 'article' });
    const decision = engine.decide({
      data: { nNewSamples: 400, nHistoricalSamples: 600 },
      drift: { driftSeverity: 'severe' },
      constraints: { retainPriorPerformance: false },
    });
    const tensors = tf.memory().numTensors;
    const started: string[] = [];
    const { model, result } = await raceStrategies({
      champion,
      decision,
      newData: b.shiftedTrain,
      oldData: b.originalTrain,
      race: 'all',
      maxForgetting: null,
      seed: 5,
      halving: true,
      refit: false,
      onCandidate: (s) => started.push(s),
    });
    // 7 candidates, eta 3: 7 brief runs, then ceil(7 / 3) = 3 in full
    expect(started).toHaveLength(10);
    expect(result.halving).toEqual({ eta: 3, briefSteps: 3333 });
    const dropped = result.candidates.filter((c) => c.verdict === 'dropped');
    expect(dropped).toHaveLength(4);
    const full = result.candidates.filter((c) => c.verdict !== 'dropped');
    expect(full).toHaveLength(3);
    expect(full.map((c) => c.strategy)).toContain(result.picked);
    // a brief run stops at a third of the production step limits
    for (const c of dropped) expect(c.steps).toBeLessThanOrEqual(3333);
    // the brief-run models were freed with the losers
    model.dispose();
    expect(tf.memory().numTensors).toBe(tensors);
    champion.dispose();
  });
});
