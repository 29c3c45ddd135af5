import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MIN_SLICE_ROWS,
  parseSliceSpec,
  type Slice,
  sliceMetrics,
  sliceRows,
  statisticalGate,
} from '../src/index';

describe('parseSliceSpec', () => {
  it('reads a column, and every operator with spaces around it', () => {
    expect(parseSliceSpec(' region ')).toEqual({ kind: 'values', column: 'region' });
    const ops = ['<', '<=', '>', '>=', '==', '!='] as const;
    for (const op of ops) {
      expect(parseSliceSpec(`age ${op} -2.5e1`)).toEqual({
        kind: 'predicate',
        column: 'age',
        operator: op,
        value: -25,
      });
    }
  });

  it.each([
    ['', /slice must be a column name/],
    ['age<', /after '<' comes '', not a decimal number/],
    ['<30', /no column before '<'/],
    ['age<=0x10', /'0x10', not a decimal number/],
    ['age=30', /slice must be/],
    ['age=<30', /'age=<' is not one operator/],
    ['age<<30', /'<30', not a decimal number/],
  ])('refuses %j clearly', (spec, message) => {
    expect(() => parseSliceSpec(spec)).toThrow(
      expect.objectContaining({
        code: 'RVFT_ERR_INVALID_ARGUMENT',
        message: expect.stringMatching(message),
      }),
    );
  });
});

describe('sliceRows', () => {
  it('groups by value, sorted, missing cells named', () => {
    expect(sliceRows(parseSliceSpec('g'), ['b', 'a', '', 'b'])).toEqual([
      { name: 'g=(missing)', rows: [2] },
      { name: 'g=a', rows: [1] },
      { name: 'g=b', rows: [0, 3] },
    ]);
  });

  it('applies each operator at the boundary', () => {
    const cells = ['29', '30', '31', ''];
    const rows = (spec: string) => sliceRows(parseSliceSpec(spec), cells)[0]!.rows;
    expect(rows('age<30')).toEqual([0]);
    expect(rows('age<=30')).toEqual([0, 1]);
    expect(rows('age>30')).toEqual([2]);
    expect(rows('age>=30')).toEqual([1, 2]);
    expect(rows('age==30')).toEqual([1]);
    // the missing cell is in no predicate slice, not even a '!=' one
    expect(rows('age!=30')).toEqual([0, 2]);
  });

  it('refuses a predicate on a cell that is not a number, naming the row', () => {
    expect(() => sliceRows(parseSliceSpec('age<30'), ['1', 'old'])).toThrow(
      /slice 'age<30' compares numbers, but row 2 of column 'age' holds 'old'/,
    );
  });
});

describe('sliceMetrics on a hand-computed table', () => {
  // 8 rows in two regions. Champion: all 4 right in a, 3 of 4 in b (misses row 6).
  // Challenger: 2 of 4 in a (misses rows 2 and 3), all 4 right in b.
  const labels = [0, 1, 1, 0, 1, 0, 1, 0];
  const region = ['a', 'a', 'a', 'a', 'b', 'b', 'b', 'b'];
  const champion = {
    predicted: [0, 1, 1, 0, 1, 0, 0, 0],
    // slice a: confidences 0.9, 0.8, 0.7, 0.6, all right → ECE = mean(1 − conf) = 0.25
    probabilities: [
      [0.9, 0.1],
      [0.2, 0.8],
      [0.3, 0.7],
      [0.6, 0.4],
      [0.5, 0.5],
      [0.5, 0.5],
      [0.5, 0.5],
      [0.5, 0.5],
    ],
  };
  const challenger = { predicted: [0, 1, 0, 1, 1, 0, 1, 0] };
  const [a, b] = sliceMetrics(
    sliceRows(parseSliceSpec('region'), region),
    labels,
    champion,
    challenger,
  );

  it('row counts, accuracy and its Wilson interval', () => {
    expect(a!.name).toBe('region=a');
    expect(a!.n).toBe(4);
    // 4/4: lower n/(n + z²) = 4/7.8415 = 0.5101
    expect(a!.champion.accuracy.estimate).toBe(1);
    expect(a!.champion.accuracy.lower).toBeCloseTo(0.5101, 4);
    expect(a!.champion.accuracy.upper).toBe(1);
    // 2/4: 0.5 ± z/(n + z²)·√(1 + z²/4) = 0.5 ± 0.3500
    expect(a!.challenger!.accuracy.lower).toBeCloseTo(0.15, 4);
    expect(a!.challenger!.accuracy.upper).toBeCloseTo(0.85, 4);
    // 3/4: the accuracyInterval doc example's [0.3006, 0.9544]
    expect(b!.champion.accuracy.estimate).toBe(0.75);
    expect(b!.champion.accuracy.lower).toBeCloseTo(0.3006, 4);
  });

  it('recall per class within the slice', () => {
    expect(a!.challenger!.recall).toEqual([
      { label: 0, n: 2, recall: 0.5 },
      { label: 1, n: 2, recall: 0.5 },
    ]);
    expect(b!.champion.recall).toEqual([
      { label: 0, n: 2, recall: 1 },
      { label: 1, n: 2, recall: 0.5 },
    ]);
  });

  it('ECE on the slice rows only, and only with probabilities', () => {
    expect(a!.champion.ece).toBeCloseTo(0.25, 10);
    // slice b: four rows at 0.5; ECE reads the probabilities' own argmax (class 0, the first
    // of the tie), right on rows 5 and 7 → |0.5 − 0.5|, whatever `predicted` says
    expect(b!.champion.ece).toBeCloseTo(0, 10);
    expect(a!.challenger!.ece).toBeUndefined();
  });

  it('the paired comparison is challenger − champion', () => {
    // a: challenger alone right on 0 rows, champion alone right on 2 → −2/4, McNemar 2·(1/2)² = 0.5
    expect(a!.comparison).toMatchObject({ difference: -0.5, b: 0, c: 2, pValue: 0.5 });
    expect(b!.comparison).toMatchObject({ difference: 0.25, b: 1, c: 0, pValue: 1 });
  });

  it('the same with flat probabilities', () => {
    const flat = { values: champion.probabilities.flat(), nClasses: 2 };
    const [fa] = sliceMetrics(sliceRows(parseSliceSpec('region'), region), labels, {
      predicted: champion.predicted,
      probabilities: flat,
    });
    expect(fa!.champion.ece).toBeCloseTo(0.25, 10);
    expect(fa!.challenger).toBeUndefined();
  });

  it('refuses a row index outside the rows', () => {
    expect(() => sliceMetrics([{ name: 's', rows: [8] }], labels, champion)).toThrow(
      expect.objectContaining({ code: 'RVFT_ERR_INVALID_ARGUMENT' }),
    );
  });
});

