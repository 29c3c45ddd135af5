import { type Dataset, DEFAULT_SEED } from '@rvft/data';
import type { DecisionInput, DecisionResult, StrategyId } from '@rvft/decision';
import { invalidArgument, isRvftError } from '@rvft/errors';
import { type Slice, type StatisticalGateResult, wilsonInterval } from '@rvft/metrics';
import type { TrunkHeadModel } from '@rvft/model';
import {
  type DataSchema,
  fingerprintDataset,
  type Registry,
  RegistryError,
  type TrainingRecord,
  type VersionMeta,
} from '@rvft/registry';
import {
  type ClassWeights,
  type Diagnosis,
  evaluate,
  recommend,
  STRATEGY_DEFAULTS,
  type StrategyOptions,
  type UpdateResult,
} from '@rvft/strategies';
import {
  type CalibrationReport,
  calibrateModel,
  calibrationSplit,
  heldOutCalibration,
  MIN_CALIBRATION_ROWS,
} from './calibrate';
import { updateCard } from './card';
import { gateOnRows, type PromotionPolicy } from './gate';
import { versionProfile, withProfile } from './profile';
import { type RaceMode, type RaceResult, raceCandidates, raceStrategies } from './race';

/** Rows the update may learn from, and rows only the gate sees. */
export interface HeldOut {
  newTrain: Dataset;
  newTest: Dataset;
  /** Row k of `newTest` is row `newTestRows[k]` of the new data (to carry slices across). */
  newTestRows?: number[];
  oldTrain?: Dataset;
  oldTest?: Dataset;
}

/**
 * Holds out `holdout` of each dataset (stratified, seeded) once, so the diagnosis, the race,
 * the challenger and the champion are all judged on rows none of them trained on — and on
 * the same rows.
 *
 * @example
 * import { newDataScenario } from '@rvft/data';
 * const s = newDataScenario({ seed: 1 });
 * const rows = holdOut(s.new, s.initial, { holdout: 0.2, seed: 42 });
 * // 20 % of each side, stratified
 * [rows.newTrain.nRows, rows.newTest.nRows, rows.oldTrain?.nRows, rows.oldTest?.nRows]; // → [400, 100, 800, 200]
 */
export function holdOut(
  newData: Dataset,
  oldData: Dataset | undefined,
  opts: { holdout?: number; seed?: number } = {},
): HeldOut {
  const holdout = opts.holdout ?? 0.2;
  const seed = opts.seed ?? DEFAULT_SEED;
  const split = (d: Dataset, what: string) => {
    if (d.nRows < 4) throw new RangeError(`${what}: needs at least 4 rows, has ${d.nRows}`);
    const at = d.splitIndices(1 - holdout, seed, { stratify: true });
    return { first: d.subset(at.first), second: d.subset(at.second), secondRows: at.second };
  };
  const n = split(newData, 'newData');
  const held = { newTrain: n.first, newTest: n.second, newTestRows: n.secondRows };
  if (!oldData) return held;
  const o = split(oldData, 'oldData');
  return { ...held, oldTrain: o.first, oldTest: o.second };
}

/**
 * Slices of the new data carried onto its held-out rows: row r of the new data is row k of
 * `newTest` when `newTestRows[k] === r`; rows that went to training leave every slice.
 */
function heldOutSlices(slices: readonly Slice[], rows: HeldOut, nRows: number): Slice[] {
  const at = new Int32Array(nRows).fill(-1);
  (rows.newTestRows ?? []).forEach((r, k) => {
    at[r] = k;
  });
  return slices.map((s) => {
    const held: number[] = [];
    for (const r of s.rows) {
      if (!Number.isInteger(r) || r < 0 || r >= nRows) {
        throw invalidArgument(
          'updateChampion',
          `slice '${s.name}' row`,
          `an index below ${nRows}`,
          r,
        );
      }
      const k = at[r]!;
      if (k >= 0) held.push(k);
    }
    return { name: s.name, rows: held.sort((a, b) => a - b) };
  });
}

