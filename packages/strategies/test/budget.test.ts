import { Dataset, newDataScenario } from '@rvft/data';
import { createMlp, TrunkHeadModel } from '@rvft/model';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import {
  applyStrategy,
  balancedReplay,
  fineTune,
  headOnlyProbe,
  lossAndAccuracy,
  planProduction,
  resolveClassWeights,
  STRATEGY_DEFAULTS,
  stepsPerEpoch,
  trainFromScratch,
  undertrained,
} from '../src/index';

const tiny = newDataScenario({ nInitial: 119, nNew: 40, nTest: 64, nFeatures: 4, seed: 9 });
const mlp = (inputDim = 4, outputDim = 2) =>
  createMlp({ inputDim, hiddenDims: [8], outputDim, seed: 3 });

describe('training budgets that fit the data', () => {
  it('steps per epoch skip a last batch of one example', () => {
    expect(stepsPerEpoch(119, 64)).toBe(2); // 64 + 55
    expect(stepsPerEpoch(129, 64)).toBe(2); // 64 + 64 + a single row, skipped
    expect(stepsPerEpoch(40, 64)).toBe(1);
  });

  it('the article profile gives 119 rows 20 steps, and says that is too few', async () => {
    const m = mlp();
    const r = await trainFromScratch(m, tiny.initial, { profile: 'article' });
    // 15 epochs × 2 steps
    expect(r).toMatchObject({ profile: 'article', epochs: 15, steps: 30, validationRows: 0 });
    expect(r.warnings.join(' ')).toMatch(/only 30 optimiser steps \(< 100\)/);
    m.dispose();
  });

  it('the production profile plans at least 300 steps on 119 rows', async () => {
    const m = mlp();
    const r = await trainFromScratch(m, tiny.initial);
    // 119 · 0.15 = 17 validation rows < 20: no split, the whole plan runs.
    // 300 / 2 steps an epoch = 150 epochs (more than 3 × the article's 15)
    expect(r).toMatchObject({
      profile: 'production',
      plannedEpochs: 150,
      epochs: 150,
      steps: 300,
      stopped: 'completed',
      validationRows: 0,
      samples: 119,
    });
    expect(r.warnings).toEqual([]);
    expect(r.stopDetail).toMatch(/ran the 150 planned epochs \(300 steps\)/);
    m.dispose();
  });

  it('a validation split is carved when it has 20 rows or more, and early stopping may cut the plan', () => {
    const data = newDataScenario({ nInitial: 400, nNew: 10, nTest: 10, nFeatures: 4, seed: 1 });
    const plan = planProduction(data.initial, { articleEpochs: 10, batchSize: 64, seed: 's' });
    expect(plan.validation?.nRows).toBe(60); // 15 % of each class of 200
    expect(plan.train.nRows).toBe(340);
    expect(plan.stepsPerEpoch).toBe(6); // 5 × 64 + 20
    // max(3 × 10, ⌈300 / 6⌉ = 50) epochs; patience ⌈100 / 6⌉ = 17 epochs
    expect(plan.epochs).toBe(50);
    expect(plan.patience).toBe(17);
    // the cap: at most 10,000 steps
    const capped = planProduction(data.initial, {
      articleEpochs: 10,
      batchSize: 64,
      seed: 's',
      budget: { minSteps: 1e6 },
    });
    expect(capped.epochs).toBe(Math.floor(10_000 / 6));
  });

  it('the defaults table is the one the strategies use', async () => {
    const m = mlp();
    const r = await fineTune(m, tiny.new, { profile: 'article' });
    expect(r.learningRate).toBe(STRATEGY_DEFAULTS.fine_tune_head_only.learningRate);
    expect(r.epochs).toBe(STRATEGY_DEFAULTS.fine_tune_head_only.epochs);
    m.dispose();
  });
});

describe('replay and the starting weights', () => {
  it('balanced replay repeats the new rows until both sides weigh the same', () => {
    const old = new Dataset({
      features: new Float32Array(10),
      labels: new Array(10).fill(0),
      nFeatures: 1,
    });
    const fresh = new Dataset({ features: [1, 2, 3], labels: [1, 1, 1], nFeatures: 1 });
    const mixed = balancedReplay(old, fresh, 's');
    // 10 old rows, then the 3 new ones 3 times and 1 more: 10 + 10
    expect(mixed.nRows).toBe(20);
    expect(mixed.classCounts()).toEqual([10, 10]);
    expect(balancedReplay(fresh, old, 's').nRows).toBe(13); // more new than old: plain concat
  });

  it('a warm start that cannot beat its starting weights on the validation rows keeps them', async () => {
    const data = newDataScenario({ nInitial: 400, nNew: 10, nTest: 10, nFeatures: 4, seed: 2 });
    const m = mlp();
    await trainFromScratch(m, data.initial, { profile: 'article' });
    const before = m.snapshot();
    // a learning rate so large every step makes things worse
    const r = await fineTune(m, data.initial, { mode: 'full_network', learningRate: 50 });
    expect(r.bestEpoch).toBe(-1);
    expect(r.stopDetail).toMatch(/kept them/);
    expect(m.snapshot()).toEqual(before);
    m.dispose();
  });
});

