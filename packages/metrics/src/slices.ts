import { checkNumber, invalidArgument, RvftError } from '@rvft/errors';
import { expectedCalibrationError } from './classification';
import { checkArray, checkLabel, checkSameLength, type Probabilities } from './labels';
import { type PairedComparison, pairedComparison } from './paired';
import { type Correctness, isCorrect, type ProportionInterval, wilsonInterval } from './wilson';

/** Comparison operators a slice predicate may use. */
export type SliceOperator = '<' | '<=' | '>' | '>=' | '==' | '!=';

/**
 * How rows are grouped: one slice per distinct value of a column (`region`), or the rows where
 * a numeric column satisfies a comparison (`age<30`).
 */
export type SliceSpec =
  | { kind: 'values'; column: string }
  | { kind: 'predicate'; column: string; operator: SliceOperator; value: number };

/** A named group of evaluation rows: `rows` are indices into the rows both models were scored on. */
export interface Slice {
  name: string;
  rows: readonly number[];
}

// the two-character operators first, so `<=` is not read as `<` followed by `=30`
const PREDICATE = /^(.*?)(<=|>=|==|!=|<|>)(.*)$/;
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const SPEC_RULE = 'a column name, or a column, an operator (<, <=, >, >=, ==, !=) and a number';

/**
 * Reads a slice spec as typed on a command line: a column name (one slice per value), or
 * `column<op>number` with op one of `<`, `<=`, `>`, `>=`, `==`, `!=` (spaces allowed).
 *
 * @example
 * parseSliceSpec('region'); // → { kind: 'values', column: 'region' }
 * parseSliceSpec('age < 30'); // → { kind: 'predicate', column: 'age', operator: '<', value: 30 }
 * parseSliceSpec('age<=thirty'); // → throws { code: 'RVFT_ERR_INVALID_ARGUMENT' }
 */
export function parseSliceSpec(text: string): SliceSpec {
  const where = 'parseSliceSpec';
  if (typeof text !== 'string' || text.trim() === '') {
    throw invalidArgument(where, 'slice', SPEC_RULE, text);
  }
  const found = PREDICATE.exec(text);
  if (!found) {
    // a stray '=' or '!' is a mistyped operator, not part of a column name
    if (/[=!]/.test(text)) throw invalidArgument(where, 'slice', SPEC_RULE, text);
    return { kind: 'values', column: text.trim() };
  }
  const column = found[1]!.trim();
  const operator = found[2] as SliceOperator;
  const written = found[3]!.trim();
  if (column === '') {
    throw invalidArgument(where, 'slice', `${SPEC_RULE} (no column before '${operator}')`, text);
  }
  if (/[<>=!]/.test(column)) {
    // 'age=<30': a mistyped operator, not a column named 'age='
    throw invalidArgument(
      where,
      'slice',
      `${SPEC_RULE} ('${found[1]}${operator}' is not one operator)`,
      text,
    );
  }
  if (!NUMBER.test(written)) {
    throw invalidArgument(
      where,
      'slice',
      `${SPEC_RULE} (after '${operator}' comes '${written}', not a decimal number)`,
      text,
    );
  }
  return { kind: 'predicate', column, operator, value: Number(written) };
}

/**
 * The spec written back, as a slice name.
 *
 * @example
 * describeSliceSpec(parseSliceSpec(' age <= 30 ')); // → 'age<=30'
 */
export function describeSliceSpec(spec: SliceSpec): string {
  return spec.kind === 'values' ? spec.column : `${spec.column}${spec.operator}${spec.value}`;
}

function holds(x: number, operator: SliceOperator, value: number): boolean {
  switch (operator) {
    case '<':
      return x < value;
    case '<=':
      return x <= value;
    case '>':
      return x > value;
    case '>=':
      return x >= value;
    case '==':
      return x === value;
    default:
      return x !== value;
  }
}

/**
 * The slices a spec makes of a column's raw cells (`values[i]` is row i's cell; `''` is a
 * missing one). By values: one slice per distinct cell, named `column=value` and sorted by
 * value, missing cells in `column=(missing)`. By a predicate: the one slice of the rows that
 * satisfy it, named as the spec; a missing cell is in no predicate slice, a cell that is not a
 * number is refused.
 *
 * @example
 * sliceRows(parseSliceSpec('region'), ['eu', 'us', 'eu', '']);
 * // → [{ name: 'region=(missing)', rows: [3] }, { name: 'region=eu', rows: [0, 2] },
 * //     { name: 'region=us', rows: [1] }]
 * sliceRows(parseSliceSpec('age<30'), ['25', '41', '', '29.5']); // → [{ name: 'age<30', rows: [0, 3] }]
 */
