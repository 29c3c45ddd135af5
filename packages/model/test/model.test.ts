import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { backendInfo, createMlp, FrozenBatchNorm, TrunkHeadModel } from '../src/index';
import { expectRvft } from './helpers';
import { tfjsNode } from './peer';

const mlp = (seed = 42, outputDim = 2) =>
  createMlp({ inputDim: 20, hiddenDims: [128, 64], outputDim, seed });

function features(n: number, seed = 1): Float32Array {
  return tf.tidy(() => tf.randomNormal([n, 20], 0, 1, 'float32', seed).dataSync() as Float32Array);
}

/** Runs fn and asserts no tensor outlives it (beyond `allowed`). */
function noLeak<T>(fn: () => T, allowed = 0): T {
  const before = tf.memory().numTensors;
  const out = fn();
  expect(tf.memory().numTensors - before).toBe(allowed);
  return out;
}

describe('backend', () => {
  it('runs on tensorflow when the optional tfjs-node loads, else on wasm (SIMD) with tensorflow skipped', async () => {
    const info = backendInfo()!;
    expect(tf.getBackend()).toBe(info.name);
    const forced = process.env['RVFT_BACKEND'];
    if (forced) {
      expect(info).toMatchObject({ name: forced, reason: 'forced by RVFT_BACKEND' });
      return;
    }
    const peer = await tfjsNode();
    if (peer.loads) {
      expect(info).toMatchObject({ name: 'tensorflow', reason: 'fastest available', skipped: [] });
    } else {
      // skipped with the reason: when the import itself failed, its own error
      expect(info).toMatchObject({ name: 'wasm', reason: 'first backend that loaded' });
      expect(info.skipped).toEqual([
        {
          name: 'tensorflow',
          error: peer.importFailed ? expect.stringContaining('tfjs-node') : expect.any(String),
        },
      ]);
      expect(info.simd).toBe(true);
    }
  });
});

