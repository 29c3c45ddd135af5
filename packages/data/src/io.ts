import { extname } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { parse as csvStream } from 'csv-parse';
import { parse as csvSync } from 'csv-parse/sync';
import { type Dataset, DatasetError } from './dataset';
import { DOUBLE_DIGITS, significantDigits } from './labels';
import { FLOAT32_MAX, type Limits, limitsOf, TableBuilder, type TableOptions } from './table';
import { openDataFile, readText } from './text';

export type { TableOptions } from './table';

/**
 * csv-parse settings shared by the text and the file readers. Its `info` option would give
 * each record's line, but copies an object per record (a third of the parse time), so empty
 * lines come through as records and `CsvRows` counts lines itself.
 */
function csvOptions(limits: Limits) {
  return {
    bom: true,
    skip_empty_lines: false,
    trim: true,
    // row widths are checked here, so the message can name the header's width
    relax_column_count: true,
    max_record_size: limits.maxRecordBytes,
  } as const;
}

/** Turns csv-parse's records (header first) into builder rows; widths are checked here. */
class CsvRows {
  private builder: TableBuilder | undefined;
  private readonly opts: TableOptions;
  private readonly limits: Limits;
  private readonly what: string;

  constructor(opts: TableOptions, limits: Limits, what: string) {
    this.opts = opts;
    this.limits = limits;
    this.what = what;
  }

  /** Line on which the next record starts (1-based). */
  private line = 1;

  /** The next record from csv-parse, in file order. */
  add(record: string[]): void {
    const line = this.line;
    // a record spans one line plus one per line break inside its quoted fields
    let spans = 1;
    for (let k = 0; k < record.length; k++) {
      const f = record[k]!;
      for (let at = f.indexOf('\n'); at !== -1; at = f.indexOf('\n', at + 1)) spans++;
    }
    this.line += spans;
    // an empty (or blank) line: skipped, but counted
    if (record.length === 1 && record[0] === '') return;
    if (!this.builder) {
      this.builder = new TableBuilder(record, this.opts, this.limits, this.what);
      return;
    }
    if (record.length !== this.builder.width) {
      const n = record.length;
      throw new DatasetError(
        `${this.what}: line ${line}: ${n} field${n === 1 ? '' : 's'}, but the header has ${this.builder.width} (a ragged row: a missing or extra comma?)`,
        'RVFT_ERR_DATA_PARSE',
        { details: { file: this.what, line } },
      );
    }
    this.builder.add(record, line);
  }

  finish(): Dataset {
    if (!this.builder) {
      throw new DatasetError(`${this.what}: the file is empty (no header row)`);
    }
    return this.builder.finish();
  }
}

/** csv-parse's own errors (an unclosed quote, a record over the size limit) with file and line. */
function csvError(e: unknown, what: string, limits: Limits): unknown {
  if (e instanceof DatasetError || !(e instanceof Error)) return e;
  const err = e as Error & { code?: string; lines?: number };
  if (!err.code?.startsWith('CSV_')) return e;
  if (err.code === 'CSV_MAX_RECORD_SIZE') {
    return new DatasetError(
      `${what}: line ${err.lines ?? '?'}: a record longer than ${limits.maxRecordBytes} bytes (maxRecordBytes); an unclosed quote?`,
      'RVFT_ERR_DATA_TOO_LARGE',
      { cause: e, details: { file: what, line: err.lines } },
    );
  }
  return new DatasetError(
    `${what}: line ${err.lines ?? '?'}: ${err.message}`,
    'RVFT_ERR_DATA_PARSE',
    {
      cause: e,
      details: { file: what, line: err.lines },
    },
  );
}

function checkTextSize(text: string, limits: Limits, what: string): void {
  const bytes = Buffer.byteLength(text);
  if (bytes > limits.maxBytes) {
    throw new DatasetError(
      `${what}: ${bytes} bytes, more than the limit of ${limits.maxBytes} (maxBytes)`,
      'RVFT_ERR_DATA_TOO_LARGE',
    );
  }
}

/**
 * Parses CSV text with a header row into a Dataset (csv-parse does the quoting and
 * escaping). Labels become class names (`ds.classNames`); errors name the line and column.
 * For files use `loadCsv`, which streams.
 *
 * @example
 * const ds = parseCsv('x1,x2,label\n0.1,0.2,2\n0.3,0.4,1.0\n', { labelColumn: 'label' });
 * ds.classNames; // → ['1', '2'] — '1.0' and '1' are one class
 * [...ds.labels]; // → [1, 0]
 */
export function parseCsv(text: string, opts: TableOptions, what = 'csv'): Dataset {
  const limits = limitsOf(opts, 'parseCsv');
  checkTextSize(text, limits, what);
  const rows = new CsvRows(opts, limits, what);
  try {
    for (const record of csvSync(text, csvOptions(limits)) as string[][]) rows.add(record);
  } catch (e) {
    throw csvError(e, what, limits);
  }
  return rows.finish();
}

