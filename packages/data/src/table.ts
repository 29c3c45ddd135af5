import { checkNumber, showValue } from '@rvft/errors';
import {
  type ColumnPlan,
  DECIMAL,
  describeColumn,
  isMissing,
  listNames,
  RowNumberRun,
  selectFeatures,
} from './columns';
import { Dataset, DatasetError, MAX_CLASSES } from './dataset';
import { canonicalLabel, DOUBLE_DIGITS, significantDigits, sortClassNames } from './labels';

/** Default `maxBytes`: 4 GiB of CSV or JSON Lines (about 1 to 2 GiB of Float32 features). */
export const MAX_TABLE_BYTES = 4 * 1024 ** 3;
/** Default `maxRows`: 100 million rows. */
export const MAX_TABLE_ROWS = 100_000_000;
/** Default `maxRecordBytes`: one record (a CSV record or a JSON Lines line) of 8 MiB. */
export const MAX_RECORD_BYTES = 8 * 1024 ** 2;

export interface TableOptions {
  /** The column (CSV) or key (JSON Lines) holding the label. */
  labelColumn: string;
  /**
   * Feature columns, in order, used exactly as given (a model's stored feature list).
   * Default: every other column in file order, less `ignoreColumns` and a leading row index.
   */
  featureColumns?: readonly string[];
  /** Columns that are neither label nor feature (ids, timestamps, free text). Not with `featureColumns`. */
  ignoreColumns?: readonly string[];
  /**
   * A model's class names, index = output. Matched through `canonicalLabel`, so `['0', '1']`
   * matches labels `0.0` / `1.0`. Default: the file's canonical labels, sorted (numerically
   * when all are numbers, else by code point).
   */
  classNames?: readonly string[];
  /**
   * A label not in `classNames`: `'error'` (default) refuses it; `'append'` adds it as a new
   * class after the known ones (the new ones sorted as above), so a model's existing outputs
   * keep their meaning when new classes arrive.
   */
  unknownClasses?: 'error' | 'append';
  /**
   * Columns whose cells are also kept as raw text, one string per row (a missing cell is
   * `''`), read back with `keptColumns(dataset)`: a column to slice results by, such as a
   * region kept out of the features. A kept column may also be a feature, or be ignored;
   * it must be in the header. Stored row by row as the file streams, like the features.
   */
  keepColumns?: readonly string[];
  /** Hears what loading decided on its own, such as dropping a pandas index column. */
  onNotice?: (message: string) => void;
  /** Largest file (or text, in UTF-8 bytes) read; default `MAX_TABLE_BYTES`. Checked before reading. */
  maxBytes?: number;
  /** Most data rows read; default `MAX_TABLE_ROWS`. */
  maxRows?: number;
  /** Most distinct classes, `classNames` included; default `MAX_CLASSES`. */
  maxClasses?: number;
  /** Longest record: a CSV record, or a JSON Lines line in characters; default `MAX_RECORD_BYTES`. */
  maxRecordBytes?: number;
}

/** The limits of `TableOptions`, checked and with their defaults. */
export interface Limits {
  maxBytes: number;
  maxRows: number;
  maxClasses: number;
  maxRecordBytes: number;
}

/** Reads the limits from the options, refusing a NaN or a negative one before any reading. */
export function limitsOf(opts: TableOptions, where: string): Limits {
  const limit = (
    name: keyof Limits,
    value: number | undefined,
    fallback: number,
    max = Infinity,
  ) =>
    value === undefined
      ? fallback
      : checkNumber(where, name, value, { integer: true, min: 1, max });
  return {
    maxBytes: limit('maxBytes', opts.maxBytes, MAX_TABLE_BYTES),
    // labels are stored as Int32
    maxRows: limit('maxRows', opts.maxRows, MAX_TABLE_ROWS, 2 ** 31 - 1),
    maxClasses: limit('maxClasses', opts.maxClasses, MAX_CLASSES, MAX_CLASSES),
    maxRecordBytes: limit('maxRecordBytes', opts.maxRecordBytes, MAX_RECORD_BYTES),
  };
}

/** Values per chunk of the growing arrays: 4 MiB of Float32. */
const CHUNK = 1 << 20;

