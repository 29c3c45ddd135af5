import { describe, expect, it } from 'vitest';
import { BatchIterator, Dataset, DatasetError, epochOrder, Rng } from '../src/index';

describe('Rng', () => {
  it('is bit-for-bit reproducible per seed and differs across seeds', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const xs = Array.from({ length: 5 }, () => a.normal());
    expect(Array.from({ length: 5 }, () => b.normal())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.normal())).not.toEqual(xs);
  });

  it('normal() has mean ≈ 0 and variance ≈ 1; uniform() is in [0, 1)', () => {
    const rng = new Rng('moments');
    const n = 50_000;
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const x = rng.normal();
      s += x;
      s2 += x * x;
    }
    expect(Math.abs(s / n)).toBeLessThan(0.02); // 4.5 standard errors
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.03);
    for (let i = 0; i < 1000; i++) {
      const u = rng.uniform();
      expect(u >= 0 && u < 1).toBe(true);
    }
  });

  it('permutation is a permutation', () => {
    const p = new Rng(1).permutation(100);
    expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect([...p]).not.toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('rejects a non-finite seed', () => {
    expect(() => new Rng(Number.NaN)).toThrow(/seed/);
  });
});

describe('Dataset validation', () => {
  const ok = { features: [1, 2, 3, 4], labels: [0, 1], nFeatures: 2 };

  it('accepts plain arrays and stores typed arrays', () => {
    const ds = new Dataset(ok);
    expect(ds.features).toBeInstanceOf(Float32Array);
    expect(ds.labels).toBeInstanceOf(Int32Array);
    expect(ds.nRows).toBe(2);
    expect([...ds.row(1)]).toEqual([3, 4]);
  });

  it.each([
    [{ ...ok, features: [1, 2, 3] }, /features: length 3 does not match 2 labels × 2 features = 4/],
    [{ ...ok, features: [1, Number.NaN, 3, 4] }, /features: row 0, column 1 is NaN/],
    [{ ...ok, features: [1, 2, Number.POSITIVE_INFINITY, 4] }, /row 1, column 0 is Infinity/],
    [{ ...ok, labels: [0, -1] }, /labels: row 1 has label -1/],
    [{ ...ok, labels: [0.5, 1] }, /labels: row 0 has label 0.5/],
    [{ ...ok, labels: new Int32Array([0, -3]) }, /labels: row 1 has label -3/],
    [{ features: [], labels: [], nFeatures: 2 }, /zero rows/],
    [{ ...ok, nFeatures: 0 }, /nFeatures: must be a whole number >= 1/],
    [{ ...ok, featureNames: ['a'] }, /featureNames: 1 names for 2 features/],
  ])('rejects %#', (init, message) => {
    expect(() => new Dataset(init as never)).toThrow(DatasetError);
    expect(() => new Dataset(init as never)).toThrow(message);
  });

  it('names the feature column when names are known', () => {
    expect(
      () =>
        new Dataset({ ...ok, features: [1, 2, 3, Number.NaN], featureNames: ['age', 'income'] }),
    ).toThrow(/row 1, column 'income' is NaN/);
  });
});

describe('Dataset operations', () => {
  const ds = new Dataset({
    features: Float32Array.from({ length: 20 }, (_, i) => i),
    labels: [0, 0, 1, 1, 2, 2, 0, 1, 2, 0],
    nFeatures: 2,
  });

  it('counts classes and imbalance', () => {
    expect(ds.nClasses).toBe(3);
    expect(ds.classCounts()).toEqual([4, 3, 3]);
    expect(ds.classCounts(5)).toEqual([4, 3, 3, 0, 0]);
    expect(ds.classImbalance()).toBeCloseTo(4 / 3, 12);
  });

  it('subset copies rows in the given order', () => {
    const s = ds.subset([3, 0]);
    expect([...s.features]).toEqual([6, 7, 0, 1]);
    expect([...s.labels]).toEqual([1, 0]);
    expect(() => ds.subset([10])).toThrow(/indices\[0\] must be an integer in 0…9, got 10/);
  });

  it('concat appends rows and checks widths', () => {
    const c = ds.subset([0]).concat(ds.subset([9]));
    expect([...c.features]).toEqual([0, 1, 18, 19]);
    const other = new Dataset({ features: [1, 2, 3], labels: [0], nFeatures: 3 });
    expect(() => ds.concat(other)).toThrow(/part 1 has 3 features, part 0 has 2/);
  });

  it('split is seeded, disjoint and complete; stratified keeps class shares', () => {
    const a = ds.split(0.7, 5);
    const b = ds.split(0.7, 5);
    expect([...a.first.features]).toEqual([...b.first.features]);
    expect(a.first.nRows + a.second.nRows).toBe(10);
    expect(a.first.nRows).toBe(7);
    const all = [...a.first.features, ...a.second.features].sort((x, y) => x - y);
    expect(all).toEqual(Array.from({ length: 20 }, (_, i) => i));
    const s = ds.split(0.5, 1, { stratify: true });
    expect(s.first.classCounts()).toEqual([2, 2, 2]);
    expect(() => ds.split(1, 1)).toThrow(/fraction/);
  });

  it('feature means and columns', () => {
    expect([...ds.featureMeans()]).toEqual([9, 10]);
    expect([...ds.column(1)]).toEqual([1, 3, 5, 7, 9, 11, 13, 15, 17, 19]);
  });
});