/** `"key": <number>` as written on a JSON Lines line, for quoting a number that overflows. */
function writtenNumber(line: string, key: string, value: number): string {
  const escaped = JSON.stringify(key).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const found = new RegExp(`${escaped}\\s*:\\s*(-?[0-9][0-9.eE+-]*)`).exec(line);
  return found?.[1] ?? String(value);
}

/** Turns JSON Lines lines into builder rows; the first object's keys are the header. */
class JsonlRows {
  private builder: TableBuilder | undefined;
  private header: string[] = [];
  private headerSet = new Set<string>();
  private firstLine = 0;
  private readonly seenIgnored = new Set<string>();
  private readonly explicit: boolean;
  private readonly ignored: Set<string>;
  private readonly opts: TableOptions;
  private readonly limits: Limits;
  private readonly what: string;

  constructor(opts: TableOptions, limits: Limits, what: string) {
    this.opts = opts;
    this.limits = limits;
    this.what = what;
    this.explicit = opts.featureColumns !== undefined;
    this.ignored = new Set(opts.ignoreColumns ?? []);
  }

  /** One line of the file, without its line break; `line` is 1-based. */
  add(text: string, line: number): void {
    const raw = line === 1 && text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    if (raw.length > this.limits.maxRecordBytes) {
      throw new DatasetError(
        `${this.what}: line ${line}: longer than ${this.limits.maxRecordBytes} characters (maxRecordBytes)`,
        'RVFT_ERR_DATA_TOO_LARGE',
        { details: { file: this.what, line } },
      );
    }
    // after the length check: a "line" of a billion spaces must not be trimmed, then kept
    if (raw.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (e) {
      throw new DatasetError(
        `${this.what}: line ${line}: invalid JSON (${(e as Error).message})`,
        'RVFT_ERR_DATA_PARSE',
        { details: { file: this.what, line } },
      );
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new DatasetError(
        `${this.what}: line ${line}: expected a JSON object`,
        'RVFT_ERR_DATA_PARSE',
        {
          details: { file: this.what, line },
        },
      );
    }
    const obj = value as Record<string, unknown>;
    if (!this.builder) {
      this.header = Object.keys(obj);
      // an ignored key may first appear further down (an optional field); it must appear somewhere
      for (const key of this.ignored) {
        if (!Object.hasOwn(obj, key)) this.header.push(key);
        else this.seenIgnored.add(key);
      }
      this.headerSet = new Set(this.header);
      this.builder = new TableBuilder(this.header, this.opts, this.limits, this.what);
      this.firstLine = line;
    } else if (!this.explicit) {
      for (const key of Object.keys(obj)) {
        if (this.ignored.has(key)) this.seenIgnored.add(key);
        if (!this.headerSet.has(key) && !this.ignored.has(key)) {
          throw new DatasetError(
            `${this.what}: line ${line}: key '${key}' is not in the first object (line ${this.firstLine}); every object must have the same keys, or list '${key}' in ignoreColumns`,
            'RVFT_ERR_DATA_PARSE',
            { details: { file: this.what, line, column: key } },
          );
        }
      }
    }
    // own properties only: a row without "constructor" must not read Object's constructor
    const label = this.opts.labelColumn;
    const cells = this.header.map((key) => {
      if (!Object.hasOwn(obj, key)) return undefined;
      const v = obj[key];
      if (typeof v !== 'number') return v;
      // numbers the builder refuses go on as written, for the message to quote: one that
      // overflows float32, and a label that may have lost digits when parsed
      const refused =
        !(Math.abs(v) <= FLOAT32_MAX) ||
        (key === label && significantDigits(String(v)) > DOUBLE_DIGITS);
      return refused ? writtenNumber(raw, key, v) : v;
    });
    this.builder.add(cells, line);
  }

  finish(): Dataset {
    if (!this.builder) throw new DatasetError(`${this.what}: the file is empty (no JSON objects)`);
    const unseen = [...this.ignored].find((key) => !this.seenIgnored.has(key));
    if (unseen !== undefined) {
      throw new DatasetError(`${this.what}: ignored column '${unseen}' is in no object`);
    }
    return this.builder.finish();
  }
}

/**
 * Parses JSON Lines (one object per line, blank lines skipped) into a Dataset. Labels may be
 * strings, numbers or booleans; `1` and `1.0` are one class. The first object's keys are the
 * columns: a later object with a key it lacks is refused (unless ignored). For files use
 * `loadJsonl`, which streams.
 *
 * @example
 * const ds = parseJsonl('{"x":1,"y":"cat"}\n{"x":2,"y":"dog"}\n', { labelColumn: 'y' });
 * ds.classNames; // → ['cat', 'dog']
 */
export function parseJsonl(text: string, opts: TableOptions, what = 'jsonl'): Dataset {
  const limits = limitsOf(opts, 'parseJsonl');
  checkTextSize(text, limits, what);
  const rows = new JsonlRows(opts, limits, what);
  let line = 0;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    line++;
    const raw =
      text.charCodeAt(end - 1) === 13 ? text.slice(start, end - 1) : text.slice(start, end);
    rows.add(raw, line);
    start = end + 1;
  }
  return rows.finish();
}

