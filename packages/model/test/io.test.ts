import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import {
  cloneModel,
  createMlp,
  FrozenBatchNorm,
  fileSystemIO,
  loadModel,
  RVFT_FORMAT_VERSION,
  readMetadata,
  saveModel,
} from '../src/index';
import { expectRvft } from './helpers';

const root = mkdtempSync(join(tmpdir(), 'rvft-model-'));
const x = () => tf.randomNormal([16, 20], 0.5, 1, 'float32', 11) as tf.Tensor2D;

describe('save / load', () => {
  it('round trip: bit-identical weights, identical predictions, state kept', async () => {
    const m = createMlp({ inputDim: 20, hiddenDims: [128, 64], outputDim: 3, seed: 42 });
    tf.tidy(() => m.forward(x(), true)); // non-trivial BatchNorm running statistics
    m.freezeTrunk({ batchNorm: FrozenBatchNorm.Inference });
    const dir = join(root, 'round-trip');
    const before = tf.memory().numTensors;
    await saveModel(m, dir);
    expect(tf.memory().numTensors).toBe(before);
    expect(readdirSync(dir).sort()).toEqual(['model.json', 'weights.bin']);

    const loaded = await loadModel(dir);
    expect(loaded.snapshot()).toEqual(m.snapshot());
    expect(loaded.trunkIsFrozen).toBe(true);
    expect(loaded.frozenBatchNorm).toBe('inference');
    expect(loaded.architecture).toMatchObject({ kind: 'mlp', hiddenDims: [128, 64] });
    const input = x();
    const a = m.predictLogits(input);
    const b = loaded.predictLogits(input);
    expect(b.dataSync()).toEqual(a.dataSync());
    tf.dispose([a, b, input]);
    loaded.dispose();
    expect(tf.memory().numTensors).toBe(before);
    m.dispose();
  });

  it('the saved directory opens with tf.loadLayersModel as a plain logits model', async () => {
    const m = createMlp({ inputDim: 20, hiddenDims: [32], outputDim: 2, seed: 1 });
    const dir = join(root, 'plain');
    await saveModel(m, dir);
    const plain = await tfl.loadLayersModel(fileSystemIO(dir));
    const input = x();
    const a = m.predictLogits(input);
    const b = plain.predict(input) as tf.Tensor;
    expect(b.dataSync()).toEqual(a.dataSync());
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    expect(json.weightsManifest[0].paths).toEqual(['weights.bin']);
    expect(json.userDefinedMetadata.rvft).toMatchObject({
      formatVersion: 1,
      outputDim: 2,
      inputDim: 20,
    });
    tf.dispose([a, b, input]);
    plain.dispose();
    m.dispose();
  });

  it('refuses to overwrite unless asked, and then replaces atomically', async () => {
    const m = createMlp({ inputDim: 20, hiddenDims: [8], outputDim: 2, seed: 1 });
    const dir = join(root, 'twice');
    await saveModel(m, dir);
    await expect(saveModel(m, dir)).rejects.toThrow(/already exists/);
    m.reinitialize(2);
    await saveModel(m, dir, { overwrite: true });
    const loaded = await loadModel(dir);
    expect(loaded.snapshot()).toEqual(m.snapshot());
    // no temporary directories are left behind
    expect(readdirSync(root).filter((n) => n.includes('.tmp-'))).toEqual([]);
    loaded.dispose();
    m.dispose();
  });

  it('a truncated weights file, a missing model and a newer format get clear errors', async () => {
    const m = createMlp({ inputDim: 20, hiddenDims: [8], outputDim: 2, seed: 1 });
    const dir = join(root, 'broken');
    await saveModel(m, dir);
    truncateSync(join(dir, 'weights.bin'), 100);
    await expectRvft(
      () => loadModel(dir),
      'RVFT_ERR_MODEL_CORRUPT',
      /model\.json: weightsManifest\[0\]: weights\.bin is 100 bytes, the manifest's weight specs need \d+ \(truncated, padded or corrupted\); nothing was read/,
    );
    await expectRvft(
      () => loadModel(join(root, 'nowhere')),
      'RVFT_ERR_NOT_FOUND',
      /no model at .*model.json not found/,
    );

    const newer = join(root, 'newer');
    await saveModel(m, newer);
    const json = JSON.parse(readFileSync(join(newer, 'model.json'), 'utf8'));
    json.userDefinedMetadata.rvft.formatVersion = 99;
    writeFileSync(join(newer, 'model.json'), JSON.stringify(json));
    await expectRvft(
      () => loadModel(newer),
      'RVFT_ERR_MODEL_INCOMPATIBLE',
      /saved with rvft model format 99; .* upgrade @rvft\/model/,
    );
    m.dispose();
  });

  it('a failed save leaves nothing behind', async () => {
    const m = createMlp({ inputDim: 20, hiddenDims: [8], outputDim: 2, seed: 1 });
    const blocker = join(root, 'file-not-dir');
    writeFileSync(blocker, 'x');
    await expect(saveModel(m, join(blocker, 'model'))).rejects.toThrow();
    expect(existsSync(join(blocker, 'model'))).toBe(false);
    m.dispose();
  });
});

