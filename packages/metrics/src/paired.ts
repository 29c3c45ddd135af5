import { checkNumber, invalidArgument } from '@rvft/errors';
import { checkArray, checkNonEmpty, checkSameLength } from './labels';
import { mcnemarExact } from './mcnemar';
import { newcombePairedDifference } from './newcombe-paired';
import { criticalValue } from './normal-quantile';
import { type Correctness, isCorrect, options } from './wilson';

/** Two classifiers A and B compared on the same rows. Differences are always A − B. */
export interface PairedComparison {
  n: number;
  accuracyA: number;
  accuracyB: number;
  /** accuracyA − accuracyB = (b − c)/n. */
  difference: number;
  /** Rows A got right and B got wrong. */
  b: number;
  /** Rows A got wrong and B got right. */
  c: number;
  /** Exact two-sided McNemar p-value ({@link mcnemarExact}) for "A and B are equally accurate". */
  pValue: number;
  /** Lower bound of the interval for accuracyA − accuracyB ({@link newcombePairedDifference}). */
  lower: number;
  /** Upper bound of the interval for accuracyA − accuracyB. */
  upper: number;
  confidence: number;
}

/**
 * Compare two classifiers scored on the SAME rows from their per-row correctness (`true`/`1`
 * right, `false`/`0` wrong): exact McNemar p-value and Newcombe's paired interval (Stat Med
 * 17:2635, method 10) for accuracyA − accuracyB. Pairing removes the row-difficulty noise that
 * two independent intervals would double count, so this is the test for champion vs
 * challenger on one held-out set.
 *
 * Reading it (A − B throughout): `upper < 0` → A is significantly worse than B;
 * `lower > 0` → significantly better; `lower > −margin` → A is not worse than B by `margin`
 * or more ({@link nonInferior}).
 *
 * The p-value and the interval are different procedures and can disagree near the boundary
 * (the exact test is the more conservative), as in this example: pick one per decision.
 *
 * @example
 * // 10 rows: A right on 9, B right on 4; A alone right on 5 rows, B alone right on none.
 * pairedComparison([1, 1, 1, 1, 1, 1, 1, 1, 0, 1], [1, 1, 0, 0, 0, 1, 0, 1, 0, 0]);
 * // → { n: 10, accuracyA: 0.9, accuracyB: 0.4, difference: 0.5, b: 5, c: 0,
 * //     pValue: 0.0625, lower: 0.0816, upper: 0.7459, confidence: 0.95 }
 */
export function pairedComparison(
  correctA: Correctness,
  correctB: Correctness,
  opts: { confidence?: number } = {},
): PairedComparison {
  const where = 'pairedComparison';
  checkArray(where, 'correctA', correctA);
  checkArray(where, 'correctB', correctB);
  checkSameLength(where, ['correctA', 'correctB'], correctA, correctB);
  checkNonEmpty(where, 'correctA', correctA);
  const { confidence = 0.95 } = options(where, opts);
  criticalValue(where, confidence);
  const n = correctA.length;
  let both = 0;
  let onlyA = 0;
  let onlyB = 0;
  for (let i = 0; i < n; i++) {
    const a = isCorrect(where, correctA, i, 'correctA');
    const b = isCorrect(where, correctB, i, 'correctB');
    if (a && b) both++;
    else if (a) onlyA++;
    else if (b) onlyB++;
  }
  const interval = newcombePairedDifference(
    { both, onlyA, onlyB, neither: n - both - onlyA - onlyB },
    opts,
  );
  return {
    n,
    accuracyA: (both + onlyA) / n,
    accuracyB: (both + onlyB) / n,
    difference: interval.estimate,
    b: onlyA,
    c: onlyB,
    pValue: mcnemarExact(onlyA, onlyB),
    lower: interval.lower,
    upper: interval.upper,
    confidence: interval.confidence,
  };
}

/**
 * Non-inferiority of the first against the second: true when the lower bound of the interval
 * for (first − second) lies above −margin, i.e. the first is, at the interval's confidence,
 * worse by less than `margin`. Works on {@link pairedComparison} (A − B) and
 * {@link newcombeDifference} (p1 − p2) results alike. `margin = 0` asks for significant
 * superiority; "not significantly worse" is `upper >= 0` instead.
 *
 * @example
 * // challenger (A) vs champion (B): difference −0.01, interval −0.035 to 0.015
 * nonInferior({ lower: -0.035 }, 0.05); // → true — cannot be 5 points worse
 * nonInferior({ lower: -0.035 }, 0.02); // → false — could be 3.5 points worse
 */
export function nonInferior(difference: { readonly lower: number }, margin: number): boolean {
  checkNumber('nonInferior', 'margin', margin, { min: 0, max: 1 });
  if (difference === null || typeof difference !== 'object') {
    throw invalidArgument('nonInferior', 'difference', 'an interval { lower }', difference);
  }
  const lower = checkNumber('nonInferior', 'difference.lower', difference.lower, {
    min: -1,
    max: 1,
  });
  return lower > -margin;
}
