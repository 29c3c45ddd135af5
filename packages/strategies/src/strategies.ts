import { type Dataset, DEFAULT_SEED } from '@rvft/data';
import { Strategy, type StrategyId } from '@rvft/decision';
import { describeBackend, scalerFromStatistics, type TrunkHeadModel } from '@rvft/model';
import {
  PRODUCTION_BUDGET,
  type ProductionBudget,
  planProduction,
  TrainingProfile,
  type TrainingRows,
} from './budget';
import { STRATEGY_DEFAULTS } from './defaults';
import {
  DEFAULT_BATCH_SIZE,
  type StopReason,
  type TrainOptions,
  type TrainResult,
  trainLoop,
} from './train';

export const FineTuneMode = {
  /** Trunk frozen, only the head trains (default lr 0.01, no clipping). */
  HeadOnly: 'head_only',
  /** Everything trains at a learning rate 10× lower (default 0.001). */
  FullNetwork: 'full_network',
  /** Head first, then trunk blocks from the top down, each stage at a lower rate (ULMFiT). */
  GradualUnfreeze: 'gradual_unfreeze',
} as const;
export type FineTuneMode = (typeof FineTuneMode)[keyof typeof FineTuneMode];

export const RetrainMode = {
  /** Current weights, new data only (default lr 0.005). */
  WarmNewOnly: 'warm_new_only',
  /** Current weights, old + new data (default lr 0.005). */
  WarmCombined: 'warm_combined',
  /** Re-initialised weights, old + new data (default lr 0.01, 15 epochs). */
  ColdCombined: 'cold_combined',
} as const;
export type RetrainMode = (typeof RetrainMode)[keyof typeof RetrainMode];

/** What a run was, in one word more than its strategy id (for gradual unfreezing, a mode of fine-tuning). */
export type UpdateMode = FineTuneMode | RetrainMode | 'scratch';

/** Everything a run did, for tables, registries and cost tracking. Plain JSON. */
export interface UpdateResult {
  strategy: StrategyId;
  mode: UpdateMode;
  /** `article` (fixed epochs) or `production` (validation, minimum steps, early stopping). */
  profile: TrainingProfile;
  finalLoss: number;
  losses: number[];
  /** Validation loss per epoch, when a validation set was given or carved. */
  valLosses?: number[];
  /** Epochs run. */
  epochs: number;
  /** Epochs planned: the most the run could take. */
  plannedEpochs: number;
  steps: number;
  wallS: number;
  /** The learning rate it ran at (for gradual unfreezing, the first stage's). */
  learningRate: number;
  batchSize: number;
  /** Parameters that were trainable during the run (the largest stage, for gradual unfreezing). */
  paramsTrained: number;
  trunkFrozen: boolean;
  warmStart: boolean;
  /** Examples it trained on (validation rows excluded). */
  samples: number;
  /** Rows held out of the training data to choose the epoch (production profile). */
  validationRows: number;
  /** 0-based epoch whose weights the model ends with, when validation chose them. */
  bestEpoch?: number;
  backend: string;
  stopped: StopReason;
  /** Why training stopped, in words. */
  stopDetail: string;
  /** The input scaler: kept from the champion, refitted on the training rows, or none. */
  scaler: 'kept' | 'refit' | 'none';
  /** Loss weight of each output, when the loss was weighted. */
  classWeights?: number[];
  /** Things a user should know: too few steps, constant columns. */
  warnings: string[];
  stages?: {
    trainableBlocks: number;
    learningRate: number;
    epochs: number;
    paramsTrained: number;
  }[];
}

