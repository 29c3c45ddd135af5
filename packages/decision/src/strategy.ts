/** The six ways to update a deployed model. Values are the wire ids used in JSON. */
export const Strategy = {
  TrainFromScratch: 'train_from_scratch',
  FineTuneHeadOnly: 'fine_tune_head_only',
  FineTuneFullNetwork: 'fine_tune_full_network',
  RetrainWarmNewOnly: 'retrain_warm_new_only',
  RetrainWarmCombined: 'retrain_warm_combined',
  RetrainColdCombined: 'retrain_cold_combined',
} as const;

export type StrategyId = (typeof Strategy)[keyof typeof Strategy];

export const STRATEGY_IDS: readonly StrategyId[] = Object.values(Strategy);

/** One line per strategy: what it trains and on which data. */
export const STRATEGY_DESCRIPTIONS: Readonly<Record<StrategyId, string>> = {
  train_from_scratch: 'reinitialise every weight and train on the new data only',
  fine_tune_head_only: 'freeze the trunk, train the output head on the new data',
  fine_tune_full_network: 'train every weight on the new data at a 10x lower learning rate',
  retrain_warm_new_only: 'start from the current weights, retrain everything on the new data',
  retrain_warm_combined: 'start from the current weights, retrain everything on old + new data',
  retrain_cold_combined: 'reinitialise, train everything on old + new data',
};

/** Strategies that need the historical data next to the new data. */
export const COMBINED_STRATEGIES: readonly StrategyId[] = [
  Strategy.RetrainWarmCombined,
  Strategy.RetrainColdCombined,
];
