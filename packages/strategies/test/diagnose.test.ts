import { Dataset, distributionShiftScenario, newClassScenario, newDataScenario } from '@rvft/data';
import { createMlp } from '@rvft/model';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { diagnose, evaluate, recommend, trainFromScratch } from '../src/index';

describe('diagnose', () => {
  it('scenario B: measures the shift and recommends head-only when the new distribution replaces the old', async () => {
    const b = distributionShiftScenario({ seed: 42 });
    const champion = createMlp({ inputDim: 20, hiddenDims: [128, 64], outputDim: 2, seed: 42 });
    await trainFromScratch(champion, b.originalTrain, { epochs: 8 });
    const before = champion.snapshot();
    const tensors = tf.memory().numTensors;
    const r = await recommend({
      champion,
      oldData: b.originalTest,
      newData: b.shiftedTrain,
      constraints: { retainPriorPerformance: false },
    });
    expect(tf.memory().numTensors).toBe(tensors);
    expect(champion.snapshot()).toEqual(before); // not modified
    expect(r.signals.data).toMatchObject({
      nNewSamples: 500,
      nHistoricalSamples: 400,
      newClassesAdded: false,
    });
    expect(r.signals.model!.accuracyOnNewData).toBeLessThan(0.6);
    expect(r.signals.model!.currentAccuracy).toBeGreaterThan(0.95);
    expect(r.signals.model!.transferQuality).toBeGreaterThan(0.9);
    expect(r.signals.drift!.driftSeverity).toBe('severe');
    expect(r.evidence.featureDrift).toMatchObject({ drifted: true, driftShare: 1 });
    expect(r.decision.primary.strategy).toBe('fine_tune_head_only');
    champion.dispose();
  });

  it('scenario C: finds the labels the champion cannot output and asks for head expansion', async () => {
    const c = newClassScenario({ seed: 42 });
    const champion = createMlp({ inputDim: 20, hiddenDims: [64, 32], outputDim: 3, seed: 42 });
    await trainFromScratch(champion, c.originalTrain, { epochs: 6 });
    const r = await recommend({ champion, oldData: c.originalTrain, newData: c.newTrain });
    expect(r.evidence.newLabels).toEqual([3, 4]);
    expect(r.signals.data).toMatchObject({
      newClassesAdded: true,
      nNewClasses: 2,
      nHistoricalSamples: 900,
    });
    expect(r.signals.model).toMatchObject({ architectureFits: false, accuracyOnNewData: 0 });
    expect(r.decision.primary.strategy).toBe('retrain_warm_combined');
    expect(r.decision.primary.expandHead).toBe(2);
    champion.dispose();
  });

  it('scenario A: no drift, nothing to gain → the cheapest update; without old data, no history', async () => {
    const a = newDataScenario({ seed: 42 });
    const champion = createMlp({ inputDim: 20, hiddenDims: [64, 32], outputDim: 2, seed: 42 });
    await trainFromScratch(champion, a.initial, { epochs: 6 });
    const r = await recommend({ champion, oldData: a.test, newData: a.new });
    expect(r.signals.drift!.driftSeverity).toBe('none');
    expect(r.evidence.featureDrift!.drifted).toBe(false);
    expect(r.decision.primary.strategy).toBe('fine_tune_head_only');
    const alone = await diagnose({ champion, newData: a.new });
    expect(alone.signals.data.nHistoricalSamples).toBe(0);
    expect(alone.signals.constraints).toMatchObject({ canStoreHistorical: false });
    expect(alone.evidence.featureDrift).toBeUndefined();
    champion.dispose();
  });

  it('a drop of 3 rows in 20 on unchanged data is not drift: too few rows to tell', async () => {
    const a = newDataScenario({ seed: 4, nFeatures: 8 });
    const champion = createMlp({ inputDim: 8, hiddenDims: [16], outputDim: 2, seed: 4 });
    await trainFromScratch(champion, a.initial, { profile: 'article' });
    // rows the champion gets right and wrong, from the same distribution it was trained on
    const p = champion.probabilities(a.new);
    const right: number[] = [];
    const wrong: number[] = [];
    for (let i = 0; i < a.new.nRows; i++) {
      const pred = (p[2 * i + 1] as number) > (p[2 * i] as number) ? 1 : 0;
      (pred === a.new.labels[i] ? right : wrong).push(i);
    }
    expect(wrong.length).toBeGreaterThanOrEqual(3);
    const oldTest = a.new.subset(right.slice(0, 20)); // 20 / 20
    const newData = a.new.subset([...right.slice(20, 37), ...wrong.slice(0, 3)]); // 17 / 20
    expect(evaluate(champion, newData).accuracy).toBe(0.85);
    const r = await recommend({ champion, oldData: a.initial, oldTest, newData });
    // 15 points would be "severe" — but Wilson 20/20 is [0.839, 1] and 17/20 [0.640, 0.948]:
    // Newcombe's interval for the difference, 0.15 ± ~0.26, straddles 0
    expect(r.evidence.accuracyOnOldData).toMatchObject({ correct: 20, n: 20 });
    expect(r.evidence.accuracyOnNewData).toMatchObject({ correct: 17, n: 20 });
    expect(r.evidence.accuracyDrop!.estimate).toBeCloseTo(0.15, 12);
    expect(r.evidence.accuracyDrop!.significant).toBe(false);
    expect(r.evidence.accuracyDrop!.lower).toBeLessThan(0);
    expect(r.evidence.severityFromAccuracy).toBe('none');
    expect(r.signals.drift).toMatchObject({ accuracyDropSignificant: false });
    expect(r.signals.model!.counts).toMatchObject({ currentAccuracy: 20, accuracyOnNewData: 20 });
    expect(r.decision.firedRules).not.toContain('drift-with-history');
    expect(r.decision.primary.warnings.join(' ')).toMatch(/fewer than 100 rows/);
    champion.dispose();
  });

  it('the same drop on 400 rows each is significant and is drift', async () => {
    const a = newDataScenario({ seed: 4, nFeatures: 8 });
    const champion = createMlp({ inputDim: 8, hiddenDims: [16], outputDim: 2, seed: 4 });
    await trainFromScratch(champion, a.initial, { profile: 'article' });
    // a synthetic new window: the same rows with labels flipped on 15 % of them
    const n = a.test.nRows;
    const flip = new Int32Array(a.test.labels);
    for (let i = 0; i < Math.round(n * 0.15); i++) flip[i] = 1 - (flip[i] as number);
    const newData = new Dataset({ features: a.test.features, labels: flip, nFeatures: 8 });
    const r = await diagnose({ champion, oldData: a.initial, oldTest: a.test, newData });
    expect(r.evidence.accuracyDrop!.significant).toBe(true);
    expect(r.signals.drift!.driftSeverity).not.toBe('none');
    champion.dispose();
  });
});
