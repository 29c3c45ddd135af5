import { newClassScenario } from '@rvft/data';
import { statisticalGate } from '@rvft/metrics';
import { cloneModel, createMlp } from '@rvft/model';
import { trainFromScratch } from '@rvft/strategies';
import { describe, expect, it } from 'vitest';
import { gateOnRows, holdOut, sliceLines } from '../src/index';

describe('holdOut carries row identity', () => {
  it('newTest row k is newData row newTestRows[k]', () => {
    const s = newClassScenario({ seed: 5, nFeatures: 3, nTrainPerClass: 20 });
    const rows = holdOut(s.newTrain, undefined, { holdout: 0.25, seed: 9 });
    const at = rows.newTestRows!;
    expect(at).toHaveLength(rows.newTest.nRows);
    at.forEach((r, k) => {
      expect([...rows.newTest.row(k)]).toEqual([...s.newTrain.row(r)]);
      expect(rows.newTest.labels[k]).toBe(s.newTrain.labels[r]);
    });
  });
});

describe('gateOnRows with slices', () => {
  const zoo = newClassScenario({ seed: 7, nFeatures: 6, nTrainPerClass: 60 });
  const newTest = zoo.testOld;
  const n = newTest.nRows;
  // two halves of the rows, and a slice too small to test
  const slices = [
    { name: 'first', rows: Array.from({ length: n >> 1 }, (_, i) => i) },
    { name: 'second', rows: Array.from({ length: n - (n >> 1) }, (_, i) => (n >> 1) + i) },
    { name: 'small', rows: [0, 1, 2] },
  ];

  it('a copy of the champion passes; an untrained challenger fails on every tested slice', async () => {
    const champion = createMlp({ inputDim: 6, hiddenDims: [16], outputDim: 3, seed: 1 });
    await trainFromScratch(champion, zoo.originalTrain);
    const same = await cloneModel(champion);
    const ok = gateOnRows(champion, same, { newTest, slices }, { replacesOld: true });
    const check = ok.checks.find((c) => c.name === 'slices')!;
    expect(check.status).toBe('passed');
    expect(check.slices!.map((s) => [s.name, s.n, s.difference])).toEqual([
      ['first', n >> 1, 0],
      ['second', n - (n >> 1), 0],
    ]);
    expect(check.message).toMatch(/1 slice with fewer rows not tested/);

    // an untrained network is near chance (1/3) where the champion is near 1
    const fresh = createMlp({ inputDim: 6, hiddenDims: [16], outputDim: 3, seed: 99 });
    const bad = gateOnRows(
      champion,
      fresh,
      { newTest, slices },
      { replacesOld: true, minSliceRows: 3 },
    );
    expect(bad.failed).toContain('slices');
    const badCheck = bad.checks.find((c) => c.name === 'slices')!;
    // minSliceRows 3 tests the 3-row slice too, but 3 rows cannot show a significant loss
    expect(badCheck.slices!.map((s) => s.name)).toEqual(['first', 'second', 'small']);
    expect(badCheck.failedSlices).toEqual(['first', 'second']);
    // without slices, the gate is what it was: no slice check at all
    const plain = gateOnRows(champion, fresh, { newTest }, { replacesOld: true });
    expect(plain.checks.map((c) => c.name)).not.toContain('slices');
    expect(sliceLines(plain)).toEqual([]);
  });
});

describe('sliceLines', () => {
  it('puts the tested slices on the card, champion and challenger side by side', () => {
    // 40 rows: slice a (rows 0–29) loses 15 rows, slice b (rows 30–39) is too small to test
    const champion = { newCorrect: Array<number>(40).fill(1) };
    const challenger = { newCorrect: Array.from({ length: 40 }, (_, i) => (i < 15 ? 0 : 1)) };
    const gate = statisticalGate(
      champion,
      challenger,
      {},
      {
        slices: [
          { name: 'region=a', rows: Array.from({ length: 30 }, (_, i) => i) },
          { name: 'region=b', rows: Array.from({ length: 10 }, (_, i) => 30 + i) },
        ],
      },
    );
    const lines = sliceLines(gate);
    expect(lines[0]).toBe('## Slices');
    expect(lines[2]).toMatch(/^significantly worse on region=a \(30 rows\) 1\.000 → 0\.500/);
    expect(lines[4]).toBe(
      '| slice | rows | champion | challenger | challenger − champion | 95 % paired interval | verdict |',
    );
    expect(lines[6]).toMatch(
      /^\| region=a \| 30 \| 100\.0 % \| 50\.0 % \| -50\.0 \| -\d+\.\d … -\d+\.\d \| regressed \|$/,
    );
    expect(lines).toHaveLength(8);
  });
});
