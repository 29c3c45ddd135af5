import { criticalValue } from './normal-quantile';
import { checkCount, options, wilsonBounds } from './wilson';

/** A difference of two proportions (first minus second) with its two-sided interval. */
export interface DifferenceInterval {
  /** p1 − p2. */
  estimate: number;
  lower: number;
  upper: number;
  /** The interval excludes 0: the difference is real at this confidence level. */
  significant: boolean;
  confidence: number;
}

/**
 * Interval for p1 − p2 where p1 = x1/n1 and p2 = x2/n2 come from INDEPENDENT samples
 * (different rows): Newcombe's hybrid score interval, built by "square and add" from the
 * Wilson interval [l, u] of each proportion (Newcombe 1998, "Interval estimation for the
 * difference between independent proportions: comparison of eleven methods", Stat Med
 * 17:873, method 10):
 *
 *   lower = (p1 − p2) − √((p1 − l1)² + (u2 − p2)²)
 *   upper = (p1 − p2) + √((u1 − p1)² + (p2 − l2)²)
 *
 * Use it for accuracy on old data vs accuracy on new data. For two models scored on the
 * SAME rows use {@link pairedComparison}, which is narrower because it uses the pairing.
 *
 * @example
 * newcombeDifference(56, 70, 48, 80);
 * // → { estimate: 0.2, lower: 0.0524, upper: 0.3339, significant: true, confidence: 0.95 }
 * newcombeDifference(5, 56, 0, 29);
 * // → { estimate: 0.0893, lower: -0.0381, upper: 0.1926, significant: false }
 */
export function newcombeDifference(
  x1: number,
  n1: number,
  x2: number,
  n2: number,
  opts: { confidence?: number } = {},
): DifferenceInterval {
  const where = 'newcombeDifference';
  const { confidence = 0.95 } = options(where, opts);
  checkCount(where, n1, 'n1', 1);
  checkCount(where, x1, 'x1', 0, n1);
  checkCount(where, n2, 'n2', 1);
  checkCount(where, x2, 'x2', 0, n2);
  const z = criticalValue(where, confidence);
  const p1 = x1 / n1;
  const p2 = x2 / n2;
  const w1 = wilsonBounds(x1, n1, z);
  const w2 = wilsonBounds(x2, n2, z);
  return differenceInterval(
    p1 - p2,
    Math.hypot(p1 - w1.lower, w2.upper - p2),
    Math.hypot(w1.upper - p1, p2 - w2.lower),
    confidence,
  );
}

/** estimate − below … estimate + above, kept inside [−1, 1]. Internal. */
export function differenceInterval(
  estimate: number,
  below: number,
  above: number,
  confidence: number,
): DifferenceInterval {
  const lower = Math.max(-1, estimate - below);
  const upper = Math.min(1, estimate + above);
  return { estimate, lower, upper, significant: lower > 0 || upper < 0, confidence };
}
