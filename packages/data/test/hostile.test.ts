import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isRvftError } from '@rvft/errors';
import { describe, expect, it } from 'vitest';
import {
  Dataset,
  loadCsv,
  loadForModel,
  loadJsonl,
  loadTable,
  MAX_CLASSES,
  parseCsv,
  parseJsonl,
  type TableOptions,
  tableFormat,
  tableOptionsForModel,
} from '../src/index';
import { READ_CHUNK_BYTES } from '../src/text';

const dir = mkdtempSync(join(tmpdir(), 'rvft-hostile-'));
let n = 0;

/** Writes a real file (text as UTF-8, or raw bytes) and returns its path. */
function file(content: string | Uint8Array, ext = 'csv'): string {
  const path = join(dir, `f${n++}.${ext}`);
  writeFileSync(path, content);
  return path;
}

/** The error a promise rejects with, for checking its code and message together. */
async function failure(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (e) {
    if (!isRvftError(e)) throw e;
    return { code: e.code, message: e.message };
  }
  throw new Error('expected the load to fail');
}

const y: TableOptions = { labelColumn: 'y' };

describe('labels are never indices', () => {
  it('a label beyond Int32 or in the millions is a name: two rows, two classes', async () => {
    const ds = await loadCsv(file('a,y\n1,4294967297\n2,1\n3,5000000\n'), y);
    expect(ds.classNames).toEqual(['1', '5000000', '4294967297']);
    expect([...ds.labels]).toEqual([2, 0, 1]);
    expect(ds.nClasses).toBe(3);
    const json = await loadJsonl(file('{"a":1,"y":4294967297}\n{"a":2,"y":1}\n', 'jsonl'), y);
    expect(json.classNames).toEqual(['1', '4294967297']);
    expect([...json.labels]).toEqual([1, 0]);
  });

  it('a numeric label with more digits than a double keeps is refused, not merged', async () => {
    const path = file('a,y\n1,9007199254740992\n2,9007199254740993\n');
    const e = await failure(loadCsv(path, y));
    expect(e.code).toBe('RVFT_ERR_DATA_PARSE');
    expect(e.message).toMatch(
      new RegExp(
        `^${path}: line 2, column 'y': label '9007199254740992' has more than 15 significant digits`,
      ),
    );
    const json = file('{"a":1,"y":12}\n{"a":2,"y": 9007199254740993}\n', 'jsonl');
    expect((await failure(loadJsonl(json, y))).message).toMatch(
      /: line 2, column 'y': label '9007199254740993' has more than 15 significant digits/,
    );
    // 15 digits, and trailing zeros, are kept exactly
    const ok = parseCsv('a,y\n1,123456789012345\n2,1.50000000000000000000\n3,-0.000120e5\n', y);
    expect(ok.classNames).toEqual(['-12', '1.5', '123456789012345']);
  });

  it(`the ${MAX_CLASSES + 1}st distinct label is refused with its file and line`, async () => {
    const rows = Array.from({ length: MAX_CLASSES + 5 }, (_, i) => `${i},c${i}`);
    const path = file(`a,y\n${rows.join('\n')}\n`);
    const e = await failure(loadCsv(path, y));
    expect(e.code).toBe('RVFT_ERR_DATA_TOO_LARGE');
    // header on line 1, class number k on line k + 1
    expect(e.message).toBe(
      `${path}: line ${MAX_CLASSES + 2}, column 'y': label 'c${MAX_CLASSES}' is class number ${MAX_CLASSES + 1}, more than the limit of ${MAX_CLASSES} classes (maxClasses)`,
    );
  });

  it('maxClasses counts the model classes and the appended ones', () => {
    const opts = { ...y, classNames: ['a', 'b'], unknownClasses: 'append' as const, maxClasses: 3 };
    expect(parseCsv('x,y\n1,a\n2,c\n3,b\n', opts).classNames).toEqual(['a', 'b', 'c']);
    expect(() => parseCsv('x,y\n1,a\n2,c\n3,d\n', opts)).toThrow(
      "csv: line 4, column 'y': label 'd' is class number 4, more than the limit of 3 classes",
    );
    expect(() => parseCsv('x,y\n1,a\n', { ...opts, maxClasses: 1 })).toThrow(
      'classNames lists 2 classes, more than the limit of 1 (maxClasses)',
    );
    expect(() => parseCsv('x,y\n1,a\n', { ...y, maxClasses: 0 })).toThrow(
      'parseCsv: maxClasses must be an integer >= 1 <= 10000, got 0',
    );
  });

  it('a Dataset built by hand refuses a label that would size a huge head', () => {
    const e = (() => {
      try {
        new Dataset({ features: [1, 2], labels: [0, 5_000_000], nFeatures: 1 });
      } catch (err) {
        return err;
      }
    })();
    expect(isRvftError(e) && e.code).toBe('RVFT_ERR_DATA_TOO_LARGE');
    expect(String(e)).toMatch(
      /row 1 has label 5000000; labels are output indices below MAX_CLASSES/,
    );
  });
});

