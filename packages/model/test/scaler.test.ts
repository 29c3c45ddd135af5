import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { createMlp, scalerFromStatistics, TrunkHeadModel } from '../src/index';

// A non-trivial scaler for 20 features: means from -5,000 to 5,000, scales from 0.1 to 1,000.
const D = 20;
const MEAN = Array.from({ length: D }, (_, i) => (i % 2 ? -1 : 1) * (1000 + 250.37 * i));
const SCALE = Array.from({ length: D }, (_, i) => 0.1 * 10 ** ((4 * i) / (D - 1)));
const scaler = { mean: MEAN, scale: SCALE };

const mlp = (seed = 42, withScaler = false) =>
  createMlp({
    inputDim: D,
    hiddenDims: [32, 16],
    outputDim: 3,
    seed,
    ...(withScaler ? { inputScaler: scaler } : {}),
  });

/** Raw features on the scaler's scale: x = mean + scale · z, z ~ N(0, 1). As float32. */
function rawFeatures(n: number, seed = 1): Float32Array {
  const z = tf.tidy(() => tf.randomNormal([n, D], 0, 1, 'float32', seed).dataSync());
  return Float32Array.from(z, (v, k) => MEAN[k % D]! + SCALE[k % D]! * v);
}

/**
 * The reference: (x − mean) / scale done by hand in float32, independently of tfjs. Each
 * float32 operation is the double result rounded once (Math.fround), which is exact IEEE
 * float32 arithmetic for − and ÷ (a double holds the float32 result before rounding).
 */
function zScoreByHand(x: Float32Array): Float32Array {
  return Float32Array.from(x, (v, k) => {
    const m = Math.fround(MEAN[k % D]!);
    const s = Math.fround(SCALE[k % D]!);
    return Math.fround(Math.fround(v - m) / s);
  });
}

function expectBitIdentical(a: ArrayLike<number>, b: ArrayLike<number>): void {
  expect(a.length).toBe(b.length);
  const differ: number[] = [];
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) differ.push(i);
  expect(differ).toEqual([]);
}

const data = (t: tf.Tensor) => {
  const v = t.dataSync() as Float32Array;
  t.dispose();
  return v;
};

function noLeak<T>(fn: () => T, allowed = 0): T {
  const before = tf.memory().numTensors;
  const out = fn();
  expect(tf.memory().numTensors - before).toBe(allowed);
  return out;
}