/** Every knob of `updateChampion`; only `registry`, `name` and `newData` are required. */
export interface UpdateChampionOptions {
  registry: Registry;
  name: string;
  /**
   * The version to update (default: the champion). With promotion on (the default), it must
   * be the champion: the gate measures the challenger against the model it would replace, and
   * any other base is refused up front (RVFT_ERR_REGISTRY_CONFLICT) before anything trains.
   * With `policy.promote: false` any version may be the base.
   */
  version?: number;
  /** The new labelled rows, read the way the champion reads data. */
  newData: Dataset;
  /** Rows of the distribution the champion serves: combined strategies and forgetting checks. */
  oldData?: Dataset;
  /** Share of each dataset held out for the gate (default 0.2). */
  holdout?: number;
  /**
   * Named groups of the new data's rows (indices into `newData`, e.g. from `sliceRows` on a
   * kept column): the gate checks that the challenger is not significantly worse on the
   * held-out rows of each (`policy.minSliceRows` of them at least), and the card shows them.
   */
  slices?: readonly Slice[];
  seed?: number;
  /** Default `shortlist`; `off` runs the recommendation alone. */
  race?: RaceMode;
  /** Race budget: at most this many candidates, in the engine's order. */
  maxCandidates?: number;
  /** Race budget: successive halving (see `RaceOptions.halving`). */
  halving?: boolean | { eta?: number };
  /** Run this strategy instead of racing the recommendation's shortlist. */
  strategy?: StrategyId;
  /**
   * The gate and what may be forgotten; `promote: false` registers without promoting.
   * `review`: `auto` (default) promotes when the gate passes; `always` never promotes — the
   * challenger gets the `candidate` alias and waits for `registry.approve` / `reject`;
   * `borderline` does that when the gate passed but the challenger measured worse than the
   * champion on the new rows (not significantly).
   */
  policy?: PromotionPolicy & {
    promote?: boolean;
    review?: 'auto' | 'borderline' | 'always';
    /**
     * Temperature-scale the challenger (default true), fitting T (minimum NLL) on rows neither
     * the challenger nor the gate uses: with a race of two or more candidates, the race's
     * validation rows and the picked candidate, which never trained on them (the refit's T
     * is the candidate's) — no training row is lost; with a single strategy (`strategy`,
     * `race: 'off'`) or an explicit `calibrationShare`, that share of the new training rows is
     * set aside before training. The gate's calibration check compares the calibrated ECE.
     * `false`: the challenger ships at T = 1.
     */
    calibrate?: boolean;
  };
  /**
   * Share of the new training rows set aside to calibrate on when no race supplies rows
   * (default 0.2); giving it makes every path set rows aside (see `policy.calibrate`).
   */
  calibrationShare?: number;
  /** What only the organisation knows (passed to the engine). */
  constraints?: DecisionInput['constraints'];
  /** Training knobs for every candidate (class weights, epochs, learning rate, budget). */
  train?: Pick<StrategyOptions, 'epochs' | 'learningRate' | 'budget' | 'profile' | 'schedule'> & {
    classWeights?: ClassWeights;
  };
  /** Written to the version's lineage. */
  notes?: string;
  /** The label column of the schema recorded with the challenger (default: the champion's). */
  labelColumn?: string;
  /** Called once the engine has decided, before anything trains: the decision and the shortlist. */
  onDecision?: (decision: DecisionResult, shortlist: StrategyId[]) => void | Promise<void>;
  onCandidate?: (strategy: StrategyId, index: number, total: number) => void;
  onEpochEnd?: StrategyOptions['onEpochEnd'];
  /** Stops training between two steps; what was trained so far is not registered. */
  signal?: AbortSignal;
}

/** What `updateChampion` did: plain JSON, what `rvft update --json` prints. */
export interface UpdateReport {
  name: string;
  /** The version updated from. */
  champion: number;
  /** The version registered for the challenger. */
  challenger: number;
  strategy: StrategyId;
  recommended: StrategyId;
  signals: Diagnosis['signals'];
  evidence: Diagnosis['evidence'];
  decision: DecisionResult;
  race: RaceResult;
  training: UpdateResult;
  /** Both models on the same held-out rows. */
  metrics: { champion: Record<string, number>; challenger: Record<string, number> };
  gate: StatisticalGateResult;
  /** The challenger's temperature scaling: T, ECE/NLL before and after, reliability bins. */
  calibration: CalibrationReport;
  promoted: boolean;
  /** `pending`: the challenger holds the `candidate` alias and waits for a person. */
  review: 'none' | 'pending';
  rows: {
    newTrain: number;
    newTest: number;
    oldTrain?: number;
    oldTest?: number;
    /** New rows set aside to fit the temperature (not in `newTrain`). */
    calibration?: number;
  };
}

