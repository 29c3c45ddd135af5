import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keptColumns, loadTable, newClassScenario } from '@rvft/data';
import { useBestBackend } from '@rvft/model';
import { rowPredictions, trainChampion } from '@rvft/pipeline';
import { openRegistry } from '@rvft/registry';
import { beforeAll, describe, expect, it } from 'vitest';
import { runRvft } from './run';

const dir = mkdtempSync(join(tmpdir(), 'rvft-slices-'));

const rvft = (args: string[]) => runRvft(args, dir);

// A real CSV: three features, a region column the model never reads (even rows 'north', odd
// rows 'south'), and the species label.
const SPECIES = ['bird', 'cat', 'dog'];
const zoo = newClassScenario({ seed: 11, nFeatures: 3, nTrainPerClass: 80, classSeparation: 1.5 });
const ds = zoo.originalTrain;
const region = (i: number) => (i % 2 === 0 ? 'north' : 'south');
const lines = Array.from({ length: ds.nRows }, (_, i) =>
  [...[...ds.row(i)].map((x) => x.toFixed(5)), region(i), SPECIES[ds.labels[i] as number]].join(
    ',',
  ),
);
writeFileSync(join(dir, 'd.csv'), `f1,f2,f3,region,species\n${lines.join('\n')}\n`);

beforeAll(async () => {
  await useBestBackend();
  const registry = await openRegistry(join(dir, 'reg'));
  const data = await loadTable(join(dir, 'd.csv'), {
    labelColumn: 'species',
    ignoreColumns: ['region'],
  });
  await trainChampion({
    registry,
    name: 'zoo',
    data,
    labelColumn: 'species',
    hiddenDims: [16],
    seed: 1,
  });
  // a weaker second version: one epoch
  await trainChampion({
    registry,
    name: 'zoo',
    data,
    labelColumn: 'species',
    hiddenDims: [16],
    seed: 2,
    train: { epochs: 1 },
  });
}, 120_000);

describe('rvft slices', () => {
  it('prints per-slice numbers that match the per-row predictions', async () => {
    const r = await rvft([
      'slices',
      '--champion',
      'reg:zoo',
      '--challenger',
      'reg:zoo@2',
      '--data',
      'd.csv',
      '--slice',
      'region',
      '--slice',
      'f1 < 0',
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({
      rows: 240,
      champion: { name: 'zoo', version: 1 },
      challenger: { name: 'zoo', version: 2 },
      specs: ['region', 'f1<0'],
      classNames: SPECIES,
    });
    const f1Negative = lines.filter((l) => Number(l.split(',')[0]) < 0).length;
    expect(out.slices.map((s: { name: string; n: number }) => [s.name, s.n])).toEqual([
      ['all', 240],
      ['region=north', 120],
      ['region=south', 120],
      ['f1<0', f1Negative],
    ]);
    // the peer: each version's own per-row predictions (rowPredictions, as `rvft evaluate`
    // scores), counted here over the even rows
    const registry = await openRegistry(join(dir, 'reg'));
    const data = await loadTable(join(dir, 'd.csv'), {
      labelColumn: 'species',
      ignoreColumns: ['region'],
      keepColumns: ['region'],
    });
    const north = keptColumns(data)!['region']!.flatMap((v, i) => (v === 'north' ? [i] : []));
    const correctOn = async (version: number) => {
      const model = await registry.load('zoo', { version });
      const p = rowPredictions(model, data);
      model.dispose();
      return north.map((i) => p.correct[i]);
    };
    const c1 = await correctOn(1);
    const c2 = await correctOn(2);
    const acc = (c: number[]) => c.reduce((a, b) => a + b, 0) / c.length;
    const s = out.slices[1];
    expect(s.champion.accuracy.estimate).toBeCloseTo(acc(c1 as number[]), 12);
    expect(s.challenger.accuracy.estimate).toBeCloseTo(acc(c2 as number[]), 12);
    expect(s.comparison.difference).toBeCloseTo(acc(c2 as number[]) - acc(c1 as number[]), 12);
    expect(
      s.champion.recall.map((c: { n: number }) => c.n).reduce((a: number, b: number) => a + b),
    ).toBe(120);
    expect(s.champion.ece).toBeGreaterThanOrEqual(0);
  }, 60_000);

  it('prints a table; a bad spec exits 2 naming the flag', async () => {
    const r = await rvft([
      'slices',
      '--champion',
      'reg:zoo',
      '--data',
      'd.csv',
      '--slice',
      'region',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^zoo v1 on d\.csv \(240 rows\)/);
    expect(r.stdout).toMatch(/\nregion=north\s+120\s+\d+\.\d\d% \[/);
    expect(r.stdout).toMatch(/recall: bird /);
    const bad = await rvft([
      'slices',
      '--champion',
      'reg:zoo',
      '--data',
      'd.csv',
      '--slice',
      'f1=<0',
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--slice: must be a column name, or a column, an operator/);
    const missing = await rvft([
      'slices',
      '--champion',
      'reg:zoo',
      '--data',
      'd.csv',
      '--slice',
      'city',
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/kept column 'city' not found/);
  }, 60_000);

  it('rvft update --slice feeds the slice gate', async () => {
    writeFileSync(join(dir, 'new.csv'), `f1,f2,f3,region,species\n${lines.join('\n')}\n`);
    const r = await rvft([
      'update',
      '--champion',
      'reg:zoo',
      '--new',
      'new.csv',
      '--strategy',
      'fine_tune_head_only',
      '--epochs',
      '2',
      '--slice',
      'region',
      '--min-slice-rows',
      '10',
      '--no-progress',
      '--json',
    ]);
    expect([0, 3], r.stderr).toContain(r.code);
    const report = JSON.parse(r.stdout);
    const check = report.gate.checks.find((c: { name: string }) => c.name === 'slices');
    // 20 % of 240 rows held out, stratified: 48, split between the two regions
    expect(check.slices.map((s: { name: string }) => s.name)).toEqual([
      'region=north',
      'region=south',
    ]);
    expect(check.slices.reduce((a: number, s: { n: number }) => a + s.n, 0)).toBe(48);
  }, 120_000);
});
