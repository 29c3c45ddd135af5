import { Dataset, distributionShiftScenario, newDataScenario } from '@rvft/data';
import { createMlp, type ModelSnapshot, type TrunkHeadModel } from '@rvft/model';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  Adam,
  evaluate,
  FineTuneMode,
  fineTune,
  linearProbe,
  lossAndAccuracy,
  RetrainMode,
  retrain,
  trainFromScratch,
  trainLoop,
} from '../src/index';

const small = newDataScenario({ nInitial: 256, nNew: 128, nTest: 128, nFeatures: 8, seed: 3 });
const mlp = (outputDim = 2, seed = 42) =>
  createMlp({ inputDim: 8, hiddenDims: [16, 8], outputDim, seed });

/** Weights (not BatchNorm buffers) of the trunk, by stable name. */
function trunkParams(s: ModelSnapshot) {
  return s.trunk.filter((w) => !/moving_/.test(w.name));
}
function trunkBuffers(s: ModelSnapshot) {
  return s.trunk.filter((w) => /moving_/.test(w.name));
}

async function champion(): Promise<TrunkHeadModel> {
  const m = mlp();
  await trainFromScratch(m, small.initial, { epochs: 3 });
  return m;
}

describe('fine-tuning', () => {
  it('head-only leaves every trunk weight bit-identical and changes the head', async () => {
    const m = await champion();
    const before = m.snapshot();
    const r = await fineTune(m, small.new, { epochs: 2 });
    const after = m.snapshot();
    expect(trunkParams(after)).toEqual(trunkParams(before));
    expect(after.head[0]!.values).not.toEqual(before.head[0]!.values);
    // PyTorch semantics: BatchNorm running statistics still follow the new batches
    expect(trunkBuffers(after)).not.toEqual(trunkBuffers(before));
    expect(r).toMatchObject({
      strategy: 'fine_tune_head_only',
      mode: 'head_only',
      trunkFrozen: true,
      warmStart: true,
      paramsTrained: 8 * 2 + 2,
      epochs: 2,
      samples: 128,
      stopped: 'completed',
      // head-only's default rate, and the default batch: 128 rows → 2 steps an epoch
      learningRate: 0.01,
      batchSize: 64,
      steps: 4,
    });
    expect(r.backend).toMatch(/wasm|cpu|tensorflow/);
    expect(m.trunkIsFrozen).toBe(false); // unfrozen again afterwards
    m.dispose();
  });

  it('full fine-tuning changes the trunk', async () => {
    const m = await champion();
    const before = m.snapshot();
    const r = await fineTune(m, small.new, { mode: FineTuneMode.FullNetwork, epochs: 1 });
    expect(trunkParams(m.snapshot())).not.toEqual(trunkParams(before));
    expect(r).toMatchObject({
      strategy: 'fine_tune_full_network',
      trunkFrozen: false,
      paramsTrained: m.countParams(),
    });
    m.dispose();
  });

  it('gradual unfreezing goes head first, then blocks top down, at falling learning rates', async () => {
    const m = await champion();
    const r = await fineTune(m, small.new, {
      mode: FineTuneMode.GradualUnfreeze,
      epochs: 3,
      learningRate: 0.01,
    });
    expect(r.stages!.map((s) => s.trainableBlocks)).toEqual([0, 1, 2]);
    const lrs = r.stages!.map((s) => s.learningRate);
    expect(lrs[0]).toBe(0.01);
    expect(lrs[1]).toBeCloseTo(0.01 / 2.6, 12);
    expect(lrs[2]).toBeCloseTo(0.01 / 2.6 ** 2, 12);
    const params = r.stages!.map((s) => s.paramsTrained);
    // head 18; + block 2 (16·8+8 + 2·8 = 152); + block 1 (8·16+16 + 2·16 = 176)
    expect(params).toEqual([18, 18 + 152, 18 + 152 + 176]);
    expect(r.epochs).toBe(3);
    expect(m.trunkIsFrozen).toBe(false);
    m.dispose();
  });

  it('an unknown mode is refused and the trunk is unfrozen anyway', async () => {
    const m = mlp();
    m.freezeTrunk();
    await expect(fineTune(m, small.new, { mode: 'sideways' as never })).rejects.toThrow(
      /mode must be one of/,
    );
    expect(m.trunkIsFrozen).toBe(false);
    m.dispose();
  });
});

