import { DatasetError } from './dataset';

/** One parsed record and the file line it came from (for error messages). */
export interface RawRow {
  line: number;
  values: Record<string, unknown>;
}

/** What `selectFeatures` needs from the table options. */
export interface ColumnChoice {
  labelColumn: string;
  featureColumns?: readonly string[] | undefined;
  ignoreColumns?: readonly string[] | undefined;
  onNotice?: ((message: string) => void) | undefined;
}

/** The header pandas writes for, or reads back from, an empty header cell. */
const UNNAMED = /^Unnamed: ?\d+$/;
/** Names people give a row-number column; a feature by that name is probably not one. */
const ID_LIKE = /^(?:index|id|row)$/i;

/** An empty cell: absent key, JSON null, or blank text. */
export function isMissing(raw: unknown): boolean {
  return raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '');
}

function isUnnamed(name: string): boolean {
  return name.trim() === '' || UNNAMED.test(name);
}

/** How a column is named in messages: its header, or its position when the header is empty. */
function describe(name: string, position: number): string {
  return name === ''
    ? `column ${position} (no name in the header)`
    : `column ${position} ('${name}')`;
}

/** A cell read as a number, or undefined when it is not one. */
function cellNumber(raw: unknown): number | undefined {
  if (typeof raw === 'number') return raw;
  if (typeof raw !== 'string' || raw.trim() === '') return undefined;
  const v = Number(raw);
  return Number.isNaN(v) ? undefined : v;
}

type RowNumbers = { start: number } | { line: number; value: unknown; expected: number };

/**
 * Whether `column` holds consecutive row numbers: 0- or 1-based, counting the header row or
 * not (so the first value is 0, 1 or 2). Otherwise the first row that breaks the run.
 */
function rowNumbers(rows: readonly RawRow[], column: string): RowNumbers {
  const first = rows[0];
  if (!first) return { start: 0 };
  const start = cellNumber(first.values[column]);
  if (start !== 0 && start !== 1 && start !== 2) {
    return { line: first.line, value: first.values[column], expected: 0 };
  }
  for (let i = 1; i < rows.length; i++) {
    const { line, values } = rows[i]!;
    if (cellNumber(values[column]) !== start + i) {
      return { line, value: values[column], expected: start + i };
    }
  }
  return { start };
}

function checkExplicit(columns: readonly string[], opts: ColumnChoice, what: string): string[] {
  const names = opts.featureColumns ?? [];
  for (const f of names) {
    if (!columns.includes(f)) throw new DatasetError(`${what}: feature column '${f}' not found`);
    if (f === opts.labelColumn) {
      throw new DatasetError(`${what}: '${f}' is the label column and cannot be a feature`);
    }
  }
  return [...names];
}

function checkIgnored(columns: readonly string[], opts: ColumnChoice, what: string): Set<string> {
  const ignored = opts.ignoreColumns ?? [];
  for (const c of ignored) {
    if (!columns.includes(c)) {
      throw new DatasetError(
        `${what}: ignored column '${c}' not found (columns: ${columns.join(', ')})`,
      );
    }
    if (c === opts.labelColumn) {
      throw new DatasetError(`${what}: '${c}' is the label column and cannot be ignored`);
    }
  }
  return new Set(ignored);
}

/**
 * A leading column with no name is the index pandas' `to_csv` writes. Row numbers carry no
 * signal, and a model that learns them fails on the next file, so it is dropped; an unnamed
 * column holding anything else cannot be told apart from an index and is refused.
 */
function dropIndexColumn(
  rows: readonly RawRow[],
  lead: string,
  opts: ColumnChoice,
  what: string,
): void {
  const found = rowNumbers(rows, lead);
  const hint = `name it in the header to keep it as a feature, or drop it with ignoreColumns: ['${lead}']`;
  if (!('start' in found)) {
    throw new DatasetError(
      `${what}: ${describe(lead, 1)} has no name and is not a row index (line ${found.line} holds '${String(found.value)}', a row index would hold ${found.expected}); ${hint}`,
    );
  }
  const last = found.start + rows.length - 1;
  opts.onNotice?.(
    `${what}: dropped ${describe(lead, 1)}: it has no name and holds row numbers ${found.start}…${last}, an index such as pandas' to_csv writes`,
  );
}

/** Reports features that hold exactly the row numbers: kept (they might be meant) but named. */
function noticeRowNumberFeatures(
  rows: readonly RawRow[],
  features: readonly string[],
  opts: ColumnChoice,
  what: string,
): void {
  if (!opts.onNotice) return;
  for (const f of features) {
    if (!ID_LIKE.test(f) && !UNNAMED.test(f)) continue;
    const found = rowNumbers(rows, f);
    if (!('start' in found)) continue;
    opts.onNotice(
      `${what}: column '${f}' holds row numbers ${found.start}…${found.start + rows.length - 1} and looks like a row index; pass ignoreColumns: ['${f}'] unless it is a feature`,
    );
  }
}

/**
 * The feature columns, in order: `featureColumns` exactly as given, else every column but the
 * label, the ignored ones and a leading row index. Runs before any cell is parsed, so a bad
 * choice fails while loading, not after training.
 */
export function selectFeatures(
  rows: readonly RawRow[],
  columns: readonly string[],
  opts: ColumnChoice,
  what: string,
): string[] {
  if (opts.featureColumns && opts.ignoreColumns) {
    throw new DatasetError(
      `${what}: pass featureColumns or ignoreColumns, not both (featureColumns already names every feature)`,
    );
  }
  // a model's stored feature list: used as it is, and without notices on every file it reads
  if (opts.featureColumns) return checkExplicit(columns, opts, what);

  const ignored = checkIgnored(columns, opts, what);
  const features: string[] = [];
  columns.forEach((c, k) => {
    if (c === opts.labelColumn || ignored.has(c)) return;
    if (k === 0 && isUnnamed(c)) {
      dropIndexColumn(rows, c, opts, what);
      return;
    }
    if (c.trim() === '') {
      throw new DatasetError(
        `${what}: ${describe(c, k + 1)} has no name; name it in the header, or drop it with ignoreColumns: ['${c}']`,
      );
    }
    features.push(c);
  });
  noticeRowNumberFeatures(rows, features, opts, what);
  return features;
}

/**
 * A column empty in every row is a header/data mismatch or an export gone wrong; saying so
 * beats "line 2: missing value" for the first of many rows.
 */
export function checkHasValues(rows: readonly RawRow[], features: readonly string[], what: string) {
  for (const f of features) {
    if (rows.every((r) => isMissing(r.values[f]))) {
      throw new DatasetError(`${what}: column '${f}' has no values (missing in every row)`);
    }
  }
}