describe('createMlp', () => {
  it('has the reference parameter counts', () => {
    const m = mlp();
    expect(m.countParams()).toBe(11_458);
    expect(m.countParams({ trainableOnly: true })).toBe(11_458);
    expect([m.inputDim, m.embeddingDim, m.outputDim]).toEqual([20, 64, 2]);
    m.freezeTrunk();
    expect(m.countParams({ trainableOnly: true })).toBe(130);
    expect(m.countParams()).toBe(11_458);
    expect(m.trainableVariables()).toHaveLength(2);
    m.unfreezeTrunk();
    expect(m.trainableVariables()).toHaveLength(10);
    m.dispose();
  });

  it('forward shapes; probabilities sum to one', () => {
    const m = mlp();
    const x = features(7);
    noLeak(() => {
      const logits = m.predictLogits(x);
      const proba = m.predictProba(x);
      const emb = m.embed(x);
      expect(logits.shape).toEqual([7, 2]);
      expect(emb.shape).toEqual([7, 64]);
      const p = proba.arraySync();
      for (const row of p) expect(row[0]! + row[1]!).toBeCloseTo(1, 5);
      tf.dispose([logits, proba, emb]);
    });
    const flat = noLeak(() => m.probabilities({ features: x }));
    expect(flat).toHaveLength(14);
    expect(() => m.predictLogits(new Float32Array(21))).toThrow(
      /not a multiple of the input dimension 20/,
    );
    m.dispose();
  });

  it('the same seed gives the same weights; another seed does not', () => {
    const a = mlp(42);
    const b = mlp(42);
    const c = mlp(43);
    const sa = a.snapshot();
    expect(b.snapshot()).toEqual(sa);
    expect(c.snapshot().trunk[0]!.values).not.toEqual(sa.trunk[0]!.values);
    [a, b, c].forEach((m) => {
      m.dispose();
    });
  });

  it('Kaiming-normal fan_out kernels, zero biases, BatchNorm γ=1 β=0', () => {
    const m = mlp(3);
    const s = m.snapshot();
    const k = s.trunk[0]!; // [20, 128]: fan_out 128 → std √(2/128) = 0.125
    expect(k.shape).toEqual([20, 128]);
    const mean = k.values.reduce((a, v) => a + v, 0) / k.values.length;
    const std = Math.sqrt(k.values.reduce((a, v) => a + (v - mean) ** 2, 0) / k.values.length);
    expect(Math.abs(std - 0.125) / 0.125).toBeLessThan(0.05); // 2,560 draws: ±1.4% s.e.
    expect(Math.max(...k.values.map(Math.abs))).toBeGreaterThan(2 * 0.125); // not truncated
    expect(s.trunk[1]!.values.every((v) => v === 0)).toBe(true); // bias
    expect(s.trunk[2]!.values.every((v) => v === 1)).toBe(true); // gamma
    expect(s.trunk[3]!.values.every((v) => v === 0)).toBe(true); // beta
    m.dispose();
  });

  it('validates its options', async () => {
    await expectRvft(
      () => createMlp({ inputDim: 0, hiddenDims: [4], outputDim: 2, seed: 1 }),
      'RVFT_ERR_INVALID_ARGUMENT',
      /^createMlp: inputDim must be an integer >= 1, got 0$/,
    );
    await expectRvft(
      () => createMlp({ inputDim: 2, hiddenDims: [4], outputDim: 2, seed: 1.5 }),
      'RVFT_ERR_INVALID_ARGUMENT',
      /seed must be an integer, got 1.5/,
    );
    await expectRvft(
      () => createMlp({ inputDim: 2, hiddenDims: [4], outputDim: 2, seed: 1, batchNormEpsilon: 0 }),
      'RVFT_ERR_INVALID_ARGUMENT',
      /batchNormEpsilon must be a finite number > 0, got 0/,
    );
    expect(() => createMlp({ inputDim: 2, hiddenDims: [], outputDim: 2, seed: 1 })).toThrow(
      /hiddenDims/,
    );
    expect(() => createMlp({ inputDim: 2, hiddenDims: [4, 0], outputDim: 2, seed: 1 })).toThrow(
      /hiddenDims\[1\]/,
    );
    expect(() =>
      createMlp({ inputDim: 2, hiddenDims: [4], outputDim: 2, seed: 1, dropout: 1 }),
    ).toThrow(/dropout/);
  });
});

describe('expandHead', () => {
  it('keeps the old rows and biases exactly; new rows ~ N(0, 0.01²), new biases 0', () => {
    const m = mlp(42, 3);
    // give the old biases non-zero values so "kept" is a real check
    tf.tidy(() => {
      const bias = m.head.layers[0]!.weights[1]!;
      bias.write(tf.tensor1d([0.5, -0.25, 1.5]));
    });
    const before = m.snapshot().head;
    noLeak(() => m.expandHead(2, { seed: 9 }));
    expect(m.outputDim).toBe(5);
    const after = m.snapshot().head;
    const [k0, b0] = before;
    const [k1, b1] = after;
    expect(k1!.shape).toEqual([64, 5]);
    for (let i = 0; i < 64; i++) {
      for (let j = 0; j < 3; j++) expect(k1!.values[i * 5 + j]).toBe(k0!.values[i * 3 + j]);
    }
    expect([...b1!.values].slice(0, 3)).toEqual([...b0!.values]);
    expect([...b1!.values]).toEqual([0.5, -0.25, 1.5, 0, 0]);
    const fresh: number[] = [];
    for (let i = 0; i < 64; i++) fresh.push(k1!.values[i * 5 + 3]!, k1!.values[i * 5 + 4]!);
    const std = Math.sqrt(fresh.reduce((a, v) => a + v * v, 0) / fresh.length);
    expect(std).toBeGreaterThan(0.007);
    expect(std).toBeLessThan(0.013);
    // the trunk is untouched and the model still predicts with 5 outputs
    expect(m.snapshot().trunk).toEqual(m.snapshot().trunk);
    const p = m.predictProba(features(3));
    expect(p.shape).toEqual([3, 5]);
    p.dispose();
    m.dispose();
  });

  it('keeps a frozen head frozen and refuses bad counts', () => {
    const m = mlp();
    m.head.layers[0]!.trainable = false;
    m.expandHead(1);
    expect(m.head.layers[0]!.trainable).toBe(false);
    expect(() => m.expandHead(0)).toThrow(/expandHead: nNew must be an integer >= 1, got 0/);
    m.dispose();
  });
});