describe('retraining', () => {
  it('cold start re-initialises; warm start keeps the weights', async () => {
    const m = await champion();
    const trained = m.snapshot();
    const fresh = mlp(2, 7).snapshot();
    // a learning rate too small to move anything isolates the starting point
    const tiny = { epochs: 1, learningRate: 1e-12, weightDecay: 0 };
    await retrain(m, small.new, {
      mode: RetrainMode.ColdCombined,
      oldData: small.initial,
      initSeed: 7,
      ...tiny,
    });
    const cold = m.snapshot();
    expect(trunkParams(cold)[0]!.values).toEqual(trunkParams(fresh)[0]!.values);
    m.restore(trained);
    const r = await retrain(m, small.new, { mode: RetrainMode.WarmNewOnly, ...tiny });
    expect(trunkParams(m.snapshot())[0]!.values).toEqual(trunkParams(trained)[0]!.values);
    expect(r).toMatchObject({ strategy: 'retrain_warm_new_only', warmStart: true, samples: 128 });
    m.dispose();
  });

  it('combined modes train on old + new and say so when old data is missing', async () => {
    const m = await champion();
    // production profile: each side gives 15 % of each class to validation — old 256 rows
    // (128 a class: round(128 · 0.85) = 109 train) → 218 + 38, new 128 (64 a class: 54) →
    // 108 + 20 — then the new rows are replayed until both sides weigh the same: 218 + 218
    // training rows, 38 + 38 validation rows
    const r = await retrain(m, small.new, { oldData: small.initial, epochs: 1 });
    expect(r).toMatchObject({
      strategy: 'retrain_warm_combined',
      samples: 436,
      validationRows: 76,
      profile: 'production',
    });
    // proportional replay concatenates: 218 + 108 and 38 + 20
    const plain = await retrain(m, small.new, {
      oldData: small.initial,
      epochs: 1,
      replay: 'proportional',
    });
    expect(plain).toMatchObject({ samples: 326, validationRows: 58 });
    await expect(retrain(m, small.new, { mode: RetrainMode.ColdCombined })).rejects.toThrow(
      /mode 'cold_combined' trains on old \+ new data and needs opts.oldData/,
    );
    m.dispose();
  });

  it('trainFromScratch re-initialises from its seed: two runs give identical models', async () => {
    const a = mlp(2, 1);
    const b = mlp(2, 2);
    await trainFromScratch(a, small.initial, { epochs: 2, seed: 5 });
    await trainFromScratch(b, small.initial, { epochs: 2, seed: 5 });
    expect(b.snapshot()).toEqual(a.snapshot());
    a.dispose();
    b.dispose();
  });
});

describe('the training loop', () => {
  it('loss decreases on a separable set', async () => {
    const m = mlp();
    const r = await trainFromScratch(m, small.initial, { epochs: 5, profile: 'article' });
    expect(r.losses).toHaveLength(5);
    expect(r.losses[4]!).toBeLessThan(r.losses[0]! * 0.5);
    expect(evaluate(m, small.test).accuracy).toBeGreaterThan(0.9);
    m.dispose();
  });

  it('abort stops within one batch and leaves the model usable', async () => {
    const m = mlp();
    const controller = new AbortController();
    const r = await trainFromScratch(m, small.initial, {
      epochs: 5,
      batchSize: 16,
      signal: controller.signal,
      onBatchEnd: (step) => {
        if (step === 3) controller.abort();
      },
    });
    expect(r.stopped).toBe('aborted');
    expect(r.steps).toBe(3);
    expect(r.epochs).toBe(0);
    for (const w of m.snapshot().trunk) expect(w.values.every(Number.isFinite)).toBe(true);
    expect(evaluate(m, small.test).n).toBe(128);
    m.dispose();
  });

  it('reports every epoch and stops early when validation loss stops improving', async () => {
    const m = mlp();
    const seen: number[] = [];
    const r = await trainFromScratch(m, small.initial, {
      epochs: 40,
      learningRate: 0.05,
      validation: small.test,
      earlyStopping: { patience: 2 },
      onEpochEnd: (info) => {
        seen.push(info.epoch);
        expect(info.valAccuracy).toBeGreaterThanOrEqual(0);
      },
    });
    expect(r.stopped).toBe('early-stopping');
    expect(r.epochs).toBeLessThan(40);
    expect(seen).toEqual(Array.from({ length: r.epochs }, (_, i) => i));
    // restored to the best epoch: the final validation loss is the minimum seen
    expect(lossAndAccuracy(m, small.test).loss).toBeCloseTo(Math.min(...r.valLosses!), 4);
    m.dispose();
  });

  it('refuses data the model cannot take', async () => {
    const m = mlp();
    const three = new Dataset({ features: new Float32Array(16), labels: [0, 2], nFeatures: 8 });
    await expect(trainLoop(m, three, { epochs: 1, learningRate: 0.1 })).rejects.toThrow(
      /label 2 but the model has 2 outputs \(expandHead first\)/,
    );
    await expect(trainLoop(m, small.new, { epochs: 0, learningRate: 0.1 })).rejects.toThrow(
      /epochs/,
    );
    m.dispose();
  });

  it('leaks no tensor across whole runs of every strategy', async () => {
    const m = mlp();
    const before = tf.memory().numTensors;
    await trainFromScratch(m, small.initial, { epochs: 1 });
    await fineTune(m, small.new, { epochs: 1 });
    await fineTune(m, small.new, { mode: FineTuneMode.GradualUnfreeze, epochs: 3 });
    await retrain(m, small.new, { oldData: small.initial, epochs: 1 });
    await linearProbe(m, small.new, { epochs: 2 });
    evaluate(m, small.test);
    expect(tf.memory().numTensors).toBe(before);
    m.dispose();
  });
});

