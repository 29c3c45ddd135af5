import { normalQuantile } from '@rvft/decision';
import { checkNumber } from '@rvft/errors';

// normalQuantile lives in @rvft/decision (its A/B test planning needs it, and decision may not
// import this package); it is re-exported here so that `@rvft/metrics` keeps its API.
export { normalQuantile };

/**
 * The two-sided critical value z_{1−α/2} for a confidence level 1 − α in (0, 1).
 * Internal: validates `confidence` with a message naming the public function `where`.
 */
export function criticalValue(where: string, confidence: unknown): number {
  const c = checkNumber(where, 'confidence', confidence, { above: 0, below: 1 });
  return -normalQuantile((1 - c) / 2);
}