/**
 * A Float32 array that grows by fixed chunks, so growing never copies what is already read
 * (doubling would hold the old and new arrays at once: 3× the data at the worst moment).
 * `toArray` copies into one exact-size array: 2× the data at the end, once.
 */
class GrowingFloat32 {
  private readonly chunks: Float32Array[] = [];
  private current = new Float32Array(0);
  private at = 0;
  length = 0;

  push(v: number): void {
    if (this.at === this.current.length) {
      this.current = new Float32Array(CHUNK);
      this.chunks.push(this.current);
      this.at = 0;
    }
    this.current[this.at++] = v;
    this.length++;
  }

  toArray(): Float32Array {
    const out = new Float32Array(this.length);
    let offset = 0;
    for (let k = 0; k < this.chunks.length; k++) {
      const c = this.chunks[k]!;
      const n = Math.min(c.length, this.length - offset);
      out.set(n === c.length ? c : c.subarray(0, n), offset);
      offset += n;
    }
    this.chunks.length = 0;
    return out;
  }
}

/** The Int32 twin of `GrowingFloat32`, for class ids. */
class GrowingInt32 {
  private readonly chunks: Int32Array[] = [];
  private current = new Int32Array(0);
  private at = 0;
  length = 0;

  push(v: number): void {
    if (this.at === this.current.length) {
      this.current = new Int32Array(CHUNK);
      this.chunks.push(this.current);
      this.at = 0;
    }
    this.current[this.at++] = v;
    this.length++;
  }

  toArray(): Int32Array {
    const out = new Int32Array(this.length);
    let offset = 0;
    for (const c of this.chunks) {
      const n = Math.min(c.length, this.length - offset);
      out.set(n === c.length ? c : c.subarray(0, n), offset);
      offset += n;
    }
    this.chunks.length = 0;
    return out;
  }
}

/** The model's classes, canonical; two names for one class would make outputs ambiguous. */
function knownClasses(given: readonly string[], what: string, maxClasses: number): string[] {
  if (given.length > maxClasses) {
    throw new DatasetError(
      `${what}: classNames lists ${given.length} classes, more than the limit of ${maxClasses} (maxClasses)`,
      'RVFT_ERR_DATA_TOO_LARGE',
    );
  }
  const seen = new Map<string, string>();
  for (const name of given) {
    const c = canonicalLabel(name);
    const before = seen.get(c);
    if (before !== undefined) {
      throw new DatasetError(
        `${what}: classNames '${before}' and '${name}' are the same class '${c}'`,
      );
    }
    seen.set(c, name);
  }
  return [...seen.keys()];
}

/** `text.trim()` without a copy in the usual case: CSV cells arrive trimmed already. */
function trimmed(text: string): string {
  const n = text.length;
  return n > 0 && text.charCodeAt(0) > 32 && text.charCodeAt(n - 1) > 32 ? text : text.trim();
}

/** Largest finite float32; a decimal beyond it would be stored as Infinity. */
export const FLOAT32_MAX = 3.4028234663852886e38;

/** A cell as it is in the file: CSV text as is, a JSON value as JSON. */
function quote(raw: unknown): string {
  return typeof raw === 'string'
    ? `'${raw.length > 60 ? `${raw.slice(0, 57)}...` : raw}'`
    : showValue(raw);
}

/** Past this many distinct spellings, labels are canonicalised row by row, not cached. */
const RAW_CACHE_LIMIT = 4 * MAX_CLASSES;

/**
 * Reads a table row by row into growing typed arrays: a header names the columns, then each
 * row's cells are checked and stored at once, so no row outlives its parsing. Every error
 * names the file, the line (1-based), the column and the cell as written.
 *
 * Labels are names: each distinct label gets an id in first-seen order, and ids become output
 * indices only in `finish`, once every name is known. No label's value is ever an index.
 */