export function sliceRows(spec: SliceSpec, values: readonly string[]): Slice[] {
  const where = 'sliceRows';
  checkArray(where, 'values', values);
  if (spec.kind === 'values') {
    const groups = new Map<string, number[]>();
    for (let i = 0; i < values.length; i++) {
      const v = values[i] ?? '';
      const rows = groups.get(v);
      if (rows) rows.push(i);
      else groups.set(v, [i]);
    }
    return [...groups]
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .map(([v, rows]) => ({ name: `${spec.column}=${v === '' ? '(missing)' : v}`, rows }));
  }
  const rows: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const text = (values[i] ?? '').trim();
    if (text === '') continue;
    if (!NUMBER.test(text)) {
      throw new RvftError(
        'RVFT_ERR_INVALID_ARGUMENT',
        `${where}: the slice '${describeSliceSpec(spec)}' compares numbers, but row ${i + 1} of column '${spec.column}' holds '${text}'`,
        { details: { where, column: spec.column, row: i + 1 } },
      );
    }
    if (holds(Number(text), spec.operator, spec.value)) rows.push(i);
  }
  return [{ name: describeSliceSpec(spec), rows }];
}

/** One model's answers on the evaluation rows: predicted labels, and probabilities for ECE. */
export interface SliceSide {
  predicted: ArrayLike<number>;
  /** Row-by-row class probabilities; without them the slice's ECE is not reported. */
  probabilities?: Probabilities;
}

/** One class's recall on a slice's rows of that class. */
export interface SliceClassRecall {
  label: number;
  /** Rows of the slice whose true label is this class. */
  n: number;
  recall: number;
}

/** One model on one slice. */
export interface SliceModelMetrics {
  /** Accuracy with its Wilson interval. */
  accuracy: ProportionInterval;
  /** Recall of every class present in the slice, by label. */
  recall: SliceClassRecall[];
  /** Expected calibration error on the slice (15 bins), when probabilities were given. */
  ece?: number;
}

/** Champion and challenger on one slice. */
export interface SliceReport {
  name: string;
  n: number;
  champion: SliceModelMetrics;
  challenger?: SliceModelMetrics;
  /** Paired comparison, challenger (A) − champion (B), on the slice's rows. */
  comparison?: PairedComparison;
}

function subsetProbabilities(p: Probabilities, rows: readonly number[]): Probabilities {
  if ('values' in p && 'nClasses' in p) {
    const k = p.nClasses;
    const values = new Float64Array(rows.length * k);
    rows.forEach((r, i) => {
      for (let j = 0; j < k; j++) values[i * k + j] = p.values[r * k + j] as number;
    });
    return { values, nClasses: k };
  }
  const table = p as readonly ArrayLike<number>[];
  return rows.map((r) => table[r] as ArrayLike<number>);
}

function modelOnSlice(
  side: SliceSide,
  labels: ArrayLike<number>,
  rows: readonly number[],
  confidence: number,
): SliceModelMetrics {
  let right = 0;
  const byClass = new Map<number, { n: number; right: number }>();
  for (const r of rows) {
    const label = labels[r] as number;
    const ok = side.predicted[r] === label;
    if (ok) right++;
    const c = byClass.get(label) ?? { n: 0, right: 0 };
    c.n++;
    if (ok) c.right++;
    byClass.set(label, c);
  }
  const out: SliceModelMetrics = {
    accuracy: wilsonInterval(right, rows.length, { confidence }),
    recall: [...byClass]
      .sort((a, b) => a[0] - b[0])
      .map(([label, c]) => ({ label, n: c.n, recall: c.right / c.n })),
  };
  if (side.probabilities) {
    out.ece = expectedCalibrationError(
      subsetProbabilities(side.probabilities, rows),
      rows.map((r) => labels[r] as number),
    );
  }
  return out;
}

/**
 * Per-slice metrics of a champion and, optionally, a challenger scored on the same rows:
 * accuracy with its Wilson interval, recall per class, ECE (when probabilities are given) and
 * row counts; with a challenger, the paired comparison challenger − champion on each slice
 * ({@link pairedComparison}). An aggregate score can hide a group the model fails: this is the
 * table that shows it. An empty slice is left out (nothing to measure).
 *
 * @example
 * // 6 rows: the champion misses row 2, the challenger misses rows 0 and 1 (both in 'eu')
 * const labels = [0, 1, 1, 0, 1, 0];
 * const slices = sliceRows(parseSliceSpec('region'), ['eu', 'eu', 'us', 'us', 'us', 'eu']);
 * const [eu, us] = sliceMetrics(slices, labels, { predicted: [0, 1, 0, 0, 1, 0] },
 *   { predicted: [1, 0, 1, 0, 1, 0] });
 * eu.champion.accuracy.estimate; // → 1
 * eu.challenger.accuracy.estimate; // → 0.3333
 * eu.comparison.difference; // → -0.6667
 * us.champion.recall; // → [{ label: 0, n: 1, recall: 1 }, { label: 1, n: 2, recall: 0.5 }]
 */
