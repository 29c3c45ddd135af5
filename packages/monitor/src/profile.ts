import { checkNumber, invalidArgument, RvftError } from '@rvft/errors';

/** Format tag of a stored profile; a reader refuses any other. */
export const PROFILE_FORMAT = 'rvft-profile/1';

/** One feature's reference: a bounded sorted sample (evenly spaced order statistics). */
export interface FeatureProfile {
  name: string;
  /** Sorted; at most `sampleSize` values: all rows when there are fewer, else order statistics. */
  sample: number[];
  min: number;
  max: number;
  mean: number;
}

/** What a model's training data and its predictions on it looked like, for later windows. */
export interface ReferenceProfile {
  format: typeof PROFILE_FORMAT;
  /** Rows the profile was fit on. */
  rows: number;
  features: FeatureProfile[];
  classNames: string[];
  /** Share of rows predicted as each class (argmax), index = class. */
  predictedShare: number[];
  confidence: {
    /** A prediction is high-confidence when its top probability is at least this. */
    highThreshold: number;
    /** Share of high-confidence predictions. */
    highShare: number;
    mean: number;
    /** Deciles of the top probability (0.1 … 0.9). */
    deciles: number[];
  };
  /** Accuracy of the predictions on these rows, when labels were given. */
  accuracy?: number;
}

/** The rows a profile is fit on: a `Dataset` from `@rvft/data` fits, as does any such object. */
export interface ProfileRows {
  /** Row-major, `rows × nFeatures`. */
  features: ArrayLike<number>;
  nFeatures: number;
  featureNames?: readonly string[];
  classNames?: readonly string[];
  labels?: ArrayLike<number>;
}

export interface ProfileOptions {
  /** Values kept per feature (default 500). */
  sampleSize?: number;
  /** Top probability at or above which a prediction is high-confidence (default 0.9). */
  highConfidence?: number;
}

/**
 * Fits a reference profile on `rows` and the model's `probabilities` for them (row-major,
 * `rows × classes`). Memory and size are bounded: each feature keeps at most `sampleSize`
 * evenly spaced order statistics — enough for PSI and KS against a window, whatever the row
 * count.
 *
 * @example
 * const p = buildProfile(
 *   { features: [0, 10, 1, 11, 2, 12, 3, 13], nFeatures: 2, classNames: ['a', 'b'], labels: [0, 1, 1, 1] },
 *   [0.95, 0.05, 0.6, 0.4, 0.2, 0.8, 0.01, 0.99],
 * );
 * [p.rows, p.features[1].sample, p.predictedShare, p.confidence.highShare, p.accuracy];
 * // → [4, [10, 11, 12, 13], [0.5, 0.5], 0.5, 0.75]
 */
