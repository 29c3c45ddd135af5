import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { keptColumns, loadForModel, loadTable, parseCsv, parseJsonl } from '../src/index';

const dir = mkdtempSync(join(tmpdir(), 'rvft-keep-'));

describe('keepColumns', () => {
  it('keeps an ignored column as raw text, one string per row, out of the features', async () => {
    const file = join(dir, 'k.csv');
    writeFileSync(file, 'region,age,x,label\neu, 25 ,1,a\nus,41,2,b\n,30,3,a\n');
    const ds = await loadTable(file, {
      labelColumn: 'label',
      ignoreColumns: ['region'],
      keepColumns: ['region', 'age'],
    });
    expect(ds.featureNames).toEqual(['age', 'x']);
    // a kept feature is kept too, trimmed as csv-parse trims every cell
    expect(keptColumns(ds)).toEqual({ region: ['eu', 'us', ''], age: ['25', '41', '30'] });
  });

  it('works through loadForModel, where a model schema names the features', async () => {
    const file = join(dir, 'm.csv');
    writeFileSync(file, 'x2,segment,x1,label\n0.2,young,0.1,a\n0.4,old,0.3,b\n');
    const schema = { labelColumn: 'label', featureNames: ['x1', 'x2'], classNames: ['a', 'b'] };
    const ds = await loadForModel(
      file,
      { schema, inputDim: 2, outputDim: 2 },
      { keepColumns: ['segment'] },
    );
    expect([...ds.features]).toEqual([0.1, 0.2, 0.3, 0.4].map(Math.fround));
    expect(keptColumns(ds)).toEqual({ segment: ['young', 'old'] });
  });

  it('JSON Lines: strings as is, numbers and booleans as written, absent keys empty', () => {
    const ds = parseJsonl(
      '{"g":"eu","x":1,"y":"a"}\n{"g":7,"x":2,"y":"b"}\n{"g":true,"x":3,"y":"a"}\n{"g":null,"x":4,"y":"b"}\n',
      { labelColumn: 'y', ignoreColumns: ['g'], keepColumns: ['g'] },
    );
    expect(keptColumns(ds)).toEqual({ g: ['eu', '7', 'true', ''] });
  });

  it('nothing kept unless asked; an unknown kept column is a schema error', () => {
    expect(keptColumns(parseCsv('x,label\n1,a\n', { labelColumn: 'label' }))).toBeUndefined();
    expect(() =>
      parseCsv('x,label\n1,a\n', { labelColumn: 'label', keepColumns: ['region'] }),
    ).toThrow(
      expect.objectContaining({
        code: 'RVFT_ERR_DATA_SCHEMA',
        message: "csv: kept column 'region' not found (columns: x, label)",
      }),
    );
  });
});
