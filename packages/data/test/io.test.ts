import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DatasetError, loadCsv, loadJsonl, parseCsv, parseJsonl } from '../src/index';

const dir = mkdtempSync(join(tmpdir(), 'rvft-data-'));

describe('CSV', () => {
  it('loads a file with a header and a named label column', async () => {
    const file = join(dir, 'ok.csv');
    writeFileSync(file, 'x1,label,x2\n0.5,1,2\n"1.5",0,-3e-1\n\n');
    const ds = await loadCsv(file, { labelColumn: 'label' });
    expect(ds.featureNames).toEqual(['x1', 'x2']);
    expect([...ds.features]).toEqual([0.5, 2, 1.5, Math.fround(-0.3)]);
    expect([...ds.labels]).toEqual([1, 0]);
    // labels are names: a loaded dataset always says which name each index stands for
    expect(ds.classNames).toEqual(['0', '1']);
  });

  it('maps string labels to sorted class names, or to the names given', () => {
    const text = 'a,y\n1,dog\n2,cat\n3,dog\n';
    const ds = parseCsv(text, { labelColumn: 'y' });
    expect(ds.classNames).toEqual(['cat', 'dog']);
    expect([...ds.labels]).toEqual([1, 0, 1]);
    const fixed = parseCsv(text, { labelColumn: 'y', classNames: ['dog', 'cat'] });
    expect([...fixed.labels]).toEqual([0, 1, 0]);
    expect(() => parseCsv(text, { labelColumn: 'y', classNames: ['dog'] })).toThrow(
      /line 3, column 'y': unknown class 'cat'/,
    );
  });

  it('appends unknown classes after the known ones when asked, keeping known indices', () => {
    const text = 'a,y\n1,dog\n2,fox\n3,cat\n4,ant\n';
    const ds = parseCsv(text, {
      labelColumn: 'y',
      classNames: ['dog', 'cat'],
      unknownClasses: 'append',
    });
    expect(ds.classNames).toEqual(['dog', 'cat', 'ant', 'fox']);
    expect([...ds.labels]).toEqual([0, 3, 1, 2]);
    // integer labels: new ones in numeric order, not '10' before '9'
    const ints = parseCsv('a,y\n1,10\n2,9\n3,0\n', {
      labelColumn: 'y',
      classNames: ['0', '1'],
      unknownClasses: 'append',
    });
    expect(ints.classNames).toEqual(['0', '1', '9', '10']);
    expect([...ints.labels]).toEqual([3, 2, 0]);
  });

  it('selects feature columns', () => {
    const ds = parseCsv('a,b,c,y\n1,2,3,0\n', { labelColumn: 'y', featureColumns: ['c', 'a'] });
    expect([...ds.features]).toEqual([3, 1]);
  });

  it.each([
    ['a,y\n1,0\nabc,1\n', /line 3, column 'a': 'abc' is not a decimal number/],
    ['a,y\n1,0\n,1\n', /line 3, column 'a': missing value/],
    ['a,y\n1,0\n2\n', /line 3: .*/],
    ['a,b\n1,0\n', /label column 'y' not found \(columns: a, b\)/],
    ['a,y\n1,\n', /line 2, column 'y': missing label/],
    ['a,a,y\n1,2,0\n', /duplicate column 'a'/],
    ['a,y\n', /no data rows/],
  ])('malformed CSV %# gets an error with its line', (text, message) => {
    expect(() => parseCsv(text, { labelColumn: 'y' })).toThrow(DatasetError);
    expect(() => parseCsv(text, { labelColumn: 'y' })).toThrow(message);
  });

  it('a malformed file names the file', async () => {
    const file = join(dir, 'bad.csv');
    writeFileSync(file, 'a,y\n1,0\n"unterminated,1\n');
    await expect(loadCsv(file, { labelColumn: 'y' })).rejects.toThrow(`${file}: line`);
  });
});

describe('JSON Lines', () => {
  it('loads objects, skipping blank lines', async () => {
    const file = join(dir, 'ok.jsonl');
    writeFileSync(file, '{"x":1,"z":2,"label":0}\n\n{"x":3,"z":4,"label":1}\n');
    const ds = await loadJsonl(file, { labelColumn: 'label' });
    expect(ds.featureNames).toEqual(['x', 'z']);
    expect([...ds.features]).toEqual([1, 2, 3, 4]);
  });

  it.each([
    ['{"x":1,"y":0}\n{"x":2,"y":1\n', /line 2: invalid JSON/],
    ['{"x":1,"y":0}\n[1,2]\n', /line 2: expected a JSON object/],
    ['{"x":1,"y":0}\n{"y":1}\n', /line 2, column 'x': missing value/],
    ['{"x":1,"y":0}\n{"x":"NaN","y":1}\n', /line 2, column 'x': 'NaN' is not a decimal number/],
  ])('malformed JSONL %# gets an error with its line', (text, message) => {
    expect(() => parseJsonl(text, { labelColumn: 'y' })).toThrow(message);
  });
});