export class TableBuilder {
  private readonly what: string;
  private readonly opts: TableOptions;
  private readonly limits: Limits;
  private readonly plan: ColumnPlan;
  /** Column positions: label, features (in input order), index candidate, id-like features. */
  private readonly labelAt: number;
  private readonly featureAt: number[];
  private readonly indexAt: number;
  private readonly indexRun = new RowNumberRun();
  private readonly idRuns: { name: string; at: number; run: RowNumberRun }[];
  private readonly features = new GrowingFloat32();
  private readonly ids = new GrowingInt32();
  /** Canonical class names in first-seen order; `ids` index this. */
  private readonly names: string[] = [];
  private readonly byName = new Map<string, number>();
  private readonly byRaw = new Map<unknown, number>();
  /** The model's classes (canonical), when given. */
  private readonly known: string[] | undefined;
  private readonly knownSet: Set<string> | undefined;
  private newClasses = 0;
  /**
   * A column empty in every row is a header/data mismatch or an export gone wrong; saying so
   * beats "line 2: missing value" for the first of many rows. So the first cell error waits
   * until every feature column has shown a value (usually within a few rows), and is replaced
   * by "has no values" if one never does.
   */
  private readonly hasValue: boolean[];
  private withoutValue: number;
  private pending: DatasetError | undefined;
  /** Positions and per-row raw text of `keepColumns`. */
  private readonly keptAt: number[];
  private readonly kept: string[][];
  readonly columns: readonly string[];
  rows = 0;

  constructor(columns: readonly string[], opts: TableOptions, limits: Limits, what: string) {
    this.what = what;
    this.opts = opts;
    this.limits = limits;
    this.columns = columns;
    // a Map, not indexOf: a header may hold a million names
    const position = new Map<string, number>();
    for (const [i, c] of columns.entries()) {
      if (position.has(c)) throw new DatasetError(`${what}: duplicate column '${c}' in the header`);
      position.set(c, i);
    }
    const labelAt = position.get(opts.labelColumn);
    if (labelAt === undefined) {
      throw new DatasetError(
        `${what}: label column '${opts.labelColumn}' not found (columns: ${listNames(columns)})`,
        'RVFT_ERR_DATA_SCHEMA',
      );
    }
    this.labelAt = labelAt;
    this.plan = selectFeatures(columns, opts, what);
    if (this.plan.features.length === 0) throw new DatasetError(`${what}: no feature columns`);
    this.featureAt = this.plan.features.map((f) => position.get(f)!);
    this.indexAt = this.plan.index === undefined ? -1 : position.get(this.plan.index)!;
    this.idRuns = opts.onNotice
      ? this.plan.idLike.map((name) => ({ name, at: position.get(name)!, run: new RowNumberRun() }))
      : [];
    const keep = opts.keepColumns ?? [];
    this.keptAt = keep.map((c) => {
      const at = position.get(c);
      if (at === undefined) {
        throw new DatasetError(
          `${what}: kept column '${c}' not found (columns: ${listNames(columns)})`,
          'RVFT_ERR_DATA_SCHEMA',
        );
      }
      return at;
    });
    this.kept = keep.map(() => []);
    this.hasValue = this.plan.features.map(() => false);
    this.withoutValue = this.plan.features.length;
    if (opts.classNames) {
      this.known = knownClasses(opts.classNames, what, limits.maxClasses);
      this.knownSet = new Set(this.known);
    }
  }

  /** Number of columns a row must have. */
  get width(): number {
    return this.columns.length;
  }

  private cellError(line: number, column: string, problem: string): DatasetError {
    return new DatasetError(
      `${this.what}: line ${line}, column '${column}': ${problem}`,
      undefined,
      {
        details: { file: this.what, line, column },
      },
    );
  }

  /** Records a cell error; it is thrown once every feature column is known to hold values. */
  private fail(e: DatasetError): void {
    if (this.withoutValue === 0) throw e;
    this.pending ??= e;
  }

  /** One data row: `cells[k]` is column `k` of the header. */
  add(cells: ArrayLike<unknown>, line: number): void {
    if (this.rows >= this.limits.maxRows) {
      throw new DatasetError(
        `${this.what}: line ${line}: more than ${this.limits.maxRows} data rows (maxRows)`,
        'RVFT_ERR_DATA_TOO_LARGE',
        { details: { file: this.what, line, limit: this.limits.maxRows } },
      );
    }
    this.rows++;
    if (this.indexAt >= 0) this.checkIndex(cells[this.indexAt], line);
    for (const w of this.idRuns) w.run.add(cells[w.at], line);
    for (let k = 0; k < this.keptAt.length; k++) {
      this.kept[k]!.push(rawText(cells[this.keptAt[k]!]));
    }
    this.addFeatures(cells, line);
    // once an error waits, rows are read only to see which columns hold values
    if (!this.pending) this.addLabel(cells[this.labelAt], line);
    if (this.pending && this.withoutValue === 0) throw this.pending;
  }

