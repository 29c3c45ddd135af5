/**
 * Exact two-sided p-value of the two-sample Kolmogorov–Smirnov statistic D = h/lcm(n, m):
 * P(D_{n,m} ≥ h/lcm) when all C(n+m, n) orderings of the pooled sample are equally likely.
 * The same algorithms scipy's `ks_2samp` runs for `method='exact'` (scipy 1.17:
 * `_compute_prob_outside_square` for n = m, `_compute_outer_prob_inside_method` otherwise), so
 * the values agree with scipy to rounding. Internal; {@link ksTwoSample} is the public entry.
 * For example, ksExactPValue(5, 6, 15) = 0.35714285714285715 (D = 15/30 = 0.5), scipy's value
 * too; the example of {@link ksTwoSample} checks it.
 */
export function ksExactPValue(n: number, m: number, h: number): number {
  if (h === 0) return 1;
  return n === m ? probOutsideSquare(n, h) : probOutsideInside(n, m, h);
}

/** Greatest common divisor of two positive integers. Internal. */
export function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/**
 * n = m: P(D ≥ h/n) = 2·Σ_{k≥1} (−1)^{k−1} C(2n, n−kh)/C(2n, n) (the reflection principle),
 * evaluated as 2·A₁(1 − A₂(1 − A₃(…))) with each ratio Aₖ a product of h factors below 1, so
 * nothing cancels and nothing overflows. O(n + h).
 */
function probOutsideSquare(n: number, h: number): number {
  let p = 0;
  for (let k = Math.floor(n / h); k >= 0; k--) {
    let ratio = 1;
    for (let j = 0; j < h; j++) ratio = ((n - k * h - j) * ratio) / (n + k * h + j + 1);
    p = ratio * (1 - p);
  }
  return 2 * p;
}

/**
 * n ≠ m: walks the lattice paths from (0, 0) to (m, n) column by column, keeping for each
 * point inside the band |x/m − y/n| < h/lcm the share of paths that already LEFT the band
 * (1 − p, Viehmann 2021), so the answer is read off directly instead of as 1 − (a number close
 * to 1). Only the band's window of one column is kept: O(m · window), window ≈ 2·D·n.
 */
function probOutsideInside(n0: number, m0: number, h: number): number {
  const m = Math.max(n0, m0);
  const n = Math.min(n0, m0);
  const g = gcd(m, n);
  const mg = m / g;
  const ng = n / g;
  let minj = 0;
  let maxj = Math.min(Math.ceil(h / mg), n + 1);
  let curlen = maxj - minj;
  const a = new Float64Array(Math.min(2 * maxj + 2, n + 1)).fill(1);
  a.fill(0, minj, maxj);
  for (let i = 1; i <= m; i++) {
    const lastminj = minj;
    const lastlen = curlen;
    minj = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n);
    maxj = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxj <= minj) return 1;
    let val = minj === 0 ? 0 : 1;
    for (let jj = 0; jj < maxj - minj; jj++) {
      const j = jj + minj;
      val = ((a[jj + minj - lastminj] as number) * i + val * j) / (i + j);
      a[jj] = val;
    }
    curlen = maxj - minj;
    if (lastlen > curlen) a.fill(1, curlen, curlen + (lastlen - curlen));
  }
  return a[maxj - minj - 1] as number;
}