describe('Adam', () => {
  it('matches torch.optim.Adam on hand-computed steps', () => {
    const p = tf.variable(tf.scalar(1));
    const adam = new Adam({ learningRate: 0.5, weightDecay: 0.5 });
    // step 1: g = 2 + 0.5·1 = 2.5; m = 0.25, v = 0.00625; m̂ = 2.5, v̂ = 6.25 → p −= 0.5·2.5/2.5
    adam.step([p], [tf.scalar(2)]);
    expect(p.dataSync()[0]).toBeCloseTo(0.5, 6);
    // step 2: g = 2 + 0.25 = 2.25; m = 0.9·0.25 + 0.225 = 0.45; v = 0.999·0.00625 + 0.001·5.0625
    const m = 0.45;
    const v = 0.999 * 0.00625 + 0.001 * 2.25 ** 2;
    const expected = 0.5 - (0.5 * (m / (1 - 0.81))) / (Math.sqrt(v / (1 - 0.999 ** 2)) + 1e-8);
    adam.step([p], [tf.scalar(2)]);
    expect(p.dataSync()[0]).toBeCloseTo(expected, 5);
    expect(adam.stateSize).toBe(1);
    const other = tf.variable(tf.scalar(0));
    expect(() => adam.step([other], [tf.scalar(1)])).toThrow(/same variables every time/);
    other.dispose();
    adam.dispose();
    p.dispose();
  });
});

describe('Adam over several variables', () => {
  it('the flat update equals per-variable Adam, with clipping before weight decay', () => {
    const shapes = [[3, 2], [2], [4]];
    const init = shapes.map((s, i) => tf.randomNormal(s, 0, 1, 'float32', i));
    const grads = shapes.map((s, i) => tf.randomNormal(s, 0, 3, 'float32', 10 + i));
    const together = init.map((t) => tf.variable(t.clone()));
    const alone = init.map((t) => tf.variable(t.clone()));
    // clip by hand: ‖g‖ over all three, then each alone with clipNorm null
    const norm = Math.sqrt(
      grads.reduce((s, g) => s + (tf.sum(tf.square(g)).dataSync()[0] as number), 0),
    );
    const scale = Math.min(1, 1 / (norm + 1e-6));
    const a = new Adam({ learningRate: 0.1, weightDecay: 0.01 });
    a.step(together, grads, { clipNorm: 1 });
    a.step(together, grads, { clipNorm: 1 });
    alone.forEach((v, i) => {
      const single = new Adam({ learningRate: 0.1, weightDecay: 0.01 });
      const g = tf.mul(grads[i]!, scale);
      single.step([v], [g]);
      single.step([v], [g]);
      single.dispose();
      expect([...v.dataSync()].map((x) => x.toFixed(5))).toEqual(
        [...together[i]!.dataSync()].map((x) => x.toFixed(5)),
      );
    });
    expect(a.stateSize).toBe(6 + 2 + 4);
    a.dispose();
    tf.dispose([...init, ...grads, ...together, ...alone]);
  });
});

describe('linear probe and the reference behaviour, in small', () => {
  const b = distributionShiftScenario({
    nFeatures: 10,
    nOriginal: 400,
    nShifted: 200,
    nTest: 200,
    seed: 11,
  });

  it('head-only fine-tuning after a shift recovers the accuracy the shift destroyed', async () => {
    const m = createMlp({ inputDim: 10, hiddenDims: [32, 16], outputDim: 2, seed: 42 });
    await trainFromScratch(m, b.originalTrain, { epochs: 8, profile: 'article' });
    expect(evaluate(m, b.originalTest).accuracy).toBeGreaterThan(0.9);
    expect(evaluate(m, b.shiftedTest).accuracy).toBeLessThan(0.65); // near chance
    const probe = await linearProbe(m, b.shiftedTrain);
    expect(probe.nHoldout).toBe(60);
    await fineTune(m, b.shiftedTrain, { epochs: 8, profile: 'article' });
    expect(evaluate(m, b.shiftedTest).accuracy).toBeGreaterThan(0.9);
    m.dispose();
  });

  it('the linear probe does not modify the model', async () => {
    const m = createMlp({ inputDim: 10, hiddenDims: [16], outputDim: 2, seed: 1 });
    const before = m.snapshot();
    const r = await linearProbe(m, b.shiftedTrain, { epochs: 5 });
    expect(m.snapshot()).toEqual(before);
    expect(r.accuracy).toBeGreaterThan(0.5);
    expect(r.nTrain + r.nHoldout).toBe(200);
    m.dispose();
  });
});
