import { checkNumber, checkOneOf, invalidArgument } from '@rvft/errors';
import { countAtMost, countBelow, type Sample, sortedSample } from './sample';

export type PsiBand = 'none' | 'moderate' | 'significant';

/** How the bins are chosen; see {@link psi}. */
export type PsiBinning = 'evidently' | 'quantile';

export interface PsiOptions {
  /** `'evidently'` (default) or `'quantile'`. */
  binning?: PsiBinning;
  /** Number of reference-quantile bins (`'quantile'` only; default 10). */
  bins?: number;
  /** Smoothing added to every bin count (`'quantile'` only; default 1e-4). */
  epsilon?: number;
}

export interface PsiResult {
  psi: number;
  band: PsiBand;
  /**
   * Which path binned the values: `'categories'` (one bin per distinct value — the reference has
   * at most 20), `'sturges'` (equal-width bins over both samples) or `'quantile'`.
   */
  method: 'categories' | 'sturges' | 'quantile';
  /**
   * Bin edges. `'sturges'`: all k + 1 edges, bins [e₀, e₁), …, [e_{k−1}, e_k].
   * `'quantile'`: the reference's minimum, its inner quantiles and its maximum, bins
   * (−∞, e₀), [e₀, e₁], (e₁, e₂], …, (e_{k−1}, e_k], (e_k, ∞). `'categories'`: empty.
   */
  edges: number[];
  /** The distinct values, ascending (`'categories'` only). */
  categories?: number[];
  /** Reference share of each bin (after the zero fill or smoothing). */
  expected: number[];
  /** Current share of each bin (after the zero fill or smoothing). */
  actual: number[];
}

/** At most this many distinct reference values are binned as categories (Evidently's rule). */
export const PSI_MAX_CATEGORIES = 20;

/**
 * Population Stability Index of `current` against `reference`: Σ (eᵢ − aᵢ)·ln(eᵢ/aᵢ) over bins,
 * e the reference's and a the current sample's share. Bands: < 0.1 none, 0.1–0.25 moderate,
 * > 0.25 significant (Siddiqi 2006, "Credit Risk Scorecards"); Evidently calls ≥ 0.1 drift.
 *
 * Binning `'evidently'` (default) is Evidently's `psi` stattest (evidently
 * `legacy/calculations/stattests/utils.py:get_binned_data`), value for value:
 * - a reference with at most 20 distinct values: one bin per distinct value of either sample;
 * - otherwise equal-width bins over the range of BOTH samples, as many as Sturges' rule gives
 *   for their pooled size (numpy `histogram_bin_edges(bins='sturges')`), so values beyond the
 *   reference's range land in bins the reference barely fills;
 * - an empty bin gets share 1e-4 (or the smallest non-zero share / 10⁶ when that is ≤ 1e-4).
 * numpy treats integer-typed data slightly differently (bins at least 1 wide); these are floats.
 *
 * Binning `'quantile'`: the credit-scoring form — `bins` bins between the reference's
 * quantiles, plus one open bin below the reference's minimum and one above its maximum (so a
 * shift out of the reference's range is never averaged into its top decile), counts smoothed
 * by `epsilon`; the same categories path for a reference with at most 20 distinct values.
 *
 * @example
 * const range = (n: number) => Array.from({ length: n }, (_, i) => i);
 * psi(Array(50).fill(5), Array(50).fill(1)); // → { psi: 18.419, band: 'significant' } — Evidently: 18.419
 * psi(range(50), range(55)); // → { psi: 0.109, band: 'moderate' } — Evidently: 0.109
 * psi(range(50), range(55), { binning: 'quantile' }); // → { psi: 0.984, band: 'significant' }
 */
export function psi(reference: Sample, current: Sample, opts: PsiOptions = {}): PsiResult {
  const where = 'psi';
  if (opts === null || typeof opts !== 'object') {
    throw invalidArgument(where, 'opts', 'an options object', opts);
  }
  const binning = checkOneOf(where, 'binning', opts.binning ?? 'evidently', [
    'evidently',
    'quantile',
  ]);
  if (binning === 'evidently') {
    // Evidently's method has no bin count or smoothing to set; taking them silently would
    // suggest they matter.
    for (const key of ['bins', 'epsilon'] as const) {
      if (opts[key] !== undefined) {
        throw invalidArgument(where, key, "left out unless binning is 'quantile'", opts[key]);
      }
    }
  }
  const bins = checkNumber(where, 'bins', opts.bins ?? 10, { integer: true, min: 2 });
  const epsilon = checkNumber(where, 'epsilon', opts.epsilon ?? 1e-4, { above: 0 });
  const ref = sortedSample(where, 'reference', reference);
  const cur = sortedSample(where, 'current', current);

  let result: Omit<PsiResult, 'psi' | 'band'>;
  if (distinctCount(ref) <= PSI_MAX_CATEGORIES) {
    const categories = distinctValues(ref, cur);
    const shares = (xs: Float64Array) =>
      binning === 'evidently'
        ? fillZeros(categories.map((v) => (countAtMost(xs, v) - countBelow(xs, v)) / xs.length))
        : smooth(
            categories.map((v) => countAtMost(xs, v) - countBelow(xs, v)),
            xs.length,
            epsilon,
          );
    result = {
      method: 'categories',
      edges: [],
      categories,
      expected: shares(ref),
      actual: shares(cur),
    };
  } else if (binning === 'evidently') {
    const edges = sturgesEdges(ref, cur);
    const shares = (xs: Float64Array) => fillZeros(histogram(xs, edges).map((c) => c / xs.length));
    result = { method: 'sturges', edges, expected: shares(ref), actual: shares(cur) };
  } else {
    const edges = quantileEdges(ref, bins);
    const shares = (xs: Float64Array) => smooth(openHistogram(xs, edges), xs.length, epsilon);
    result = { method: 'quantile', edges, expected: shares(ref), actual: shares(cur) };
  }
  let value = 0;
  for (let i = 0; i < result.expected.length; i++) {
    const e = result.expected[i] as number;
    const a = result.actual[i] as number;
    value += (e - a) * Math.log(e / a);
  }
  return {
    psi: value,
    band: value < 0.1 ? 'none' : value <= 0.25 ? 'moderate' : 'significant',
    ...result,
  };
}

