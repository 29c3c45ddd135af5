import { createMlp } from '@rvft/model';
import { fingerprintDataset, openRegistry } from '@rvft/registry';
import { evaluate, trainFromScratch } from '@rvft/strategies';
import { InputError } from '../errors';
import { trainingProgress } from '../progress';
import { loadTable, schemaOf } from '../tables';
import { pct } from './shared';

export interface TrainCliOptions {
  data: string;
  label: string;
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
 * `rvft train`: a first model from a CSV — train from scratch on all but the held-out rows,
 * register it with the columns and classes it reads, and make it the champion if there is none.
 */
export async function trainCommand(opts: TrainCliOptions): Promise<void> {
  const data = await loadTable(opts.data, { labelColumn: opts.label });
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
    const run = await trainFromScratch(model, train, {
      seed: opts.seed,
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
      metrics: {
        newTaskAccuracy: report.accuracy,
        newTaskMacroF1: report.macroF1,
        newTaskEce: report.ece,
      },
      lineage: {
        strategy: run.strategy,
        mode: run.mode,
        hyperParameters: { epochs: run.epochs, seed: opts.seed, holdout: opts.holdout },
        dataFingerprint: fingerprintDataset(train),
        notes: `rvft train --data ${opts.data}`,
      },
      dataSchema: schemaOf(data, opts.label),
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
        `trained ${opts.name} v${version} from scratch on ${train.nRows} rows (${data.nFeatures} features, ${data.nClasses} classes): ${run.epochs} epochs, ${run.wallS.toFixed(2)} s on ${run.backend}`,
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