/** Knobs of every strategy; each strategy fills in its own defaults (`STRATEGY_DEFAULTS`). */
export type StrategyOptions = Partial<TrainOptions> & {
  /**
   * Combined strategies: how history and new rows are mixed. `balanced` (the production
   * default) repeats the new rows until both weigh the same; `proportional` (the article's,
   * and the article profile's default) concatenates them.
   */
  replay?: 'balanced' | 'proportional';
  /** Seed for re-initialisation (cold start, scratch). Default: the batch-order seed. */
  initSeed?: number;
  /** How long to train (default `production`; `pnpm bench` uses `article`). */
  profile?: TrainingProfile;
  /** Overrides of the production profile's budget. */
  budget?: Partial<ProductionBudget>;
  /**
   * Strategies that start from fresh weights only: fit the input scaler on the training rows
   * (true), train without one (false). Default: refit when the model has a scaler.
   */
  standardize?: boolean;
};

const seedText = (opts: StrategyOptions) => String(opts.seed ?? DEFAULT_SEED);

function initSeedOf(opts: StrategyOptions): number {
  if (opts.initSeed !== undefined) return opts.initSeed;
  return typeof opts.seed === 'number' ? opts.seed : 42;
}

/**
 * Fits the model's input scaler on `data` (strategies that start from fresh weights), or
 * removes it; returns what happened and a warning per constant column.
 */
export function refitScaler(
  model: TrunkHeadModel,
  data: Dataset,
  standardize: boolean,
): { scaler: UpdateResult['scaler']; warnings: string[] } {
  if (!standardize) {
    model.setInputScaler(null);
    return { scaler: 'none', warnings: [] };
  }
  const { scaler, constant } = scalerFromStatistics(data.featureStatistics());
  model.setInputScaler(scaler);
  const names = constant.map((j) => data.featureNames?.[j] ?? `#${j}`);
  return {
    scaler: 'refit',
    warnings:
      names.length > 0
        ? [
            `constant in the training rows, so it carries no information: ${names.map((n) => `'${n}'`).join(', ')} (scale set to 1)`,
          ]
        : [],
  };
}

interface RunMeta {
  strategy: StrategyId;
  mode: UpdateMode;
  warmStart: boolean;
  scaler: UpdateResult['scaler'];
  warnings?: string[];
}

const plainRows = (rows: TrainingRows): Dataset =>
  'fresh' in rows ? rows.old.concat(rows.fresh) : rows;

/** Resolves the profile's budget and runs the one training loop. */
async function run(
  model: TrunkHeadModel,
  rows: TrainingRows,
  strategy: StrategyId,
  opts: StrategyOptions,
  meta: RunMeta,
  overrides: { clipNorm?: number | null } = {},
): Promise<UpdateResult> {
  const d = STRATEGY_DEFAULTS[strategy];
  const profile = opts.profile ?? TrainingProfile.Production;
  const batchSize = opts.batchSize ?? DEFAULT_BATCH_SIZE;
  const learningRate = opts.learningRate ?? d.learningRate;
  const clipNorm =
    'clipNorm' in overrides
      ? (overrides.clipNorm ?? null)
      : opts.clipNorm === undefined
        ? d.clipNorm
        : opts.clipNorm;
  let train = plainRows(rows);
  let epochs = opts.epochs ?? d.epochs;
  let extra: Partial<TrainOptions> = {};
  if (profile === TrainingProfile.Production && !opts.validation) {
    const plan = planProduction(rows, {
      articleEpochs: d.epochs,
      batchSize,
      seed: seedText(opts),
      ...(opts.epochs !== undefined ? { epochs: opts.epochs } : {}),
      ...(opts.budget ? { budget: opts.budget } : {}),
    });
    train = plan.train;
    epochs = plan.epochs;
    if (plan.validation) {
      extra = {
        validation: plan.validation,
        earlyStopping: { patience: plan.patience as number, restoreBest: true },
        // a warm start that cannot beat the weights it started from keeps them
        startIsCandidate: meta.warmStart,
      };
    }
  }
  const paramsTrained = model.countParams({ trainableOnly: true });
  const trunkFrozen = model.trunkIsFrozen;
  const r = await trainLoop(model, train, {
    ...opts,
    ...extra,
    epochs,
    learningRate,
    clipNorm,
    batchSize,
  });
  const validationRows = (extra.validation ?? opts.validation)?.nRows ?? 0;
  return {
    strategy: meta.strategy,
    mode: meta.mode,
    profile,
    finalLoss: r.finalLoss,
    losses: r.losses,
    ...(r.valLosses.length > 0 ? { valLosses: r.valLosses } : {}),
    epochs: r.epochs,
    plannedEpochs: epochs,
    steps: r.steps,
    wallS: r.wallS,
    paramsTrained,
    trunkFrozen,
    warmStart: meta.warmStart,
    samples: train.nRows,
    validationRows,
    ...(r.bestEpoch !== undefined ? { bestEpoch: r.bestEpoch } : {}),
    backend: describeBackend(),
    stopped: r.stopped,
    stopDetail: stopDetail(r, epochs),
    scaler: meta.scaler,
    ...(r.classWeights ? { classWeights: r.classWeights } : {}),
    warnings: [...(meta.warnings ?? []), ...budgetWarnings(r.steps, profile, opts.budget)],
    learningRate,
    batchSize,
  };
}

