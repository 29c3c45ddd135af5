import { checkNumber, invalidArgument } from '@rvft/errors';
import { type DifferenceInterval, newcombeDifference } from './newcombe';
import { checkCount } from './wilson';

// W. J. Cody's rational Chebyshev approximations for the normal CDF (Cody 1969, "Rational
// Chebyshev approximations for the error function", Math. Comp. 23:631; the coefficients of
// R's pnorm.c, each written as the shortest literal of the same double). Accurate to about
// 1e-16 relative, far tails included (the tests compare it with SciPy's norm.sf).
const A = [
  2.2352520354606837, 161.02823106855587, 1067.6894854603709, 18154.98125334356,
  0.06568233791820745,
];
const B = [47.202581904688245, 976.0985517377767, 10260.932208618979, 45507.78933502673];
const C = [
  0.39894151208813466, 8.883149794388377, 93.50665613217785, 597.2702763948002, 2494.5375852903726,
  6848.190450536283, 11602.65143764735, 9842.714838383978, 1.0765576773720192e-8,
];
const D = [
  22.266688044328117, 235.387901782625, 1519.3775994075547, 6485.558298266761, 18615.571640885097,
  34900.95272114598, 38912.00328609327, 19685.429676859992,
];
const P = [
  0.215898534057957, 0.12740116116024736, 0.022235277870649807, 0.0014216191932278934,
  0.000029112874951168793, 0.023073441764940174,
];
const Q = [
  1.284260096144911, 0.4682382124808651, 0.06598813786892856, 0.0037823963320275824,
  0.00007297515550839662,
];
const SQRT_32 = 5.656854249492381;
const ONE_OVER_SQRT_2PI = 0.3989422804014327;

/** exp(−x²/2) without losing precision to the rounding of x² (R's pnorm.c trick). */
function gaussTail(x: number, ratio: number): number {
  const xsq = Math.trunc(x * 16) / 16;
  const del = (x - xsq) * (x + xsq);
  return Math.exp(-xsq * xsq * 0.5) * Math.exp(-del * 0.5) * ratio;
}

/**
 * The upper tail 1 − Φ(z) = Φ(−z) of the standard normal, accurate in the far tail (no
 * 1 − Φ cancellation).
 *
 * @example
 * normalUpperTail(1.959963984540054); // → 0.025000
 * normalUpperTail(10); // → 7.619853024160527e-24
 */
export function normalUpperTail(z: number): number {
  checkNumber('normalUpperTail', 'z', z, {});
  const x = -z; // Φ(x)
  const y = Math.abs(x);
  let lower: number;
  if (y <= 0.67448975) {
    // Φ(x) = 1/2 + x·R(x²)
    const xsq = y > 1.11e-16 ? x * x : 0;
    let num = A[4]! * xsq;
    let den = xsq;
    for (let i = 0; i < 3; i++) {
      num = (num + A[i]!) * xsq;
      den = (den + B[i]!) * xsq;
    }
    return 0.5 + (x * (num + A[3]!)) / (den + B[3]!);
  }
  if (y <= SQRT_32) {
    let num = C[8]! * y;
    let den = y;
    for (let i = 0; i < 7; i++) {
      num = (num + C[i]!) * y;
      den = (den + D[i]!) * y;
    }
    lower = gaussTail(y, (num + C[7]!) / (den + D[7]!));
  } else {
    const xsq = 1 / (x * x);
    let num = P[5]! * xsq;
    let den = xsq;
    for (let i = 0; i < 4; i++) {
      num = (num + P[i]!) * xsq;
      den = (den + Q[i]!) * xsq;
    }
    let r = (xsq * (num + P[4]!)) / (den + Q[4]!);
    r = (ONE_OVER_SQRT_2PI - r) / y;
    lower = gaussTail(y, r);
  }
  // `lower` is Φ(−y), the small tail.
  return x > 0 ? 1 - lower : lower;
}

/** One arm of an A/B test: how many users saw it and how many of them converted. */
export interface AbArm {
  conversions: number;
  users: number;
}

export type AbVerdict = 'treatment_better' | 'control_better' | 'no_difference' | 'keep_running';

export interface AbTestAnalysis {
  controlRate: number;
  treatmentRate: number;
  /** Absolute lift treatmentRate − controlRate. */
  lift: number;
  /** lift / controlRate; null when controlRate is 0. */
  relativeLift: number | null;
  /** Newcombe's hybrid score interval for the absolute lift at confidence 1 − alpha. */
  interval: DifferenceInterval;
  /** Pooled two-proportion z statistic (treatment minus control). */
  z: number;
  /** Two-sided p-value of the pooled two-proportion z test. */
  pValue: number;
  alpha: number;
  /** The planned users per arm, or null when none was given. */
  plannedPerArm: number | null;
  /** Both arms have reached plannedPerArm (true when no plan was given). */
  reachedPlannedSize: boolean;
  verdict: AbVerdict;
  /** One line saying why. */
  reason: string;
}

