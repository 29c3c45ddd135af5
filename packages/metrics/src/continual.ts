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
  const T = accuracyMatrix.length;
  if (T === 0) throw new RangeError('accuracyMatrix: needs at least one task');
  accuracyMatrix.forEach((row, i) => {
    if (row.length !== T) {
      throw new RangeError(`accuracyMatrix[${i}]: expected ${T} entries, got ${row.length}`);
    }
    row.forEach((v, j) => {
      if (!(v >= 0 && v <= 1)) {
        throw new RangeError(`accuracyMatrix[${i}][${j}]: ${v} is not an accuracy in [0, 1]`);
      }
    });
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
  if (baseline) {
    if (baseline.length !== T) {
      throw new RangeError(`baseline: expected ${T} entries, got ${baseline.length}`);
    }
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
 * forgetting(0.9, 0.84); // → 0.06
 */
export function forgetting(championOldAccuracy: number, challengerOldAccuracy: number): number {
  for (const [name, v] of [
    ['championOldAccuracy', championOldAccuracy],
    ['challengerOldAccuracy', challengerOldAccuracy],
  ] as const) {
    if (!(v >= 0 && v <= 1)) throw new RangeError(`${name}: ${v} is not an accuracy in [0, 1]`);
  }
  return Math.max(0, championOldAccuracy - challengerOldAccuracy);
}
