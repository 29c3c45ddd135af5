import { BatchIterator, newDataScenario } from '@rvft/data';
import { createMlp, type ModelSnapshot, type TrunkHeadModel } from '@rvft/model';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  Adam,
  discriminativeScales,
  learningRateAt,
  lrFind,
  TrainingProfile,
  type TrainOptions,
  trainFromScratch,
  trainLoop,
} from '../src/index';

const small = newDataScenario({ nInitial: 256, nNew: 128, nTest: 128, nFeatures: 8, seed: 3 });
const mlp = (seed = 42) => createMlp({ inputDim: 8, hiddenDims: [16, 8], outputDim: 2, seed });

const values = (s: ModelSnapshot) => [...s.trunk, ...s.head].map((w) => Array.from(w.values));

/**
 * Largest |after − before| over the weights whose stable name matches `pattern` (names are
 * per part: the head's kernel is `0.Dense/kernel` like the trunk's first).
 */
function maxDelta(
  before: ModelSnapshot,
  after: ModelSnapshot,
  pattern: RegExp,
  part?: 'trunk' | 'head',
): number {
  const b = part ? before[part] : [...before.trunk, ...before.head];
  const a = part ? after[part] : [...after.trunk, ...after.head];
  let m = 0;
  b.forEach((w, i) => {
    if (!pattern.test(w.name)) return;
    w.values.forEach((v, j) => {
      m = Math.max(m, Math.abs((a[i]!.values[j] as number) - v));
    });
  });
  return m;
}

describe('learningRateAt', () => {
  it('warms up linearly over round(fraction · steps) steps, then holds or decays', () => {
    // 20 steps, 10 % warmup: W = 2
    const lin = { warmupFraction: 0.1, decay: 'linear' } as const;
    expect(learningRateAt(lin, 1, 1, 20)).toBe(0.5);
    expect(learningRateAt(lin, 1, 2, 20)).toBe(1);
    // after warmup p = (step − 3) / 18
    expect(learningRateAt(lin, 1, 3, 20)).toBe(1);
    expect(learningRateAt(lin, 1, 12, 20)).toBe(0.5);
    expect(learningRateAt(lin, 1, 20, 20)).toBeCloseTo(1 / 18, 12);
    const cos = { warmupFraction: 0.1, decay: 'cosine' } as const;
    expect(learningRateAt(cos, 2, 12, 20)).toBeCloseTo(1, 12);
    // p = 3/18 = 1/6: (1 + cos 30°) / 2
    expect(learningRateAt(cos, 1, 6, 20)).toBeCloseTo((1 + Math.sqrt(3) / 2) / 2, 12);
    const flat = { warmupFraction: 0.25, decay: 'constant' } as const;
    expect([1, 2, 3, 4, 5, 8].map((s) => learningRateAt(flat, 0.01, s, 8))).toEqual([
      0.005, 0.01, 0.01, 0.01, 0.01, 0.01,
    ]);
    // no warmup, no decay: the base rate at every step
    expect(learningRateAt({}, 0.003, 7, 10)).toBe(0.003);
    // a tiny fraction still warms up for one step; a whole one never decays
    expect(learningRateAt({ warmupFraction: 0.001 }, 1, 1, 10)).toBe(1);
    expect(learningRateAt({ warmupFraction: 1, decay: 'linear' }, 1, 5, 10)).toBe(0.5);
  });

  it('refuses a fraction outside [0, 1] and an unknown decay', () => {
    expect(() => learningRateAt({ warmupFraction: 1.5 }, 1, 1, 10)).toThrow(/warmupFraction/);
    // @ts-expect-error — not a decay
    expect(() => learningRateAt({ decay: 'step' }, 1, 1, 10)).toThrow(/decay/);
  });
});

