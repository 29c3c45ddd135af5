import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canonicalLabel, DatasetError, loadCsv, parseCsv, parseJsonl } from '../src/index';

const dir = mkdtempSync(join(tmpdir(), 'rvft-loading-'));

/** Collects notices so a test can check what loading reported. */
function notices(): { list: string[]; onNotice: (m: string) => void } {
  const list: string[] = [];
  return { list, onNotice: (m) => list.push(m) };
}

describe('labels are names', () => {
  it('canonicalises decimal numbers and trims everything else', () => {
    for (const one of ['1', '1.0', '1.00', '+1', '1e0', ' 1. ', 1, 1.0]) {
      expect(canonicalLabel(one)).toBe('1');
    }
    expect(canonicalLabel('-2.50')).toBe('-2.5');
    expect(canonicalLabel('.5')).toBe('0.5');
    expect(canonicalLabel(true)).toBe('true');
    expect(canonicalLabel(false)).toBe('false');
    expect(canonicalLabel('  cat ')).toBe('cat');
    // not decimal numbers: kept as written
    expect(canonicalLabel('0x10')).toBe('0x10');
    expect(canonicalLabel('1e400')).toBe('1e400');
    expect(canonicalLabel('Infinity')).toBe('Infinity');
  });

  it('reads 0.0/1.0 as the classes 0/1, with or without the model’s class names', () => {
    const pandas = 'a,y\n1,0.0\n2,1.0\n3,1.0\n';
    const ds = parseCsv(pandas, { labelColumn: 'y', classNames: ['0', '1'] });
    expect([...ds.labels]).toEqual([0, 1, 1]);
    expect(ds.classNames).toEqual(['0', '1']);
    const mixed = parseCsv('a,y\n1,0\n2,1.0\n3,0.0\n4,1\n', { labelColumn: 'y' });
    expect(mixed.classNames).toEqual(['0', '1']);
    expect([...mixed.labels]).toEqual([0, 1, 0, 1]);
    // the given names are canonicalised too
    const stored = parseCsv('a,y\n1,0\n2,1\n', { labelColumn: 'y', classNames: ['0.0', '1.0'] });
    expect([...stored.labels]).toEqual([0, 1]);
    expect(stored.classNames).toEqual(['0', '1']);
  });

  it('labels 2–9 give 8 classes; 0–1 arriving later are appended as new', () => {
    const first = parseCsv('a,y\n1,9\n2,2\n3,5\n4,3\n5,4\n6,6\n7,7\n8,8\n', { labelColumn: 'y' });
    expect(first.classNames).toEqual(['2', '3', '4', '5', '6', '7', '8', '9']);
    expect(first.nClasses).toBe(8);
    expect([...first.labels]).toEqual([7, 0, 3, 1, 2, 4, 5, 6]);
    const later = parseCsv('a,y\n1,1\n2,9\n3,0\n4,2\n', {
      labelColumn: 'y',
      classNames: first.classNames,
      unknownClasses: 'append',
    });
    expect(later.classNames).toEqual(['2', '3', '4', '5', '6', '7', '8', '9', '0', '1']);
    expect(later.nClasses).toBe(10);
    expect([...later.labels]).toEqual([9, 7, 8, 0]);
  });

  it('sorts non-numeric labels by code point, not by locale or UTF-16 unit', () => {
    const labels = ['b', '😀', 'a', '9', '\uFF01', 'B', 'é', '10'];
    const text = `x,y\n${labels.map((l, i) => `${i},${l}`).join('\n')}\n`;
    const ds = parseCsv(text, { labelColumn: 'y' });
    // '10' < '9' (one digit at a time), 'B' < 'a', and U+FF01 < U+1F600
    expect(ds.classNames).toEqual(['10', '9', 'B', 'a', 'b', 'é', '\uFF01', '😀']);
    expect([...ds.labels]).toEqual([4, 7, 3, 1, 6, 2, 5, 0]);
  });

  it('JSON Lines: 1, 1.0 and "1.0" are one class; booleans are names', () => {
    const ds = parseJsonl('{"x":1,"y":1}\n{"x":2,"y":1.0}\n{"x":3,"y":"1.0"}\n{"x":4,"y":2}\n', {
      labelColumn: 'y',
    });
    expect(ds.classNames).toEqual(['1', '2']);
    expect([...ds.labels]).toEqual([0, 0, 0, 1]);
    const flags = parseJsonl('{"x":1,"y":true}\n{"x":2,"y":false}\n', { labelColumn: 'y' });
    expect(flags.classNames).toEqual(['false', 'true']);
    expect([...flags.labels]).toEqual([1, 0]);
    expect(() => parseJsonl('{"x":1,"y":{"a":1}}\n', { labelColumn: 'y' })).toThrow(
      /line 1, column 'y': label must be a string, number or boolean/,
    );
  });

  it("an unknown label with 'error' names the file, line, column and value", async () => {
    const file = join(dir, 'unknown.csv');
    writeFileSync(file, 'a,y\n1,0\n2,1.0\n3,2.0\n4,7\n');
    await expect(loadCsv(file, { labelColumn: 'y', classNames: ['0', '1'] })).rejects.toThrow(
      `${file}: line 4, column 'y': unknown class '2.0' (read as '2') (known: 0, 1)`,
    );
  });

  it('refuses class names that are one class written twice', () => {
    expect(() => parseCsv('a,y\n1,1\n', { labelColumn: 'y', classNames: ['1', '1.0'] })).toThrow(
      /classNames '1' and '1.0' are the same class '1'/,
    );
  });
});