describe('clone', () => {
  it('is identical and independent', async () => {
    const m = createMlp({ inputDim: 20, hiddenDims: [16, 8], outputDim: 2, seed: 4 });
    m.freezeTrunk();
    const c = await cloneModel(m);
    expect(c.snapshot()).toEqual(m.snapshot());
    expect(c.trunkIsFrozen).toBe(true);
    c.reinitialize(9);
    expect(c.snapshot()).not.toEqual(m.snapshot());
    const before = tf.memory().numTensors;
    c.dispose();
    expect(tf.memory().numTensors).toBeLessThan(before);
    m.dispose();
  });
});

describe('expanded heads survive save and load', () => {
  it('a loaded model expanded and saved loads again, with unique weight names and old rows kept', async () => {
    const m = createMlp({ inputDim: 6, hiddenDims: [8, 4], outputDim: 2, seed: 3 });
    const dir = join(root, 'expand-reload');
    await saveModel(m, dir);
    let model = await loadModel(dir);
    for (let round = 0; round < 3; round++) {
      const before = model.snapshot().head;
      model.expandHead(1, { seed: round });
      const names = [...model.trunk.weights, ...model.head.weights].map((w) => w.name);
      expect(new Set(names).size).toBe(names.length);
      await saveModel(model, dir, { overwrite: true });
      model.dispose();
      model = await loadModel(dir);
      expect(model.outputDim).toBe(3 + round);
      const kernel = model.snapshot().head[0]!;
      const cols = 3 + round;
      for (let r = 0; r < 4; r++) {
        for (let c = 0; c < cols - 1; c++) {
          expect(kernel.values[r * cols + c]).toBe(before[0]!.values[r * (cols - 1) + c]);
        }
      }
    }
    model.dispose();
    m.dispose();
  });
});