export function sliceMetrics(
  slices: readonly Slice[],
  labels: ArrayLike<number>,
  champion: SliceSide,
  challenger?: SliceSide,
  opts: { confidence?: number } = {},
): SliceReport[] {
  const where = 'sliceMetrics';
  checkArray(where, 'slices', slices as unknown as ArrayLike<unknown>);
  checkArray(where, 'labels', labels);
  checkArray(where, 'champion.predicted', champion?.predicted);
  checkSameLength(where, ['labels', 'champion.predicted'], labels, champion.predicted);
  if (challenger) {
    checkArray(where, 'challenger.predicted', challenger.predicted);
    checkSameLength(where, ['labels', 'challenger.predicted'], labels, challenger.predicted);
  }
  const confidence = checkNumber(where, 'confidence', opts.confidence ?? 0.95, {
    above: 0,
    below: 1,
  });
  const n = labels.length;
  for (let i = 0; i < n; i++) checkLabel(where, `labels[${i}]`, labels[i]);
  const out: SliceReport[] = [];
  for (const slice of slices) {
    for (const r of slice.rows) {
      if (!Number.isInteger(r) || r < 0 || r >= n) {
        throw invalidArgument(where, `slice '${slice.name}' row`, `an index below ${n}`, r);
      }
    }
    if (slice.rows.length === 0) continue;
    const report: SliceReport = {
      name: slice.name,
      n: slice.rows.length,
      champion: modelOnSlice(champion, labels, slice.rows, confidence),
    };
    if (challenger) {
      report.challenger = modelOnSlice(challenger, labels, slice.rows, confidence);
      report.comparison = pairedComparison(
        slice.rows.map((r) => challenger.predicted[r] === labels[r]),
        slice.rows.map((r) => champion.predicted[r] === labels[r]),
        { confidence },
      );
    }
    out.push(report);
  }
  return out;
}

/** A slice the gate compared: challenger − champion on its rows. */
export interface SliceComparison {
  name: string;
  n: number;
  championAccuracy: number;
  challengerAccuracy: number;
  /** challengerAccuracy − championAccuracy. */
  difference: number;
  lower: number;
  upper: number;
  pValue: number;
  /** The whole interval lies below −newMargin: the challenger is significantly worse here. */
  regressed: boolean;
}

/**
 * Per-row correctness restricted to each slice and compared pairwise, for the slice check of
 * `statisticalGate`. Internal to the gate; exported for the gate's module only.
 */
export function compareSlices(
  slices: readonly Slice[],
  champion: Correctness,
  challenger: Correctness,
  opts: { confidence: number; minSliceRows: number; newMargin: number },
): { tested: SliceComparison[]; untested: number } {
  const where = 'statisticalGate';
  const tested: SliceComparison[] = [];
  let untested = 0;
  for (const slice of slices) {
    if (slice === null || typeof slice !== 'object' || typeof slice.name !== 'string') {
      throw invalidArgument(where, 'slices', 'an array of { name, rows }', slice);
    }
    checkArray(where, `slice '${slice.name}' rows`, slice.rows as ArrayLike<unknown>);
    for (const r of slice.rows) {
      if (!Number.isInteger(r) || r < 0 || r >= champion.length) {
        throw invalidArgument(
          where,
          `slice '${slice.name}' row`,
          `an index of a new row (below ${champion.length})`,
          r,
        );
      }
    }
    if (slice.rows.length < opts.minSliceRows) {
      untested++;
      continue;
    }
    const r = pairedComparison(
      slice.rows.map((i) => isCorrect(where, challenger, i, 'challenger.newCorrect')),
      slice.rows.map((i) => isCorrect(where, champion, i, 'champion.newCorrect')),
      { confidence: opts.confidence },
    );
    tested.push({
      name: slice.name,
      n: r.n,
      championAccuracy: r.accuracyB,
      challengerAccuracy: r.accuracyA,
      difference: r.difference,
      lower: r.lower,
      upper: r.upper,
      pValue: r.pValue,
      regressed: r.upper < -opts.newMargin,
    });
  }
  return { tested, untested };
}