describe('freezing and blocks', () => {
  it('the MLP trunk has one block per hidden layer; unfreezeTopBlocks goes top down', () => {
    const m = mlp();
    const blocks = m.trunkBlocks();
    expect(blocks.map((b) => b.map((l) => l.getClassName()))).toEqual([
      ['Dense', 'BatchNormalization', 'ReLU'],
      ['Dense', 'BatchNormalization', 'ReLU'],
    ]);
    m.freezeTrunk();
    expect(m.trunkIsFrozen).toBe(true);
    m.unfreezeTopBlocks(1);
    expect(m.trunkIsFrozen).toBe(false);
    // second block: 64·128 + 64 + 2·64 = 8,384, plus the head's 130
    expect(m.countParams({ trainableOnly: true })).toBe(8_384 + 130);
    m.unfreezeTopBlocks(2);
    expect(m.countParams({ trainableOnly: true })).toBe(11_458);
    expect(() => m.unfreezeTopBlocks(3)).toThrow(/k must be an integer >= 0 <= 2, got 3/);
    m.dispose();
  });

  it('frozen trunk, batch statistics (PyTorch): training still moves BatchNorm running stats', () => {
    const m = mlp();
    m.freezeTrunk();
    const bn = m.trunk.layers[1]!;
    const mean0 = (bn.getWeights()[2]!.dataSync() as Float32Array).slice();
    const x = tf.randomNormal([64, 20], 3, 1, 'float32', 5);
    tf.tidy(() => m.forward(x, true));
    const mean1 = bn.getWeights()[2]!.dataSync() as Float32Array;
    expect(mean1).not.toEqual(mean0);
    x.dispose();
    m.dispose();
  });

  it('frozen trunk, inference BatchNorm (Keras): running stats stay put', () => {
    const m = mlp();
    m.freezeTrunk({ batchNorm: FrozenBatchNorm.Inference });
    const bn = m.trunk.layers[1]!;
    const mean0 = (bn.getWeights()[2]!.dataSync() as Float32Array).slice();
    const x = tf.randomNormal([64, 20], 3, 1, 'float32', 5);
    tf.tidy(() => m.forward(x, true));
    expect(bn.getWeights()[2]!.dataSync()).toEqual(mean0);
    x.dispose();
    expect(() => m.freezeTrunk({ batchNorm: 'sometimes' as never })).toThrow(
      /batchNorm must be one of/,
    );
    m.dispose();
  });
});

