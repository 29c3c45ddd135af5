import type { Dataset } from '@rvft/data';
import { Thresholds } from '@rvft/decision';
import type { ClassWeights } from '@rvft/strategies';

/** How the loss is weighted: `auto` decides from the data and the objective. */
export type ClassWeightsChoice = 'auto' | 'balanced' | 'none';
/** What an update is judged by. */
export type Objective = 'accuracy' | 'macro-f1';

/**
 * The loss weighting a run gets, and a note when the imbalance signal fired. `auto` weighs
 * classes (`'balanced'`) when the data's imbalance crosses the engine's
 * `classImbalanceWarning` (10:1 by default, where the class-imbalance advisory fires) and the
 * objective is macro F1. For accuracy it does not: on the real-data suite balanced weights
 * cost 30 points of accuracy on 21:1 weather data (BENCHMARKS.md) — a trade the user chooses.
 */
export function classWeightsFor(
  choice: ClassWeightsChoice,
  data: Dataset,
  objective: Objective,
): { weights: ClassWeights | undefined; note?: string } {
  if (choice === 'none') return { weights: undefined };
  if (choice === 'balanced') return { weights: 'balanced' };
  const ratio = data.classImbalance();
  if (ratio <= Thresholds.parse({}).classImbalanceWarning) return { weights: undefined };
  if (objective === 'macro-f1') {
    return {
      weights: 'balanced',
      note: `class imbalance ${ratio.toFixed(1)}:1 and objective macro-f1: the loss is class-weighted (balanced)`,
    };
  }
  return {
    weights: undefined,
    note: `class imbalance ${ratio.toFixed(1)}:1: the loss is not weighted because the objective is accuracy (weighting trades accuracy for minority-class recall); --objective macro-f1 or --class-weights balanced weighs it`,
  };
}
