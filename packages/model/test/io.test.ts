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
  saveModel,
} from '../src/index';

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
    await expect(loadModel(dir)).rejects.toThrow(
      /weights in .* are 100 bytes, the manifest needs \d+ \(truncated or corrupted\)/,
    );
    await expect(loadModel(join(root, 'nowhere'))).rejects.toThrow(
      /no model at .*model.json not found/,
    );

    const newer = join(root, 'newer');
    await saveModel(m, newer);
    const json = JSON.parse(readFileSync(join(newer, 'model.json'), 'utf8'));
    json.userDefinedMetadata.rvft.formatVersion = 99;
    writeFileSync(join(newer, 'model.json'), JSON.stringify(json));
    await expect(loadModel(newer)).rejects.toThrow(
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