function distinctCount(sorted: Float64Array): number {
  let count = 0;
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) count++;
  return count;
}

/** The distinct values of both sorted samples, ascending. */
function distinctValues(a: Float64Array, b: Float64Array): number[] {
  const out = new Set<number>();
  for (const x of a) out.add(x);
  for (const x of b) out.add(x);
  // −0 and 0 are one value (as in pandas' unique); Set already treats them as equal.
  return [...out].sort((x, y) => x - y);
}

/** Evidently's zero fill: an empty bin gets 1e-4, or min(non-zero share)/10⁶ if that is ≤ 1e-4. */
function fillZeros(shares: number[]): number[] {
  let min = Number.POSITIVE_INFINITY;
  for (const s of shares) if (s > 0 && s < min) min = s;
  const fill = min <= 1e-4 ? min / 1e6 : 1e-4;
  return shares.map((s) => (s === 0 ? fill : s));
}

/** (count + ε)/(n + ε·bins): an empty bin stays finite and the shares still sum to 1. */
function smooth(counts: number[], n: number, epsilon: number): number[] {
  const total = n + epsilon * counts.length;
  return counts.map((c) => (c + epsilon) / total);
}

/**
 * numpy's `histogram_bin_edges(x, bins='sturges')` on the pooled samples: width
 * ptp/(log₂ N + 1), ⌈ptp/width⌉ bins, edges `linspace(min, max, k + 1)` (kᵢ·step + min, the
 * last one exactly max).
 */
function sturgesEdges(a: Float64Array, b: Float64Array): number[] {
  let first = Math.min(a[0] as number, b[0] as number);
  let last = Math.max(a[a.length - 1] as number, b[b.length - 1] as number);
  const width = (last - first) / (Math.log2(a.length + b.length) + 1);
  const k = width ? Math.ceil((last - first) / width) : 1;
  if (first === last) {
    first -= 0.5;
    last += 0.5;
  }
  const step = (last - first) / k;
  const edges = Array.from({ length: k + 1 }, (_, i) => i * step + first);
  edges[k] = last;
  return edges;
}

/** numpy's `histogram(x, edges)`: bins [eᵢ, eᵢ₊₁), the last one closed. */
function histogram(xs: Float64Array, edges: number[]): number[] {
  const counts: number[] = [];
  for (let i = 0; i + 1 < edges.length; i++) {
    const hi =
      i + 2 === edges.length
        ? countAtMost(xs, edges[i + 1] as number)
        : countBelow(xs, edges[i + 1] as number);
    counts.push(hi - countBelow(xs, edges[i] as number));
  }
  return counts;
}

/**
 * The reference's minimum, its (k/bins)-quantiles (linear interpolation between order
 * statistics, numpy's default) and its maximum; tied quantiles collapse into one edge.
 */
function quantileEdges(ref: Float64Array, bins: number): number[] {
  const edges: number[] = [ref[0] as number];
  for (let k = 1; k <= bins; k++) {
    const pos = (k / bins) * (ref.length - 1);
    const lo = Math.floor(pos);
    const q =
      k === bins
        ? (ref[ref.length - 1] as number)
        : (ref[lo] as number) +
          (pos - lo) * ((ref[Math.min(lo + 1, ref.length - 1)] as number) - (ref[lo] as number));
    if (q > (edges.at(-1) as number)) edges.push(q);
  }
  return edges;
}

/** Counts in (−∞, e₀), [e₀, e₁], (e₁, e₂], …, (e_{k−1}, e_k], (e_k, ∞). */
function openHistogram(xs: Float64Array, edges: number[]): number[] {
  const below = countBelow(xs, edges[0] as number);
  const counts = [below];
  let prev = below;
  for (let i = 1; i < edges.length; i++) {
    const c = countAtMost(xs, edges[i] as number);
    counts.push(c - prev);
    prev = c;
  }
  counts.push(xs.length - prev);
  return counts;
}
