import { Strategy, type StrategyId } from '@rvft/decision';

/** What a strategy does when nobody chooses otherwise: one row of `STRATEGY_DEFAULTS`. */
export interface StrategyDefaults {
  /** Epochs under the article profile, and the floor of the production profile's plan. */
  epochs: number;
  /** Adam's learning rate (gradual unfreezing: its first stage's). */
  learningRate: number;
  /** Global gradient-norm clip, or null for none (a frozen trunk has nothing to clip). */
  clipNorm: number | null;
  /** The rows it trains on. */
  data: 'new' | 'old + new';
  /** Starts from the champion's weights (true) or from fresh ones. */
  warmStart: boolean;
  /**
   * The champion's input scaler: kept by the strategies that keep its trunk (the trunk's
   * weights were learned on inputs scaled that way), refitted on the training rows by the
   * ones that start from fresh weights.
   */
  scaler: 'keep' | 'refit';
}

/**
 * Every strategy's defaults, in one table: the code reads it, `rvft --help` prints it and
 * the README shows it. Epochs and learning rates are the source article's (its benchmark
 * setup, shared/reference/README.md section 1).
 */
export const STRATEGY_DEFAULTS: Readonly<Record<StrategyId, StrategyDefaults>> = {
  [Strategy.FineTuneHeadOnly]: {
    epochs: 10,
    learningRate: 0.01,
    clipNorm: null,
    data: 'new',
    warmStart: true,
    scaler: 'keep',
  },
  [Strategy.FineTuneFullNetwork]: {
    epochs: 10,
    learningRate: 0.001,
    clipNorm: 1,
    data: 'new',
    warmStart: true,
    scaler: 'keep',
  },
  [Strategy.FineTuneGradualUnfreeze]: {
    epochs: 10,
    learningRate: 0.01,
    clipNorm: 1,
    data: 'new',
    warmStart: true,
    scaler: 'keep',
  },
  [Strategy.RetrainWarmNewOnly]: {
    epochs: 10,
    learningRate: 0.005,
    clipNorm: 1,
    data: 'new',
    warmStart: true,
    scaler: 'keep',
  },
  [Strategy.RetrainWarmCombined]: {
    epochs: 10,
    learningRate: 0.005,
    clipNorm: 1,
    data: 'old + new',
    warmStart: true,
    scaler: 'keep',
  },
  [Strategy.RetrainColdCombined]: {
    epochs: 15,
    learningRate: 0.01,
    clipNorm: 1,
    data: 'old + new',
    warmStart: false,
    scaler: 'refit',
  },
  [Strategy.TrainFromScratch]: {
    epochs: 15,
    learningRate: 0.01,
    clipNorm: 1,
    data: 'new',
    warmStart: false,
    scaler: 'refit',
  },
};
