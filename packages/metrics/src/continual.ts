import { checkNumber, checkNumbers, invalidArgument } from '@rvft/errors';
import { checkArray, checkNonEmpty } from './labels';

/**
 * Continual-learning metrics from an accuracy matrix R, where R[i][j] is the accuracy on
 * task j after training on tasks 0…i (Lopez-Paz & Ranzato 2017; Chaudhry et al. 2018).
 */
export interface ContinualMetrics {
  /** Mean accuracy over all tasks after the last one: (1/T) Σ_j R[T−1][j]. */
  averageAccuracy: number;
  /** (1/(T−1)) Σ_{j<T−1} (R[T−1][j] − R[j][j]); negative means forgetting. */
  backwardTransfer: number;
  /** (1/(T−1)) Σ_{j<T−1} max_{l<T−1} (R[l][j] − R[T−1][j]). */
  forgettingMeasure: number;
  /** (1/(T−1)) Σ_{j≥1} (R[j−1][j] − baseline[j]), when a baseline is given. */
  forwardTransfer?: number;
}

/**
 * @example
 * // task 0 at 0.90 after learning it, 0.80 after task 1 (0.95)
 * continualMetrics([[0.9, 0.1], [0.8, 0.95]]);
 * // → { averageAccuracy: 0.875, backwardTransfer: -0.1, forgettingMeasure: 0.1 }
 */
export function continualMetrics(
  accuracyMatrix: readonly (readonly number[])[],
  baseline?: readonly number[],
): ContinualMetrics {
  const where = 'continualMetrics';
  checkArray(where, 'accuracyMatrix', accuracyMatrix);
  const T = accuracyMatrix.length;
  checkNonEmpty(where, 'accuracyMatrix', accuracyMatrix);
  accuracyMatrix.forEach((row, i) => {
    checkArray(where, `accuracyMatrix[${i}]`, row);
    if (row.length !== T) {
      throw invalidArgument(where, `accuracyMatrix[${i}]`, `a row of ${T} (square matrix)`, row);
    }
    checkNumbers(where, `accuracyMatrix[${i}]`, row, { min: 0, max: 1 });
  });
  const R = (i: number, j: number) => accuracyMatrix[i]![j]!;
  const last = T - 1;
  let sum = 0;
  for (let j = 0; j < T; j++) sum += R(last, j);
  const out: ContinualMetrics = {
    averageAccuracy: sum / T,
    backwardTransfer: 0,
    forgettingMeasure: 0,
  };
  if (T > 1) {
    let bwt = 0;
    let fm = 0;
    for (let j = 0; j < last; j++) {
      bwt += R(last, j) - R(j, j);
      let best = Number.NEGATIVE_INFINITY;
      for (let l = 0; l < last; l++) best = Math.max(best, R(l, j));
      fm += best - R(last, j);
    }
    out.backwardTransfer = bwt / last;
    out.forgettingMeasure = fm / last;
  }
  if (baseline !== undefined) {
    checkArray(where, 'baseline', baseline);
    if (baseline.length !== T) {
      throw invalidArgument(where, 'baseline', `one accuracy per task (${T})`, baseline);
    }
    checkNumbers(where, 'baseline', baseline, { min: 0, max: 1 });
    if (T > 1) {
      let fwt = 0;
      for (let j = 1; j < T; j++) fwt += R(j - 1, j) - baseline[j]!;
      out.forwardTransfer = fwt / last;
    }
  }
  return out;
}

/**
 * Forgetting of a challenger against the champion on the old data: how much accuracy was
 * lost, never negative (a gain is not negative forgetting).
 *
 * @example
 * forgetting(0.97, 0.9); // → 0.07
 * forgetting(0.9, 0.97); // → 0
 */
export function forgetting(championOldAccuracy: number, challengerOldAccuracy: number): number {
  checkNumber('forgetting', 'championOldAccuracy', championOldAccuracy, { min: 0, max: 1 });
  checkNumber('forgetting', 'challengerOldAccuracy', challengerOldAccuracy, { min: 0, max: 1 });
  return Math.max(0, championOldAccuracy - challengerOldAccuracy);
}