/**
 * Accuracy, F1 and ECE on the new rows, accuracy on the old: what a version records.
 *
 * @example
 * import { Dataset } from '@rvft/data';
 * import { createMlp } from '@rvft/model';
 * const model = createMlp({ inputDim: 2, hiddenDims: [4], outputDim: 2, seed: 1 });
 * const newTest = new Dataset({ features: [0, 0, 0, 0, 0, 0], labels: [0, 1, 0], nFeatures: 2 });
 * versionMetrics(model, { newTest }); // → { newTaskAccuracy: 0.6667, newTaskEce: 0.1667 }
 */
export function versionMetrics(
  model: TrunkHeadModel,
  rows: { newTest: Dataset; oldTest?: Dataset },
): Record<string, number> {
  const onNew = evaluate(model, rows.newTest);
  return {
    newTaskAccuracy: onNew.accuracy,
    newTaskMacroF1: onNew.macroF1,
    newTaskEce: onNew.ece,
    // the rows behind the accuracy: a later diagnosis weighs it by them
    newTaskRows: rows.newTest.nRows,
    ...(rows.oldTest ? { oldTaskAccuracy: evaluate(model, rows.oldTest).accuracy } : {}),
  };
}

/** How a run trained, for the registry (a later diagnosis reads it to tell undertrained). */
export function trainingRecordOf(run: UpdateResult): TrainingRecord {
  return {
    steps: run.steps,
    epochs: run.epochs,
    stopped: run.stopped,
    losses: run.losses.slice(-10_000),
    ...(run.valLosses ? { valLosses: run.valLosses.slice(-10_000) } : {}),
  };
}

/** The race table for a version's lineage: one flat record per candidate. */
export function raceLineage(race: RaceResult): Record<string, string | number | boolean | null>[] {
  return race.candidates.map((c) => ({
    strategy: c.strategy,
    accuracy: c.accuracy,
    lower: c.lower,
    upper: c.upper,
    n: c.n,
    pValueVsBest: c.pValueVsBest,
    cost: c.cost,
    wallS: c.wallS,
    verdict: c.verdict,
    ...(c.oldAccuracy !== undefined ? { oldAccuracy: c.oldAccuracy } : {}),
  }));
}

/**
 * `recommend()` on held-out rows with everything a registered version knows about itself:
 * its recorded accuracy and the rows behind it (its own accuracy when no old rows are given)
 * and its training record (whether it was undertrained). `rvft diagnose` and `updateChampion`
 * both diagnose through it.
 */
export function diagnoseRows(
  champion: TrunkHeadModel,
  meta: VersionMeta,
  rows: HeldOut,
  opts: { seed?: number; replacesOld?: boolean; constraints?: DecisionInput['constraints'] } = {},
): Promise<Diagnosis & { decision: DecisionResult }> {
  const acc = meta.metrics['newTaskAccuracy'];
  const n = meta.metrics['newTaskRows'];
  const recorded =
    acc !== undefined && n !== undefined && n >= 1 && acc >= 0 && acc <= 1
      ? { correct: Math.round(acc * n), n: Math.round(n) }
      : undefined;
  return recommend({
    champion,
    newData: rows.newTrain,
    ...(rows.oldTrain ? { oldData: rows.oldTrain } : {}),
    ...(rows.oldTest ? { oldTest: rows.oldTest } : {}),
    ...(recorded ? { championAccuracy: recorded } : {}),
    ...(meta.training ? { championTraining: meta.training } : {}),
    constraints: {
      // without old rows there is no history to combine with
      canStoreHistorical: rows.oldTrain !== undefined,
      retainPriorPerformance: !opts.replacesOld,
      ...opts.constraints,
    },
    seed: opts.seed ?? DEFAULT_SEED,
  });
}

