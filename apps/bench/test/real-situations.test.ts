import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../src/real/io';
import {
  loadRealSituations,
  type RealSituation,
  type Row,
  type SituationKind,
  situationCsv,
} from '../src/real/situations';

// A second, plainer reading of the raw files: the counts below must match what the module built.
const DATA = join(
  dirname(dirname(createRequire(import.meta.url).resolve('vega-datasets'))),
  'data',
);
const json = (file: string) =>
  JSON.parse(readFileSync(join(DATA, file), 'utf8')) as Record<string, unknown>[];
/** The vega CSVs used here hold no quotes, so a line split is enough. */
function csv(file: string): Record<string, string>[] {
  const [head, ...lines] = readFileSync(join(DATA, file), 'utf8').trim().split('\n');
  const names = head!.split(',');
  return lines.map((line) => {
    const cells = line.split(',');
    return Object.fromEntries(names.map((n, i) => [n, cells[i]!]));
  });
}
const isNum = (v: unknown) => typeof v === 'number';

/** Classes with fewer than 8 rows on either side go; the rest is counted, then capped at 3000. */
function expectedSizes(old: string[], fresh: string[]): [number, number] {
  const tally = (labels: string[]) => {
    const t: Record<string, number> = {};
    for (const l of labels) t[l] = (t[l] ?? 0) + 1;
    return t;
  };
  const o = tally(old);
  const n = tally(fresh);
  const ok = (c: string) => (o[c] ?? 0) >= 8 && (n[c] ?? 0) >= 8;
  const keep = (labels: string[]) => Math.min(labels.filter(ok).length, 3000);
  return [keep(old), keep(fresh)];
}

function rawSizes(): Record<string, [number, number]> {
  const penguins = json('penguins.json').filter((r) =>
    ['Beak Length (mm)', 'Beak Depth (mm)', 'Flipper Length (mm)', 'Body Mass (g)'].every((k) =>
      isNum(r[k]),
    ),
  );
  const cars = json('cars.json').filter((r) =>
    [
      'Miles_per_Gallon',
      'Cylinders',
      'Displacement',
      'Horsepower',
      'Weight_in_lbs',
      'Acceleration',
    ].every((k) => isNum(r[k])),
  );
  const carYear = (r: Record<string, unknown>) => Number(String(r['Year']).slice(0, 4));
  const gap = json('gapminder.json');
  const weather = csv('weather.csv');
  const seattle = csv('seattle-weather.csv');
  const month = (r: Record<string, string>) => Number(r['date']!.slice(5, 7));
  const zips = csv('zipcodes.csv');
  const evenZip = (r: Record<string, string>) => Number(r['zip_code']!.at(-1)) % 2 === 0;
  const w = (rows: Record<string, string>[]) => rows.map((r) => r['weather']!);
  return {
    // the point of this one is a class on one side only: nothing is dropped
    'penguins-island': [
      penguins.filter((r) => r['Island'] !== 'Dream').length,
      penguins.filter((r) => r['Island'] === 'Dream').length,
    ],
    'cars-model-year': expectedSizes(
      cars.filter((r) => carYear(r) <= 1976).map((r) => String(r['Origin'])),
      cars.filter((r) => carYear(r) >= 1977).map((r) => String(r['Origin'])),
    ),
    'gapminder-era': expectedSizes(
      gap.filter((r) => Number(r['year']) <= 1970).map((r) => String(r['cluster'])),
      gap.filter((r) => Number(r['year']) >= 1990).map((r) => String(r['cluster'])),
    ),
    'weather-seattle-to-new-york': expectedSizes(
      w(weather.filter((r) => r['location'] === 'Seattle')),
      w(weather.filter((r) => r['location'] === 'New York')),
    ),
    'seattle-wet-to-dry-season': expectedSizes(
      w(seattle.filter((r) => month(r) <= 3 || month(r) >= 10)),
      w(seattle.filter((r) => month(r) >= 4 && month(r) <= 9)),
    ),
    'seattle-weather-years': expectedSizes(
      w(seattle.filter((r) => r['date']! < '2014')),
      w(seattle.filter((r) => r['date']! >= '2014')),
    ),
    'zipcodes-parity': expectedSizes(
      zips.filter(evenZip).map((r) => r['zip_code']![0]!),
      zips.filter((r) => !evenZip(r)).map((r) => r['zip_code']![0]!),
    ),
  };
}

/** [old, newPool] sizes as scikit-learn's exploration saw them (the numbers in the comments). */
const MEASURED: Record<string, [number, number]> = {
  'zipcodes-parity': [3000, 3000],
  'seattle-weather-years': [661, 721],
  'gapminder-era': [248, 248],
  'cars-model-year': [214, 178],
  'penguins-island': [218, 124],
  'weather-seattle-to-new-york': [1461, 1461],
  'seattle-wet-to-dry-season': [704, 731],
};

function shares(rows: Row[], label: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const r of rows) m.set(String(r[label]), (m.get(String(r[label])) ?? 0) + 1 / rows.length);
  return m;
}
function maxShareChange(s: RealSituation): number {
  const o = shares(s.old, s.label);
  const n = shares(s.newPool, s.label);
  return Math.max(
    ...[...new Set([...o.keys(), ...n.keys()])].map((c) =>
      Math.abs((o.get(c) ?? 0) - (n.get(c) ?? 0)),
    ),
  );
}

