import { describe, expect, it } from 'vitest';
import {
  type Dataset,
  distributionShiftScenario,
  domainTransferScenario,
  newClassScenario,
  newDataScenario,
} from '../src/index';

/** Sample mean of every feature over the rows of one class. */
function classMean(ds: Dataset, label: number): number {
  let s = 0;
  let n = 0;
  for (let i = 0; i < ds.nRows; i++) {
    if (ds.labels[i] !== label) continue;
    for (let j = 0; j < ds.nFeatures; j++) s += ds.features[i * ds.nFeatures + j]!;
    n += ds.nFeatures;
  }
  return s / n;
}

function classStd(ds: Dataset, label: number): number {
  const m = classMean(ds, label);
  let s = 0;
  let n = 0;
  for (let i = 0; i < ds.nRows; i++) {
    if (ds.labels[i] !== label) continue;
    for (let j = 0; j < ds.nFeatures; j++) s += (ds.features[i * ds.nFeatures + j]! - m) ** 2;
    n += ds.nFeatures;
  }
  return Math.sqrt(s / n);
}

describe('scenario A: new data', () => {
  const s = newDataScenario();
  it('has the article sizes, 20 features, balanced binary labels', () => {
    expect([s.initial.nRows, s.new.nRows, s.combined.nRows, s.test.nRows]).toEqual([
      1000, 500, 1500, 400,
    ]);
    expect(s.test.nFeatures).toBe(20);
    expect(s.initial.classCounts()).toEqual([500, 500]);
    expect(s.test.classCounts()).toEqual([200, 200]);
  });
  it('class c has mean c in every feature', () => {
    // 500 rows × 20 features: standard error of the mean ≈ 0.01
    expect(classMean(s.initial, 0)).toBeCloseTo(0, 1);
    expect(classMean(s.initial, 1)).toBeCloseTo(1, 1);
    expect(classStd(s.initial, 1)).toBeCloseTo(1, 1);
  });
  it('is reproducible per seed', () => {
    expect([...newDataScenario({ seed: 42 }).new.features]).toEqual([...s.new.features]);
    expect([...newDataScenario({ seed: 7 }).new.features]).not.toEqual([...s.new.features]);
  });
  it('options change the generated data', () => {
    const v = newDataScenario({ nNew: 120, nClasses: 3, classSeparation: 2 });
    expect(v.new.classCounts()).toEqual([40, 40, 40]);
    expect(classMean(v.initial, 2)).toBeCloseTo(4, 1);
    expect(() => newDataScenario({ nNew: 0 })).toThrow(/nNew must be an integer >= 1, got 0/);
  });
});

describe('scenario B: distribution shift', () => {
  const s = distributionShiftScenario();
  it('shifts every mean by 1.5 in the new window and its test set', () => {
    expect([
      s.originalTrain.nRows,
      s.shiftedTrain.nRows,
      s.shiftedTest.nRows,
      s.mixed.nRows,
    ]).toEqual([1000, 500, 400, 1500]);
    expect(classMean(s.shiftedTrain, 0)).toBeCloseTo(1.5, 1);
    expect(classMean(s.shiftedTrain, 1)).toBeCloseTo(2.5, 1);
    expect(classMean(s.shiftedTest, 0)).toBeCloseTo(1.5, 1);
    expect(classMean(s.originalTest, 0)).toBeCloseTo(0, 1);
  });
  it('shiftMagnitude is an option', () => {
    expect(
      classMean(distributionShiftScenario({ shiftMagnitude: 0.6 }).shiftedTrain, 0),
    ).toBeCloseTo(0.6, 1);
  });
});

describe('scenario C: new classes', () => {
  const s = newClassScenario();
  it('old classes 0–2 in the original data, new classes 3–4 in the new data', () => {
    expect(s.originalTrain.classCounts()).toEqual([300, 300, 300]);
    expect(s.newTrain.classCounts()).toEqual([0, 0, 0, 300, 300]);
    expect(s.combinedTrain.nRows).toBe(1500);
    expect(s.testAll.classCounts()).toEqual([100, 100, 100, 100, 100]);
    expect(s.testOld.nRows).toBe(300);
    expect(s.testNew.nRows).toBe(200);
    expect(s.oldClasses).toEqual([0, 1, 2]);
    expect(s.newClasses).toEqual([3, 4]);
  });
  it('class c has mean 1.2·c', () => {
    expect(classMean(s.originalTrain, 2)).toBeCloseTo(2.4, 1);
    expect(classMean(s.newTrain, 4)).toBeCloseTo(4.8, 1);
  });
});

describe('scenario D: domain transfer', () => {
  const s = domainTransferScenario();
  it('source N(c, 1), target N(c + 2, 1.3²), with the article sizes', () => {
    expect([s.sourceTrain.nRows, s.targetTrain.nRows, s.targetTest.nRows]).toEqual([
      2000, 200, 400,
    ]);
    expect(s.targetTrain.classCounts()).toEqual([67, 67, 66]);
    expect(classMean(s.sourceTrain, 1)).toBeCloseTo(1, 1);
    expect(classStd(s.sourceTrain, 1)).toBeCloseTo(1, 1);
    // target test: ~133 rows × 20 features per class
    expect(classMean(s.targetTest, 0)).toBeCloseTo(2, 1);
    expect(classMean(s.targetTest, 2)).toBeCloseTo(4, 1);
    expect(Math.abs(classStd(s.targetTest, 1) - 1.3)).toBeLessThan(0.05);
  });
  it('nTargetTrain is an option', () => {
    expect(domainTransferScenario({ nTargetTrain: 1200 }).targetTrain.nRows).toBe(1200);
  });
});