  private checkIndex(raw: unknown, line: number): void {
    this.indexRun.add(raw, line);
    const broken = this.indexRun.broken;
    if (!broken) return;
    const lead = this.plan.index!;
    throw new DatasetError(
      `${this.what}: ${describeColumn(lead, 1)} has no name and is not a row index (line ${broken.line} holds ${quote(broken.value)}, a row index would hold ${broken.expected}); name it in the header to keep it as a feature, or drop it with ignoreColumns: ['${lead}']`,
    );
  }

  private addFeatures(cells: ArrayLike<unknown>, line: number): void {
    const names = this.plan.features;
    for (let j = 0; j < this.featureAt.length; j++) {
      const raw = cells[this.featureAt[j]!];
      if (isMissing(raw)) {
        this.features.push(Number.NaN);
        this.fail(this.cellError(line, names[j]!, 'missing value'));
        continue;
      }
      if (!this.hasValue[j]) {
        this.hasValue[j] = true;
        this.withoutValue--;
      }
      this.features.push(this.number(raw, line, names[j]!));
    }
  }

  /** A feature cell as a number that fits float32, or NaN after recording why it is not one. */
  private number(raw: unknown, line: number, column: string): number {
    const text = typeof raw === 'string' ? trimmed(raw) : undefined;
    let v: number;
    if (typeof raw === 'number') v = raw;
    else if (text !== undefined && DECIMAL.test(text)) v = Number(text);
    else {
      const problem =
        typeof raw === 'string'
          ? `${quote(raw)} is not a decimal number`
          : `${quote(raw)} is not a number`;
      this.fail(this.cellError(line, column, problem));
      return Number.NaN;
    }
    if (Math.abs(v) > FLOAT32_MAX) {
      // JSON Lines hands over an overflowing number as its text (see jsonl.ts)
      const text = typeof raw === 'string' ? raw : String(raw);
      this.fail(
        this.cellError(
          line,
          column,
          `'${text}' overflows float32 (largest magnitude 3.4028235e38)`,
        ),
      );
      return Number.NaN;
    }
    return v;
  }

  private addLabel(raw: unknown, line: number): void {
    let id = this.byRaw.get(raw);
    if (id === undefined) {
      const column = this.opts.labelColumn;
      if (isMissing(raw)) {
        this.fail(this.cellError(line, column, 'missing label'));
        return;
      }
      if (typeof raw !== 'string' && typeof raw !== 'number' && typeof raw !== 'boolean') {
        this.fail(
          this.cellError(
            line,
            column,
            `label must be a string, number or boolean, got ${JSON.stringify(raw)}`,
          ),
        );
        return;
      }
      const text = typeof raw === 'boolean' ? '' : String(raw).trim();
      if (DECIMAL.test(text) && significantDigits(text) > DOUBLE_DIGITS) {
        // canonical names go through Number(): two such labels could silently become one class
        this.fail(
          this.cellError(
            line,
            column,
            `label ${quote(raw)} has more than ${DOUBLE_DIGITS} significant digits, more than a number keeps, so two such labels could become one class; give classes names that are not numbers (e.g. 'id-${text}')`,
          ),
        );
        return;
      }
      const name = canonicalLabel(raw);
      id = this.byName.get(name);
      if (id === undefined) id = this.newClass(name, raw, line);
      if (this.byRaw.size < RAW_CACHE_LIMIT) this.byRaw.set(raw, id);
    }
    this.ids.push(id);
  }