/**
 * Reads a CSV file into a Dataset, streaming: the file is decoded (strict UTF-8), parsed and
 * stored in typed arrays a chunk at a time, so memory is the dataset (about 4 bytes per cell)
 * plus a constant, whatever the file's size. A path that is not a regular file (a directory, a
 * FIFO, `/dev/zero`) and a file over `maxBytes` are refused before anything is read.
 *
 * @example
 * import { writeFileSync } from 'node:fs';
 * writeFileSync('new.csv', 'id,x1,x2,label\n7,0.1,0.2,cat\n8,0.3,0.4,dog\n');
 * const ds = await loadCsv('new.csv', { labelColumn: 'label', ignoreColumns: ['id'] });
 * ds.featureNames; // → ['x1', 'x2']
 * ds.classNames; // → ['cat', 'dog']
 * await loadCsv('.', { labelColumn: 'label' }); // → throws { code: 'RVFT_ERR_INVALID_ARGUMENT' } — a directory
 */
export async function loadCsv(path: string, opts: TableOptions): Promise<Dataset> {
  const limits = limitsOf(opts, 'loadCsv');
  const fh = await openDataFile(path, limits.maxBytes);
  const rows = new CsvRows(opts, limits, path);
  try {
    await pipeline(
      readText(fh, path, limits.maxBytes),
      csvStream(csvOptions(limits)),
      async (records: AsyncIterable<string[]>) => {
        for await (const record of records) rows.add(record);
      },
    );
  } catch (e) {
    throw csvError(e, path, limits);
  } finally {
    await fh.close();
  }
  return rows.finish();
}

/**
 * Reads a JSON Lines file into a Dataset, streaming line by line (see `loadCsv` for memory,
 * encoding and the files refused).
 *
 * @example
 * import { writeFileSync } from 'node:fs';
 * writeFileSync('events.jsonl', '{"x":1,"label":"a"}\n{"x":2,"label":"b"}\n');
 * const ds = await loadJsonl('events.jsonl', { labelColumn: 'label' });
 * ds.nRows; // → 2
 * ds.classNames; // → ['a', 'b']
 */
export async function loadJsonl(path: string, opts: TableOptions): Promise<Dataset> {
  const limits = limitsOf(opts, 'loadJsonl');
  const fh = await openDataFile(path, limits.maxBytes);
  const rows = new JsonlRows(opts, limits, path);
  try {
    let carry = '';
    let line = 0;
    for await (const text of readText(fh, path, limits.maxBytes)) {
      let start = 0;
      for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
        const piece = carry === '' ? text.slice(start, end) : carry + text.slice(start, end);
        carry = '';
        line++;
        rows.add(piece.endsWith('\r') ? piece.slice(0, -1) : piece, line);
        start = end + 1;
      }
      carry += text.slice(start);
      // a line with no end in sight: refuse it before it grows past what a string can hold
      if (carry.length > limits.maxRecordBytes) rows.add(carry, line + 1);
    }
    if (carry !== '') rows.add(carry.endsWith('\r') ? carry.slice(0, -1) : carry, line + 1);
  } finally {
    await fh.close();
  }
  return rows.finish();
}

/** JSON Lines by extension (`.jsonl`, `.ndjson`); anything else is read as CSV. */
export function tableFormat(path: string): 'csv' | 'jsonl' {
  const ext = extname(path).toLowerCase();
  return ext === '.jsonl' || ext === '.ndjson' ? 'jsonl' : 'csv';
}

/**
 * Reads a CSV or JSON Lines file, chosen by extension (`tableFormat`).
 *
 * @example
 * import { writeFileSync } from 'node:fs';
 * writeFileSync('new.jsonl', '{"x":1,"label":"a"}\n');
 * writeFileSync('new.csv', 'x,label\n1,a\n2,b\n');
 * (await loadTable('new.jsonl', { labelColumn: 'label' })).nRows; // → 1
 * (await loadTable('new.csv', { labelColumn: 'label' })).nRows; // → 2
 */
export function loadTable(path: string, opts: TableOptions): Promise<Dataset> {
  return tableFormat(path) === 'jsonl' ? loadJsonl(path, opts) : loadCsv(path, opts);
}
