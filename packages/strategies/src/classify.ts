import type { StrategyId } from '@rvft/decision';
import type { UpdateResult } from './strategies';

/**
 * The strategy a run's computation is, whichever function was called: whole-network training
 * from the champion's weights on old + new data *is* warm combined retraining (the CostModel
 * prices it so), even when it was started as "expand + full fine-tune on the combined data".
 * Everything else is what the function reported. Used to name benchmark rows and to price
 * runs by what they computed, not by which function was called.
 *
 * @example
 * // the fields of an UpdateResult it reads; 500 new rows
 * const run = { strategy: 'fine_tune_full_network', warmStart: true, trunkFrozen: false };
 * strategyRun({ ...run, samples: 1500 }, 500); // → 'retrain_warm_combined' — old + new rows
 * strategyRun({ ...run, samples: 500 }, 500); // → 'fine_tune_full_network' — new rows only
 */
export function strategyRun(r: UpdateResult, nNewSamples: number): StrategyId {
  // old + new rows from the champion's weights with the trunk learning: the warm combined computation
  if (r.warmStart && !r.trunkFrozen && r.samples > nNewSamples) return 'retrain_warm_combined';
  return r.strategy;
}