function checkArm(where: string, name: string, arm: unknown): AbArm {
  if (arm === null || typeof arm !== 'object') {
    throw invalidArgument(where, name, 'an object { conversions, users }', arm);
  }
  const a = arm as AbArm;
  const users = checkCount(where, a.users, `${name}.users`, 1);
  const conversions = checkCount(where, a.conversions, `${name}.conversions`, 0, users);
  return { conversions, users };
}

/**
 * Reads an A/B test: the lift of treatment over control with its interval, a p-value and a
 * verdict.
 *
 * - Interval: Newcombe's hybrid score interval (method 10 of Newcombe 1998, see
 *   {@link newcombeDifference}) at confidence 1 − alpha — it stays sensible at 0/n and for rare
 *   conversions, where the Wald interval does not.
 * - p-value: the two-sided two-proportion z test with the pooled variance,
 *   z = (p_t − p_c)/√(p̄(1−p̄)(1/n_t + 1/n_c)) — what statsmodels' `proportions_ztest` computes.
 *   For small counts (fewer than about 5 conversions or non-conversions in an arm) prefer
 *   Fisher's exact test.
 * - Verdict: `keep_running` while either arm is below `plannedPerArm` — the test is not called
 *   early, whatever the p-value says (peeking inflates the false-positive rate). Then
 *   `treatment_better` / `control_better` when p < alpha, else `no_difference`.
 *
 * @example
 * const r = analyzeAbTest({ conversions: 1000, users: 10_000 }, { conversions: 1100, users: 10_000 });
 * r.lift; // → 0.01
 * r.pValue; // → 0.0211 — statsmodels proportions_ztest: 0.021075
 * r.verdict; // → 'treatment_better'
 * analyzeAbTest({ conversions: 1000, users: 10_000 }, { conversions: 1100, users: 10_000 },
 *   { plannedPerArm: 15_000 }).verdict; // → 'keep_running'
 */
export function analyzeAbTest(
  control: AbArm,
  treatment: AbArm,
  opts: { plannedPerArm?: number; alpha?: number } = {},
): AbTestAnalysis {
  const where = 'analyzeAbTest';
  const c = checkArm(where, 'control', control);
  const t = checkArm(where, 'treatment', treatment);
  if (opts === null || typeof opts !== 'object') {
    throw invalidArgument(where, 'opts', 'an options object', opts);
  }
  const alpha = checkNumber(where, 'alpha', opts.alpha ?? 0.05, { above: 0, below: 1 });
  const planned =
    opts.plannedPerArm === undefined
      ? null
      : checkCount(where, opts.plannedPerArm, 'plannedPerArm', 1);
  const pc = c.conversions / c.users;
  const pt = t.conversions / t.users;
  const lift = pt - pc;
  const interval = newcombeDifference(t.conversions, t.users, c.conversions, c.users, {
    confidence: 1 - alpha,
  });
  const pooled = (c.conversions + t.conversions) / (c.users + t.users);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / c.users + 1 / t.users));
  // Both arms all-or-nothing alike: no variance, no evidence of a difference.
  const z = se === 0 ? 0 : lift / se;
  const pValue = Math.min(1, 2 * normalUpperTail(Math.abs(z)));
  const reached = planned === null || Math.min(c.users, t.users) >= planned;
  let verdict: AbVerdict;
  let reason: string;
  if (!reached) {
    verdict = 'keep_running';
    reason = `not called: ${Math.min(c.users, t.users)} users in the smaller arm, ${planned} planned`;
  } else if (pValue < alpha) {
    verdict = lift > 0 ? 'treatment_better' : 'control_better';
    reason = `p = ${pValue.toPrecision(3)} < alpha = ${alpha}`;
  } else {
    verdict = 'no_difference';
    reason = `p = ${pValue.toPrecision(3)} >= alpha = ${alpha}: no difference detected`;
  }
  return {
    controlRate: pc,
    treatmentRate: pt,
    lift,
    relativeLift: pc === 0 ? null : lift / pc,
    interval,
    z,
    pValue,
    alpha,
    plannedPerArm: planned,
    reachedPlannedSize: reached,
    verdict,
    reason,
  };
}
