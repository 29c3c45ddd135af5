import {
  type ClassWeightsChoice,
  classWeightsFor,
  describeCalibration,
  type Objective,
  type TrainReport,
  trainChampion,
} from '@rvft/pipeline';
import { openRegistry } from '@rvft/registry';
import type { LrDecay } from '@rvft/strategies';
import { InputError } from '../errors';
import { trainingProgress } from '../progress';
import { describeRun } from '../runs';
import { loadTable } from '../tables';
import { pct } from './shared';

export interface TrainCliOptions {
  data: string;
  label: string;
  /** Feature columns, in order (default: every column but the label and the ignored ones). */
  features?: string[];
  ignore?: string[];
  standardize: boolean;
  /** Temperature-scale the model (`--no-calibrate` turns it off). */
  calibrate?: boolean;
  classWeights: ClassWeightsChoice;
  objective: Objective;
  registry: string;
  name: string;
  hidden: number[];
  epochs?: number;
  learningRate?: number;
  /** `--warmup`: share of the steps spent warming the rate up. */
  warmup?: number;
  /** `--decay`: after any warmup. */
  decay?: LrDecay;
  holdout: number;
  seed: number;
  progress: boolean;
  json?: boolean;
}

/**
 * `rvft train`: a first model from a CSV — fit the input scaler and train from scratch on all
 * but the held-out rows (production budget), register it with the columns and classes it
 * reads and how it trained, and make it the champion if there is none.
 */
export async function trainCommand(opts: TrainCliOptions): Promise<void> {
  if (opts.features && opts.ignore) {
    throw new InputError('--features and --ignore: give one or the other');
  }
  const data = await loadTable(opts.data, {
    labelColumn: opts.label,
    ...(opts.features ? { featureColumns: opts.features } : {}),
    ...(opts.ignore ? { ignoreColumns: opts.ignore } : {}),
  });
  if (data.nRows < 4) throw new InputError(`--data: needs at least 4 rows, has ${data.nRows}`);
  if (data.nClasses < 2)
    throw new InputError(`--data: needs at least 2 classes in '${opts.label}'`);
  const { weights: classWeights, note } = classWeightsFor(opts.classWeights, data, opts.objective);
  if (note) console.error(`rvft: note: ${note}`);
  let bar: ReturnType<typeof trainingProgress> | undefined;
  let r: TrainReport;
  try {
    r = await trainChampion({
      registry: await openRegistry(opts.registry),
      name: opts.name,
      data,
      labelColumn: opts.label,
      holdout: opts.holdout,
      seed: opts.seed,
      hiddenDims: opts.hidden,
      standardize: opts.standardize,
      calibrate: opts.calibrate ?? true,
      train: {
        ...(classWeights ? { classWeights } : {}),
        ...(opts.epochs !== undefined ? { epochs: opts.epochs } : {}),
        ...(opts.learningRate !== undefined ? { learningRate: opts.learningRate } : {}),
        ...(opts.warmup !== undefined || opts.decay !== undefined
          ? {
              schedule: {
                ...(opts.warmup !== undefined ? { warmupFraction: opts.warmup } : {}),
                ...(opts.decay !== undefined ? { decay: opts.decay } : {}),
              },
            }
          : {}),
      },
      notes: `rvft train --data ${opts.data}`,
      onEpochEnd: (info) => {
        bar ??= trainingProgress('train_from_scratch', info.epochs, opts.progress);
        bar.update(info.epoch + 1, info.loss);
      },
    });
  } finally {
    bar?.done();
  }
  if (opts.json) {
    console.log(JSON.stringify(r, null, 2));
    return;
  }
  const m = r.metrics;
  console.log(
    [
      `${opts.name} v${r.version}: ${data.nFeatures} features (${r.schema.featureNames.join(', ')}), ${data.nClasses} classes (${r.schema.classNames.join(', ')})`,
      ...describeRun(r.training, 'the training'),
      `held-out accuracy ${pct(m['newTaskAccuracy'])} · macro F1 ${(m['newTaskMacroF1'] ?? 0).toFixed(4)} · ECE ${(m['newTaskEce'] ?? 0).toFixed(4)} on ${r.rows.test} rows`,
      `calibration: ${describeCalibration(r.calibration)}`,
      r.promoted
        ? `v${r.version} is the champion of ${opts.name}`
        : `registered v${r.version}; ${opts.name} already has a champion — compare and promote with \`rvft registry promote\``,
    ].join('\n'),
  );
}
