import { checkNumber, invalidArgument } from '@rvft/errors';

export type Labels = Int32Array | readonly number[];

/**
 * Class probabilities: one row per example, either as an array of rows or as one flat
 * row-major buffer (what `tensor.dataSync()` returns) with the number of classes.
 */
export type Probabilities =
  | readonly ArrayLike<number>[]
  | { readonly values: ArrayLike<number>; readonly nClasses: number };

/** A class label: an integer ≥ 0. Internal. */
export function checkLabel(where: string, name: string, value: unknown): number {
  return checkNumber(where, name, value, { integer: true, min: 0 });
}

/** An array (or typed array) of labels, or anything array-like. Internal. */
export function checkArray(where: string, name: string, value: unknown): void {
  if (
    value === null ||
    typeof value !== 'object' ||
    typeof (value as { length?: unknown }).length !== 'number'
  ) {
    throw invalidArgument(where, name, 'an array', value);
  }
}

/** Two arrays that must pair up row by row. Internal. */
export function checkSameLength(
  where: string,
  names: [string, string],
  a: { length: number },
  b: { length: number },
): void {
  if (a.length !== b.length) {
    throw invalidArgument(
      where,
      `${names[0]}, ${names[1]}`,
      `the same length (lengths differ: ${a.length} vs ${b.length})`,
      b.length,
    );
  }
}

/** At least one row: a metric of nothing is NaN, which no caller should have to test for. */
export function checkNonEmpty(where: string, name: string, value: { length: number }): void {
  if (value.length === 0) throw invalidArgument(where, name, 'non-empty', value);
}

function isFlat(
  p: Probabilities,
): p is { readonly values: ArrayLike<number>; readonly nClasses: number } {
  return !Array.isArray(p);
}

export function rowCount(p: Probabilities, where = 'probabilities'): number {
  if (p === null || typeof p !== 'object') {
    throw invalidArgument(where, 'probabilities', 'rows or { values, nClasses }', p);
  }
  if (isFlat(p)) {
    checkNumber(where, 'probabilities.nClasses', p.nClasses, { integer: true, min: 1 });
    checkArray(where, 'probabilities.values', p.values);
    if (p.values.length % p.nClasses !== 0) {
      throw invalidArgument(
        where,
        'probabilities.values',
        `a whole number of rows of ${p.nClasses} (length not a multiple of nClasses)`,
        p.values.length,
      );
    }
    return p.values.length / p.nClasses;
  }
  return p.length;
}

/** Calls `fn(row, offset, width)` for each row without copying. */
/**
 * Calls `fn(row, offset, width)` for each row without copying, after checking every value of the
 * row is a finite number (and, with `unit`, in [0, 1]) and that all rows have one width — a NaN
 * anywhere in a row, not only where argmax happens to look, is refused.
 */
export function forEachRow(
  p: Probabilities,
  fn: (values: ArrayLike<number>, offset: number, width: number, index: number) => void,
  where = 'probabilities',
  unit = false,
): void {
  const check = (values: ArrayLike<number>, offset: number, width: number, i: number) => {
    if (width === 0) throw invalidArgument(where, `probabilities row ${i}`, 'non-empty', values);
    for (let k = 0; k < width; k++) {
      const v = values[offset + k];
      if (typeof v !== 'number' || !Number.isFinite(v) || (unit && (v < 0 || v > 1))) {
        throw invalidArgument(
          where,
          `probabilities row ${i}, class ${k}`,
          unit ? 'a probability in [0, 1]' : 'a finite number',
          v,
        );
      }
    }
  };
  if (isFlat(p)) {
    const n = rowCount(p, where);
    for (let i = 0; i < n; i++) {
      check(p.values, i * p.nClasses, p.nClasses, i);
      fn(p.values, i * p.nClasses, p.nClasses, i);
    }
    return;
  }
  rowCount(p, where);
  const rows = p as readonly ArrayLike<number>[];
  const width = rows[0]?.length;
  rows.forEach((row, i) => {
    checkArray(where, `probabilities row ${i}`, row);
    if (row.length !== width) {
      throw invalidArgument(
        where,
        `probabilities row ${i}`,
        `${width} wide like row 0`,
        row.length,
      );
    }
    check(row, 0, row.length, i);
    fn(row, 0, row.length, i);
  });
}

/** Index of the largest value; ties go to the lowest index, as numpy's argmax does. */
export function argmaxAt(values: ArrayLike<number>, offset: number, width: number): number {
  let best = 0;
  let bestValue = values[offset] as number;
  for (let k = 1; k < width; k++) {
    const v = values[offset + k] as number;
    if (v > bestValue) {
      bestValue = v;
      best = k;
    }
  }
  return best;
}

/**
 * Predicted class per row (argmax, ties to the lowest index).
 *
 * @example
 * [...argmax([[0.2, 0.8], [0.7, 0.3]])]; // → [1, 0]
 */
export function argmax(p: Probabilities): Int32Array {
  const out = new Int32Array(rowCount(p, 'argmax'));
  forEachRow(
    p,
    (values, offset, width, i) => {
      out[i] = argmaxAt(values, offset, width);
    },
    'argmax',
  );
  return out;
}