describe('real-data situations', () => {
  const situations = loadRealSituations();
  const byId = new Map(situations.map((s) => [s.id, s]));

  it('cover every kind, from at least four files, with unique kebab-case ids', () => {
    const kinds: SituationKind[] = [
      'same-distribution',
      'mild-shift',
      'severe-shift',
      'new-classes',
      'small-target',
      'prior-shift',
    ];
    expect(situations.length).toBeGreaterThanOrEqual(6);
    expect(new Set(situations.map((s) => s.kind))).toEqual(new Set(kinds));
    expect(new Set(situations.map((s) => s.source)).size).toBeGreaterThanOrEqual(4);
    expect(new Set(situations.map((s) => s.id)).size).toBe(situations.length);
    for (const s of situations) {
      expect(s.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(s.source).toMatch(/^vega-datasets\/[\w.-]+\.(json|csv)$/);
      expect(s.description.length).toBeGreaterThan(40);
    }
  });

  it('every row has a string label and finite numeric features', () => {
    for (const s of situations) {
      expect(s.features.length).toBeGreaterThan(0);
      expect(s.features).not.toContain(s.label);
      for (const row of [...s.old, ...s.newPool]) {
        expect(typeof row[s.label], s.id).toBe('string');
        expect(row[s.label], s.id).not.toBe('');
        for (const f of s.features) {
          const v = row[f];
          expect(typeof v === 'number' && Number.isFinite(v), `${s.id} ${f}=${v}`).toBe(true);
        }
      }
    }
  });

  it('row counts match an independent count from the raw files', () => {
    const raw = rawSizes();
    expect(Object.keys(raw).sort()).toEqual(situations.map((s) => s.id).sort());
    for (const s of situations) {
      expect([s.old.length, s.newPool.length], s.id).toEqual(raw[s.id]);
      expect([s.old.length, s.newPool.length], s.id).toEqual(MEASURED[s.id]);
    }
  });

  it('keeps features in raw units (no scaling)', () => {
    const first = byId.get('penguins-island')!.old[0]!;
    expect(first).toMatchObject({
      species: 'Adelie',
      beak_length_mm: 39.1,
      beak_depth_mm: 18.7,
      flipper_length_mm: 181,
      body_mass_g: 3750,
    });
  });

  it('leaves a new test set and enough rows of every class present', () => {
    for (const s of situations) {
      expect(s.nNewTrain, s.id).toBeGreaterThan(0);
      expect(s.nNewTrain, s.id).toBeLessThan(s.newPool.length);
      // penguins' Dream island (124 birds) is the only pool too small for ~150 test rows
      expect(s.newPool.length - s.nNewTrain, s.id).toBeGreaterThanOrEqual(80);
      expect(s.old.length, s.id).toBeLessThanOrEqual(3000);
      expect(s.newPool.length, s.id).toBeLessThanOrEqual(3000);
      for (const rows of [s.old, s.newPool]) {
        for (const [c, share] of shares(rows, s.label)) {
          expect(Math.round(share * rows.length), `${s.id} ${c}`).toBeGreaterThanOrEqual(8);
        }
      }
    }
  });

  it('shows each kind in the class counts', () => {
    for (const s of situations) {
      const oldLabels = new Set(s.old.map((r) => r[s.label]));
      const newOnly = [...new Set(s.newPool.map((r) => r[s.label]))].filter(
        (c) => !oldLabels.has(c),
      );
      if (s.kind === 'new-classes') expect(newOnly, s.id).not.toEqual([]);
      else expect(newOnly, s.id).toEqual([]);
      if (s.kind === 'same-distribution') expect(maxShareChange(s), s.id).toBeLessThan(0.02);
      if (s.kind === 'prior-shift') expect(maxShareChange(s), s.id).toBeGreaterThan(0.2);
    }
    const penguins = byId.get('penguins-island')!;
    expect(new Set(penguins.newPool.map((r) => r['species']))).toEqual(
      new Set(['Adelie', 'Chinstrap']),
    );
  });

  it('is deterministic', () => {
    expect(loadRealSituations()).toEqual(situations);
  });
});

describe('situationCsv', () => {
  it('writes a header and RFC 4180-quoted fields', () => {
    const rows: Row[] = [
      { name: 'Smith, J.', note: 'said "hi"', x: 1.5 },
      { name: 'plain', note: 'two\nlines', x: -2 },
      { name: ' padded', x: 0 },
    ];
    expect(situationCsv(rows, ['name', 'note', 'x'])).toBe(
      'name,note,x\n' +
        '"Smith, J.","said ""hi""",1.5\n' +
        'plain,"two\nlines",-2\n' +
        '" padded",,0\n',
    );
    expect(situationCsv([], ['a,b', 'c'])).toBe('"a,b",c\n');
  });

  it('round-trips a situation through a CSV parser', () => {
    const s = loadRealSituations().find((x) => x.id === 'gapminder-era')!;
    const columns = [s.label, ...s.features];
    const [header, ...body] = parseCsv(situationCsv(s.old, columns));
    expect(header).toEqual(columns);
    expect(body).toHaveLength(s.old.length);
    expect(body[0]).toEqual(columns.map((c) => String(s.old[0]![c])));
    expect(body.some((cells) => cells[0] === 'Europe & Central Asia')).toBe(true);
  });
});
