import { distributionShiftScenario, newClassScenario, newDataScenario } from '@rvft/data';
import { createMlp } from '@rvft/model';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { diagnose, recommend, trainFromScratch } from '../src/index';

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
});