describe('Dataset.featureStatistics', () => {
  it('gives the population mean and std of each feature (3×2, by hand)', () => {
    // a = 1, 2, 6: mean 3, deviations −2, −1, 3, squares sum 14 → std √(14/3)
    // b = 4, 8, 0: mean 4, deviations 0, 4, −4, squares sum 32 → std √(32/3)
    const ds = new Dataset({ features: [1, 4, 2, 8, 6, 0], labels: [0, 1, 0], nFeatures: 2 });
    const { mean, std, constant } = ds.featureStatistics();
    expect([...mean]).toEqual([3, 4]);
    expect(std[0]).toBeCloseTo(Math.sqrt(14 / 3), 14);
    expect(std[1]).toBeCloseTo(Math.sqrt(32 / 3), 14);
    expect(constant).toEqual([]);
  });

  it('lists constant features, relative to the size of their mean', () => {
    const ds = new Dataset({
      // a constant 0.1 (not exact in binary), b tiny but real spread, c constant 1e6,
      // d = 1e6 ± 1 (varies: std √(2/3) is large next to 1e-12 · 1e6)
      features: [0.1, 1e-6, 1e6, 1e6 - 1, 0.1, 2e-6, 1e6, 1e6, 0.1, 3e-6, 1e6, 1e6 + 1],
      labels: [0, 0, 0],
      nFeatures: 4,
      featureNames: ['a', 'b', 'c', 'd'],
    });
    const { std, constant } = ds.featureStatistics();
    expect(constant).toEqual([0, 2]);
    expect(constant.map((j) => ds.featureNames?.[j])).toEqual(['a', 'c']);
    expect(std[0]).toBe(0);
    expect(std[3]).toBeCloseTo(Math.sqrt(2 / 3), 12);
  });

  it('keeps a small spread exact under a large offset (two passes, not E[x²] − E[x]²)', () => {
    // 2^24 − 15, −14, −12 are exact in Float32: deviations −4/3, −1/3, 5/3, squares sum 42/9,
    // std √(14/9) = 1.2472…; the one-pass formula gives 1.2374 or 1.2416 here
    const xs = [16777201, 16777202, 16777204];
    const ds = new Dataset({ features: xs, labels: [0, 0, 0], nFeatures: 1 });
    const { mean, std } = ds.featureStatistics();
    expect(mean[0]).toBe(50331607 / 3);
    expect(std[0]).toBeCloseTo(Math.sqrt(14 / 9), 12);
  });
});

describe('BatchIterator', () => {
  const ds = new Dataset({
    features: Float32Array.from({ length: 10 }, (_, i) => i),
    labels: Array.from({ length: 10 }, (_, i) => i),
    nFeatures: 1,
  });

  it('covers every row once per epoch, in a seeded order that changes across epochs', () => {
    const it = new BatchIterator(ds, { batchSize: 4, seed: 7 });
    expect(it.length).toBe(3);
    const e0 = [...it.epoch(0)].flatMap((b) => [...b.labels]);
    const e0again = [...new BatchIterator(ds, { batchSize: 4, seed: 7 }).epoch(0)].flatMap((b) => [
      ...b.labels,
    ]);
    const e1 = [...it.epoch(1)].flatMap((b) => [...b.labels]);
    expect(e0).toEqual(e0again);
    expect([...e0].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(e1).not.toEqual(e0);
    expect(e0).toEqual([...epochOrder(10, 7, 0)]);
  });

  it('keeps features and labels aligned, honours dropLast and no-shuffle', () => {
    for (const b of new BatchIterator(ds, { batchSize: 3, seed: 1 }).epoch(0)) {
      expect([...b.features]).toEqual([...b.labels]);
    }
    const sizes = [
      ...new BatchIterator(ds, { batchSize: 4, seed: 1, dropLast: true }).epoch(0),
    ].map((b) => b.size);
    expect(sizes).toEqual([4, 4]);
    const plain = [...new BatchIterator(ds, { batchSize: 4, seed: 1, shuffle: false }).epoch(3)];
    expect([...plain[0]!.labels]).toEqual([0, 1, 2, 3]);
    expect(plain[2]!.size).toBe(2);
  });
});
