import type { Dataset } from '@rvft/data';
import { Strategy, type StrategyId } from '@rvft/decision';
import { describeBackend, type TrunkHeadModel } from '@rvft/model';
import { DEFAULT_BATCH_SIZE, type StopReason, type TrainOptions, trainLoop } from './train';

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

/** Everything a run did, for tables, registries and cost tracking. Plain JSON. */
export interface UpdateResult {
  strategy: StrategyId;
  mode: string;
  finalLoss: number;
  losses: number[];
  /** Validation loss per epoch, when a validation set was given. */
  valLosses?: number[];
  epochs: number;
  steps: number;
  wallS: number;
  /** The learning rate it ran at (for gradual unfreezing, the first stage's). */
  learningRate: number;
  batchSize: number;
  /** Parameters that were trainable during the run (the largest stage, for gradual unfreezing). */
  paramsTrained: number;
  trunkFrozen: boolean;
  warmStart: boolean;
  /** Examples in the training set. */
  samples: number;
  backend: string;
  stopped: StopReason;
  stages?: {
    trainableBlocks: number;
    learningRate: number;
    epochs: number;
    paramsTrained: number;
  }[];
}

/** Knobs of every strategy; each strategy fills in its own defaults. */
export type StrategyOptions = Partial<TrainOptions> & {
  /** Seed for re-initialisation (cold start, scratch). Default: the batch-order seed. */
  initSeed?: number;
};

function resolve(
  defaults: { epochs: number; learningRate: number; clipNorm: number | null },
  opts: StrategyOptions,
): TrainOptions {
  return {
    ...opts,
    epochs: opts.epochs ?? defaults.epochs,
    learningRate: opts.learningRate ?? defaults.learningRate,
    clipNorm: opts.clipNorm === undefined ? defaults.clipNorm : opts.clipNorm,
  };
}

function initSeedOf(opts: StrategyOptions): number {
  if (opts.initSeed !== undefined) return opts.initSeed;
  return typeof opts.seed === 'number' ? opts.seed : 42;
}

async function run(
  model: TrunkHeadModel,
  data: Dataset,
  train: TrainOptions,
  meta: { strategy: StrategyId; mode: string; warmStart: boolean },
): Promise<UpdateResult> {
  const paramsTrained = model.countParams({ trainableOnly: true });
  const trunkFrozen = model.trunkIsFrozen;
  const r = await trainLoop(model, data, train);
  return {
    ...meta,
    finalLoss: r.finalLoss,
    losses: r.losses,
    epochs: r.epochs,
    steps: r.steps,
    wallS: r.wallS,
    paramsTrained,
    trunkFrozen,
    samples: data.nRows,
    backend: describeBackend(),
    stopped: r.stopped,
    learningRate: train.learningRate,
    batchSize: train.batchSize ?? DEFAULT_BATCH_SIZE,
    ...(r.valLosses.length > 0 ? { valLosses: r.valLosses } : {}),
  };
}

/**
 * Re-initialises every weight and trains the whole network (defaults: 15 epochs, lr 0.01,
 * clipping 1.0).
 *
 * @example
 * const result = await trainFromScratch(model, data);
 */
export async function trainFromScratch(
  model: TrunkHeadModel,
  data: Dataset,
  opts: StrategyOptions = {},
): Promise<UpdateResult> {
  model.unfreezeTrunk().reinitialize(initSeedOf(opts));
  return run(model, data, resolve({ epochs: 15, learningRate: 0.01, clipNorm: 1 }, opts), {
    strategy: Strategy.TrainFromScratch,
    mode: 'scratch',
    warmStart: false,
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
 * await fineTune(model, data);                                        // head-only, 10 epochs
 * await fineTune(model, data, { mode: FineTuneMode.FullNetwork, epochs: 5 });
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
        return await run(
          model,
          data,
          resolve({ epochs: 10, learningRate: 0.01, clipNorm: null }, opts),
          {
            strategy: Strategy.FineTuneHeadOnly,
            mode,
            warmStart: true,
          },
        );
      case FineTuneMode.FullNetwork:
        model.unfreezeTrunk();
        return await run(
          model,
          data,
          resolve({ epochs: 10, learningRate: 0.001, clipNorm: 1 }, opts),
          {
            strategy: Strategy.FineTuneFullNetwork,
            mode,
            warmStart: true,
          },
        );
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

async function gradualUnfreeze(
  model: TrunkHeadModel,
  data: Dataset,
  opts: FineTuneOptions,
): Promise<UpdateResult> {
  const nBlocks = model.trunkBlocks().length;
  const nStages = nBlocks + 1;
  const base = resolve({ epochs: 10, learningRate: 0.01, clipNorm: 1 }, opts);
  const decay = opts.stageLrDecay ?? 2.6;
  const perStage = opts.epochsPerStage ?? Math.max(1, Math.ceil(base.epochs / nStages));
  const stages: NonNullable<UpdateResult['stages']> = [];
  const losses: number[] = [];
  let steps = 0;
  let wallS = 0;
  let stopped: StopReason = 'completed';
  for (let k = 0; k < nStages; k++) {
    model.unfreezeTopBlocks(k);
    const learningRate = base.learningRate / decay ** k;
    const paramsTrained = model.countParams({ trainableOnly: true });
    const r = await trainLoop(model, data, {
      ...base,
      epochs: perStage,
      learningRate,
      // a frozen trunk has nothing to clip against; the head trains like head-only
      clipNorm: k === 0 ? null : base.clipNorm,
      // each stage sees fresh batch orders
      seed: `${String(base.seed ?? 42)}/stage-${k}`,
    });
    stages.push({ trainableBlocks: k, learningRate, epochs: r.epochs, paramsTrained });
    losses.push(...r.losses);
    steps += r.steps;
    wallS += r.wallS;
    stopped = r.stopped;
    if (stopped === 'aborted') break;
  }
  return {
    strategy: Strategy.FineTuneFullNetwork,
    mode: FineTuneMode.GradualUnfreeze,
    finalLoss: losses.at(-1) ?? Number.NaN,
    losses,
    epochs: losses.length,
    steps,
    wallS,
    paramsTrained: Math.max(...stages.map((s) => s.paramsTrained)),
    trunkFrozen: false,
    warmStart: true,
    samples: data.nRows,
    backend: describeBackend(),
    stopped,
    learningRate: base.learningRate,
    batchSize: base.batchSize ?? DEFAULT_BATCH_SIZE,
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
 * await retrain(model, fresh, { mode: RetrainMode.WarmCombined, oldData: history });
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
  const data = combined ? (opts.oldData as Dataset).concat(newData) : newData;
  model.unfreezeTrunk();
  if (mode === RetrainMode.ColdCombined) {
    model.reinitialize(initSeedOf(opts));
    return run(model, data, resolve({ epochs: 15, learningRate: 0.01, clipNorm: 1 }, opts), {
      strategy: Strategy.RetrainColdCombined,
      mode,
      warmStart: false,
    });
  }
  return run(model, data, resolve({ epochs: 10, learningRate: 0.005, clipNorm: 1 }, opts), {
    strategy:
      mode === RetrainMode.WarmNewOnly ? Strategy.RetrainWarmNewOnly : Strategy.RetrainWarmCombined,
    mode,
    warmStart: true,
  });
}
