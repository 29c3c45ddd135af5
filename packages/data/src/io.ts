import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { Dataset, DatasetError } from './dataset';

export interface TableOptions {
  /** The column (CSV) or key (JSON Lines) holding the label. */
  labelColumn: string;
  /** Feature columns, in order; default: every other column, in file order. */
  featureColumns?: readonly string[];
  /**
   * Class names in label order. Default: integer labels are used as they are; any other
   * label values become classes sorted by name.
   */
  classNames?: readonly string[];
  /**
   * A label not in `classNames`: `'error'` (default) refuses it; `'append'` adds it as a new
   * class after the known ones (sorted numerically when every new label is an integer, else
   * by name), so a model's existing outputs keep their meaning when new classes arrive.
   */
  unknownClasses?: 'error' | 'append';
}

/** New labels in a stable order: numerically when all are integers, else by name. */
function sortLabels(labels: Iterable<string>): string[] {
  const out = [...new Set(labels)];
  if (out.every((l) => /^\d+$/.test(l))) return out.sort((a, b) => Number(a) - Number(b));
  return out.sort();
}

interface RawRow {
  line: number;
  values: Record<string, unknown>;
}

/** Builds a dataset from parsed rows; every error names the line and the column. */
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
  const featureNames = opts.featureColumns ?? columns.filter((c) => c !== opts.labelColumn);
  for (const f of featureNames) {
    if (!columns.includes(f)) throw new DatasetError(`${what}: feature column '${f}' not found`);
    if (f === opts.labelColumn) {
      throw new DatasetError(`${what}: '${f}' is the label column and cannot be a feature`);
    }
  }
  if (featureNames.length === 0) throw new DatasetError(`${what}: no feature columns`);
  if (rows.length === 0) throw new DatasetError(`${what}: no data rows`);

  const d = featureNames.length;
  const features = new Float32Array(rows.length * d);
  const rawLabels: string[] = [];
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
          `${what}: line ${line}, column '${name}': ${raw === undefined || raw === '' ? 'missing value' : `'${String(raw)}' is not a finite number`}`,
        );
      }
      features[i * d + j] = v;
    });
    const label = values[opts.labelColumn];
    if (label === undefined || label === null || String(label).trim() === '') {
      throw new DatasetError(`${what}: line ${line}, column '${opts.labelColumn}': missing label`);
    }
    rawLabels.push(String(label).trim());
  });

  let classNames = opts.classNames;
  const labels = new Int32Array(rows.length);
  const integerLabels = !classNames && rawLabels.every((l) => /^\d+$/.test(l));
  if (integerLabels) {
    rawLabels.forEach((l, i) => {
      labels[i] = Number(l);
    });
  } else {
    if (!classNames) classNames = sortLabels(rawLabels);
    else if (opts.unknownClasses === 'append') {
      const known = new Set(classNames);
      classNames = [...classNames, ...sortLabels(rawLabels.filter((l) => !known.has(l)))];
    }
    const index = new Map(classNames.map((c, k) => [c, k]));
    rawLabels.forEach((l, i) => {
      const k = index.get(l);
      if (k === undefined) {
        throw new DatasetError(
          `${what}: line ${rows[i]!.line}, column '${opts.labelColumn}': unknown class '${l}' (known: ${classNames!.join(', ')})`,
        );
      }
      labels[i] = k;
    });
  }
  return new Dataset({
    features,
    labels,
    nFeatures: d,
    featureNames,
    ...(classNames ? { classNames } : {}),
  });
}

/**
 * Parses CSV text with a header row into a Dataset (csv-parse does the quoting and
 * escaping). Errors name the line and column.
 *
 * @example
 * const ds = parseCsv('x1,x2,label\n0.1,0.2,0\n', { labelColumn: 'label' });
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

/** Parses JSON Lines (one object per line, blank lines skipped) into a Dataset. */
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

/** Reads and parses a CSV file. */
export async function loadCsv(path: string, opts: TableOptions): Promise<Dataset> {
  return parseCsv(await readFile(path, 'utf8'), opts, path);
}

/** Reads and parses a JSON Lines file. */
export async function loadJsonl(path: string, opts: TableOptions): Promise<Dataset> {
  return parseJsonl(await readFile(path, 'utf8'), opts, path);
}