/**
 * The update loop as one call — what `rvft update` does: hold out rows for the gate, diagnose
 * the champion (accuracies with their counts, the head-only probe, drift, undertraining from
 * its training record), ask the engine, race the shortlist on rows the gate never sees, measure
 * champion and challenger on the same held-out rows through the statistical gate, register the
 * challenger with its lineage and training record, and promote it only if the gate passes and
 * the champion it was measured against is still the champion.
 *
 * @example
 * import { newClassScenario } from '@rvft/data';
 * import { openRegistry } from '@rvft/registry';
 * // three known species, then a window of two new ones
 * const zoo = newClassScenario({ seed: 7, nFeatures: 6, nTrainPerClass: 60 });
 * const registry = await openRegistry('models');
 * await trainChampion({ registry, name: 'zoo', data: zoo.originalTrain, labelColumn: 'species' });
 * const report = await updateChampion({
 *   registry,
 *   name: 'zoo',
 *   newData: zoo.newTrain,
 *   oldData: zoo.originalTrain,
 * });
 * report; // → { champion: 1, challenger: 2, recommended: 'retrain_warm_combined' }
 * // the challenger is registered either way; it becomes champion only through the gate
 * report.promoted; // → report.gate.passed
 */
export async function updateChampion(opts: UpdateChampionOptions): Promise<UpdateReport> {
  const { registry, name } = opts;
  const seed = opts.seed ?? DEFAULT_SEED;
  const version = opts.version ?? (await registry.resolve(name, { alias: 'champion' }));
  const meta = await registry.meta(name, version);
  if (opts.policy?.promote !== false) await requireChampion(registry, name, version);
  const rows = holdOut(opts.newData, opts.oldData, {
    seed,
    ...(opts.holdout !== undefined ? { holdout: opts.holdout } : {}),
  });
  const calibrate = opts.policy?.calibrate ?? true;
  const champion = await registry.load(name, { version });
  let challenger: TrunkHeadModel | undefined;
  try {
    const rec = await diagnoseRows(champion, meta, rows, {
      seed,
      replacesOld: opts.policy?.replacesOld ?? false,
      ...(opts.constraints ? { constraints: opts.constraints } : {}),
    });
    const decision = opts.strategy
      ? { ...rec.decision, primary: { ...rec.decision.primary, strategy: opts.strategy } }
      : rec.decision;
    const mode: RaceMode = opts.strategy ? 'off' : (opts.race ?? 'shortlist');
    const shortlist = raceCandidates(decision, mode, {
      hasHistory: rows.oldTrain !== undefined,
      ...(opts.maxCandidates !== undefined ? { maxCandidates: opts.maxCandidates } : {}),
    });
    // awaited: a caller may pause here (ask a person, log somewhere) before anything trains
    await opts.onDecision?.(rec.decision, shortlist);
    // Where the temperature is fitted, the gate's rows staying unseen either way: a race fits
    // it on its validation rows with the picked candidate (no training row lost); a single
    // strategy, or an explicit calibrationShare, sets new training rows aside for it.
    const raceCalibrates = calibrate && shortlist.length > 1 && opts.calibrationShare === undefined;
    const calib =
      calibrate && !raceCalibrates
        ? calibrationSplit(rows.newTrain, seed, opts.calibrationShare)
        : undefined;
    const fitRows = calib?.train ?? rows.newTrain;
    const outcome = await raceStrategies({
      champion,
      decision,
      newData: fitRows,
      ...(rows.oldTrain ? { oldData: rows.oldTrain } : {}),
      race: mode,
      seed,
      ...(raceCalibrates ? { calibrate: true } : {}),
      ...(opts.maxCandidates !== undefined ? { maxCandidates: opts.maxCandidates } : {}),
      ...(opts.halving !== undefined ? { halving: opts.halving } : {}),
      ...(opts.policy?.replacesOld ? { maxForgetting: null } : {}),
      train: { ...opts.train, ...(opts.signal ? { signal: opts.signal } : {}) },
      ...(opts.onCandidate ? { onCandidate: opts.onCandidate } : {}),
      ...(opts.onEpochEnd ? { onEpochEnd: opts.onEpochEnd } : {}),
    });
    challenger = outcome.model;
    const race = outcome.result;
    const run = race.run;
    if (opts.signal?.aborted) throw new Error('updateChampion: aborted; nothing was registered');

    // a temperature copied from the champion was fitted to the champion's logits, not these
    if (!race.calibration) challenger.setTemperature(1);
    const calibration: CalibrationReport = race.calibration
      ? {
          ...race.calibration,
          heldOut: heldOutCalibration(challenger, rows.newTest, race.calibration.temperature),
        }
      : calib
        ? calibrateModel(challenger, calib.calibration, { heldOut: rows.newTest })
        : {
            fitted: false,
            temperature: 1,
            why: calibrate
              ? `fewer than ${MIN_CALIBRATION_ROWS} calibration rows in ${rows.newTrain.nRows} new training rows`
              : 'calibrate: false',
          };
    const gateRows = {
      newTest: rows.newTest,
      ...(rows.oldTest ? { oldTest: rows.oldTest } : {}),
      ...(opts.slices ? { slices: heldOutSlices(opts.slices, rows, opts.newData.nRows) } : {}),
    };
    const { promote = true, review = 'auto', calibrate: _calibrate, ...policy } = opts.policy ?? {};
    const gate = gateOnRows(champion, challenger, gateRows, policy);
    const metrics = {
      champion: versionMetrics(champion, gateRows),
      challenger: versionMetrics(challenger, gateRows),
    };
    const trainData = STRATEGY_DEFAULTS[run.strategy].data;
    const labelColumn = opts.labelColumn ?? meta.dataSchema?.labelColumn;
    const schemaData = opts.oldData ?? opts.newData;
    // the class of every output: the data's names, else the champion's, then one per new output
    const known = schemaData.classNames ?? meta.dataSchema?.classNames ?? [];
    const classNames = Array.from(
      { length: challenger.outputDim },
      (_, k) => known[k] ?? String(k),
    );
    const featureNames = schemaData.featureNames ?? meta.dataSchema?.featureNames;
    const dataSchema: DataSchema | undefined =
      labelColumn && featureNames
        ? { labelColumn, featureNames: [...featureNames], classNames }
        : undefined;
    const dataFingerprint = fingerprintDataset(
      trainData === 'old + new' && rows.oldTrain ? rows.oldTrain.concat(fitRows) : fitRows,
    );
    const rowCounts = {
      newTrain: fitRows.nRows,
      ...(calib ? { calibration: calib.calibration.nRows } : {}),
      newTest: rows.newTest.nRows,
      ...(rows.oldTrain ? { oldTrain: rows.oldTrain.nRows } : {}),
      ...(rows.oldTest ? { oldTest: rows.oldTest.nRows } : {}),
    };
    // what the card and the report both say; the report adds what registering decided
    const body = {
      name,
      champion: version,
      strategy: run.strategy,
      recommended: rec.decision.primary.strategy,
      signals: rec.signals,
      evidence: rec.evidence,
      decision: rec.decision,
      race,
      training: run,
      metrics,
      gate,
      calibration,
      rows: rowCounts,
    };
    // the reference profile `rvft monitor` watches traffic against, on the held-out new rows
    const card = withProfile(
      updateCard(body, { dataFingerprint }),
      versionProfile(challenger, rows.newTest, {
        classNames,
        ...(featureNames ? { featureNames } : {}),
      }),
    );
    const challengerVersion = await registry.register(name, challenger, {
      card,
      metrics: metrics.challenger,
      training: trainingRecordOf(run),
      lineage: {
        parentVersion: version,
        strategy: run.strategy,
        mode: run.mode,
        hyperParameters: {
          epochs: run.epochs,
          learningRate: run.learningRate,
          batchSize: run.batchSize,
          profile: run.profile,
          steps: run.steps,
          seed,
          holdout: opts.holdout ?? 0.2,
          trainData,
        },
        ...(race.candidates.length > 0 ? { race: raceLineage(race) } : {}),
        dataFingerprint,
        ...(opts.notes ? { notes: opts.notes } : {}),
      },
      ...(dataSchema ? { dataSchema } : {}),
    });
    let promoted = false;
    const newCheck = gate.checks.find((c) => c.name === 'new-accuracy');
    const needsReview =
      gate.passed &&
      (review === 'always' || (review === 'borderline' && (newCheck?.estimate ?? 0) < 0));
    if (promote && needsReview) {
      await registry.setAlias(
        name,
        'candidate',
        challengerVersion,
        `review (${review}): ${run.strategy}`,
      );
    } else if (promote) {
      // compare-and-swap: promoted only if the model the gate measured is still the champion
      const res = await registry
        .promote(name, challengerVersion, {
          verdict: gate,
          expectedChampion: version,
          why: `updateChampion: ${run.strategy}`,
        })
        .catch((e: unknown) => {
          if (!isRvftError(e) || e.code !== 'RVFT_ERR_REGISTRY_CONFLICT') throw e;
          throw new RegistryError(
            `updateChampion: ${e.message}; the challenger is registered as v${challengerVersion} and was not promoted`,
            'RVFT_ERR_REGISTRY_CONFLICT',
            { cause: e, details: { ...e.details, challenger: challengerVersion } },
          );
        });
      promoted = res.promoted;
    }
    return {
      ...body,
      challenger: challengerVersion,
      promoted,
      review: promote && needsReview ? 'pending' : 'none',
    };
  } finally {
    champion.dispose();
    challenger?.dispose();
  }
}