describe('trainLoop schedules and discriminative rates', () => {
  it('default training is the plain Adam loop it always was, bit for bit', async () => {
    const m = mlp();
    await trainLoop(m, small.initial, { epochs: 2, learningRate: 0.01, clipNorm: 1 });
    // the same loop written out: seeded batches, cross-entropy, Adam with L2 1e-4, clip 1
    const ref = mlp();
    const adam = new Adam({ learningRate: 0.01, weightDecay: 1e-4 });
    const vars = ref.trainableVariables();
    const it = new BatchIterator(small.initial, { batchSize: 64, seed: 42 });
    for (let e = 0; e < 2; e++) {
      for (const b of it.epoch(e)) {
        tf.tidy(() => {
          const x = tf.tensor2d(b.features, [b.size, 8]);
          const y = tf.oneHot(tf.tensor1d(b.labels, 'int32'), 2);
          const { grads } = tf.variableGrads(
            () => tf.losses.softmaxCrossEntropy(y, ref.forward(x, true)) as tf.Scalar,
            vars,
          );
          adam.step(
            vars,
            vars.map((v) => grads[v.name]!),
            { clipNorm: 1 },
          );
        });
      }
    }
    adam.dispose();
    expect(values(m.snapshot())).toEqual(values(ref.snapshot()));
  });

  it('neutral options (no warmup, constant, factor 1) change nothing', async () => {
    const base: TrainOptions = { epochs: 2, learningRate: 0.01, clipNorm: 1 };
    const a = mlp();
    await trainLoop(a, small.initial, base);
    const b = mlp();
    await trainLoop(b, small.initial, {
      ...base,
      schedule: { warmupFraction: 0, decay: 'constant' },
      discriminative: 1,
    });
    expect(values(b.snapshot())).toEqual(values(a.snapshot()));
  });

  it('runs the first step at the warmed-up rate', async () => {
    // 256 rows / 64 = 4 steps per epoch, 2 epochs: 8 steps, 25 % warmup = 2 → step 1 at lr/2.
    // Adam's first step moves a parameter by lr · g / (|g| + ε) ≈ lr whatever its gradient.
    const m = mlp();
    const before = m.snapshot();
    let first: ModelSnapshot | undefined;
    await trainLoop(m, small.initial, {
      epochs: 2,
      learningRate: 0.01,
      weightDecay: 0,
      schedule: { warmupFraction: 0.25 },
      onBatchEnd: (s) => {
        if (s === 1) first = m.snapshot();
      },
    });
    expect(maxDelta(before, first!, /kernel/)).toBeCloseTo(0.005, 5);
    const plain = mlp();
    let plainFirst: ModelSnapshot | undefined;
    await trainLoop(plain, small.initial, {
      epochs: 2,
      learningRate: 0.01,
      weightDecay: 0,
      onBatchEnd: (s) => {
        if (s === 1) plainFirst = plain.snapshot();
      },
    });
    expect(maxDelta(before, plainFirst!, /kernel/)).toBeCloseTo(0.01, 5);
  });

  it('gives each trunk block below the head its rate divided by the factor', async () => {
    const m = mlp();
    // trunk blocks [dense 16, BN, relu], [dense 8, BN, relu]; then the head
    const scales = discriminativeScales(m, 2);
    expect(scales).toEqual([0.25, 0.25, 0.25, 0.25, 0.5, 0.5, 0.5, 0.5, 1, 1]);
    const before = m.snapshot();
    let first: ModelSnapshot | undefined;
    await trainLoop(m, small.initial, {
      epochs: 1,
      learningRate: 0.01,
      weightDecay: 0,
      discriminative: 2,
      onBatchEnd: (s) => {
        if (s === 1) first = m.snapshot();
      },
    });
    const names = before.trunk.map((w) => w.name).filter((n) => /kernel/.test(n));
    expect(names).toHaveLength(2);
    const at = (name: string) => maxDelta(before, first!, new RegExp(`^${name}$`), 'trunk');
    expect(at(names[0]!)).toBeCloseTo(0.0025, 5);
    expect(at(names[1]!)).toBeCloseTo(0.005, 5);
    expect(maxDelta(before, first!, /kernel/, 'head')).toBeCloseTo(0.01, 5);
  });

  it('refuses a factor below 1 and a bad schedule before training', async () => {
    const m = mlp();
    const before = values(m.snapshot());
    await expect(
      trainLoop(m, small.initial, { epochs: 1, learningRate: 0.01, discriminative: 0.5 }),
    ).rejects.toThrow(/discriminative/);
    await expect(
      trainLoop(m, small.initial, {
        epochs: 1,
        learningRate: 0.01,
        schedule: { warmupFraction: -0.1 },
      }),
    ).rejects.toThrow(/warmupFraction/);
    expect(values(m.snapshot())).toEqual(before);
  });
});

describe('lrFind', () => {
  async function champion(): Promise<TrunkHeadModel> {
    const m = mlp();
    await trainFromScratch(m, small.initial, { epochs: 2, profile: TrainingProfile.Article });
    return m;
  }

  it('sweeps the rate exponentially and puts every weight back, bit for bit', async () => {
    const m = await champion();
    m.freezeTrunk();
    const before = m.snapshot();
    const r = await lrFind(m, small.new, { steps: 40, endLr: 1 });
    expect(values(m.snapshot())).toEqual(values(before));
    // the trainable state it found is the one it leaves
    expect(m.trunkIsFrozen).toBe(true);
    m.unfreezeTrunk();
    expect(r.points[0]!.lr).toBe(1e-7);
    // evenly spaced in log rate: a constant ratio between neighbours
    const ratio = r.points[1]!.lr / r.points[0]!.lr;
    expect(ratio).toBeCloseTo((1 / 1e-7) ** (1 / 39), 10);
    for (const p of r.points) expect(Number.isFinite(p.loss)).toBe(true);
  });

  it('suggests a sane rate and gives the same curve for the same seed', async () => {
    const a = await lrFind(mlp(), small.initial, { seed: 5 });
    const b = await lrFind(mlp(), small.initial, { seed: 5 });
    expect(b).toEqual(a);
    // an untrained 8-feature MLP under Adam trains well somewhere in 1e-4 … 0.3
    expect(a.suggestedLr).toBeGreaterThan(1e-4);
    expect(a.suggestedLr).toBeLessThan(0.3);
    expect(a.minOver10Lr).toBeCloseTo(a.minLossLr / 10, 12);
    expect(a.suggestedLr).toBe(a.valleyLr);
    expect(a.suggestedLr).toBeLessThan(a.minLossLr);
    const c = await lrFind(mlp(), small.initial, { seed: 6 });
    expect(c.points.map((p) => p.loss)).not.toEqual(a.points.map((p) => p.loss));
  });

  it('stops once the smoothed loss passes 4× its minimum', async () => {
    const r = await lrFind(mlp(), small.initial, { endLr: 1000, steps: 150 });
    expect(r.stopped).toBe('diverged');
    expect(r.points.length).toBeLessThan(150);
    const last = r.points.at(-1)!;
    const min = Math.min(...r.points.map((p) => p.smoothedLoss));
    expect(!Number.isFinite(last.smoothedLoss) || last.smoothedLoss > 4 * min).toBe(true);
  });
});
