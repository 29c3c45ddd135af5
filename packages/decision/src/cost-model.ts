import { z } from 'zod';
import { parseOrThrow } from './errors';
import { STRATEGY_IDS, Strategy, type StrategyId } from './strategy';

const positiveInt = z.number().int('must be a whole number').positive('must be > 0');

export const CostModelInput = z
  .strictObject({
    nNewSamples: positiveInt,
    nHistoricalSamples: z.number().int('must be a whole number').nonnegative('must be >= 0'),
    nParamsTotal: positiveInt,
    nParamsHead: positiveInt,
    epochs: positiveInt.default(10),
    /** Warm starts converge from a good point: they get this share of the epochs. */
    warmEpochFactor: z.number().positive().max(1).default(0.5),
  })
  .refine((c) => c.nParamsHead <= c.nParamsTotal, {
    path: ['nParamsHead'],
    message: 'must be <= nParamsTotal',
  });
export type CostModelInput = z.input<typeof CostModelInput>;

export type ForgettingRisk = 'none' | 'low' | 'medium' | 'high';

export interface StrategyCost {
  strategy: StrategyId;
  /** params trained x epochs x samples, relative to head-only fine-tuning (= 1). */
  relativeCompute: number;
  paramsTrained: number;
  epochs: number;
  samplesRequired: number;
  needsHistoricalData: boolean;
  forgettingRisk: ForgettingRisk;
}

export interface LifetimeCost {
  strategy: StrategyId;
  updatesPerYear: number;
  /** Sum of relative compute over the year's updates (head-only first update = 1). */
  relativeCompute: number;
  /** Samples that must be kept at the last update of the year. */
  samplesStoredAtYearEnd: number;
}

interface Plan {
  /**
   * `staged`: gradual unfreezing trains the head alone first and the whole network last;
   * with equal epochs per stage its mean trainable size is about halfway between the two.
   */
  params: 'head' | 'staged' | 'all';
  epochs: 'full' | 'warm';
  data: 'new' | 'combined';
  forgettingRisk: ForgettingRisk;
}

// Why these risks: head-only moves only the decision boundary (old features survive, but
// the head can still be pulled off old classes); training the whole network on new data
// alone overwrites old features; combined data replays the old distribution.
const PLANS: Readonly<Record<StrategyId, Plan>> = {
  fine_tune_head_only: { params: 'head', epochs: 'full', data: 'new', forgettingRisk: 'medium' },
  fine_tune_full_network: { params: 'all', epochs: 'full', data: 'new', forgettingRisk: 'high' },
  fine_tune_gradual_unfreeze: {
    params: 'staged',
    epochs: 'full',
    data: 'new',
    forgettingRisk: 'medium',
  },
  retrain_warm_new_only: { params: 'all', epochs: 'warm', data: 'new', forgettingRisk: 'high' },
  retrain_warm_combined: {
    params: 'all',
    epochs: 'warm',
    data: 'combined',
    forgettingRisk: 'low',
  },
  retrain_cold_combined: {
    params: 'all',
    epochs: 'full',
    data: 'combined',
    forgettingRisk: 'none',
  },
  train_from_scratch: { params: 'all', epochs: 'full', data: 'new', forgettingRisk: 'high' },
};

/**
 * Relative compute of each strategy: parameters trained x epochs x samples, normalised so
 * head-only fine-tuning costs 1. It ranks strategies; it is not a wall-clock estimate
 * (head-only still runs the forward pass through the trunk).
 *
 * @example
 * const cost = new CostModel({ nNewSamples: 500, nHistoricalSamples: 1000,
 *   nParamsTotal: 267_000, nParamsHead: 512, epochs: 10 });
 * // (500 + 1000 rows) × 5 warm epochs × 267,000 weights, over 500 rows × 10 epochs × 512 weights
 * cost.estimate('retrain_warm_combined').relativeCompute; // → 782.2265625
 * cost.estimate('retrain_warm_combined').needsHistoricalData; // → true
 */
export class CostModel {
  readonly input: z.output<typeof CostModelInput>;

  constructor(input: CostModelInput) {
    this.input = parseOrThrow(CostModelInput, input, 'cost model input');
  }

