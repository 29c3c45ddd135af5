/** A numeric sample: any array-like of finite numbers. */
export type Sample = ArrayLike<number>;

function sorted(xs: Sample, what: string): Float64Array {
  if (xs.length === 0) throw new RangeError(`${what}: the sample is empty`);
  const out = Float64Array.from(xs as ArrayLike<number>);
  for (let i = 0; i < out.length; i++) {
    if (!Number.isFinite(out[i]))
      throw new RangeError(`${what}[${i}] is ${out[i]} (must be finite)`);
  }
  return out.sort();
}

export type PsiBand = 'none' | 'moderate' | 'significant';

export interface PsiResult {
  psi: number;
  band: PsiBand;
  /** Bin edges (inner), from the reference's quantiles. */
  edges: number[];
  expected: number[];
  actual: number[];
}

/** Number of values ≤ x in a sorted array. */
function countAtMost(xs: Float64Array, x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((xs[mid] as number) <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Population Stability Index of `current` against `reference`:
 * Σ (aᵢ − eᵢ)·ln(aᵢ/eᵢ) over bins whose inner edges are the reference's quantiles
 * (bins (−∞, q₁], (q₁, q₂], …, (q_{k−1}, ∞)). Proportions are smoothed with `epsilon` so an
 * empty bin does not make the index infinite. Bands: < 0.1 none, 0.1–0.25 moderate,
 * > 0.25 significant.
 *
 * @example
 * const reference = Array.from({ length: 100 }, (_, i) => i / 100);
 * psi(reference, reference).band; // → 'none'
 * // shifted by half its range: five bins empty (ε-smoothed), the top one holds 60%
 * const shifted = reference.map((x) => x + 0.5);
 * psi(reference, shifted); // → { psi: 6.65, band: 'significant' }
 */
export function psi(
  reference: Sample,
  current: Sample,
  opts: { bins?: number; epsilon?: number } = {},
): PsiResult {
  const bins = opts.bins ?? 10;
  const eps = opts.epsilon ?? 1e-4;
  if (!Number.isInteger(bins) || bins < 2)
    throw new RangeError(`bins: must be a whole number >= 2, got ${bins}`);
  const ref = sorted(reference, 'reference');
  const cur = sorted(current, 'current');
  const edges: number[] = [];
  for (let k = 1; k < bins; k++) {
    // the (k/bins)-quantile, linear interpolation between order statistics (numpy's default)
    const pos = (k / bins) * (ref.length - 1);
    const lo = Math.floor(pos);
    const q =
      (ref[lo] as number) +
      (pos - lo) * ((ref[Math.min(lo + 1, ref.length - 1)] as number) - (ref[lo] as number));
    if (edges.length === 0 || q > (edges.at(-1) as number)) edges.push(q); // ties collapse bins
  }
  const share = (xs: Float64Array) => {
    const counts: number[] = [];
    let prev = 0;
    for (const e of edges) {
      const c = countAtMost(xs, e);
      counts.push(c - prev);
      prev = c;
    }
    counts.push(xs.length - prev);
    const n = xs.length + eps * counts.length;
    return counts.map((c) => (c + eps) / n);
  };
  const expected = share(ref);
  const actual = share(cur);
  let value = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i] as number;
    const e = expected[i] as number;
    value += (a - e) * Math.log(a / e);
  }
  return {
    psi: value,
    band: value < 0.1 ? 'none' : value <= 0.25 ? 'moderate' : 'significant',
    edges,
    expected,
    actual,
  };
}

/**
 * Survival function of the Kolmogorov distribution, Q(λ) = 2 Σ_{j≥1} (−1)^{j−1} e^{−2j²λ²}
 * (Numerical Recipes' probks).
 *
 * @example
 * kolmogorovQ(1); // → 0.2700 — the tabulated Q(1)
 */
export function kolmogorovQ(lambda: number): number {
  if (lambda < 1e-3) return 1;
  let sum = 0;
  let prev = 0;
  for (let j = 1; j <= 100; j++) {
    const term = 2 * (j % 2 === 1 ? 1 : -1) * Math.exp(-2 * j * j * lambda * lambda);
    sum += term;
    if (Math.abs(term) <= 1e-10 * Math.abs(prev) || Math.abs(term) <= 1e-16 * sum)
      return Math.min(1, Math.max(0, sum));
    prev = term;
  }
  return 1; // did not converge: λ is tiny
}