/**
 * The promotion policy's precondition, shared by every path that promotes (`updateChampion`,
 * `rvft update`, `rvft registry promote`): the gate measures the challenger against the model
 * it replaces, so a base that is not the champion is refused — RVFT_ERR_REGISTRY_CONFLICT,
 * before anything is trained or registered. (The champion moving later, while the challenger
 * trains, is caught by `registry.promote`'s `expectedChampion` at promote time.)
 */
export async function requireChampion(
  registry: Registry,
  name: string,
  version: number,
): Promise<void> {
  const champion = (await registry.aliasState(name)).aliases['champion'];
  if (champion !== version) {
    throw new RegistryError(
      `'${name}' v${version} is not the champion (${champion === undefined ? 'there is none' : `v${champion} is`}): a promotion is gated against the model it replaces, so update from the champion, or register without promoting`,
      'RVFT_ERR_REGISTRY_CONFLICT',
      { details: { version, champion: champion ?? null } },
    );
  }
}

/** What a version scores on a file of labelled rows: plain JSON, registers nothing. */
export interface EvaluationReport {
  name: string;
  version: number;
  rows: number;
  /** Accuracy with its 95 % Wilson interval. */
  accuracy: { estimate: number; lower: number; upper: number; n: number };
  macroF1: number;
  ece: number;
  /** Per class: name, rows, recall. */
  perClass: { label: number; name: string; rows: number; recall: number }[];
}