describe('column selection', () => {
  const text = 'id,a,b,y\n7,1,2,x\n3,4,5,z\n';

  it('ignoreColumns drops the named columns; every other column is a feature', () => {
    const ds = parseCsv(text, { labelColumn: 'y', ignoreColumns: ['id'] });
    expect(ds.featureNames).toEqual(['a', 'b']);
    expect([...ds.features]).toEqual([1, 2, 4, 5]);
  });

  it.each([
    [{ ignoreColumns: ['nope'] }, /ignored column 'nope' not found/],
    [{ ignoreColumns: ['y'] }, /'y' is the label column and cannot be ignored/],
    [{ ignoreColumns: ['id'], featureColumns: ['a'] }, /featureColumns or ignoreColumns, not both/],
  ])('bad column choice %# is refused', (choice, message) => {
    expect(() => parseCsv(text, { labelColumn: 'y', ...choice })).toThrow(DatasetError);
    expect(() => parseCsv(text, { labelColumn: 'y', ...choice })).toThrow(message);
  });

  it('a column missing in every row is named as such, not as a missing cell', () => {
    expect(() => parseCsv('a,b,y\n1,,0\n2,,1\n', { labelColumn: 'y' })).toThrow(
      /csv: column 'b' has no values \(missing in every row\)/,
    );
    expect(() =>
      parseJsonl('{"a":1,"b":null,"y":0}\n{"a":2,"y":1}\n', { labelColumn: 'y' }),
    ).toThrow(/column 'b' has no values/);
    // one value is enough to be a column; the gap is then a per-cell error
    expect(() => parseCsv('a,b,y\n1,,0\n2,3,1\n', { labelColumn: 'y' })).toThrow(
      /line 2, column 'b': missing value/,
    );
  });

  it('an unnamed column that is not leading must be named or ignored', () => {
    expect(() => parseCsv('a,y,\n1,0,\n', { labelColumn: 'y' })).toThrow(
      /column 3 \(no name in the header\) has no name; .*ignoreColumns: \[''\]/,
    );
    const ds = parseCsv('a,y,\n1,0,\n', { labelColumn: 'y', ignoreColumns: [''] });
    expect(ds.featureNames).toEqual(['a']);
  });
});

describe('index columns', () => {
  it('drops a leading unnamed 0…n−1 column (pandas to_csv) and says so', async () => {
    const file = join(dir, 'indexed.csv');
    writeFileSync(file, ',a,y\n0,1.5,x\n1,2.5,z\n2,3.5,x\n');
    const n = notices();
    const ds = await loadCsv(file, { labelColumn: 'y', onNotice: n.onNotice });
    expect(ds.featureNames).toEqual(['a']);
    expect([...ds.features]).toEqual([1.5, 2.5, 3.5]);
    expect(n.list).toHaveLength(1);
    expect(n.list[0]).toContain(file);
    expect(n.list[0]).toMatch(/dropped column 1 .*row numbers 0…2/);
  });

  it("drops a 1-based 'Unnamed: 0' index too", () => {
    const n = notices();
    const ds = parseCsv('Unnamed: 0,a,y\n1,5,x\n2,6,z\n', {
      labelColumn: 'y',
      onNotice: n.onNotice,
    });
    expect(ds.featureNames).toEqual(['a']);
    expect(n.list[0]).toMatch(/dropped column 1 \('Unnamed: 0'\).*row numbers 1…2/);
  });

  it('refuses a leading unnamed column that is not a row index, naming the file', async () => {
    const file = join(dir, 'unnamed.csv');
    writeFileSync(file, ',a,y\n0,1,x\n5,2,z\n');
    await expect(loadCsv(file, { labelColumn: 'y' })).rejects.toThrow(
      `${file}: column 1 (no name in the header) has no name and is not a row index (line 3 holds '5', a row index would hold 1)`,
    );
    await expect(loadCsv(file, { labelColumn: 'y' })).rejects.toThrow(/ignoreColumns: \[''\]/);
    expect(() => parseCsv('Unnamed:3,a,y\n0.5,1,x\n', { labelColumn: 'y' })).toThrow(
      /column 1 \('Unnamed:3'\) has no name .*ignoreColumns: \['Unnamed:3'\]/,
    );
    // ignoring it is the way out
    const ds = parseCsv(',a,y\n0,1,x\n5,2,z\n', { labelColumn: 'y', ignoreColumns: [''] });
    expect(ds.featureNames).toEqual(['a']);
  });

  it('keeps an explicitly listed unnamed column', () => {
    const n = notices();
    const ds = parseCsv(',a,y\n0,1,x\n1,2,z\n', {
      labelColumn: 'y',
      featureColumns: ['', 'a'],
      onNotice: n.onNotice,
    });
    expect(ds.featureNames).toEqual(['', 'a']);
    expect([...ds.features]).toEqual([0, 1, 1, 2]);
    expect(n.list).toEqual([]);
  });

  it("keeps an 'id' column of row numbers but reports it; other ids are silent", () => {
    const n = notices();
    const ds = parseCsv('a,ID,y\n5,1,x\n6,2,z\n7,3,x\n', {
      labelColumn: 'y',
      onNotice: n.onNotice,
    });
    expect(ds.featureNames).toEqual(['a', 'ID']);
    expect(n.list).toEqual([
      "csv: column 'ID' holds row numbers 1…3 and looks like a row index; pass ignoreColumns: ['ID'] unless it is a feature",
    ]);
    const quiet = notices();
    parseCsv('a,id,y\n5,10,x\n6,11,z\n', { labelColumn: 'y', onNotice: quiet.onNotice });
    parseCsv('a,code,y\n5,0,x\n6,1,z\n', { labelColumn: 'y', onNotice: quiet.onNotice });
    expect(quiet.list).toEqual([]);
  });
});