describe('input scaler: the model takes raw features', () => {
  it('logits, probabilities and embeddings on raw x equal an unscaled twin on hand-z-scored x, bit for bit', () => {
    const scaled = mlp(42, true);
    const plain = mlp(42, false);
    const x = rawFeatures(50);
    const z = zScoreByHand(x);
    // the reference really is different input: a scaler that did nothing would fail here
    expect(Math.max(...x.map(Math.abs))).toBeGreaterThan(1000);
    expect(Math.max(...z.map(Math.abs))).toBeLessThan(10);

    expectBitIdentical(data(scaled.predictLogits(x)), data(plain.predictLogits(z)));
    expectBitIdentical(data(scaled.predictProba(x)), data(plain.predictProba(z)));
    expectBitIdentical(scaled.probabilities({ features: x }), plain.probabilities(z));
    expectBitIdentical(data(scaled.embed(x)), data(plain.embed(z)));
    // forward in training mode (batch statistics, running statistics move the same way)
    const xt = tf.tensor2d(x, [50, D]);
    const zt = tf.tensor2d(z, [50, D]);
    expectBitIdentical(
      tf.tidy(() => scaled.forward(xt, true).dataSync()),
      tf.tidy(() => plain.forward(zt, true).dataSync()),
    );
    expect(scaled.snapshot()).toEqual(plain.snapshot());
    // scaleInputs is exactly the hand computation
    expectBitIdentical(data(scaled.scaleInputs(xt)), z);
    // and the trunk applied by hand to scaleInputs(x) is the embedding
    expectBitIdentical(
      tf.tidy(() =>
        (scaled.trunk.apply(scaled.scaleInputs(xt), { training: false }) as tf.Tensor).dataSync(),
      ),
      data(scaled.embed(x)),
    );
    tf.dispose([xt, zt]);
    scaled.dispose();
    plain.dispose();
  });

  it('gradients through a scaled forward equal the unscaled twin on hand-z-scored x', () => {
    const scaled = mlp(7, true);
    const plain = mlp(7, false);
    const x = rawFeatures(32, 3);
    const labels = tf.oneHot(
      tf.tensor1d(
        Array.from({ length: 32 }, (_, i) => i % 3),
        'int32',
      ),
      3,
    );
    const grads = (m: TrunkHeadModel, input: Float32Array) =>
      tf.tidy(() => {
        const xt = tf.tensor2d(input, [32, D]);
        const { value, grads } = tf.variableGrads(
          () => tf.losses.softmaxCrossEntropy(labels, m.forward(xt, true)) as tf.Scalar,
          m.trainableVariables(),
        );
        const flat = [value, ...m.trainableVariables().map((v) => grads[v.name]!)].map(
          (t) => t.dataSync() as Float32Array,
        );
        return flat;
      });
    const before = tf.memory().numTensors;
    const a = grads(scaled, x);
    const b = grads(plain, zScoreByHand(x));
    expect(tf.memory().numTensors).toBe(before);
    expect(a).toHaveLength(b.length);
    a.forEach((g, i) => {
      expectBitIdentical(g, b[i]!);
    });
    labels.dispose();
    scaled.dispose();
    plain.dispose();
  });

  it('costs exactly two kernels (Sub, RealDiv) per forward with a scaler, none without', async () => {
    const fresh = mlp(1, false);
    const m = mlp(1, true);
    const x = tf.tensor2d(rawFeatures(8), [8, D]);
    const kernels = async (model: TrunkHeadModel) =>
      (await tf.profile(() => model.predictLogits(x).dispose())).kernelNames;
    const withoutScaler = await kernels(fresh);
    // without a scaler, exactly the kernels of trunk then head applied by hand
    const direct = await tf.profile(() =>
      tf.tidy(() => {
        fresh.head.apply(fresh.trunk.apply(x, { training: false }), { training: false });
      }),
    );
    expect(withoutScaler).toEqual(direct.kernelNames);
    const withScaler = await kernels(m);
    expect(withScaler).toEqual(['Sub', 'RealDiv', ...withoutScaler]);
    // no upload per call: the only new tensors are the two scaling results
    const info = await tf.profile(() => m.predictLogits(x).dispose());
    const added = info.kernels.slice(0, 2).map((k) => k.bytesAdded);
    expect(added).toEqual([8 * D * 4, 8 * D * 4]);
    m.setInputScaler(null);
    expect(await kernels(m)).toEqual(withoutScaler);
    x.dispose();
    fresh.dispose();
    m.dispose();
  });

  it('without a scaler, scaleInputs returns its input itself and inputScaler is null', () => {
    const m = mlp(1, false);
    expect(m.inputScaler).toBeNull();
    const x = tf.zeros([2, D]) as tf.Tensor2D;
    expect(noLeak(() => m.scaleInputs(x))).toBe(x);
    x.dispose();
    m.dispose();
  });
});

