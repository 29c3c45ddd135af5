import { criticalValue } from './normal-quantile';

/** A proportion with its two-sided confidence interval. */
export interface ProportionInterval {
  /** successes / n. */
  estimate: number;
  lower: number;
  upper: number;
  n: number;
  confidence: number;
}

/** Throws unless `value` is an integer in min…max; the message names the argument. */
export function checkCount(value: number, name: string, min = 0, max = Infinity): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = max === Infinity ? `>= ${min}` : `in ${min}..${max}`;
    throw new RangeError(`${name}: must be an integer ${range}, got ${value}`);
  }
}

// Lower Wilson bound, written as the smaller root x² / (n(n + z²)·upper) of the score quadratic
// so that it keeps full relative precision when x is small (no cancellation).
function wilsonLower(x: number, n: number, z: number): number {
  if (x === 0) return 0;
  const z2 = z * z;
  return (2 * x * x) / (n * (2 * x + z2 + z * Math.sqrt(z2 + (4 * x * (n - x)) / n)));
}

/** The Wilson bounds for x successes in n ≥ 1 trials at critical value z. Internal. */
export function wilsonBounds(x: number, n: number, z: number): { lower: number; upper: number } {
  return { lower: wilsonLower(x, n, z), upper: 1 - wilsonLower(n - x, n, z) };
}

/**
 * Wilson score interval for a single proportion (Wilson 1927, "Probable inference, the law of
 * succession, and statistical inference", JASA 22:209; method 3 of Newcombe 1998, "Two-sided
 * confidence intervals for the single proportion: comparison of seven methods", Stat Med
 * 17:857 — no continuity correction). Unlike the Wald interval p ± z·√(p(1−p)/n) it stays
 * inside [0, 1] and does not collapse to a point at 0/n or n/n, so it is the one to use for
 * accuracies measured on 15–400 held-out rows.
 *
 * @example
 * wilsonInterval(81, 263);
 * // → { estimate: 0.3080, lower: 0.2553, upper: 0.3662, n: 263, confidence: 0.95 }
 * wilsonInterval(0, 20); // → { lower: 0, upper: 0.1611 } — a perfect-looking 0/20 is not 0%
 */
export function wilsonInterval(
  successes: number,
  n: number,
  { confidence = 0.95 }: { confidence?: number } = {},
): ProportionInterval {
  checkCount(n, 'n', 1);
  checkCount(successes, 'successes', 0, n);
  const z = criticalValue(confidence);
  return { estimate: successes / n, ...wilsonBounds(successes, n, z), n, confidence };
}

/** Per-row correctness: `true`/`1` for a right prediction, `false`/`0` for a wrong one. */
export type Correctness = ArrayLike<boolean | number>;

/** Reads one per-row correctness value, throwing on anything but a boolean or 0/1. Internal. */
export function isCorrect(values: Correctness, i: number, name: string): boolean {
  const v = values[i];
  if (v === true || v === 1) return true;
  if (v === false || v === 0) return false;
  throw new RangeError(`${name}[${i}]: expected a boolean or 0/1, got ${String(v)}`);
}

/**
 * Accuracy with its Wilson interval, from per-row correctness.
 *
 * @example
 * accuracyInterval([true, true, true, false]);
 * // → { estimate: 0.75, lower: 0.3006, upper: 0.9544, n: 4, confidence: 0.95 }
 */
export function accuracyInterval(
  correct: Correctness,
  opts: { confidence?: number } = {},
): ProportionInterval {
  if (correct.length === 0) throw new RangeError('correct: needs at least one row');
  let right = 0;
  for (let i = 0; i < correct.length; i++) if (isCorrect(correct, i, 'correct')) right++;
  return wilsonInterval(right, correct.length, opts);
}
