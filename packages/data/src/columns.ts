import { DatasetError } from './dataset';

/** What `selectFeatures` needs from the table options. */
export interface ColumnChoice {
  labelColumn: string;
  featureColumns?: readonly string[] | undefined;
  ignoreColumns?: readonly string[] | undefined;
}

/** The columns a table is read through, decided from its header before any cell is parsed. */
export interface ColumnPlan {
  /** Feature columns, in input order. */
  features: string[];
  /** A leading unnamed column: dropped if it holds row numbers, refused otherwise. */
  index?: string;
  /** Features named like a row index (`id`, `index`, `row`): reported if they hold row numbers. */
  idLike: string[];
}

/** The header pandas writes for, or reads back from, an empty header cell. */
const UNNAMED = /^Unnamed: ?\d+$/;
/** Names people give a row-number column; a feature by that name is probably not one. */
const ID_LIKE = /^(?:index|id|row)$/i;

/**
 * A decimal numeral as people and pandas write it: `1`, `+1`, `-2.50`, `.5`, `1.`, `1e0`.
 * `Number()` also reads `0x10`, `0b11`, `0o7` and `Infinity` while refusing `1_000`; a cell is
 * read only when it matches this, so every other notation is refused the same way.
 */
export const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** At most this many names are listed in a message. */
const LIST_LIMIT = 20;

/** Names for a message: the first few, and how many there are in all. */
export function listNames(names: readonly string[]): string {
  const shown = names.slice(0, LIST_LIMIT).join(', ');
  return names.length > LIST_LIMIT ? `${shown}, … (${names.length} in all)` : shown;
}

/** An empty cell: absent key, JSON null, or blank text. */
export function isMissing(raw: unknown): boolean {
  if (raw === undefined || raw === null) return true;
  // most cells start with a non-space: no trimmed copy for them
  return (
    typeof raw === 'string' && (raw.length === 0 || (raw.charCodeAt(0) <= 32 && raw.trim() === ''))
  );
}

function isUnnamed(name: string): boolean {
  return name.trim() === '' || UNNAMED.test(name);
}

/** How a column is named in messages: its header, or its position when the header is empty. */
export function describeColumn(name: string, position: number): string {
  return name === ''
    ? `column ${position} (no name in the header)`
    : `column ${position} ('${name}')`;
}

/** A cell read as a decimal number, or undefined when it is not one. */
function cellNumber(raw: unknown): number | undefined {
  if (typeof raw === 'number') return raw;
  if (typeof raw !== 'string') return undefined;
  const text = raw.trim();
  return DECIMAL.test(text) ? Number(text) : undefined;
}

/**
 * Watches one column, row by row, for consecutive row numbers: 0- or 1-based, counting the
 * header row or not (so the first value is 0, 1 or 2). Holds three numbers, never the rows.
 */
export class RowNumberRun {
  start: number | undefined;
  rows = 0;
  /** The first row that broke the run. */
  broken: { line: number; value: unknown; expected: number } | undefined;

  add(raw: unknown, line: number): void {
    if (this.broken) return;
    const v = cellNumber(raw);
    if (this.rows === 0) {
      if (v !== 0 && v !== 1 && v !== 2) this.broken = { line, value: raw, expected: 0 };
      else this.start = v;
    } else if (v !== (this.start as number) + this.rows) {
      this.broken = { line, value: raw, expected: (this.start as number) + this.rows };
    }
    this.rows++;
  }

  /** `first…last` of the run. */
  span(): string {
    return `${this.start}…${(this.start as number) + this.rows - 1}`;
  }
}

function checkExplicit(columns: readonly string[], opts: ColumnChoice, what: string): string[] {
  const names = opts.featureColumns ?? [];
  const present = new Set(columns);
  for (const f of names) {
    if (!present.has(f)) {
      throw new DatasetError(`${what}: feature column '${f}' not found`, 'RVFT_ERR_DATA_SCHEMA');
    }
    if (f === opts.labelColumn) {
      throw new DatasetError(`${what}: '${f}' is the label column and cannot be a feature`);
    }
  }
  const seen = new Set<string>();
  for (const f of names) {
    if (seen.has(f)) {
      throw new DatasetError(`${what}: feature column '${f}' is listed twice in featureColumns`);
    }
    seen.add(f);
  }
  return [...names];
}

function checkIgnored(columns: readonly string[], opts: ColumnChoice, what: string): Set<string> {
  const ignored = opts.ignoreColumns ?? [];
  const present = new Set(columns);
  for (const c of ignored) {
    if (!present.has(c)) {
      throw new DatasetError(
        `${what}: ignored column '${c}' not found (columns: ${listNames(columns)})`,
      );
    }
    if (c === opts.labelColumn) {
      throw new DatasetError(`${what}: '${c}' is the label column and cannot be ignored`);
    }
  }
  return new Set(ignored);
}

/**
 * The feature columns, in order: `featureColumns` exactly as given, else every column but the
 * label, the ignored ones and a leading unnamed column (pandas' `to_csv` index, checked row by
 * row as the file is read). Decided from the header alone, so a bad choice fails before any
 * cell is parsed, not after training.
 */
export function selectFeatures(
  columns: readonly string[],
  opts: ColumnChoice,
  what: string,
): ColumnPlan {
  if (opts.featureColumns && opts.ignoreColumns) {
    throw new DatasetError(
      `${what}: pass featureColumns or ignoreColumns, not both (featureColumns already names every feature)`,
    );
  }
  // a model's stored feature list: used as it is, and without notices on every file it reads
  if (opts.featureColumns) return { features: checkExplicit(columns, opts, what), idLike: [] };

  const ignored = checkIgnored(columns, opts, what);
  const plan: ColumnPlan = { features: [], idLike: [] };
  columns.forEach((c, k) => {
    if (c === opts.labelColumn || ignored.has(c)) return;
    if (k === 0 && isUnnamed(c)) {
      plan.index = c;
      return;
    }
    if (c.trim() === '') {
      throw new DatasetError(
        `${what}: ${describeColumn(c, k + 1)} has no name; name it in the header, or drop it with ignoreColumns: ['${c}']`,
      );
    }
    plan.features.push(c);
    if (ID_LIKE.test(c) || UNNAMED.test(c)) plan.idLike.push(c);
  });
  return plan;
}