  /** A class name seen for the first time: checked against the model's classes and the cap. */
  private newClass(name: string, raw: string | number | boolean, line: number): number {
    const column = this.opts.labelColumn;
    const isNew = !this.knownSet?.has(name);
    if (isNew && this.known && this.opts.unknownClasses !== 'append') {
      const written = String(raw);
      const read = written.trim() === name ? '' : ` (read as '${name}')`;
      throw this.cellError(
        line,
        column,
        `unknown class '${written}'${read} (known: ${listNames(this.known)})`,
      );
    }
    if (isNew) this.newClasses++;
    const total = (this.known?.length ?? 0) + this.newClasses;
    if (total > this.limits.maxClasses) {
      throw new DatasetError(
        `${this.what}: line ${line}, column '${column}': label ${quote(raw)} is class number ${total}, more than the limit of ${this.limits.maxClasses} classes (maxClasses)`,
        'RVFT_ERR_DATA_TOO_LARGE',
        { details: { file: this.what, line, column, limit: this.limits.maxClasses } },
      );
    }
    const id = this.names.length;
    this.names.push(name);
    this.byName.set(name, id);
    return id;
  }

  /** The dataset read so far: every row checked, labels mapped to output indices. */
  finish(): Dataset {
    const what = this.what;
    if (this.rows === 0) throw new DatasetError(`${what}: no data rows (only the header)`);
    const empty = this.hasValue.indexOf(false);
    if (empty !== -1) {
      throw new DatasetError(
        `${what}: column '${this.plan.features[empty]}' has no values (missing in every row)`,
      );
    }
    if (this.pending) throw this.pending;
    if (this.plan.index !== undefined) {
      this.opts.onNotice?.(
        `${what}: dropped ${describeColumn(this.plan.index, 1)}: it has no name and holds row numbers ${this.indexRun.span()}, an index such as pandas' to_csv writes`,
      );
    }
    for (const { name, run } of this.idRuns) {
      if (run.broken) continue;
      this.opts.onNotice?.(
        `${what}: column '${name}' holds row numbers ${run.span()} and looks like a row index; pass ignoreColumns: ['${name}'] unless it is a feature`,
      );
    }
    let classNames: string[];
    if (!this.known) classNames = sortClassNames(this.names);
    else {
      classNames = [...this.known];
      const knownSet = this.knownSet!;
      classNames.push(...sortClassNames(this.names.filter((n) => !knownSet.has(n))));
    }
    const index = new Map(classNames.map((c, k) => [c, k]));
    const toClass = Int32Array.from(this.names, (n) => index.get(n)!);
    const labels = this.ids.toArray();
    for (let i = 0; i < labels.length; i++) labels[i] = toClass[labels[i]!]!;
    const data = new Dataset({
      features: this.features.toArray(),
      labels,
      nFeatures: this.plan.features.length,
      featureNames: this.plan.features,
      classNames,
    });
    const keep = this.opts.keepColumns ?? [];
    if (keep.length > 0) {
      KEPT.set(data, Object.fromEntries(keep.map((c, k) => [c, this.kept[k]!])));
    }
    return data;
  }
}

/** A kept cell as text: CSV text trimmed, a JSON string as is, other JSON values as JSON. */
function rawText(raw: unknown): string {
  if (isMissing(raw)) return '';
  if (typeof raw === 'string') return trimmed(raw);
  return typeof raw === 'number' || typeof raw === 'boolean' ? String(raw) : JSON.stringify(raw);
}

/**
 * Kept columns by dataset. A side table, not a Dataset field: a Dataset is features and
 * labels that every split, subset and tensor path copies, and raw text belongs to none of them.
 */
const KEPT = new WeakMap<Dataset, Readonly<Record<string, readonly string[]>>>();

/**
 * The raw text of the `keepColumns` a loader was asked for, one string per row of the
 * dataset it returned (a missing cell is `''`); `undefined` for any other dataset, including
 * ones derived from it (a split or subset reorders rows, so it keeps no columns).
 *
 * @example
 * const ds = parseCsv('region,x,label\neu,1,a\nus,2,b\n,3,a\n', {
 *   labelColumn: 'label', ignoreColumns: ['region'], keepColumns: ['region'],
 * });
 * ds.featureNames; // → ['x']
 * keptColumns(ds); // → { region: ['eu', 'us', ''] }
 */
export function keptColumns(
  data: Dataset,
): Readonly<Record<string, readonly string[]>> | undefined {
  return KEPT.get(data);
}