describe('encoding: UTF-8 or a named line', { timeout: 60_000 }, () => {
  const latin1 = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

  it('Latin-1 café / cafè are refused at their line, not merged into caf\\uFFFD', async () => {
    const path = file(latin1('a,y\n1,tea\n2,caf\u00e9\n3,caf\u00e8\n'));
    const e = await failure(loadCsv(path, y));
    expect(e.code).toBe('RVFT_ERR_DATA_ENCODING');
    expect(e.message).toBe(
      `${path}: line 3: byte 0xE9 after "2,caf" is not valid UTF-8 (a Latin-1 or Windows-1252 file?); save the file as UTF-8`,
    );
    const json = file(latin1('{"a":1,"y":"caf\u00e9"}\n'), 'jsonl');
    expect((await failure(loadJsonl(json, y))).message).toMatch(/^.*: line 1: byte 0xE9 after/);
  });

  it('a character cut by a read boundary is joined; a bad byte there still names its line', async () => {
    // 'é' (C3 A9) straddles the first and second read
    const pad = `a,y\n${'1,x\n'.repeat(Math.floor(READ_CHUNK_BYTES / 4) - 100)}`;
    const head = `${pad}${'0'.repeat(READ_CHUNK_BYTES - 2 - pad.length)},`;
    expect(Buffer.byteLength(head) + 1).toBe(READ_CHUNK_BYTES);
    const ok = await loadCsv(file(`${head}\u00e9\n`), y);
    expect(ok.classNames).toEqual(['x', '\u00e9']);
    // a lone lead byte at the end of the first read, then an ASCII byte
    const bytes = Buffer.concat([Buffer.from(head), Buffer.from([0xc3]), Buffer.from('z\n')]);
    const lines = head.split('\n').length;
    const e = await failure(loadCsv(file(bytes), y));
    expect(e.code).toBe('RVFT_ERR_DATA_ENCODING');
    expect(e.message).toMatch(new RegExp(`: line ${lines}: byte 0xC3 is not valid UTF-8`));
  });

  it('a character cut off by the end of the file names the last line', async () => {
    const bytes = Buffer.concat([Buffer.from('a,y\n1,x\n2,'), Buffer.from([0xe2, 0x82])]);
    const e = await failure(loadCsv(file(bytes), y));
    expect(e.code).toBe('RVFT_ERR_DATA_ENCODING');
    expect(e.message).toMatch(/: line 3: byte 0xE2 at the end of the file/);
  });

  it('overlong forms and surrogates are not UTF-8 either', async () => {
    for (const bad of [
      [0xc0, 0xaf],
      [0xed, 0xa0, 0x80],
      [0xf5, 0x80, 0x80, 0x80],
    ]) {
      const bytes = Buffer.concat([Buffer.from('a,y\n1,'), Buffer.from(bad), Buffer.from('\n')]);
      const e = await failure(loadCsv(file(bytes), y));
      expect(e.code).toBe('RVFT_ERR_DATA_ENCODING');
      expect(e.message).toMatch(/: line 2: byte 0x/);
    }
  });

  it('a UTF-16 file is named as such', async () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a,y\n1,x\n', 'utf16le')]);
    const path = file(utf16);
    expect(await failure(loadCsv(path, y))).toEqual({
      code: 'RVFT_ERR_DATA_ENCODING',
      message: `${path}: line 1: the file starts with a UTF-16 byte-order mark; save it as UTF-8`,
    });
  });

  it('a byte-order mark is dropped in CSV and JSON Lines alike', async () => {
    const csv = await loadCsv(file('\ufeffa,y\n1,x\n'), y);
    expect(csv.featureNames).toEqual(['a']);
    const json = await loadJsonl(file('\ufeff{"a":1,"y":"x"}\n', 'jsonl'), y);
    expect(json.featureNames).toEqual(['a']);
    expect(parseJsonl('\ufeff{"a":1,"y":"x"}\n', y).featureNames).toEqual(['a']);
  });
});