describe('no leaks across save, load and clone', () => {
  it('numTensors returns to the baseline after every model is disposed', async () => {
    const before = tf.memory().numTensors;
    const m = createMlp({ inputDim: 20, hiddenDims: [32, 16], outputDim: 2, seed: 8 });
    const dir = join(root, 'leaks');
    await saveModel(m, dir);
    await saveModel(m, dir, { overwrite: true });
    m.expandHead(1);
    await saveModel(m, dir, { overwrite: true });
    const loaded = await loadModel(dir);
    const copy = await cloneModel(loaded);
    loaded.expandHead(2);
    for (const model of [m, loaded, copy]) model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('the input scaler is saved with the model', () => {
  // A 2-feature MLP with a scaler far from identity: means in the thousands, scales 0.1 and 1000.
  const scaled2d = () =>
    createMlp({
      inputDim: 2,
      hiddenDims: [16, 8],
      outputDim: 2,
      seed: 5,
      inputScaler: { mean: [1234.567, -4321.5], scale: [0.1, 1000] },
    });
  const raw2d = () =>
    tf.tidy(() =>
      tf.add(
        tf.mul(tf.randomNormal([64, 2], 0, 1, 'float32', 3), tf.tensor1d([0.1, 1000])),
        tf.tensor1d([1234.567, -4321.5]),
      ),
    ) as tf.Tensor2D;
  const sameBits = (a: ArrayLike<number>, b: ArrayLike<number>) => {
    expect(a.length).toBe(b.length);
    const differ: number[] = [];
    for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) differ.push(i);
    expect(differ).toEqual([]);
  };

  it('predictions on raw features are bit-identical after saveModel / loadModel', async () => {
    const m = scaled2d();
    const x = raw2d();
    tf.tidy(() => m.forward(x, true)); // non-trivial BatchNorm running statistics
    const dir = join(root, 'scaled');
    await saveModel(m, dir);
    const loaded = await loadModel(dir);
    expect(loaded.inputScaler).toEqual(m.inputScaler);
    const before = m.probabilities(x);
    const after = loaded.probabilities(x);
    sameBits(after, before);
    // and the scaler matters: without it the loaded model predicts something else
    const unscaled = await loadModel(dir);
    unscaled.setInputScaler(null);
    expect([...unscaled.probabilities(x)]).not.toEqual([...before]);
    for (const model of [m, loaded, unscaled]) model.dispose();
    x.dispose();
  });

  it('model.json carries the scaler under format 2; a model without one stays format 1', async () => {
    const m = scaled2d();
    const dir = join(root, 'scaled-json');
    await saveModel(m, dir);
    const meta = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')).userDefinedMetadata.rvft;
    expect(RVFT_FORMAT_VERSION).toBe(3);
    expect(meta.formatVersion).toBe(2);
    expect(meta.inputScaler).toEqual({
      mean: [Math.fround(1234.567), -4321.5],
      scale: [Math.fround(0.1), 1000],
    });
    m.setInputScaler(null);
    await saveModel(m, dir, { overwrite: true });
    const plain = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')).userDefinedMetadata
      .rvft;
    expect(plain.formatVersion).toBe(1);
    expect(plain).not.toHaveProperty('inputScaler');
    m.dispose();
  });

  it('float32 → number → JSON → number → Float32Array is exact for awkward values', async () => {
    // values whose float32 has no short decimal: tiny, huge, subnormal, thirds, -0
    const mean = [Math.fround(0.1), 1 / 3, -2 / 3, 3.4e38, 1e-40, -0, 1e-7, 123456.789];
    const scale = [1e-30, 1 / 3, 7e-3, 3e38, 1e-40, 0.1, 1e7, Math.PI];
    const m = createMlp({
      inputDim: 8,
      hiddenDims: [4],
      outputDim: 2,
      seed: 1,
      inputScaler: { mean, scale },
    });
    const dir = join(root, 'exact');
    await saveModel(m, dir);
    const loaded = await loadModel(dir);
    const a = m.inputScaler!;
    const b = loaded.inputScaler!;
    sameBits(b.mean, a.mean);
    sameBits(b.scale, a.scale);
    sameBits(
      a.mean,
      Float32Array.from(mean, (v) => v + 0),
    );
    expect(new Uint8Array(b.scale.buffer)).toEqual(new Uint8Array(a.scale.buffer));
    expect(new Uint8Array(b.mean.buffer)).toEqual(new Uint8Array(a.mean.buffer));
    m.dispose();
    loaded.dispose();
  });

  it('a reader that predates the scaler refuses format 2; a newer reader refuses newer formats', async () => {
    const m = scaled2d();
    const dir = join(root, 'scaled-version');
    await saveModel(m, dir);
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    const artifacts = (rvft: object) => ({ modelTopology: {}, userDefinedMetadata: { rvft } });
    // the format-1 reader's check was `formatVersion > 1 → refuse`: this file is above it
    expect(json.userDefinedMetadata.rvft.formatVersion).toBeGreaterThan(1);
    // and that check refuses: here one version up from this reader
    expect(() =>
      readMetadata(
        artifacts({ ...json.userDefinedMetadata.rvft, formatVersion: RVFT_FORMAT_VERSION + 1 }),
        'x',
      ),
    ).toThrow(/saved with rvft model format 4; this @rvft\/model reads up to 3 — upgrade/);
    // format 1 still reads
    expect(
      readMetadata(
        artifacts({ ...json.userDefinedMetadata.rvft, formatVersion: 1, inputScaler: undefined }),
        'x',
      ).formatVersion,
    ).toBe(1);
    m.dispose();
  });

  it('a format-2 model.json that lost its scaler, or has a bad one, is refused without leaking', async () => {
    const m = scaled2d();
    const dir = join(root, 'scaled-broken');
    await saveModel(m, dir);
    const path = join(dir, 'model.json');
    const original = JSON.parse(readFileSync(path, 'utf8'));
    const before = tf.memory().numTensors;

    const lost = structuredClone(original);
    delete lost.userDefinedMetadata.rvft.inputScaler;
    writeFileSync(path, JSON.stringify(lost));
    await expectRvft(
      () => loadModel(dir),
      'RVFT_ERR_MODEL_CORRUPT',
      /rvft model format 2 must carry an inputScaler, and this model.json has none/,
    );

    const zero = structuredClone(original);
    zero.userDefinedMetadata.rvft.inputScaler.scale[1] = 0;
    writeFileSync(path, JSON.stringify(zero));
    await expectRvft(
      () => loadModel(dir),
      'RVFT_ERR_MODEL_CORRUPT',
      /model\.json: userDefinedMetadata\.rvft\.inputScaler: scale\[1\] is 0; every scale must be > 0/,
    );

    const short = structuredClone(original);
    short.userDefinedMetadata.rvft.inputScaler.mean = [1];
    writeFileSync(path, JSON.stringify(short));
    await expectRvft(
      () => loadModel(dir),
      'RVFT_ERR_MODEL_CORRUPT',
      /userDefinedMetadata\.rvft\.inputScaler: mean has 1 values, the model has 2 input features/,
    );
    expect(tf.memory().numTensors).toBe(before);
    m.dispose();
  });

  it('cloneModel keeps the scaler, bit-identical predictions, independent of the original', async () => {
    const m = scaled2d();
    const c = await cloneModel(m);
    expect(c.inputScaler).toEqual(m.inputScaler);
    const x = raw2d();
    sameBits(c.probabilities(x), m.probabilities(x));
    c.setInputScaler(null);
    expect(m.inputScaler).not.toBeNull();
    x.dispose();
    c.dispose();
    m.dispose();
  });

  it('the plain tfjs model is the unscaled network: feed it scaleInputs(x)', async () => {
    const m = scaled2d();
    const dir = join(root, 'scaled-plain');
    await saveModel(m, dir);
    const plain = await tfl.loadLayersModel(fileSystemIO(dir));
    const x = raw2d();
    const expected = m.probabilities(x);
    const got = tf.tidy(() =>
      tf.softmax(plain.predict(m.scaleInputs(x)) as tf.Tensor2D).dataSync(),
    );
    sameBits(got, expected);
    x.dispose();
    plain.dispose();
    m.dispose();
  });

  it('no leaks: save, load, clone and dispose of scaled models return to the baseline', async () => {
    const before = tf.memory().numTensors;
    const m = scaled2d();
    const dir = join(root, 'scaled-leaks');
    await saveModel(m, dir);
    const loaded = await loadModel(dir);
    const copy = await cloneModel(loaded);
    copy.setInputScaler({ mean: [0, 0], scale: [1, 1] });
    for (const model of [m, loaded, copy]) model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
