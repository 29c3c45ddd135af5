import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { cloneModel, createMlp, loadModel, readMetadata, saveModel } from '../src/index';
import { expectRvft } from './helpers';

const root = mkdtempSync(join(tmpdir(), 'rvft-temperature-'));
const x = () => tf.randomNormal([32, 6], 0, 2, 'float32', 7) as tf.Tensor2D;
const mlp = () => createMlp({ inputDim: 6, hiddenDims: [16], outputDim: 3, seed: 3 });

/** softmax(z / t) per row of a flat 3-wide buffer, in float64: the reference. */
function softmaxRows(z: ArrayLike<number>, t: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < z.length; i += 3) {
    const row = [z[i]!, z[i + 1]!, z[i + 2]!].map((v) => v / t);
    const m = Math.max(...row);
    const e = row.map((v) => Math.exp(v - m));
    const s = e.reduce((a, b) => a + b, 0);
    out.push(...e.map((v) => v / s));
  }
  return out;
}
const argmaxRows = (p: ArrayLike<number>) =>
  Array.from({ length: p.length / 3 }, (_, i) => {
    const r = [p[3 * i]!, p[3 * i + 1]!, p[3 * i + 2]!];
    return r.indexOf(Math.max(...r));
  });

describe('temperature', () => {
  it('probabilities are softmax(logits / T); logits and argmax do not move', () => {
    const m = mlp();
    const input = x();
    const logits = m.predictLogits(input);
    const z = logits.dataSync().slice();
    logits.dispose();
    expect(m.temperature).toBe(1);
    const plain = m.probabilities(input);
    const before = tf.memory().numTensors;
    m.setTemperature(2.5);
    expect(m.temperature).toBe(2.5);
    const scaled = m.probabilities(input);
    expect(tf.memory().numTensors).toBe(before);
    const want = softmaxRows(z, 2.5);
    for (let i = 0; i < want.length; i++) expect(scaled[i]).toBeCloseTo(want[i]!, 6);
    // a higher temperature flattens: the top probability falls in every row, the argmax stays
    expect(argmaxRows(scaled)).toEqual(argmaxRows(plain));
    for (let i = 0; i < plain.length; i += 3) {
      expect(Math.max(scaled[i]!, scaled[i + 1]!, scaled[i + 2]!)).toBeLessThanOrEqual(
        Math.max(plain[i]!, plain[i + 1]!, plain[i + 2]!),
      );
    }
    const raw = m.predictLogits(input);
    expect(Array.from(raw.dataSync())).toEqual(Array.from(z));
    raw.dispose();
    // back to 1: the plain softmax again, bit for bit
    m.setTemperature(1);
    expect(Array.from(m.probabilities(input))).toEqual(Array.from(plain));
    input.dispose();
    m.dispose();
  });

  it('refuses a temperature that is not finite and > 0, and changes nothing then', async () => {
    const m = mlp().setTemperature(3);
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      await expectRvft(() => m.setTemperature(bad), 'RVFT_ERR_INVALID_ARGUMENT', /temperature/);
    }
    expect(m.temperature).toBe(3);
    // a temperature fitted to weights that are gone means nothing
    m.reinitialize(1);
    expect(m.temperature).toBe(1);
    m.dispose();
  });

  it('is saved in format 3 and loaded back exactly; cloned too; T = 1 keeps the old formats', async () => {
    const m = mlp().setTemperature(1 / 3);
    const dir = join(root, 'saved');
    await saveModel(m, dir);
    const meta = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')).userDefinedMetadata.rvft;
    expect(meta.formatVersion).toBe(3);
    expect(meta.temperature).toBe(1 / 3);
    const loaded = await loadModel(dir);
    const copy = await cloneModel(m);
    expect(loaded.temperature).toBe(1 / 3);
    expect(copy.temperature).toBe(1 / 3);
    const input = x();
    expect(Array.from(loaded.probabilities(input))).toEqual(Array.from(m.probabilities(input)));
    copy.setTemperature(2);
    expect(m.temperature).toBe(1 / 3);
    m.setTemperature(1);
    await saveModel(m, dir, { overwrite: true });
    const plain = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')).userDefinedMetadata
      .rvft;
    expect(plain.formatVersion).toBe(1);
    expect(plain).not.toHaveProperty('temperature');
    // with a scaler and a temperature: format 3 carries both
    m.setInputScaler({ mean: [1, 2, 3, 4, 5, 6], scale: [1, 1, 1, 1, 1, 2] }).setTemperature(1.5);
    await saveModel(m, dir, { overwrite: true });
    const both = await loadModel(dir);
    expect(both.temperature).toBe(1.5);
    expect(both.inputScaler?.scale[5]).toBe(2);
    expect(Array.from(both.probabilities(input))).toEqual(Array.from(m.probabilities(input)));
    for (const model of [m, loaded, copy, both]) model.dispose();
    input.dispose();
  });

  it('a bad, lost or misplaced temperature is refused as corrupt, without leaking', async () => {
    const m = mlp().setTemperature(2);
    const dir = join(root, 'broken');
    await saveModel(m, dir);
    m.dispose();
    const path = join(dir, 'model.json');
    const original = JSON.parse(readFileSync(path, 'utf8'));
    const before = tf.memory().numTensors;
    const write = (edit: (rvft: Record<string, unknown>) => void) => {
      const j = structuredClone(original);
      edit(j.userDefinedMetadata.rvft);
      writeFileSync(path, JSON.stringify(j));
    };
    for (const bad of [0, -2, '2', null, [2]]) {
      write((r) => {
        r['temperature'] = bad;
      });
      await expectRvft(
        () => loadModel(dir),
        'RVFT_ERR_MODEL_CORRUPT',
        bad === null
          ? /format 3 must carry a temperature, and this model\.json has none/
          : /userDefinedMetadata\.rvft\.temperature must be a finite number > 0/,
      );
    }
    write((r) => {
      delete r['temperature'];
    });
    await expectRvft(() => loadModel(dir), 'RVFT_ERR_MODEL_CORRUPT', /must carry a temperature/);
    // a format-1 reader would ignore the temperature: a format-1 file may not hold one
    write((r) => {
      r['formatVersion'] = 1;
    });
    await expectRvft(
      () => loadModel(dir),
      'RVFT_ERR_MODEL_CORRUPT',
      /temperature is present in a format-1 model; a temperature is written only in format 3/,
    );
    expect(tf.memory().numTensors).toBe(before);
    expect(
      readMetadata({ userDefinedMetadata: { rvft: original.userDefinedMetadata.rvft } }, 'x')
        .temperature,
    ).toBe(2);
  });
});
