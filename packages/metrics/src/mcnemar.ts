import { checkCount } from './wilson';

// ln 2 split so that n·LN2_HI is exact for n < 2²¹ (fdlibm's ln2_hi / ln2_lo).
const LN2_HI = 0.6931471803691238; // 0x3FE62E42FEE00000: 32 significant bits
const LN2_LO = 1.9082149292705877e-10;

/**
 * P(X ≤ k) for X ~ Binomial(n, 1/2), with k ≤ n/2. Computed as pmf(k)·Σ_j pmf(k − j)/pmf(k):
 * log pmf(k) = Σ_{i=1..k} ln((n − k + i)/i) − n·ln 2 is a sum of logs (nothing overflows for
 * n in the millions), accumulated with Neumaier's compensated summation so the large
 * cancellation against n·ln 2 does not eat the digits; and the ratios
 * pmf(k − j − 1)/pmf(k − j) = (k − j)/(n − k + j + 1) are all below 1, so the second sum only
 * adds shrinking positive terms.
 */
function lowerTailHalf(k: number, n: number): number {
  let sum = -n * LN2_HI;
  let carry = -n * LN2_LO;
  for (let i = 1; i <= k; i++) {
    const term = Math.log((n - k + i) / i);
    const t = sum + term;
    carry += Math.abs(sum) >= Math.abs(term) ? sum - t + term : term - t + sum;
    sum = t;
  }
  const logPmf = sum + carry;
  let ratio = 1;
  let total = 1;
  for (let j = 0; j < k; j++) {
    ratio *= (k - j) / (n - k + j + 1);
    total += ratio;
    if (ratio < total * 1e-17) break;
  }
  return Math.exp(logPmf + Math.log(total));
}

/**
 * Exact two-sided McNemar test for two classifiers scored on the same rows: the exact binomial
 * test of b against b + c discordant rows with p = 1/2 (McNemar 1947, Psychometrika 12:153;
 * exact form as in Fagerland, Lydersen & Laake 2013, "The McNemar test for binary
 * matched-pairs data: mid-p and asymptotic are better than exact conditional", BMC Med Res
 * Methodol 13:91). p = min(1, 2·P(X ≤ min(b, c))), X ~ Binomial(b + c, 1/2); 1 when |b − c| ≤ 1.
 * Rows both classifiers got right, or both got wrong, carry no information and are not passed.
 *
 * @param b rows A got right and B got wrong
 * @param c rows A got wrong and B got right
 * @example
 * mcnemarExact(1, 9); // → 0.021484375 — 2·(C(10,0) + C(10,1)) / 2¹⁰
 * mcnemarExact(0, 5); // → 0.0625
 * mcnemarExact(4, 4); // → 1
 */
export function mcnemarExact(b: number, c: number): number {
  checkCount('mcnemarExact', b, 'b');
  checkCount('mcnemarExact', c, 'c');
  const n = b + c;
  const k = Math.min(b, c);
  // |b − c| ≤ 1 (including n = 0): by symmetry the tail holds at least half the mass, so p is
  // exactly 1 — returned as such rather than as 0.9999999999999999 from the sums below.
  if (2 * k + 1 >= n) return 1;
  return Math.min(1, 2 * lowerTailHalf(k, n));
}
