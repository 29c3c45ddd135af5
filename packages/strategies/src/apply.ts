import type { Dataset } from '@rvft/data';
import { Strategy, type StrategyId } from '@rvft/decision';
import type { TrunkHeadModel } from '@rvft/model';
import {
  FineTuneMode,
  fineTune,
  RetrainMode,
  retrain,
  type StrategyOptions,
  trainFromScratch,
  type UpdateResult,
} from './strategies';

export type ApplyStrategyOptions = StrategyOptions & {
  /** The historical data: required by the combined retrains (and used by nothing else). */
  oldData?: Dataset;
  /** Seed of the rows `expandHead` adds for new classes (default: the batch-order seed). */
  expandSeed?: number;
};

/**
 * Runs a strategy by its id — what `DecisionEngine` recommends — with that strategy's
 * defaults (`STRATEGY_DEFAULTS`, production profile unless `profile` says otherwise). When
 * the data holds labels the model cannot output yet, the head is expanded first (old rows
 * kept), so a recommendation for new classes runs as it reads. Each id is its own
 * computation: `train_from_scratch` trains fresh weights on the new data only,
 * `retrain_cold_combined` fresh weights on old + new.
 *
 * @example
 * import { newClassScenario } from '@rvft/data';
 * import { createMlp } from '@rvft/model';
 * // three known species, then a window of two new ones
 * const zoo = newClassScenario({ seed: 7, nFeatures: 6, nTrainPerClass: 60 });
 * const champion = createMlp({ inputDim: 6, hiddenDims: [16], outputDim: 3, seed: 1 });
 * await trainFromScratch(champion, zoo.originalTrain);
 * const { decision } = await recommend({
 *   champion,
 *   newData: zoo.newTrain,
 *   oldData: zoo.originalTrain,
 * });
 * decision.primary; // → { strategy: 'retrain_warm_combined', expandHead: 2 }
 * // expands the head by the two new classes, then retrains on old + new rows
 * const result = await applyStrategy(decision.primary.strategy, champion, zoo.newTrain, {
 *   oldData: zoo.originalTrain,
 * });
 * [result.strategy, champion.outputDim]; // → ['retrain_warm_combined', 5]
 * evaluate(champion, zoo.testAll).accuracy > 0.7; // → true — chance is 0.2
 */
export async function applyStrategy(
  strategy: StrategyId,
  model: TrunkHeadModel,
  newData: Dataset,
  opts: ApplyStrategyOptions = {},
): Promise<UpdateResult> {
  const { oldData, expandSeed, ...train } = opts;
  if (oldData && oldData.nFeatures !== newData.nFeatures) {
    throw new RangeError(
      `oldData: has ${oldData.nFeatures} features, newData has ${newData.nFeatures}`,
    );
  }
  const nClasses = Math.max(newData.nClasses, oldData?.nClasses ?? 0);
  if (nClasses > model.outputDim) {
    const seed = expandSeed ?? (typeof train.seed === 'number' ? train.seed : 42);
    model.expandHead(nClasses - model.outputDim, { seed });
  }
  switch (strategy) {
    case Strategy.FineTuneHeadOnly:
      return fineTune(model, newData, { ...train, mode: FineTuneMode.HeadOnly });
    case Strategy.FineTuneFullNetwork:
      return fineTune(model, newData, { ...train, mode: FineTuneMode.FullNetwork });
    case Strategy.FineTuneGradualUnfreeze:
      return fineTune(model, newData, { ...train, mode: FineTuneMode.GradualUnfreeze });
    case Strategy.RetrainWarmNewOnly:
      return retrain(model, newData, { ...train, mode: RetrainMode.WarmNewOnly });
    case Strategy.RetrainWarmCombined:
    case Strategy.RetrainColdCombined:
      return retrain(model, newData, {
        ...train,
        mode:
          strategy === Strategy.RetrainWarmCombined
            ? RetrainMode.WarmCombined
            : RetrainMode.ColdCombined,
        ...(oldData ? { oldData } : {}),
      });
    case Strategy.TrainFromScratch:
      return trainFromScratch(model, newData, train);
    default:
      throw new RangeError(
        `strategy: must be one of ${Object.values(Strategy).join(', ')}, got '${String(strategy)}'`,
      );
  }
}