export interface KsResult {
  /** D = sup |F_ref(x) − F_cur(x)|. */
  statistic: number;
  /** Asymptotic p-value with Stephens' small-sample correction. */
  pValue: number;
  nReference: number;
  nCurrent: number;
}

/**
 * Two-sample Kolmogorov–Smirnov test. The p-value is Q((√nₑ + 0.12 + 0.11/√nₑ)·D) with
 * nₑ = n·m/(n+m) (Stephens 1970, as in Numerical Recipes' kstwo).
 *
 * @example
 * // half of each sample lies beyond the other: D = 0.5
 * ksTwoSample([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
 * // → { statistic: 0.5, pValue: 0.1108, nReference: 10, nCurrent: 10 }
 */
export function ksTwoSample(reference: Sample, current: Sample): KsResult {
  const a = sorted(reference, 'reference');
  const b = sorted(current, 'current');
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < a.length && j < b.length) {
    const x = Math.min(a[i] as number, b[j] as number);
    while (i < a.length && (a[i] as number) <= x) i++;
    while (j < b.length && (b[j] as number) <= x) j++;
    d = Math.max(d, Math.abs(i / a.length - j / b.length));
  }
  const en = Math.sqrt((a.length * b.length) / (a.length + b.length));
  return {
    statistic: d,
    pValue: kolmogorovQ((en + 0.12 + 0.11 / en) * d),
    nReference: a.length,
    nCurrent: b.length,
  };
}

export interface FeatureDrift {
  feature: number;
  name?: string;
  ks: KsResult;
  psi: PsiResult;
  drifted: boolean;
}

export interface DatasetDrift {
  features: FeatureDrift[];
  /** Share of features that drifted. */
  driftShare: number;
  /** The dataset verdict: at least `shareThreshold` of the features drifted. */
  drifted: boolean;
}

export interface TableLike {
  features: Float32Array;
  nFeatures: number;
  featureNames?: readonly string[] | undefined;
}

function column(t: TableLike, j: number): Float64Array {
  const n = t.features.length / t.nFeatures;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = t.features[i * t.nFeatures + j] as number;
  return out;
}

/**
 * Per-feature KS and PSI between two tables, and the dataset verdict (Evidently's rule: the
 * dataset drifted when at least half of its features did). A feature drifted when its KS
 * p-value is below `alpha` (default 0.05), or with `by: 'psi'` when its PSI is above 0.1.
 *
 * @example
 * const column = Float32Array.from({ length: 100 }, (_, i) => i / 100);
 * const reference = { nFeatures: 1, features: column };
 * const current = { nFeatures: 1, features: column.map((x) => x + 0.5) };
 * datasetDrift(reference, current); // → { driftShare: 1, drifted: true }
 */
export function datasetDrift(
  reference: TableLike,
  current: TableLike,
  opts: { alpha?: number; by?: 'ks' | 'psi'; psiThreshold?: number; shareThreshold?: number } = {},
): DatasetDrift {
  if (reference.nFeatures !== current.nFeatures) {
    throw new RangeError(
      `current: ${current.nFeatures} features, reference: ${reference.nFeatures}`,
    );
  }
  const alpha = opts.alpha ?? 0.05;
  const psiThreshold = opts.psiThreshold ?? 0.1;
  const features: FeatureDrift[] = [];
  for (let j = 0; j < reference.nFeatures; j++) {
    const r = column(reference, j);
    const c = column(current, j);
    const ks = ksTwoSample(r, c);
    const p = psi(r, c);
    const drifted = opts.by === 'psi' ? p.psi > psiThreshold : ks.pValue < alpha;
    const name = reference.featureNames?.[j];
    features.push({ feature: j, ...(name ? { name } : {}), ks, psi: p, drifted });
  }
  const driftShare = features.filter((f) => f.drifted).length / features.length;
  return { features, driftShare, drifted: driftShare >= (opts.shareThreshold ?? 0.5) };
}
