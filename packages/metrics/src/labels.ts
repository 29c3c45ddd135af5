export type Labels = Int32Array | readonly number[];

/**
 * Class probabilities: one row per example, either as an array of rows or as one flat
 * row-major buffer (what `tensor.dataSync()` returns) with the number of classes.
 */
export type Probabilities =
  | readonly ArrayLike<number>[]
  | { readonly values: ArrayLike<number>; readonly nClasses: number };

export function checkLabel(value: number, where: string): number {
  if (!Number.isInteger(value) || value < 0) {
    throw new RangeError(`${where}: labels must be integers >= 0, got ${value}`);
  }
  return value;
}

export function checkSameLength(a: { length: number }, b: { length: number }, what: string): void {
  if (a.length !== b.length) {
    throw new RangeError(`${what}: lengths differ (${a.length} vs ${b.length})`);
  }
}

function isFlat(
  p: Probabilities,
): p is { readonly values: ArrayLike<number>; readonly nClasses: number } {
  return !Array.isArray(p);
}

export function rowCount(p: Probabilities): number {
  if (isFlat(p)) {
    if (!Number.isInteger(p.nClasses) || p.nClasses < 1) {
      throw new RangeError(`probabilities.nClasses must be >= 1, got ${p.nClasses}`);
    }
    if (p.values.length % p.nClasses !== 0) {
      throw new RangeError(
        `probabilities.values: length ${p.values.length} is not a multiple of nClasses ${p.nClasses}`,
      );
    }
    return p.values.length / p.nClasses;
  }
  return p.length;
}

/** Calls `fn(row, offset, width)` for each row without copying. */
export function forEachRow(
  p: Probabilities,
  fn: (values: ArrayLike<number>, offset: number, width: number, index: number) => void,
): void {
  if (isFlat(p)) {
    const n = rowCount(p);
    for (let i = 0; i < n; i++) fn(p.values, i * p.nClasses, p.nClasses, i);
  } else {
    (p as readonly ArrayLike<number>[]).forEach((row, i) => {
      fn(row, 0, row.length, i);
    });
  }
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
  const out = new Int32Array(rowCount(p));
  forEachRow(p, (values, offset, width, i) => {
    if (width === 0) throw new RangeError(`probabilities: row ${i} is empty`);
    out[i] = argmaxAt(values, offset, width);
  });
  return out;
}
