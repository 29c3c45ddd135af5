import { createMlp } from '@rvft/model';
import { trainingRecordOf, versionMetrics } from '@rvft/pipeline';
import { fingerprintDataset, openRegistry } from '@rvft/registry';
import { evaluate, trainFromScratch } from '@rvft/strategies';
import { InputError } from '../errors';
import { trainingProgress } from '../progress';
import { type ClassWeightsChoice, classWeightsFor, describeRun, type Objective } from '../runs';
import { loadTable, schemaOf } from '../tables';
import { pct } from './shared';

export interface TrainCliOptions {
  data: string;
  label: string;
  /** Feature columns, in order (default: every column but the label and the ignored ones). */
  features?: string[];
  ignore?: string[];
  standardize: boolean;
  classWeights: ClassWeightsChoice;
  objective: Objective;
  registry: string;
  name: string;
  hidden: number[];
  epochs?: number;
  learningRate?: number;
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
  const { first: train, second: test } = data.split(1 - opts.holdout, opts.seed, {
    stratify: true,
  });
  const model = createMlp({
    inputDim: data.nFeatures,
    hiddenDims: opts.hidden,
    outputDim: data.nClasses,
    seed: opts.seed,
  });
  let bar: ReturnType<typeof trainingProgress> | undefined;
  try {
    const { weights: classWeights, note } = classWeightsFor(
      opts.classWeights,
      train,
      opts.objective,
    );
    if (note) console.error(`rvft: note: ${note}`);
    const run = await trainFromScratch(model, train, {
      seed: opts.seed,
      standardize: opts.standardize,
      ...(classWeights ? { classWeights } : {}),
      ...(opts.epochs !== undefined ? { epochs: opts.epochs } : {}),
      ...(opts.learningRate !== undefined ? { learningRate: opts.learningRate } : {}),
      onEpochEnd: (info) => {
        bar ??= trainingProgress('train_from_scratch', info.epochs, opts.progress);
        bar.update(info.epoch + 1, info.loss);
      },
    });
    bar?.done();
    const report = evaluate(model, test);
    const registry = await openRegistry(opts.registry);
    const version = await registry.register(opts.name, model, {
      metrics: versionMetrics(model, { newTest: test }),
      lineage: {
        strategy: run.strategy,
        mode: run.mode,
        hyperParameters: {
          epochs: run.epochs,
          learningRate: run.learningRate,
          batchSize: run.batchSize,
          profile: run.profile,
          seed: opts.seed,
          holdout: opts.holdout,
        },
        dataFingerprint: fingerprintDataset(train),
        notes: `rvft train --data ${opts.data}`,
      },
      dataSchema: schemaOf(data, opts.label),
      training: trainingRecordOf(run),
    });
    const hasChampion = (await registry.aliasState(opts.name)).aliases['champion'] !== undefined;
    const promoted = hasChampion
      ? false
      : (await registry.promote(opts.name, version, { why: 'rvft train: first model' })).promoted;
    if (opts.json) {
      console.log(
        JSON.stringify(
          { name: opts.name, version, promoted, training: run, metrics: report },
          null,
          2,
        ),
      );
      return;
    }
    console.log(
      [
        `${opts.name} v${version}: ${data.nFeatures} features (${(data.featureNames ?? []).join(', ')}), ${data.nClasses} classes (${(data.classNames ?? []).join(', ')})`,
        ...describeRun(run, 'the training'),
        `held-out accuracy ${pct(report.accuracy)} · macro F1 ${report.macroF1.toFixed(4)} · ECE ${report.ece.toFixed(4)} on ${test.nRows} rows`,
        promoted
          ? `v${version} is the champion of ${opts.name}`
          : `registered v${version}; ${opts.name} already has a champion — compare and promote with \`rvft registry promote\``,
      ].join('\n'),
    );
  } finally {
    bar?.done();
    model.dispose();
  }
}
