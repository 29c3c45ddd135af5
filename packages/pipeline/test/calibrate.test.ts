import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Dataset, domainTransferScenario } from '@rvft/data';
import { expectedCalibrationError, fitTemperature, negativeLogLikelihood } from '@rvft/metrics';
import { createMlp } from '@rvft/model';
import { openRegistry } from '@rvft/registry';
import { describe, expect, it } from 'vitest';
import {
  calibrateModel,
  calibrationSplit,
  MIN_CALIBRATION_ROWS,
  modelEvidence,
  trainChampion,
  updateChampion,
} from '../src/index';

/** Rows of a 2-feature, 3-class Gaussian problem (seeded: the same every run). */
function rows(n: number, seed: number): Dataset {
  let s = seed;
  const rand = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  const features: number[] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const y = i % 3;
    features.push(y + 2 * (rand() - 0.5), -y + 2 * (rand() - 0.5));
    labels.push(y);
  }
  return new Dataset({ features, labels, nFeatures: 2 });
}

describe('calibrationSplit', () => {
  it('sets aside a stratified share, or nothing below MIN_CALIBRATION_ROWS', () => {
    const s = calibrationSplit(rows(300, 1), 42);
    // 100 rows per class, a fifth of each aside
    expect([s?.train.nRows, s?.calibration.nRows]).toEqual([240, 60]);
    expect(Array.from(s!.calibration.labels).filter((y) => y === 2)).toHaveLength(20);
    // 60 rows × 0.2 = 12 calibration rows: too few
    expect(MIN_CALIBRATION_ROWS).toBe(20);
    expect(calibrationSplit(rows(60, 1), 42)).toBeUndefined();
    expect(() => calibrationSplit(rows(60, 1), 42, 1)).toThrow(/share/);
  });
});

describe('calibrateModel', () => {
  it('fits T on the raw logits, sets it on the model, keeps accuracy, reports the held-out rows', () => {
    // an untrained MLP with a large input scale: over-confident, so T > 1
    const model = createMlp({ inputDim: 2, hiddenDims: [16], outputDim: 3, seed: 4 });
    model.setTemperature(7); // e.g. inherited from a champion: must play no part
    const cal = rows(90, 2);
    const test = rows(60, 3);
    const logits = model.predictLogits(cal);
    const z = { values: logits.dataSync().slice(), nClasses: 3 };
    logits.dispose();
    const expected = fitTemperature(z, cal.labels);
    const before = modelEvidence(model.setTemperature(1), { newTest: test });
    const c = calibrateModel(model.setTemperature(7), cal, { heldOut: test });
    expect(c.temperature).toBe(expected.temperature);
    expect(model.temperature).toBe(expected.temperature);
    expect(c.nll).toEqual({ before: expected.nllBefore, after: expected.nllAfter });
    expect(c.rows).toBe(90);
    const after = modelEvidence(model, { newTest: test });
    // same predictions, row for row; the ECE on the unseen rows is what the model now gives
    expect(Array.from(after.predicted!)).toEqual(Array.from(before.predicted!));
    expect(c.heldOut?.rows).toBe(60);
    expect(c.heldOut?.ece.before).toBeCloseTo(before.ece!, 6);
    expect(c.heldOut?.ece.after).toBeCloseTo(after.ece!, 6);
    const p = model.probabilities(test);
    expect(c.heldOut?.ece.after).toBeCloseTo(
      expectedCalibrationError({ values: p, nClasses: 3 }, test.labels),
      6,
    );
    const zt = model.predictLogits(test);
    expect(c.heldOut?.nll.after).toBeCloseTo(
      negativeLogLikelihood({ values: zt.dataSync(), nClasses: 3 }, test.labels, c.temperature),
      9,
    );
    zt.dispose();
    model.dispose();
  });
});

describe('the pipeline calibrates', () => {
  it('train and update: T fitted on rows set aside, saved with the version, the gate sees calibrated ECE', async () => {
    const d = domainTransferScenario({
      seed: 5,
      nFeatures: 6,
      nSourceTrain: 300,
      nSourceTest: 3,
      nTargetTrain: 200,
      nTargetTest: 3,
    });
    const registry = await openRegistry(mkdtempSync(join(tmpdir(), 'rvft-calibrate-')));
    const first = await trainChampion({
      registry,
      name: 'd',
      data: d.sourceTrain,
      labelColumn: 'y',
      hiddenDims: [16, 8],
      seed: 5,
    });
    // 300 rows, 60 held out; the temperature is fitted on the 36 validation rows (15 % of
    // 240) that early stopping watched: no training row set aside
    expect(first.rows).toEqual({ train: 240, test: 60 });
    expect(first.calibration).toMatchObject({ fitted: true, rows: 36 });
    // an explicit share sets rows aside instead
    const shared = await trainChampion({
      registry,
      name: 'd-shared',
      data: d.sourceTrain,
      labelColumn: 'y',
      hiddenDims: [16, 8],
      seed: 5,
      calibrationShare: 0.2,
    });
    expect(shared.rows).toEqual({ train: 192, test: 60, calibration: 48 });
    const v1 = await registry.load('d', { version: 1 });
    expect(v1.temperature).toBe(first.calibration.temperature);
    v1.dispose();

    const report = await updateChampion({
      registry,
      name: 'd',
      newData: d.targetTrain,
      seed: 5,
      strategy: 'fine_tune_head_only',
      policy: { replacesOld: true },
    });
    // 200 new rows (67, 67, 66 per class): a fifth of each class for the gate (39), a fifth of
    // the other 161 for the temperature
    expect(report.rows).toEqual({ newTrain: 128, newTest: 39, calibration: 33 });
    const c = report.calibration;
    if (!c.fitted) throw new Error(c.why);
    expect(c.accuracy).toBeGreaterThan(0);
    expect(c.nll.after).toBeLessThanOrEqual(c.nll.before);
    const v2 = await registry.load('d', { version: report.challenger });
    expect(v2.temperature).toBe(c.temperature);
    // the gate's calibration check compares the calibrated ECE, on the gate's rows
    const check = report.gate.checks.find((x) => x.name === 'calibration');
    expect(report.metrics.challenger['newTaskEce']).toBeCloseTo(c.heldOut!.ece.after, 6);
    // estimate = challenger ECE − champion ECE
    expect(check!.estimate! + report.metrics.champion['newTaskEce']!).toBeCloseTo(
      c.heldOut!.ece.after,
      6,
    );
    v2.dispose();

    const off = await updateChampion({
      registry,
      name: 'd',
      newData: d.targetTrain,
      seed: 5,
      strategy: 'fine_tune_head_only',
      policy: { replacesOld: true, calibrate: false, promote: false },
    });
    expect(off.calibration).toEqual({ fitted: false, temperature: 1, why: 'calibrate: false' });
    expect(off.rows).toEqual({ newTrain: 161, newTest: 39 });
    const v3 = await registry.load('d', { version: off.challenger });
    // not the champion's temperature either: T = 1
    expect(v3.temperature).toBe(1);
    v3.dispose();
  });
});