/**
 * Scores a registered version on labelled rows (read the way the version reads data) without
 * registering or moving anything: accuracy with its interval, macro F1, ECE, per-class recall.
 *
 * @example
 * import { newClassScenario } from '@rvft/data';
 * import { openRegistry } from '@rvft/registry';
 * // three known species, then a window of two new ones
 * const zoo = newClassScenario({ seed: 7, nFeatures: 6, nTrainPerClass: 60 });
 * const registry = await openRegistry('models');
 * await trainChampion({ registry, name: 'zoo', data: zoo.originalTrain, labelColumn: 'species' });
 * const report = await evaluateVersion(registry, 'zoo', { alias: 'champion' }, zoo.testOld);
 * report; // → { name: 'zoo', version: 1, rows: 300 }
 * report.perClass.map((c) => c.rows); // → [100, 100, 100]
 * report.accuracy.lower <= report.accuracy.estimate; // → true — a Wilson interval around it
 */
export async function evaluateVersion(
  registry: Registry,
  name: string,
  ref: { version: number } | { alias: string },
  data: Dataset,
): Promise<EvaluationReport> {
  const version = await registry.resolve(name, ref);
  const model = await registry.load(name, { version });
  try {
    const r = evaluate(model, data);
    const correct = Math.round(r.accuracy * data.nRows);
    const w = wilsonInterval(correct, data.nRows);
    return {
      name,
      version,
      rows: data.nRows,
      accuracy: { estimate: w.estimate, lower: w.lower, upper: w.upper, n: w.n },
      macroF1: r.macroF1,
      ece: r.ece,
      perClass: r.perClass
        .filter((c) => c.support > 0)
        .map((c) => ({
          label: c.label,
          name: data.classNames?.[c.label] ?? String(c.label),
          rows: c.support,
          recall: c.recall,
        })),
    };
  } finally {
    model.dispose();
  }
}
