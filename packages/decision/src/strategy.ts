/**
 * The ways to update a deployed model. Values are the wire ids used everywhere: JSON, the
 * CLI's `--strategy`, the bench's rows and the docs.
 *
 * @example
 * Strategy.RetrainWarmCombined; // → 'retrain_warm_combined'
 * STRATEGY_IDS.length; // → 7
 */
export const Strategy = {
  TrainFromScratch: 'train_from_scratch',
  FineTuneHeadOnly: 'fine_tune_head_only',
  FineTuneFullNetwork: 'fine_tune_full_network',
  FineTuneGradualUnfreeze: 'fine_tune_gradual_unfreeze',
  RetrainWarmNewOnly: 'retrain_warm_new_only',
  RetrainWarmCombined: 'retrain_warm_combined',
  RetrainColdCombined: 'retrain_cold_combined',
} as const;

export type StrategyId = (typeof Strategy)[keyof typeof Strategy];

export const STRATEGY_IDS: readonly StrategyId[] = Object.values(Strategy);

/** The six strategies of the source article (its cost table and benchmark rows). */
export const ARTICLE_STRATEGY_IDS: readonly StrategyId[] = [
  Strategy.TrainFromScratch,
  Strategy.FineTuneHeadOnly,
  Strategy.FineTuneFullNetwork,
  Strategy.RetrainWarmNewOnly,
  Strategy.RetrainWarmCombined,
  Strategy.RetrainColdCombined,
];

/** One line per strategy: what it trains and on which data. */
export const STRATEGY_DESCRIPTIONS: Readonly<Record<StrategyId, string>> = {
  train_from_scratch: 'reinitialise every weight and train on the new data only',
  fine_tune_head_only: 'freeze the trunk, train the output head on the new data',
  fine_tune_full_network: 'train every weight on the new data at a 10x lower learning rate',
  fine_tune_gradual_unfreeze:
    'train the head, then unfreeze trunk blocks from the top down at falling rates (ULMFiT)',
  retrain_warm_new_only: 'start from the current weights, retrain everything on the new data',
  retrain_warm_combined: 'start from the current weights, retrain everything on old + new data',
  retrain_cold_combined: 'reinitialise, train everything on old + new data',
};

/** Strategies that need the historical data next to the new data. */
export const COMBINED_STRATEGIES: readonly StrategyId[] = [
  Strategy.RetrainWarmCombined,
  Strategy.RetrainColdCombined,
];