describe('six strategies, six computations', () => {
  it('scratch trains fresh weights on the new rows, cold combined on old + new', async () => {
    const old = tiny.initial;
    const fresh = tiny.new;
    const m = mlp();
    await trainFromScratch(m, old, { profile: 'article' });
    const champion = m.snapshot();
    const scratch = await applyStrategy('train_from_scratch', m, fresh, {
      oldData: old,
      profile: 'article',
    });
    const scratchWeights = m.snapshot();
    m.restore(champion);
    const cold = await applyStrategy('retrain_cold_combined', m, fresh, {
      oldData: old,
      profile: 'article',
    });
    expect(scratch.samples).toBe(40);
    expect(cold.samples).toBe(159);
    expect(scratch.warmStart || cold.warmStart).toBe(false);
    // same initial weights (same seed), different data: the trained models differ
    expect(m.snapshot().trunk[0]!.values).not.toEqual(scratchWeights.trunk[0]!.values);
    m.dispose();
  });

  it('strategies that start fresh refit the input scaler on their rows; the others keep it', async () => {
    const shifted = new Dataset({
      features: Array.from(tiny.new.features, (x, i) => x * 10 + (i % 4) * 100),
      labels: tiny.new.labels,
      nFeatures: 4,
    });
    const m = mlp();
    m.setInputScaler({ mean: [0, 0, 0, 0], scale: [1, 1, 1, 1] });
    const kept = await applyStrategy('fine_tune_full_network', m, shifted, { profile: 'article' });
    expect(kept.scaler).toBe('kept');
    expect([...m.inputScaler!.mean]).toEqual([0, 0, 0, 0]);
    const refit = await applyStrategy('train_from_scratch', m, shifted, { profile: 'article' });
    expect(refit.scaler).toBe('refit');
    const stats = shifted.featureStatistics();
    [...m.inputScaler!.mean].forEach((v, j) => {
      expect(v).toBeCloseTo(stats.mean[j]!, 3);
    });
    m.dispose();
  });
});

describe('class weights', () => {
  it("'balanced' is n / (k · n_c), scikit-learn's definition", () => {
    const d = new Dataset({
      features: new Float32Array(8),
      labels: [0, 0, 0, 0, 0, 0, 1, 1],
      nFeatures: 1,
    });
    // 8 / (2 · 6) and 8 / (2 · 2); an output with no example weighs 1
    const w = resolveClassWeights('balanced', d, 3);
    expect(w[0]).toBeCloseTo(2 / 3, 12);
    expect(w[1]).toBe(2);
    expect(w[2]).toBe(1);
    expect(() => resolveClassWeights([1, 2], d, 3)).toThrow(/3 weights/);
    expect(() => resolveClassWeights([1, -1, 1], d, 3)).toThrow(/weight 1 is -1/);
  });

  it('weight the loss as Σ w_y·ce / Σ w_y, computed by hand', () => {
    // identity trunk, a head whose logits are the two inputs themselves
    const trunk = tfl.sequential({
      layers: [tfl.layers.activation({ activation: 'linear', inputShape: [2] })],
    });
    const head = tfl.sequential({
      layers: [tfl.layers.dense({ units: 2, inputShape: [2], useBias: false })],
    });
    head.layers[0]!.setWeights([tf.tensor2d([1, 0, 0, 1], [2, 2])]);
    const model = new TrunkHeadModel(trunk, head);
    // rows: logits (2, 0) label 0; (0, 1) label 0; (1, 1) label 1
    const d = new Dataset({ features: [2, 0, 0, 1, 1, 1], labels: [0, 0, 1], nFeatures: 2 });
    const ce = [Math.log(1 + Math.exp(-2)), Math.log(1 + Math.exp(1)), Math.log(2)];
    const plain = lossAndAccuracy(model, d).loss;
    expect(plain).toBeCloseTo((ce[0]! + ce[1]! + ce[2]!) / 3, 5);
    const weighted = lossAndAccuracy(model, d, { classWeights: [1, 4] }).loss;
    expect(weighted).toBeCloseTo((ce[0]! + ce[1]! + 4 * ce[2]!) / 6, 5);
    expect(weighted).not.toBeCloseTo(plain, 2);
    model.dispose();
  });

  it('a weighted run records its weights and trains', async () => {
    const m = mlp();
    const r = await fineTune(m, tiny.initial, { profile: 'article', classWeights: 'balanced' });
    expect(r.classWeights).toHaveLength(2);
    m.dispose();
  });
});

describe('undertrained', () => {
  it('too few steps', () => {
    expect(undertrained({ steps: 20, epochs: 10, stopped: 'completed' })).toEqual({
      value: true,
      why: 'trained only 20 optimiser steps (< 100)',
    });
  });

  it('early stopping means converged', () => {
    expect(
      undertrained({ steps: 500, epochs: 30, stopped: 'early-stopping', valLosses: [3, 2, 1] })
        .value,
    ).toBe(false);
  });

  it('a validation loss still falling when the epochs ran out', () => {
    // 8 epochs, last quarter = 2: best before 0.5, best after 0.4 → 20 % gain
    const still = undertrained({
      steps: 400,
      epochs: 8,
      stopped: 'completed',
      valLosses: [1, 0.9, 0.8, 0.7, 0.6, 0.5, 0.45, 0.4],
    });
    expect(still.value).toBe(true);
    expect(still.why).toMatch(/fell by 20\.0 % over the last 2 of 8 epochs/);
    const flat = undertrained({
      steps: 400,
      epochs: 8,
      stopped: 'completed',
      valLosses: [1, 0.5, 0.4, 0.4, 0.4, 0.4, 0.399, 0.398],
    });
    expect(flat.value).toBe(false); // 0.5 % < 1 %
  });
});

describe('the head-only probe', () => {
  it('cross-validates a small split: every row is tested once, and the model is left as it was', async () => {
    const m = mlp();
    await trainFromScratch(m, tiny.initial, { profile: 'article' });
    const before = m.snapshot();
    const r = await headOnlyProbe(m, tiny.new, { profile: 'article', seed: 1 });
    expect(r.folds).toBe(5);
    expect(r.nTested).toBe(40);
    expect(r.correct).toBe(Math.round(r.accuracy * 40));
    expect(m.snapshot()).toEqual(before);
    m.dispose();
  });
});