// parsing a few MB on a shared 2-core machine: a generous limit, not a timing assertion
describe('streaming reads the same Dataset as the whole text', { timeout: 60_000 }, () => {
  // several read chunks, quoted fields with commas and line breaks, CRLF, blank lines
  const rows = ['id,"x,1",x2,y'];
  for (let i = 0; i < 30_000; i++) {
    const label = i % 3 === 0 ? `"cat, ${i % 7}"` : i % 3 === 1 ? `${i % 5}.0` : `"multi\nline"`;
    rows.push(`${`k${i}`.padEnd(30, '.')},${(i * 0.37).toFixed(3)},-${i % 11}e-1,${label}`);
    if (i % 1000 === 0) rows.push('');
  }
  const text = `${rows.join('\r\n')}\r\n`;

  it('CSV: byte-for-byte the same features, labels and classes', async () => {
    const path = file(text);
    expect(readFileSync(path).length).toBeGreaterThan(READ_CHUNK_BYTES);
    const opts = { ...y, ignoreColumns: ['id'] };
    const streamed = await loadCsv(path, opts);
    const whole = parseCsv(text, opts);
    expect(streamed.nRows).toBe(30_000);
    expect(streamed.classNames).toEqual(whole.classNames);
    expect(streamed.featureNames).toEqual(['x,1', 'x2']);
    expect(Buffer.from(streamed.features.buffer)).toEqual(Buffer.from(whole.features.buffer));
    expect([...streamed.labels]).toEqual([...whole.labels]);
    expect(streamed.classNames).toContain('multi\nline');
  });

  it('JSON Lines: the same, with CRLF and lines split across reads', async () => {
    const lines = Array.from({ length: 40_000 }, (_, i) =>
      JSON.stringify({ x: i * 0.5, s: `é${'-'.repeat(i % 50)}`, y: i % 4 }),
    );
    const body = `${lines.join('\r\n')}\r\n\r\n`;
    const opts = { ...y, ignoreColumns: ['s'] };
    const streamed = await loadJsonl(file(body, 'jsonl'), opts);
    const whole = parseJsonl(body, opts);
    expect(streamed.nRows).toBe(40_000);
    expect([...streamed.features]).toEqual([...whole.features]);
    expect([...streamed.labels]).toEqual([...whole.labels]);
    expect(streamed.classNames).toEqual(['0', '1', '2', '3']);
  });
});