function stopDetail(r: TrainResult, planned: number): string {
  const best =
    r.bestEpoch === undefined
      ? ''
      : r.bestEpoch < 0
        ? '; no epoch beat the starting weights on the validation rows: kept them'
        : `; kept the weights of epoch ${r.bestEpoch + 1}`;
  switch (r.stopped) {
    case 'aborted':
      return `aborted after ${r.epochs} of ${planned} epochs (${r.steps} steps)`;
    case 'early-stopping':
      return `validation loss stopped improving: stopped after ${r.epochs} of ${planned} epochs (${r.steps} steps)${best}`;
    default:
      return `ran the ${planned} planned epochs (${r.steps} steps)${best}`;
  }
}

function budgetWarnings(
  steps: number,
  profile: TrainingProfile,
  budget: Partial<ProductionBudget> | undefined,
): string[] {
  const floor = budget?.warnBelowSteps ?? PRODUCTION_BUDGET.warnBelowSteps;
  if (steps >= floor) return [];
  return [
    `only ${steps} optimiser steps (< ${floor}): the model may not have converged${
      profile === TrainingProfile.Article
        ? ' — the article profile trains fixed epochs whatever the data size; the production profile plans by steps'
        : ''
    }`,
  ];
}

/**
 * Re-initialises every weight (and refits the input scaler, when the model has one) and
 * trains the whole network on `data` (defaults: `STRATEGY_DEFAULTS.train_from_scratch`).
 *
 * @example
 * import { newClassScenario } from '@rvft/data';
 * import { createMlp } from '@rvft/model';
 * const zoo = newClassScenario({ seed: 7, nFeatures: 6, nTrainPerClass: 60 });
 * const model = createMlp({ inputDim: 6, hiddenDims: [16], outputDim: 3, seed: 1 });
 * const result = await trainFromScratch(model, zoo.originalTrain);
 * // the production profile holds 15 % of the 180 rows out to choose the epoch
 * result; // → { strategy: 'train_from_scratch', profile: 'production', samples: 153, validationRows: 27 }
 * evaluate(model, zoo.testOld).accuracy > 0.8; // → true
 */
export async function trainFromScratch(
  model: TrunkHeadModel,
  data: Dataset,
  opts: StrategyOptions = {},
): Promise<UpdateResult> {
  return coldStart(model, data, opts, Strategy.TrainFromScratch, 'scratch');
}

async function coldStart(
  model: TrunkHeadModel,
  rows: TrainingRows,
  opts: StrategyOptions,
  strategy: StrategyId,
  mode: UpdateMode,
): Promise<UpdateResult> {
  model.unfreezeTrunk().reinitialize(initSeedOf(opts));
  const fit = refitScaler(model, plainRows(rows), opts.standardize ?? model.inputScaler !== null);
  return run(model, rows, strategy, opts, {
    strategy,
    mode,
    warmStart: false,
    scaler: fit.scaler,
    warnings: fit.warnings,
  });
}