  estimate(strategy: StrategyId, nHistoricalSamples = this.input.nHistoricalSamples): StrategyCost {
    const plan = PLANS[strategy];
    if (!plan) throw new Error(`unknown strategy '${String(strategy)}'`);
    const { nNewSamples, nParamsTotal, nParamsHead, epochs, warmEpochFactor } = this.input;
    const paramsTrained =
      plan.params === 'head'
        ? nParamsHead
        : plan.params === 'staged'
          ? (nParamsHead + nParamsTotal) / 2
          : nParamsTotal;
    const strategyEpochs = plan.epochs === 'warm' ? epochs * warmEpochFactor : epochs;
    const samples = plan.data === 'combined' ? nNewSamples + nHistoricalSamples : nNewSamples;
    const unit = nParamsHead * epochs * nNewSamples;
    return {
      strategy,
      relativeCompute: (paramsTrained * strategyEpochs * samples) / unit,
      paramsTrained,
      epochs: strategyEpochs,
      samplesRequired: samples,
      needsHistoricalData: plan.data === 'combined',
      forgettingRisk: plan.forgettingRisk,
    };
  }

  /** Every strategy, in the canonical order of `STRATEGY_IDS` (or the ones given). */
  table(strategies: readonly StrategyId[] = STRATEGY_IDS): StrategyCost[] {
    return strategies.map((s) => this.estimate(s));
  }

  /**
   * Cost over a year of `updatesPerYear` updates. Combined strategies get dearer with each
   * update because the history they replay grows by one window of new data every time.
   */
  lifetime(updatesPerYear: number, opts: { historyGrows?: boolean } = {}): LifetimeCost[] {
    if (!Number.isInteger(updatesPerYear) || updatesPerYear < 1) {
      throw new Error(`updatesPerYear: must be a whole number >= 1, got ${updatesPerYear}`);
    }
    const grows = opts.historyGrows ?? true;
    return STRATEGY_IDS.map((strategy) => {
      let total = 0;
      let history = this.input.nHistoricalSamples;
      for (let k = 0; k < updatesPerYear; k++) {
        total += this.estimate(strategy, history).relativeCompute;
        if (grows && k < updatesPerYear - 1) history += this.input.nNewSamples;
      }
      const stored = PLANS[strategy].data === 'combined' ? history + this.input.nNewSamples : 0;
      return {
        strategy,
        updatesPerYear,
        relativeCompute: total,
        samplesStoredAtYearEnd: stored,
      };
    });
  }

  /** Wall-time relative to training from scratch on the new data; see `relativeWallTime`. */
  relativeWallTime(strategy: StrategyId): number {
    return relativeWallTime(strategy, this.input);
  }
}

/**
 * Wall-time of a strategy relative to training from scratch on the new data, for budget
 * checks: samples x epochs, with head-only at a third of a full step because it still pays
 * the forward pass through the trunk.
 *
 * @example
 * // 500 new rows, 1000 stored: cold combined trains on 3× the rows for the full epochs
 * relativeWallTime('retrain_cold_combined', { nNewSamples: 500, nHistoricalSamples: 1000 }); // → 3
 * relativeWallTime('fine_tune_head_only', { nNewSamples: 500, nHistoricalSamples: 1000 }); // → 0.3333
 */
export function relativeWallTime(
  strategy: StrategyId,
  sizes: { nNewSamples: number; nHistoricalSamples: number; warmEpochFactor?: number },
): number {
  const plan = PLANS[strategy];
  const samples =
    plan.data === 'combined' ? sizes.nNewSamples + sizes.nHistoricalSamples : sizes.nNewSamples;
  const epochFactor = plan.epochs === 'warm' ? (sizes.warmEpochFactor ?? 0.5) : 1;
  const stepFactor = plan.params === 'head' ? 1 / 3 : plan.params === 'staged' ? 2 / 3 : 1;
  return (samples / Math.max(1, sizes.nNewSamples)) * epochFactor * stepFactor;
}

/** Cheapest-first order used to break ties between equally supported strategies. */
export const STRATEGIES_BY_COST: readonly StrategyId[] = [
  Strategy.FineTuneHeadOnly,
  Strategy.RetrainWarmNewOnly,
  Strategy.FineTuneGradualUnfreeze,
  Strategy.FineTuneFullNetwork,
  Strategy.TrainFromScratch,
  Strategy.RetrainWarmCombined,
  Strategy.RetrainColdCombined,
];