describe('limits', () => {
  it('a file over maxBytes is refused before it is read', async () => {
    const path = file('a,y\n1,x\n2,z\n');
    const e = await failure(loadCsv(path, { ...y, maxBytes: 10 }));
    expect(e).toEqual({
      code: 'RVFT_ERR_DATA_TOO_LARGE',
      message: `${path}: 12 bytes, more than the limit of 10 (maxBytes)`,
    });
  });

  it('maxRows names the line of the first row too many', async () => {
    const path = file('a,y\n1,x\n\n2,z\n3,x\n');
    const e = await failure(loadCsv(path, { ...y, maxRows: 2 }));
    expect(e.code).toBe('RVFT_ERR_DATA_TOO_LARGE');
    expect(e.message).toBe(`${path}: line 5: more than 2 data rows (maxRows)`);
  });

  it('a record longer than maxRecordBytes (an unclosed quote) is refused, CSV and JSON Lines', async () => {
    const csv = file(`a,y\n1,"${'x'.repeat(5000)}\n2,z\n`);
    const e = await failure(loadCsv(csv, { ...y, maxRecordBytes: 1000 }));
    expect(e.code).toBe('RVFT_ERR_DATA_TOO_LARGE');
    expect(e.message).toMatch(/: line 2: a record longer than 1000 bytes \(maxRecordBytes\)/);
    const long = file(
      `{"a":1,"y":"x"}\n{"a":2,"y":"${'x'.repeat(3 * READ_CHUNK_BYTES)}"}\n`,
      'jsonl',
    );
    const blank = file(`{"a":1,"y":"x"}\n${' '.repeat(3 * READ_CHUNK_BYTES)}`, 'jsonl');
    expect((await failure(loadJsonl(blank, { ...y, maxRecordBytes: 1000 }))).message).toBe(
      `${blank}: line 2: longer than 1000 characters (maxRecordBytes)`,
    );
    const j = await failure(loadJsonl(long, { ...y, maxRecordBytes: 1000 }));
    expect(j).toEqual({
      code: 'RVFT_ERR_DATA_TOO_LARGE',
      message: `${long}: line 2: longer than 1000 characters (maxRecordBytes)`,
    });
  });

  it('a NaN limit is an invalid argument', async () => {
    const e = await failure(loadCsv(file('a,y\n1,x\n'), { ...y, maxRows: Number.NaN }));
    expect(e).toEqual({
      code: 'RVFT_ERR_INVALID_ARGUMENT',
      message: 'loadCsv: maxRows must be an integer, got NaN',
    });
  });
});

describe('numbers: decimal numerals only, quoted as written', () => {
  it.each([
    ['1e39', "'1e39' overflows float32 (largest magnitude 3.4028235e38)"],
    ['-1e400', "'-1e400' overflows float32 (largest magnitude 3.4028235e38)"],
    ['0x10', "'0x10' is not a decimal number"],
    ['0b11', "'0b11' is not a decimal number"],
    ['0o7', "'0o7' is not a decimal number"],
    ['1_000', "'1_000' is not a decimal number"],
    ['Infinity', "'Infinity' is not a decimal number"],
    ['NaN', "'NaN' is not a decimal number"],
    ['1,5', "'1,5' is not a decimal number"],
  ])('CSV cell %s', async (cell, problem) => {
    const path = file(`a,b,y\n1,2,x\n3,"${cell}",z\n`);
    const e = await failure(loadCsv(path, y));
    expect(e).toEqual({
      code: 'RVFT_ERR_DATA_PARSE',
      message: `${path}: line 3, column 'b': ${problem}`,
    });
  });

  it('decimal numerals in every spelling are read', () => {
    const ds = parseCsv('a,y\n+1,x\n-2.50,x\n.5,x\n1.,x\n1e0,x\n 7 ,x\n', y);
    expect([...ds.features]).toEqual([1, -2.5, 0.5, 1, 1, 7]);
  });

  it('JSON Lines quotes an overflowing number as written, and refuses non-numbers', async () => {
    const path = file('{"a":1,"y":0}\n{"a": 1e39,"y":1}\n', 'jsonl');
    expect((await failure(loadJsonl(path, y))).message).toBe(
      `${path}: line 2, column 'a': '1e39' overflows float32 (largest magnitude 3.4028235e38)`,
    );
    expect(() => parseJsonl('{"a":true,"y":0}\n', y)).toThrow(
      "jsonl: line 1, column 'a': true is not a number",
    );
    expect(() => parseJsonl('{"a":"0x10","y":0}\n', y)).toThrow(
      "jsonl: line 1, column 'a': '0x10' is not a decimal number",
    );
    expect([...parseJsonl('{"a":"2.5","y":0}\n', y).features]).toEqual([2.5]);
  });
});