export type FineTuneOptions = StrategyOptions & {
  mode?: FineTuneMode;
  /** GradualUnfreeze: each stage's rate is the previous one divided by this (ULMFiT: 2.6). */
  stageLrDecay?: number;
  /** GradualUnfreeze: epochs per stage (default: epochs split evenly over the stages). */
  epochsPerStage?: number;
};

/**
 * Fine-tunes a trained model on new data. Head-only freezes the trunk (lr 0.01, no
 * clipping); full-network trains everything at lr 0.001 with clipping 1.0; gradual
 * unfreezing trains the head, then adds trunk blocks from the top down. The trunk is
 * unfrozen again afterwards, whatever happens.
 *
 * @example
 * import { newClassScenario } from '@rvft/data';
 * import { createMlp } from '@rvft/model';
 * const data = newClassScenario({ seed: 7, nFeatures: 6, nTrainPerClass: 60 }).originalTrain;
 * const model = createMlp({ inputDim: 6, hiddenDims: [16], outputDim: 3, seed: 1 });
 * await fineTune(model, data); // → { strategy: 'fine_tune_head_only', trunkFrozen: true }
 * await fineTune(model, data, { mode: FineTuneMode.FullNetwork, epochs: 5 });
 * // → { strategy: 'fine_tune_full_network', trunkFrozen: false, epochs: 5 }
 */
export async function fineTune(
  model: TrunkHeadModel,
  data: Dataset,
  opts: FineTuneOptions = {},
): Promise<UpdateResult> {
  const mode = opts.mode ?? FineTuneMode.HeadOnly;
  try {
    switch (mode) {
      case FineTuneMode.HeadOnly:
        model.freezeTrunk();
        return await run(model, data, Strategy.FineTuneHeadOnly, opts, {
          strategy: Strategy.FineTuneHeadOnly,
          mode,
          warmStart: true,
          scaler: keptScaler(model),
        });
      case FineTuneMode.FullNetwork:
        model.unfreezeTrunk();
        return await run(model, data, Strategy.FineTuneFullNetwork, opts, {
          strategy: Strategy.FineTuneFullNetwork,
          mode,
          warmStart: true,
          scaler: keptScaler(model),
        });
      case FineTuneMode.GradualUnfreeze:
        return await gradualUnfreeze(model, data, opts);
      default:
        throw new RangeError(
          `fineTune: mode must be one of ${Object.values(FineTuneMode).join(', ')}, got '${String(mode)}'`,
        );
    }
  } finally {
    model.unfreezeTrunk();
  }
}

function keptScaler(model: TrunkHeadModel): UpdateResult['scaler'] {
  return model.inputScaler ? 'kept' : 'none';
}

