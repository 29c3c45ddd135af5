import { type Dataset, DEFAULT_SEED } from '@rvft/data';
import { createMlp } from '@rvft/model';
import { type DataSchema, fingerprintDataset, type Registry } from '@rvft/registry';
import {
  type ClassWeights,
  type StrategyOptions,
  trainFromScratch,
  type UpdateResult,
} from '@rvft/strategies';
import {
  CALIBRATION_SHARE,
  type CalibrationReport,
  calibrateModel,
  calibrationSplit,
  MIN_CALIBRATION_ROWS,
  productionValidation,
} from './calibrate';
import { profileCard, versionProfile } from './profile';
import { trainingRecordOf, versionMetrics } from './update';

/** Every knob of `trainChampion`; `registry`, `name`, `data` and `labelColumn` are required. */
export interface TrainChampionOptions {
  registry: Registry;
  name: string;
  /** Labelled rows as loaded (their feature and class names become the version's schema). */
  data: Dataset;
  /** The label column's name, recorded in the schema so later files are read the same way. */
  labelColumn: string;
  /** Share held out (stratified) for the recorded metrics (default 0.2). */
  holdout?: number;
  seed?: number;
  /** Hidden layer widths of the MLP (default [128, 64]). */
  hiddenDims?: number[];
  /** Fit the input scaler on the training rows and save it with the model (default true). */
  standardize?: boolean;
  train?: Pick<StrategyOptions, 'epochs' | 'learningRate' | 'budget' | 'profile' | 'schedule'> & {
    classWeights?: ClassWeights;
  };
  /**
   * Temperature-scale the model (default true), the held-out rows of the recorded metrics
   * staying unseen: under the production profile T is fitted on the validation rows its early
   * stopping watched (`productionValidation`: no training row lost); without them (too few
   * rows, the article profile) or with an explicit `calibrationShare`, that share (default
   * 0.2) of the training rows is set aside. Skipped below MIN_CALIBRATION_ROWS rows.
   */
  calibrate?: boolean;
  calibrationShare?: number;
  /** Make it the champion when the name has none yet (default true). */
  promoteFirst?: boolean;
  notes?: string;
  onEpochEnd?: StrategyOptions['onEpochEnd'];
  signal?: AbortSignal;
}

export interface TrainReport {
  name: string;
  version: number;
  promoted: boolean;
  training: UpdateResult;
  metrics: Record<string, number>;
  /** T, ECE/NLL before and after (on the calibration rows and the held-out rows), bins. */
  calibration: CalibrationReport;
  rows: { train: number; test: number; calibration?: number };
  schema: DataSchema;
}

/**
 * A first model from labelled rows, as `rvft train` makes it: hold out rows for the recorded
 * metrics, fit the scaler, train from scratch under the production budget, register with its
 * data schema, training record and the row count behind its accuracy, and make it the champion
 * if the name has none.
 *
 * @example
 * import { newClassScenario } from '@rvft/data';
 * import { openRegistry } from '@rvft/registry';
 * // three known species, then a window of two new ones
 * const zoo = newClassScenario({ seed: 7, nFeatures: 6, nTrainPerClass: 60 });
 * const registry = await openRegistry('models');
 * const report = await trainChampion({
 *   registry,
 *   name: 'zoo',
 *   data: zoo.originalTrain,
 *   labelColumn: 'species',
 * });
 * // 20 % of the 180 rows (stratified) are held out to score it; the first version is champion
 * report; // → { name: 'zoo', version: 1, promoted: true, rows: { train: 144, test: 36 } }
 * // the temperature was fitted on the 21 validation rows early stopping watched
 * report.calibration; // → { fitted: true, rows: 21 }
 */
export async function trainChampion(opts: TrainChampionOptions): Promise<TrainReport> {
  const { registry, name, data } = opts;
  const seed = opts.seed ?? DEFAULT_SEED;
  const holdout = opts.holdout ?? 0.2;
  if (data.nRows < 4) throw new RangeError(`data: needs at least 4 rows, has ${data.nRows}`);
  if (data.nClasses < 2) throw new RangeError(`data: needs at least 2 classes`);
  const { first: trainRows, second: test } = data.split(1 - holdout, seed, { stratify: true });
  const calibrate = opts.calibrate ?? true;
  // The production profile carves validation rows for early stopping: fit the temperature on
  // them and keep every training row. Only without them (too few rows, the article profile)
  // or with an explicit calibrationShare are rows set aside.
  const production = (opts.train?.profile ?? 'production') === 'production';
  const watched =
    calibrate && production && opts.calibrationShare === undefined
      ? productionValidation(trainRows, seed, opts.train?.budget)
      : undefined;
  const calib =
    calibrate && !watched
      ? calibrationSplit(trainRows, seed, opts.calibrationShare ?? CALIBRATION_SHARE)
      : undefined;
  const train = calib?.train ?? trainRows;
  const model = createMlp({
    inputDim: data.nFeatures,
    hiddenDims: opts.hiddenDims ?? [128, 64],
    outputDim: data.nClasses,
    seed,
  });
  try {
    const run = await trainFromScratch(model, train, {
      ...opts.train,
      seed,
      standardize: opts.standardize ?? true,
      ...(opts.onEpochEnd ? { onEpochEnd: opts.onEpochEnd } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    if (opts.signal?.aborted) throw new Error('trainChampion: aborted; nothing was registered');
    const calibration: CalibrationReport = watched
      ? calibrateModel(model, watched, { heldOut: test })
      : calib
        ? calibrateModel(model, calib.calibration, { heldOut: test })
        : {
            fitted: false,
            temperature: 1,
            why: calibrate
              ? `fewer than ${MIN_CALIBRATION_ROWS} calibration rows in ${trainRows.nRows} training rows`
              : 'calibrate: false',
          };
    const schema: DataSchema = {
      labelColumn: opts.labelColumn,
      featureNames: [
        ...(data.featureNames ?? Array.from({ length: data.nFeatures }, (_, j) => `x${j}`)),
      ],
      classNames: data.classNames
        ? [...data.classNames]
        : Array.from({ length: data.nClasses }, (_, k) => String(k)),
    };
    const metrics = versionMetrics(model, { newTest: test });
    // the reference profile `rvft monitor` watches traffic against, stored in the card
    const profile = versionProfile(model, test.nRows > 0 ? test : trainRows, schema);
    const version = await registry.register(name, model, {
      card: profileCard(profile),
      metrics,
      lineage: {
        strategy: run.strategy,
        mode: run.mode,
        hyperParameters: {
          epochs: run.epochs,
          learningRate: run.learningRate,
          batchSize: run.batchSize,
          profile: run.profile,
          seed,
          holdout,
        },
        dataFingerprint: fingerprintDataset(train),
        ...(opts.notes ? { notes: opts.notes } : {}),
      },
      dataSchema: schema,
      training: trainingRecordOf(run),
    });
    const hasChampion = (await registry.aliasState(name)).aliases['champion'] !== undefined;
    const promoted =
      (opts.promoteFirst ?? true) && !hasChampion
        ? (await registry.promote(name, version, { why: 'trainChampion: first model' })).promoted
        : false;
    return {
      name,
      version,
      promoted,
      training: run,
      metrics,
      calibration,
      rows: {
        train: train.nRows,
        test: test.nRows,
        ...(calib ? { calibration: calib.calibration.nRows } : {}),
      },
      schema,
    };
  } finally {
    model.dispose();
  }
}