describe('JSON Lines objects: own keys only', () => {
  it("a row without 'constructor' has no label, not Object's constructor", async () => {
    const path = file('{"a":1,"constructor":"x"}\n{"a":2}\n', 'jsonl');
    const e = await failure(loadJsonl(path, { labelColumn: 'constructor' }));
    expect(e.message).toBe(`${path}: line 2, column 'constructor': missing label`);
  });

  it("'__proto__' and 'toString' are ordinary keys", () => {
    const ds = parseJsonl(
      '{"__proto__":1,"toString":2,"y":"a"}\n{"__proto__":3,"toString":4,"y":"b"}\n',
      y,
    );
    expect(ds.featureNames).toEqual(['__proto__', 'toString']);
    expect([...ds.features]).toEqual([1, 2, 3, 4]);
    const asLabel = parseJsonl('{"a":1,"__proto__":"p"}\n', { labelColumn: '__proto__' });
    expect(asLabel.classNames).toEqual(['p']);
    const csv = parseCsv('__proto__,constructor\n1,k\n', { labelColumn: 'constructor' });
    expect(csv.classNames).toEqual(['k']);
  });

  it('a key the first object lacks is refused unless ignored', () => {
    const text = '{"a":1,"y":0}\n{"a":2,"y":1,"b":3}\n';
    expect(() => parseJsonl(text, y)).toThrow(
      "jsonl: line 2: key 'b' is not in the first object (line 1); every object must have the same keys, or list 'b' in ignoreColumns",
    );
    expect(
      parseJsonl('{"a":1,"y":0,"b":1}\n{"a":2,"y":1}\n', { ...y, ignoreColumns: ['b'] }).nRows,
    ).toBe(2);
    expect(parseJsonl(text, { ...y, featureColumns: ['a'] }).nRows).toBe(2);
    // an optional key first seen further down may be ignored; a key seen nowhere is a typo
    expect(parseJsonl(text, { ...y, ignoreColumns: ['b'] }).featureNames).toEqual(['a']);
    expect(() => parseJsonl('{"a":1,"y":0}\n', { ...y, ignoreColumns: ['c'] })).toThrow(
      "jsonl: ignored column 'c' is in no object",
    );
  });
});

describe('paths: regular files only', () => {
  it('a missing file, a directory, a FIFO and /dev/zero get clear errors', async () => {
    expect(await failure(loadCsv(join(dir, 'nope.csv'), y))).toEqual({
      code: 'RVFT_ERR_NOT_FOUND',
      message: `${join(dir, 'nope.csv')}: no such file`,
    });
    const sub = join(dir, 'a-dir.csv');
    mkdirSync(sub);
    expect((await failure(loadCsv(sub, y))).message).toBe(
      `${sub}: a directory, not a data file (give the path of a CSV or JSON Lines file)`,
    );
    const fifo = join(dir, 'pipe.csv');
    execFileSync('mkfifo', [fifo]);
    // opened without waiting for a writer, then refused
    expect(await failure(loadCsv(fifo, y))).toMatchObject({
      code: 'RVFT_ERR_INVALID_ARGUMENT',
      message: expect.stringContaining('a FIFO (named pipe), not a data file'),
    });
    expect((await failure(loadJsonl('/dev/zero', y))).message).toMatch(
      /^\/dev\/zero: a character device, not a data file/,
    );
  });

  it("a symlink the user names is followed: the path is the user's choice", async () => {
    const target = file('a,y\n1,x\n');
    const link = join(dir, 'link.csv');
    symlinkSync(target, link);
    expect((await loadCsv(link, y)).nRows).toBe(1);
  });
});

