import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { checkHasValues, isMissing, type RawRow, selectFeatures } from './columns';
import { Dataset, DatasetError } from './dataset';
import { canonicalLabel, sortClassNames } from './labels';

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
  /** Hears what loading decided on its own, such as dropping a pandas index column. */
  onNotice?: (message: string) => void;
}

/** At most this many known classes are listed in an unknown-class error. */
const LIST_LIMIT = 20;

function listNames(names: readonly string[]): string {
  const shown = names.slice(0, LIST_LIMIT).join(', ');
  return names.length > LIST_LIMIT ? `${shown}, … (${names.length} in all)` : shown;
}

/** The model's classes, canonical; two names for one class would make outputs ambiguous. */
function knownClasses(given: readonly string[], what: string): string[] {
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

/** Reads each row's label as a canonical name; `ids[i]` indexes `names` (first-seen order). */
function readLabels(
  rows: readonly RawRow[],
  labelColumn: string,
  what: string,
): { ids: Int32Array; names: string[]; firstRow: number[] } {
  const ids = new Int32Array(rows.length);
  const names: string[] = [];
  const firstRow: number[] = [];
  const byName = new Map<string, number>();
  // labels repeat, so each distinct written value is canonicalised once
  const byRaw = new Map<unknown, number>();
  rows.forEach(({ line, values }, i) => {
    const raw = values[labelColumn];
    let id = byRaw.get(raw);
    if (id === undefined) {
      if (isMissing(raw)) {
        throw new DatasetError(`${what}: line ${line}, column '${labelColumn}': missing label`);
      }
      if (typeof raw !== 'string' && typeof raw !== 'number' && typeof raw !== 'boolean') {
        throw new DatasetError(
          `${what}: line ${line}, column '${labelColumn}': label must be a string, number or boolean, got ${JSON.stringify(raw)}`,
        );
      }
      const name = canonicalLabel(raw);
      id = byName.get(name);
      if (id === undefined) {
        id = names.length;
        byName.set(name, id);
        names.push(name);
        firstRow.push(i);
      }
      byRaw.set(raw, id);
    }
    ids[i] = id;
  });
  return { ids, names, firstRow };
}

/** Output indices for the labels and the class names they index. */
function encodeLabels(
  rows: readonly RawRow[],
  opts: TableOptions,
  what: string,
): { labels: Int32Array; classNames: string[] } {
  const { ids, names, firstRow } = readLabels(rows, opts.labelColumn, what);
  let classNames: string[];
  if (!opts.classNames) classNames = sortClassNames(names);
  else {
    classNames = knownClasses(opts.classNames, what);
    if (opts.unknownClasses === 'append') {
      const known = new Set(classNames);
      classNames.push(...sortClassNames(names.filter((n) => !known.has(n))));
    }
  }
  const index = new Map(classNames.map((c, k) => [c, k]));
  // ids are in first-seen order, so the first unknown one is the earliest line
  const toClass = names.map((name, id) => {
    const k = index.get(name);
    if (k === undefined) {
      const { line, values } = rows[firstRow[id]!]!;
      const raw = String(values[opts.labelColumn]);
      const read = raw.trim() === name ? '' : ` (read as '${name}')`;
      throw new DatasetError(
        `${what}: line ${line}, column '${opts.labelColumn}': unknown class '${raw}'${read} (known: ${listNames(classNames)})`,
      );
    }
    return k;
  });
  const labels = ids.map((id) => toClass[id]!);
  return { labels, classNames };
}

/** Parses the feature cells into one row-major Float32Array; errors name line and column. */
function readFeatures(rows: readonly RawRow[], featureNames: readonly string[], what: string) {
  const d = featureNames.length;
  const features = new Float32Array(rows.length * d);
  rows.forEach(({ line, values }, i) => {
    featureNames.forEach((name, j) => {
      const raw = values[name];
      const v =
        typeof raw === 'number'
          ? raw
          : typeof raw === 'string' && raw.trim() !== ''
            ? Number(raw)
            : Number.NaN;
      if (!Number.isFinite(v)) {
        throw new DatasetError(
          `${what}: line ${line}, column '${name}': ${isMissing(raw) ? 'missing value' : `'${String(raw)}' is not a finite number`}`,
        );
      }
      features[i * d + j] = v;
    });
  });
  return features;
}

/** Builds a dataset from parsed rows; every error names the file, line and column. */
function fromRows(
  rows: RawRow[],
  columns: readonly string[],
  opts: TableOptions,
  what: string,
): Dataset {
  if (!columns.includes(opts.labelColumn)) {
    throw new DatasetError(
      `${what}: label column '${opts.labelColumn}' not found (columns: ${columns.join(', ')})`,
    );
  }
  if (rows.length === 0) throw new DatasetError(`${what}: no data rows`);
  const featureNames = selectFeatures(rows, columns, opts, what);
  if (featureNames.length === 0) throw new DatasetError(`${what}: no feature columns`);
  checkHasValues(rows, featureNames, what);
  const features = readFeatures(rows, featureNames, what);
  const { labels, classNames } = encodeLabels(rows, opts, what);
  return new Dataset({
    features,
    labels,
    nFeatures: featureNames.length,
    featureNames,
    classNames,
  });
}

/**
 * Parses CSV text with a header row into a Dataset (csv-parse does the quoting and
 * escaping). Labels become class names (`ds.classNames`); errors name the line and column.
 *
 * @example
 * const ds = parseCsv('x1,x2,label\n0.1,0.2,2\n0.3,0.4,1.0\n', { labelColumn: 'label' });
 * ds.classNames; // → ['1', '2'] — '1.0' and '1' are one class
 * [...ds.labels]; // → [1, 0]
 */
export function parseCsv(text: string, opts: TableOptions, what = 'csv'): Dataset {
  let records: { record: Record<string, string>; info: { lines: number } }[];
  let header: string[] = [];
  try {
    records = parse(text, {
      columns: (h: string[]) => {
        header = h.map((c) => c.trim());
        return header;
      },
      skip_empty_lines: true,
      trim: true,
      info: true,
      bom: true,
    });
  } catch (e) {
    const err = e as Error & { lines?: number };
    throw new DatasetError(`${what}: line ${err.lines ?? '?'}: ${err.message}`);
  }
  const dup = header.find((c, i) => header.indexOf(c) !== i);
  if (dup) throw new DatasetError(`${what}: duplicate column '${dup}' in the header`);
  return fromRows(
    records.map((r) => ({ line: r.info.lines, values: r.record })),
    header,
    opts,
    what,
  );
}

/**
 * Parses JSON Lines (one object per line, blank lines skipped) into a Dataset. Labels may be
 * strings, numbers or booleans; `1` and `1.0` are one class.
 *
 * @example
 * const ds = parseJsonl('{"x": 1, "y": "cat"}\n{"x": 2, "y": "dog"}\n', { labelColumn: 'y' });
 * [ds.featureNames, ds.classNames, [...ds.labels]]; // → [['x'], ['cat', 'dog'], [0, 1]]
 */
export function parseJsonl(text: string, opts: TableOptions, what = 'jsonl'): Dataset {
  const rows: RawRow[] = [];
  const columns: string[] = [];
  const seen = new Set<string>();
  text.split(/\r?\n/).forEach((raw, k) => {
    const line = k + 1;
    if (raw.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (e) {
      throw new DatasetError(`${what}: line ${line}: invalid JSON (${(e as Error).message})`);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new DatasetError(`${what}: line ${line}: expected a JSON object`);
    }
    for (const key of Object.keys(value)) {
      if (!seen.has(key)) {
        seen.add(key);
        columns.push(key);
      }
    }
    rows.push({ line, values: value as Record<string, unknown> });
  });
  return fromRows(rows, columns, opts, what);
}

/**
 * Reads and parses a CSV file.
 *
 * @example
 * import { writeFileSync } from 'node:fs';
 * writeFileSync('pets.csv', 'weight,species\n4.1,cat\n30.5,dog\n');
 * const ds = await loadCsv('pets.csv', { labelColumn: 'species' });
 * [ds.nRows, ds.classNames]; // → [2, ['cat', 'dog']]
 * await loadCsv('pets.csv', { labelColumn: 'kind' }); // → throws "label column 'kind' not found"
 */
export async function loadCsv(path: string, opts: TableOptions): Promise<Dataset> {
  return parseCsv(await readFile(path, 'utf8'), opts, path);
}

/**
 * Reads and parses a JSON Lines file.
 *
 * @example
 * import { writeFileSync } from 'node:fs';
 * writeFileSync('pets.jsonl', '{"weight": 4.1, "species": "cat"}\n{"weight": 30.5, "species": "dog"}\n');
 * const ds = await loadJsonl('pets.jsonl', { labelColumn: 'species' });
 * [ds.nRows, ds.classNames]; // → [2, ['cat', 'dog']]
 */
export async function loadJsonl(path: string, opts: TableOptions): Promise<Dataset> {
  return parseJsonl(await readFile(path, 'utf8'), opts, path);
}
