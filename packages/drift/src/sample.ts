import { checkNumbers, invalidArgument } from '@rvft/errors';

/** A numeric sample: any array-like of finite numbers. */
export type Sample = ArrayLike<number>;

/**
 * The sample as a sorted copy, after refusing what no test can read: something that is not an
 * array, an empty sample, or a NaN/±Infinity anywhere in it (a NaN would otherwise sort to an
 * arbitrary place and silently shift every bin count). Internal.
 */
export function sortedSample(where: string, name: string, xs: unknown): Float64Array {
  if (xs === null || typeof xs !== 'object' || typeof (xs as Sample).length !== 'number') {
    throw invalidArgument(where, name, 'an array of numbers', xs);
  }
  const sample = xs as Sample;
  if (sample.length === 0) throw invalidArgument(where, name, 'a non-empty sample', sample);
  checkNumbers(where, name, sample);
  return Float64Array.from(sample).sort();
}

/** Number of values ≤ x in a sorted array. Internal. */
export function countAtMost(xs: Float64Array, x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((xs[mid] as number) <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Number of values < x in a sorted array. Internal. */
export function countBelow(xs: Float64Array, x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((xs[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