describe('statisticalGate with slices', () => {
  // 200 new rows. Rows 0–59 are segment x: the champion is right on all 60, the challenger
  // wrong on rows 0–19. Rows 60–199 are segment y: the champion is wrong on rows 60–79, the
  // challenger right on all. Overall both are right on 180/200: no aggregate change at all.
  const n = 200;
  const champion = { newCorrect: Array.from({ length: n }, (_, i) => (i >= 60 && i < 80 ? 0 : 1)) };
  const challenger = { newCorrect: Array.from({ length: n }, (_, i) => (i < 20 ? 0 : 1)) };
  const range = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => from + k);
  const slices: Slice[] = [
    { name: 'x', rows: range(0, 60) },
    { name: 'y', rows: range(60, 200) },
    // 10 rows, all lost, but below minSliceRows: reported untested, not failed
    { name: 'tiny', rows: range(0, 10) },
  ];

  it('without slices nothing changes: four checks', () => {
    const r = statisticalGate(champion, challenger);
    expect(r.passed).toBe(true);
    expect(r.checks.map((c) => c.name)).not.toContain('slices');
  });

  it('fails on the planted regressing slice and names it', () => {
    const r = statisticalGate(champion, challenger, {}, { slices });
    expect(r.checks[0]!.estimate).toBe(0); // the aggregate hides it
    expect(r.passed).toBe(false);
    expect(r.failed).toEqual(['slices']);
    const check = r.checks.find((c) => c.name === 'slices')!;
    expect(check.failedSlices).toEqual(['x']);
    expect(check.slices!.map((s) => [s.name, s.n])).toEqual([
      ['x', 60],
      ['y', 140],
    ]);
    const x = check.slices![0]!;
    expect(x.championAccuracy).toBe(1);
    expect(x.challengerAccuracy).toBeCloseTo(40 / 60, 12);
    expect(x.difference).toBeCloseTo(-20 / 60, 12);
    expect(x.upper).toBeLessThan(0);
    expect(check.slices![1]!.difference).toBeCloseTo(20 / 140, 12);
    expect(check.message).toMatch(/^significantly worse on x \(60 rows\) 1\.000 → 0\.667/);
    expect(check.message).toMatch(/1 slice with fewer rows not tested/);
  });

  it('passes when no slice regresses significantly', () => {
    // the challenger loses only rows 0 and 1 of x: −2/60, an interval reaching above 0
    const mild = { newCorrect: Array.from({ length: n }, (_, i) => (i < 2 ? 0 : 1)) };
    const r = statisticalGate(champion, mild, {}, { slices });
    expect(r.passed).toBe(true);
    const check = r.checks.find((c) => c.name === 'slices')!;
    expect(check.status).toBe('passed');
    expect(check.failedSlices).toEqual([]);
    expect(check.estimate).toBeCloseTo(-2 / 60, 12);
    expect(check.upper).toBeGreaterThan(0);
  });

  it('minSliceRows decides what is tested', () => {
    expect(DEFAULT_MIN_SLICE_ROWS).toBe(30);
    const r = statisticalGate(champion, challenger, {}, { slices, minSliceRows: 10 });
    const check = r.checks.find((c) => c.name === 'slices')!;
    expect(check.failedSlices).toEqual(['x', 'tiny']);
    const none = statisticalGate(champion, challenger, {}, { slices, minSliceRows: 500 });
    expect(none.checks.at(-1)).toMatchObject({ name: 'slices', status: 'skipped' });
    expect(none.passed).toBe(true);
    expect(() => statisticalGate(champion, challenger, {}, { slices, minSliceRows: 0 })).toThrow(
      /minSliceRows must be an integer >= 1/,
    );
    expect(() =>
      statisticalGate(champion, challenger, {}, { slices: [{ name: 's', rows: [200] }] }),
    ).toThrow(/slice 's' row must be an index of a new row \(below 200\)/);
  });
});
