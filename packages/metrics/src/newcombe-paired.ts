import { invalidArgument } from '@rvft/errors';
import { type DifferenceInterval, differenceInterval } from './newcombe';
import { criticalValue } from './normal-quantile';
import { checkCount, options, wilsonBounds } from './wilson';

/**
 * The paired 2×2 table of two classifiers A and B scored on the same rows (Newcombe's
 * e, f, g, h).
 */
export interface PairedCounts {
  /** Rows both got right (e). */
  both: number;
  /** Rows A got right and B got wrong (f; McNemar's b). */
  onlyA: number;
  /** Rows A got wrong and B got right (g; McNemar's c). */
  onlyB: number;
  /** Rows both got wrong (h). */
  neither: number;
}

/**
 * Interval for accA − accB = (onlyA − onlyB)/n when A and B were scored on the SAME n rows
 * (Newcombe 1998, "Improved confidence intervals for the difference between binomial
 * proportions based on paired data", Stat Med 17:2635, method 10). It is the square-and-add
 * interval of {@link newcombeDifference} with the Wilson intervals [l1, u1] of accA and
 * [l2, u2] of accB, minus a covariance term:
 *
 *   lower = d − √((accA − l1)² − 2φ(accA − l1)(u2 − accB) + (u2 − accB)²)
 *   upper = d + √((u1 − accA)² − 2φ(u1 − accA)(accB − l2) + (accB − l2)²)
 *
 * where φ is the phi coefficient of the 2×2 table with Newcombe's correction: with
 * D = e·h − f·g and M the product of the four margins, φ = max(D − n/2, 0)/√M when D > 0,
 * D/√M otherwise, and 0 when a margin is empty. (This corrected φ, with uncorrected Wilson
 * intervals, is what reproduces the paper's published examples.)
 *
 * @example
 * newcombePairedDifference({ both: 36, onlyA: 12, onlyB: 2, neither: 0 });
 * // → { estimate: 0.2, lower: 0.0569, upper: 0.3404, significant: true, confidence: 0.95 }
 */
export function newcombePairedDifference(
  counts: PairedCounts,
  opts: { confidence?: number } = {},
): DifferenceInterval {
  const where = 'newcombePairedDifference';
  const { confidence = 0.95 } = options(where, opts);
  if (counts === null || typeof counts !== 'object') {
    throw invalidArgument(where, 'counts', '{ both, onlyA, onlyB, neither }', counts);
  }
  const { both: e, onlyA: f, onlyB: g, neither: h } = counts;
  checkCount(where, e, 'counts.both');
  checkCount(where, f, 'counts.onlyA');
  checkCount(where, g, 'counts.onlyB');
  checkCount(where, h, 'counts.neither');
  const n = e + f + g + h;
  if (n === 0) throw invalidArgument(where, 'counts', 'at least one row in total', n);
  const z = criticalValue(where, confidence);
  const pA = (e + f) / n;
  const pB = (e + g) / n;
  const wA = wilsonBounds(e + f, n, z);
  const wB = wilsonBounds(e + g, n, z);

  const margins = (e + f) * (g + h) * (e + g) * (f + h);
  const D = e * h - f * g;
  const phi = margins === 0 ? 0 : (D > 0 ? Math.max(D - n / 2, 0) : D) / Math.sqrt(margins);

  // √(a² − 2φab + b²), guarded against a tiny negative from rounding when φ ≈ 1 and a ≈ b.
  const spread = (a: number, b: number) => Math.sqrt(Math.max(0, a * a - 2 * phi * a * b + b * b));
  return differenceInterval(
    (f - g) / n,
    spread(pA - wA.lower, wB.upper - pB),
    spread(wA.upper - pA, pB - wB.lower),
    confidence,
  );
}