async function gradualUnfreeze(
  model: TrunkHeadModel,
  data: Dataset,
  opts: FineTuneOptions,
): Promise<UpdateResult> {
  const strategy = Strategy.FineTuneGradualUnfreeze;
  const d = STRATEGY_DEFAULTS[strategy];
  const nStages = model.trunkBlocks().length + 1;
  const profile = opts.profile ?? TrainingProfile.Production;
  const total =
    opts.epochs ??
    (profile === TrainingProfile.Production
      ? planProduction(data, {
          articleEpochs: d.epochs,
          batchSize: opts.batchSize ?? DEFAULT_BATCH_SIZE,
          seed: seedText(opts),
          ...(opts.budget ? { budget: opts.budget } : {}),
        }).epochs
      : d.epochs);
  const baseLr = opts.learningRate ?? d.learningRate;
  const decay = opts.stageLrDecay ?? 2.6;
  const perStage = opts.epochsPerStage ?? Math.max(1, Math.ceil(total / nStages));
  const stages: NonNullable<UpdateResult['stages']> = [];
  const runs: UpdateResult[] = [];
  for (let k = 0; k < nStages; k++) {
    model.unfreezeTopBlocks(k);
    const learningRate = baseLr / decay ** k;
    const r = await run(
      model,
      data,
      strategy,
      // each stage sees fresh batch orders
      { ...opts, epochs: perStage, learningRate, seed: `${seedText(opts)}/stage-${k}` },
      { strategy, mode: FineTuneMode.GradualUnfreeze, warmStart: true, scaler: keptScaler(model) },
      // a frozen trunk has nothing to clip against; the head trains like head-only
      k === 0 ? { clipNorm: null } : {},
    );
    stages.push({
      trainableBlocks: k,
      learningRate,
      epochs: r.epochs,
      paramsTrained: r.paramsTrained,
    });
    runs.push(r);
    if (r.stopped === 'aborted') break;
  }
  const last = runs.at(-1) as UpdateResult;
  const losses = runs.flatMap((r) => r.losses);
  const valLosses = runs.flatMap((r) => r.valLosses ?? []);
  const steps = runs.reduce((a, r) => a + r.steps, 0);
  return {
    ...last,
    losses,
    ...(valLosses.length > 0 ? { valLosses } : {}),
    finalLoss: losses.at(-1) ?? Number.NaN,
    epochs: losses.length,
    plannedEpochs: perStage * nStages,
    steps,
    wallS: runs.reduce((a, r) => a + r.wallS, 0),
    paramsTrained: Math.max(...stages.map((st) => st.paramsTrained)),
    trunkFrozen: false,
    learningRate: baseLr,
    stopDetail: `${runs.length} stages of up to ${perStage} epochs (${steps} steps); last stage: ${last.stopDetail}`,
    warnings: [...new Set(runs.flatMap((r) => r.warnings))],
    stages,
  };
}

export type RetrainOptions = StrategyOptions & {
  mode?: RetrainMode;
  /** The historical data; required by the combined modes. */
  oldData?: Dataset;
};

/**
 * Retrains the whole network: warm (from the current weights) on the new data alone or on
 * old + new, or cold (re-initialised) on old + new.
 *
 * @example
 * import { distributionShiftScenario } from '@rvft/data';
 * import { createMlp } from '@rvft/model';
 * const shift = distributionShiftScenario({ seed: 3, nFeatures: 6 });
 * const model = createMlp({ inputDim: 6, hiddenDims: [16], outputDim: shift.nClasses, seed: 1 });
 * await trainFromScratch(model, shift.originalTrain);
 * // the inputs moved: continue from the current weights on old + new rows
 * await retrain(model, shift.shiftedTrain, { mode: RetrainMode.WarmCombined, oldData: shift.originalTrain });
 * // → { strategy: 'retrain_warm_combined', warmStart: true }
 */
export async function retrain(
  model: TrunkHeadModel,
  newData: Dataset,
  opts: RetrainOptions = {},
): Promise<UpdateResult> {
  const mode = opts.mode ?? RetrainMode.WarmCombined;
  if (!Object.values(RetrainMode).includes(mode)) {
    throw new RangeError(
      `retrain: mode must be one of ${Object.values(RetrainMode).join(', ')}, got '${String(mode)}'`,
    );
  }
  const combined = mode !== RetrainMode.WarmNewOnly;
  if (combined && !opts.oldData) {
    throw new Error(
      `retrain: mode '${mode}' trains on old + new data and needs opts.oldData (the historical dataset); use RetrainMode.WarmNewOnly to train on the new data alone`,
    );
  }
  const profile = opts.profile ?? TrainingProfile.Production;
  const data: TrainingRows = combined
    ? {
        old: opts.oldData as Dataset,
        fresh: newData,
        replay:
          opts.replay ?? (profile === TrainingProfile.Production ? 'balanced' : 'proportional'),
      }
    : newData;
  if (mode === RetrainMode.ColdCombined) {
    return coldStart(model, data, opts, Strategy.RetrainColdCombined, mode);
  }
  model.unfreezeTrunk();
  const strategy =
    mode === RetrainMode.WarmNewOnly ? Strategy.RetrainWarmNewOnly : Strategy.RetrainWarmCombined;
  return run(model, data, strategy, opts, {
    strategy,
    mode,
    warmStart: true,
    scaler: keptScaler(model),
  });
}