export function buildProfile(
  rows: ProfileRows,
  probabilities: ArrayLike<number>,
  opts: ProfileOptions = {},
): ReferenceProfile {
  const where = 'buildProfile';
  const sampleSize = checkNumber(where, 'sampleSize', opts.sampleSize ?? 500, {
    integer: true,
    min: 2,
  });
  const high = checkNumber(where, 'highConfidence', opts.highConfidence ?? 0.9, {
    above: 0,
    max: 1,
  });
  const d = checkNumber(where, 'nFeatures', rows.nFeatures, { integer: true, min: 1 });
  const n = rows.features.length / d;
  if (!Number.isInteger(n) || n < 1) {
    throw invalidArgument(where, 'features', `a non-empty multiple of nFeatures (${d}) long`, {
      length: rows.features.length,
    });
  }
  const k = probabilities.length / n;
  if (!Number.isInteger(k) || k < 1) {
    throw invalidArgument(where, 'probabilities', `rows × classes (${n} rows) long`, {
      length: probabilities.length,
    });
  }
  const classNames = rows.classNames
    ? [...rows.classNames]
    : Array.from({ length: k }, (_, i) => String(i));
  if (classNames.length !== k) {
    throw invalidArgument(
      where,
      'classNames',
      `${k} names (one per probability column)`,
      classNames,
    );
  }
  const names = rows.featureNames
    ? [...rows.featureNames]
    : Array.from({ length: d }, (_, i) => `f${i}`);
  const features: FeatureProfile[] = [];
  const col = new Float64Array(n);
  for (let j = 0; j < d; j++) {
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const v = Number(rows.features[i * d + j]);
      if (!Number.isFinite(v)) throw invalidArgument(where, `features[${i}][${j}]`, 'finite', v);
      col[i] = v;
      sum += v;
    }
    const sorted = col.slice().sort();
    features.push({
      name: names[j] ?? `f${j}`,
      sample: orderStatistics(sorted, sampleSize),
      min: sorted[0] as number,
      max: sorted[n - 1] as number,
      mean: sum / n,
    });
  }
  const predicted = new Array<number>(k).fill(0);
  const top = new Float64Array(n);
  let highCount = 0;
  let correct = 0;
  let topSum = 0;
  for (let i = 0; i < n; i++) {
    const c = argmax(probabilities, i * k, k);
    predicted[c] = (predicted[c] as number) + 1;
    const p = Number(probabilities[i * k + c]);
    top[i] = p;
    topSum += p;
    if (p >= high) highCount++;
    if (rows.labels && Number(rows.labels[i]) === c) correct++;
  }
  top.sort();
  const profile: ReferenceProfile = {
    format: PROFILE_FORMAT,
    rows: n,
    features,
    classNames,
    predictedShare: predicted.map((c) => c / n),
    confidence: {
      highThreshold: high,
      highShare: highCount / n,
      mean: topSum / n,
      deciles: Array.from({ length: 9 }, (_, i) => quantile(top, (i + 1) / 10)),
    },
  };
  if (rows.labels) profile.accuracy = correct / n;
  return profile;
}

/** Index of the largest of `xs[off … off+k)`; the first on ties. Internal. */
export function argmax(xs: ArrayLike<number>, off: number, k: number): number {
  let best = 0;
  let bestValue = Number.NEGATIVE_INFINITY;
  for (let c = 0; c < k; c++) {
    const v = Number(xs[off + c]);
    if (v > bestValue) {
      bestValue = v;
      best = c;
    }
  }
  return best;
}

/** All values when there are at most `m`, else the order statistics at ranks (i + ½)·n/m. */
function orderStatistics(sorted: Float64Array, m: number): number[] {
  if (sorted.length <= m) return Array.from(sorted);
  const out: number[] = [];
  for (let i = 0; i < m; i++) {
    out.push(sorted[Math.floor(((i + 0.5) * sorted.length) / m)] as number);
  }
  return out;
}

function quantile(sorted: Float64Array, q: number): number {
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return (sorted[lo] as number) + (pos - lo) * ((sorted[hi] as number) - (sorted[lo] as number));
}

/**
 * A profile read back from JSON (a model card's `profile` field, a file), checked enough that
 * the monitor can use it; anything else is a `RVFT_ERR_DATA_PARSE`.
 *
 * @example
 * parseProfile({ format: 'other' }); // → throws { code: 'RVFT_ERR_DATA_PARSE' }
 */
export function parseProfile(value: unknown, source = 'profile'): ReferenceProfile {
  const bad = (why: string) =>
    new RvftError('RVFT_ERR_DATA_PARSE', `${source}: not a reference profile: ${why}`);
  if (value === null || typeof value !== 'object') throw bad('not an object');
  const p = value as Partial<ReferenceProfile>;
  if (p.format !== PROFILE_FORMAT) throw bad(`format is not '${PROFILE_FORMAT}'`);
  if (!Array.isArray(p.features) || p.features.length === 0) throw bad('no features');
  for (const f of p.features) {
    if (
      typeof f?.name !== 'string' ||
      !Array.isArray(f.sample) ||
      f.sample.length === 0 ||
      f.sample.some((v) => typeof v !== 'number' || !Number.isFinite(v))
    ) {
      throw bad('a feature without a name or a finite sample');
    }
  }
  if (!Array.isArray(p.classNames) || !Array.isArray(p.predictedShare)) throw bad('no classes');
  if (p.classNames.length !== p.predictedShare.length) throw bad('classNames ≠ predictedShare');
  if (typeof p.confidence?.highShare !== 'number') throw bad('no confidence');
  return p as ReferenceProfile;
}