describe('setInputScaler', () => {
  it('stores float32 copies; the getter returns copies; number[] and Float32Array both work', () => {
    const m = mlp(1, false);
    const mean = Float32Array.from(MEAN);
    m.setInputScaler({ mean, scale: SCALE });
    mean[0] = 123; // the model kept its own copy
    const s = m.inputScaler!;
    expect(s.mean).toBeInstanceOf(Float32Array);
    expect(s.scale).toBeInstanceOf(Float32Array);
    expect([...s.mean]).toEqual(MEAN.map(Math.fround));
    expect([...s.scale]).toEqual(SCALE.map(Math.fround));
    s.scale[0] = 99; // changing the returned copy changes nothing
    expect(m.inputScaler!.scale[0]).toBe(Math.fround(0.1));
    m.dispose();
  });

  it('refuses a wrong length, scale 0 or below, NaN, Infinity and float32 overflow, naming index and value', () => {
    const m = mlp(1, true);
    const good = m.inputScaler!;
    const bad = (mean: ArrayLike<number>, scale: ArrayLike<number>) => () =>
      m.setInputScaler({ mean, scale });
    const withAt = (arr: readonly number[], i: number, v: number) =>
      arr.map((x, k) => (k === i ? v : x));
    const before = tf.memory().numTensors;
    expect(bad(MEAN.slice(1), SCALE)).toThrow(
      /setInputScaler: mean has 19 values, the model has 20 input features/,
    );
    expect(bad(MEAN, [...SCALE, 1])).toThrow(/scale has 21 values/);
    expect(bad(MEAN, withAt(SCALE, 3, 0))).toThrow(/scale\[3\] is 0; every scale must be > 0/);
    expect(bad(MEAN, withAt(SCALE, 4, -2))).toThrow(/scale\[4\] is -2; every scale must be > 0/);
    expect(bad(MEAN, withAt(SCALE, 5, 1e-50))).toThrow(/scale\[5\] is 1e-50 \(0 in float32\)/);
    expect(bad(withAt(MEAN, 7, Number.NaN), SCALE)).toThrow(
      /mean\[7\] is NaN; every mean must be a finite number/,
    );
    expect(bad(MEAN, withAt(SCALE, 8, Number.POSITIVE_INFINITY))).toThrow(/scale\[8\] is Infinity/);
    expect(bad(withAt(MEAN, 9, 1e39), SCALE)).toThrow(
      /mean\[9\] is 1e\+39 \(not finite in float32\)/,
    );
    expect(() => m.setInputScaler({ mean: MEAN } as never)).toThrow(/\{ mean, scale \}/);
    // nothing changed, nothing leaked
    expect(tf.memory().numTensors).toBe(before);
    expect(m.inputScaler).toEqual(good);
    m.dispose();
  });

  it('holds two tensors, freed on replace, removal and dispose; survives an enclosing tf.tidy', () => {
    const before = tf.memory().numTensors;
    const m = mlp(1, false);
    const weights = tf.memory().numTensors - before;
    m.setInputScaler(scaler);
    expect(tf.memory().numTensors - before).toBe(weights + 2);
    m.setInputScaler({ mean: SCALE, scale: SCALE });
    expect(tf.memory().numTensors - before).toBe(weights + 2);
    m.setInputScaler(null);
    expect(tf.memory().numTensors - before).toBe(weights);
    tf.tidy(() => {
      m.setInputScaler(scaler);
    });
    expect(tf.memory().numTensors - before).toBe(weights + 2);
    const x = rawFeatures(3);
    const p = m.predictProba(x); // the tensors are alive and used
    expect(p.shape).toEqual([3, 3]);
    p.dispose();
    m.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('no method that returns no tensor leaks one with a scaler set', () => {
    const m = mlp(2, true);
    const x = rawFeatures(10);
    const xt = tf.tensor2d(x, [10, D]);
    noLeak(() => m.probabilities(x));
    noLeak(() =>
      tf.tidy(() => {
        m.forward(xt, true);
      }),
    );
    noLeak(() =>
      tf.tidy(() => {
        m.scaleInputs(xt);
      }),
    );
    noLeak(() => data(m.predictLogits(xt)));
    noLeak(() => data(m.embed({ features: x })));
    noLeak(() => m.scaleInputs(xt).dispose()); // the intermediate (x − mean) is freed
    const snap = noLeak(() => m.snapshot());
    noLeak(() => m.reinitialize(3));
    noLeak(() => m.restore(snap));
    noLeak(() => m.freezeTrunk().unfreezeTrunk());
    noLeak(() => m.expandHead(1));
    noLeak(() => m.inputScaler);
    xt.dispose();
    m.dispose();
  });

  it('snapshot/restore copy weights only; reinitialize and restore leave the scaler alone', () => {
    const m = mlp(2, true);
    const s0 = m.inputScaler;
    const snap = m.snapshot();
    expect(Object.keys(snap).sort()).toEqual(['head', 'trunk']);
    m.setInputScaler({ mean: SCALE, scale: SCALE });
    const s1 = m.inputScaler;
    m.restore(snap);
    expect(m.inputScaler).toEqual(s1); // not put back by restore
    m.reinitialize(5);
    expect(m.inputScaler).toEqual(s1);
    expect(s1).not.toEqual(s0);
    m.dispose();
  });

  it('scaleInputs checks the shape when a scaler is set; a disposed model refuses', () => {
    const m = mlp(2, true);
    const wrong = tf.zeros([2, D + 1]) as tf.Tensor2D;
    expect(() => m.scaleInputs(wrong)).toThrow(
      /scaleInputs: expected shape \[n, 20\], got \[2,21\]/,
    );
    wrong.dispose();
    m.dispose();
    expect(() => m.setInputScaler(scaler)).toThrow(/used after dispose/);
  });

  it('the constructor and createMlp take one; a bad one from createMlp leaks nothing', () => {
    const before = tf.memory().numTensors;
    expect(() =>
      createMlp({
        inputDim: 2,
        hiddenDims: [4],
        outputDim: 2,
        seed: 1,
        inputScaler: { mean: [0, 0], scale: [1, 0] },
      }),
    ).toThrow(/createMlp: setInputScaler: scale\[1\] is 0/);
    expect(tf.memory().numTensors).toBe(before);
    const trunk = tfl.sequential({ layers: [tfl.layers.dense({ units: 4, inputShape: [D] })] });
    const head = tfl.sequential({ layers: [tfl.layers.dense({ units: 2, inputShape: [4] })] });
    const m = new TrunkHeadModel(trunk, head, { inputScaler: scaler });
    expect([...m.inputScaler!.scale]).toEqual(SCALE.map(Math.fround));
    m.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('-0 in a mean is stored as +0 (JSON has no -0, so saved models stay exact)', () => {
    const m = createMlp({
      inputDim: 2,
      hiddenDims: [4],
      outputDim: 2,
      seed: 1,
      inputScaler: { mean: [-0, 1], scale: [1, 1] },
    });
    expect(Object.is(m.inputScaler!.mean[0], 0)).toBe(true);
    m.dispose();
  });
});

describe('scalerFromStatistics', () => {
  it('scale = std, but 1 for constant columns (0, NaN, ∞, negative, tiny, rounding noise)', () => {
    // Float64Array statistics, as @rvft/data's featureStatistics() gives them
    const { scaler: s, constant } = scalerFromStatistics({
      mean: Float64Array.from([1000, 5, 0, 0, 0, 0, 0.5, 3000, 3000, 1]),
      std: Float64Array.from([
        250,
        0,
        Number.NaN,
        Number.POSITIVE_INFINITY,
        -1,
        1e-9,
        0.001,
        1e-4,
        1e-2,
        2,
      ]),
      constant: [9], // listed by the caller: constant whatever its std says
    });
    expect([...s.mean]).toEqual([1000, 5, 0, 0, 0, 0, 0.5, 3000, 3000, 1]);
    expect([...s.scale]).toEqual([250, 1, 1, 1, 1, 1, Math.fround(0.001), 1, Math.fround(0.01), 1]);
    // 1e-4 ≤ 2⁻²³·3000 ≈ 3.6e-4: below one float32 ulp of the mean, so constant
    expect(constant).toEqual([1, 2, 3, 4, 5, 7, 9]);
    const m = createMlp({ inputDim: 10, hiddenDims: [4], outputDim: 2, seed: 1, inputScaler: s });
    expect(m.inputScaler!.scale).toEqual(s.scale);
    m.dispose();
  });

  it('minScale and relativeMinScale are options; bad input is refused', () => {
    expect(scalerFromStatistics({ mean: [0], std: [0.01] }, { minScale: 0.1 }).constant).toEqual([
      0,
    ]);
    expect(
      scalerFromStatistics({ mean: [3000], std: [1e-4] }, { relativeMinScale: 0 }).constant,
    ).toEqual([]);
    expect(() => scalerFromStatistics({ mean: [0, 1], std: [1] })).toThrow(
      /mean has 2 values, std has 1/,
    );
    expect(() => scalerFromStatistics({ mean: [0, Number.NaN], std: [1, 1] })).toThrow(
      /mean\[1\] is NaN/,
    );
    expect(() => scalerFromStatistics({ mean: [0], std: [1] }, { minScale: -1 })).toThrow(
      /minScale/,
    );
  });
});