describe('snapshot / restore / reinitialize', () => {
  it('snapshot → mutate → restore gives identical weights, running stats included', () => {
    const m = mlp();
    const snap = noLeak(() => m.snapshot());
    tf.tidy(() => m.forward(tf.randomNormal([32, 20], 2, 1, 'float32', 1), true)); // moves BN stats
    m.reinitialize(7);
    expect(m.snapshot()).not.toEqual(snap);
    noLeak(() => m.restore(snap));
    expect(m.snapshot()).toEqual(snap);
    m.dispose();
  });

  it('a snapshot survives later changes to the model', () => {
    const m = mlp();
    const snap = m.snapshot();
    const copy = structuredClone(snap);
    m.reinitialize(99);
    expect(snap).toEqual(copy);
    m.dispose();
  });

  it('restore shrinks a head expanded since the snapshot', () => {
    const m = mlp();
    const snap = m.snapshot();
    m.expandHead(3);
    noLeak(() => m.restore(snap));
    expect(m.outputDim).toBe(2);
    expect(m.snapshot()).toEqual(snap);
    m.dispose();
  });

  it('restore refuses a snapshot of another architecture', () => {
    const a = mlp();
    const b = createMlp({ inputDim: 20, hiddenDims: [32], outputDim: 2, seed: 1 });
    expect(() => a.restore(b.snapshot())).toThrow(
      /restore: the snapshot's trunk has 6 weights, the model 12/,
    );
    a.dispose();
    b.dispose();
  });

  it('snapshots do not depend on what is frozen', () => {
    const m = mlp();
    const open = m.snapshot();
    m.freezeTrunk();
    expect(m.snapshot()).toEqual(open);
    m.reinitialize(5);
    const frozenInit = m.snapshot();
    m.unfreezeTrunk().reinitialize(5);
    expect(m.snapshot()).toEqual(frozenInit);
    expect(open.trunk.map((w) => w.name)).toEqual([
      '0.Dense/kernel',
      '0.Dense/bias',
      '1.BatchNormalization/gamma',
      '1.BatchNormalization/beta',
      '1.BatchNormalization/moving_mean',
      '1.BatchNormalization/moving_variance',
      '3.Dense/kernel',
      '3.Dense/bias',
      '4.BatchNormalization/gamma',
      '4.BatchNormalization/beta',
      '4.BatchNormalization/moving_mean',
      '4.BatchNormalization/moving_variance',
    ]);
    m.dispose();
  });

  it('reinitialize(seed) equals a fresh model with that seed', () => {
    const m = mlp(1);
    m.reinitialize(42);
    const fresh = mlp(42);
    expect(m.snapshot()).toEqual(fresh.snapshot());
    m.dispose();
    fresh.dispose();
  });
});

describe('custom tfjs models', () => {
  it('wraps a user trunk and head and works with every method', () => {
    const input = tfl.input({ shape: [6] });
    const h = tfl.layers.dense({ units: 8, activation: 'relu' }).apply(input) as tfl.SymbolicTensor;
    const out = tfl.layers.dense({ units: 4, activation: 'tanh' }).apply(h) as tfl.SymbolicTensor;
    const trunk = tfl.model({ inputs: input, outputs: out });
    const head = tfl.sequential({ layers: [tfl.layers.dense({ units: 3, inputShape: [4] })] });
    const m = new TrunkHeadModel(trunk, head);
    expect(m.countParams()).toBe(6 * 8 + 8 + 8 * 4 + 4 + 4 * 3 + 3);
    m.freezeTrunk();
    expect(m.countParams({ trainableOnly: true })).toBe(15);
    m.expandHead(1);
    expect(m.outputDim).toBe(4);
    const p = m.predictProba(new Float32Array(12));
    expect(p.shape).toEqual([2, 4]);
    p.dispose();
    m.dispose();
  });

  it('refuses a trunk that does not feed the head', () => {
    const trunk = tfl.sequential({ layers: [tfl.layers.dense({ units: 5, inputShape: [3] })] });
    const head = tfl.sequential({ layers: [tfl.layers.dense({ units: 2, inputShape: [4] })] });
    expect(() => new TrunkHeadModel(trunk, head)).toThrow(
      /trunk output shape \[,5\] does not feed head input shape \[,4\]/,
    );
    trunk.dispose();
    head.dispose();
  });

  it('expandHead refuses a head that is not one Dense layer', () => {
    const trunk = tfl.sequential({ layers: [tfl.layers.dense({ units: 4, inputShape: [3] })] });
    const head = tfl.sequential({
      layers: [tfl.layers.dense({ units: 4, inputShape: [4] }), tfl.layers.dense({ units: 2 })],
    });
    const m = new TrunkHeadModel(trunk, head);
    expect(() => m.expandHead(1)).toThrow(/single Dense layer \(got Dense → Dense\)/);
    m.dispose();
  });
});

describe('no leaks', () => {
  it('create → use → dispose returns numTensors to the baseline', () => {
    const before = tf.memory().numTensors;
    const m = mlp();
    const snap = m.snapshot();
    m.freezeTrunk();
    m.expandHead(2);
    m.restore(snap);
    m.reinitialize(3);
    m.probabilities(features(5));
    m.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(() => m.predictLogits(features(1))).toThrow(/used after dispose/);
  });
});