describe('malformed tables: a named error with file and line', () => {
  it.each([
    ['', 'the file is empty (no header row)'],
    ['\n\n  \n', 'the file is empty (no header row)'],
    ['a,y\n', 'no data rows (only the header)'],
    [
      'a,y\n1,x\n2\n',
      'line 3: 1 field, but the header has 2 (a ragged row: a missing or extra comma?)',
    ],
    [
      'a,y\n1,x\n2,z,3\n',
      'line 3: 3 fields, but the header has 2 (a ragged row: a missing or extra comma?)',
    ],
    ['a,a,y\n1,2,x\n', "duplicate column 'a' in the header"],
    ['a,b,y\n1,2,x\n3,,z\n', "line 3, column 'b': missing value"],
    ['a,b,y\n1,NaN,x\n', "line 2, column 'b': 'NaN' is not a decimal number"],
    ['a,b,y\n1,,x\n2,,z\n', "column 'b' has no values (missing in every row)"],
    // the empty column is named even when another error comes first
    ['a,b,y\n1,,x\nq,,z\n', "column 'b' has no values (missing in every row)"],
    ['a,y\n1,x\n2,\n', "line 3, column 'y': missing label"],
    ['a,y\n1,x\n"2,z\n', 'line 3: Quote Not Closed'],
  ])('CSV %j', async (text, problem) => {
    const path = file(text);
    const e = await failure(loadCsv(path, y));
    expect(e.message.startsWith(`${path}: ${problem}`), e.message).toBe(true);
  });

  it.each([
    ['', 'the file is empty (no JSON objects)'],
    ['{"a":1,"y":0}\n{"a":2,"y":1\n', 'line 2: invalid JSON'],
    ['{"a":1,"y":0}\n\n[1]\n', 'line 3: expected a JSON object'],
    ['{"a":1,"y":0}\n{"y":1}\n', "line 2, column 'a': missing value"],
    ['{"a":1,"y":0}\n{"a":null,"y":1}\n', "line 2, column 'a': missing value"],
    ['{"a":1,"y":null}\n', "line 1, column 'y': missing label"],
    ['{"a":1,"y":[1]}\n', "line 1, column 'y': label must be a string, number or boolean, got [1]"],
  ])('JSON Lines %j', async (text, problem) => {
    const path = file(text, 'jsonl');
    const e = await failure(loadJsonl(path, y));
    expect(e.message.startsWith(`${path}: ${problem}`), e.message).toBe(true);
  });
});

describe('reading a file the way a model reads data', () => {
  const schema = { labelColumn: 'kind', featureNames: ['b', 'a'], classNames: ['cat', 'dog'] };
  const model = { schema, inputDim: 2, outputDim: 2 };

  it('uses the schema: its features in its order, its classes first, new ones appended', async () => {
    const ds = await loadForModel(file('a,b,c,kind\n1,2,9,dog\n3,4,9,fox\n'), model);
    expect(ds.featureNames).toEqual(['b', 'a']);
    expect([...ds.features]).toEqual([2, 1, 4, 3]);
    expect(ds.classNames).toEqual(['cat', 'dog', 'fox']);
    expect([...ds.labels]).toEqual([1, 2]);
    const json = await loadForModel(file('{"a":1,"b":2,"kind":"cat"}\n', 'jsonl'), model, {
      labelColumn: 'kind',
    });
    expect([...json.features]).toEqual([2, 1]);
  });

  it('without a schema, output k is the label "k"; the label column must be given', async () => {
    const bare = { inputDim: 1, outputDim: 3 };
    const ds = await loadForModel(file('x,y\n1,2.0\n2,0\n3,7\n'), bare, { labelColumn: 'y' });
    expect(ds.classNames).toEqual(['0', '1', '2', '7']);
    expect([...ds.labels]).toEqual([2, 0, 3]);
    expect(() => tableOptionsForModel(bare)).toThrow(
      'labelColumn: required (the model was registered without a data schema to take it from)',
    );
  });

  it('refuses a file of the wrong width and a label column the model was not trained on', async () => {
    const path = file('x,y\n1,0\n');
    const e = await failure(
      loadForModel(path, { inputDim: 2, outputDim: 2 }, { labelColumn: 'y' }),
    );
    expect(e).toEqual({
      code: 'RVFT_ERR_DATA_SCHEMA',
      message: `${path}: 1 feature columns, but the model reads 2`,
    });
    expect(() => tableOptionsForModel(model, { labelColumn: 'y' })).toThrow(
      "labelColumn: the model was trained with label column 'kind', not 'y'",
    );
    const missing = file('a,kind\n1,cat\n');
    expect(await failure(loadForModel(missing, model))).toEqual({
      code: 'RVFT_ERR_DATA_SCHEMA',
      message: `${missing}: feature column 'b' not found`,
    });
  });

  it('chooses the format by extension', async () => {
    expect(tableFormat('x.JSONL')).toBe('jsonl');
    expect(tableFormat('x.ndjson')).toBe('jsonl');
    expect(tableFormat('x.tsv')).toBe('csv');
    expect((await loadTable(file('{"a":1,"y":0}\n', 'ndjson'), y)).nRows).toBe(1);
  });
});
