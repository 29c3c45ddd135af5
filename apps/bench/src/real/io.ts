import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** One row of a situation: the label (a string), numeric features and provenance columns. */
export type Row = Record<string, number | string>;

let dataDir: string | undefined;

/**
 * The `data/` folder of the installed `vega-datasets` package. Its `exports` map has only
 * `"."`, so `vega-datasets/package.json` is not resolvable there (ERR_PACKAGE_PATH_NOT_EXPORTED):
 * resolve the entry point (`build/index.js`) instead and step up to the package root.
 */
export function vegaDataDir(): string {
  if (dataDir !== undefined) return dataDir;
  const require = createRequire(import.meta.url);
  let root: string;
  try {
    root = dirname(require.resolve('vega-datasets/package.json'));
  } catch {
    root = dirname(dirname(require.resolve('vega-datasets')));
  }
  dataDir = join(root, 'data');
  return dataDir;
}

function readText(file: string): string {
  return readFileSync(join(vegaDataDir(), file), 'utf8');
}

/** A JSON file of `vega-datasets/data` that holds an array of records. */
export function readJsonRecords(file: string): Record<string, unknown>[] {
  const parsed: unknown = JSON.parse(readText(file));
  if (!Array.isArray(parsed)) throw new Error(`vega-datasets/${file}: expected a JSON array`);
  return parsed as Record<string, unknown>[];
}

/** Parses RFC 4180 CSV text into rows of fields (quoted fields, "" escapes, CRLF or LF). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          quoted = false;
        }
      } else {
        field += ch;
      }
    } else if (ch === '"') {
      quoted = true;
    } else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else {
      field += ch;
    }
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** A CSV file of `vega-datasets/data` as records keyed by its header (all values strings). */
export function readCsvRecords(file: string): Record<string, string>[] {
  const [header, ...body] = parseCsv(readText(file));
  if (header === undefined) throw new Error(`vega-datasets/${file}: empty CSV`);
  return body
    .filter((fields) => !(fields.length === 1 && fields[0] === ''))
    .map((fields) => Object.fromEntries(header.map((name, i) => [name, fields[i] ?? ''])));
}

function csvField(value: number | string | undefined): string {
  const text = value === undefined ? '' : String(value);
  // leading or trailing blanks are quoted too: readers that trim (csv-parse `trim`) keep them
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * `rows` as CSV: a header of `columns`, then one line per row in that column order. A field
 * holding a comma, a double quote, a line break or leading/trailing blanks is quoted, its
 * quotes doubled (RFC 4180); a missing value is an empty field. Every line, the last too,
 * ends in `\n` (what `@rvft/data`'s CSV reader and most tools expect; RFC 4180 readers
 * accept it).
 */
export function situationCsv(rows: Row[], columns: string[]): string {
  const lines = [columns.map(csvField).join(',')];
  for (const row of rows) lines.push(columns.map((c) => csvField(row[c])).join(','));
  return lines.map((line) => line + '\n').join('');
}
