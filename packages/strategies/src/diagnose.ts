import { type Dataset, DEFAULT_SEED } from '@rvft/data';
import {
  DecisionEngine,
  type DecisionInput,
  type DecisionResult,
  type DriftSeverity,
  SEVERITY_RANK,
  severityFromAccuracyDrop,
  Thresholds,
  type ThresholdsInput,
} from '@rvft/decision';
import { type DatasetDrift, datasetDrift } from '@rvft/drift';
import { newcombeDifference, type ProportionInterval, wilsonInterval } from '@rvft/metrics';
import type { TrunkHeadModel } from '@rvft/model';
import type { ProductionBudget, TrainingProfile } from './budget';
import { evaluate } from './evaluate';
import { type HeadOnlyProbeResult, headOnlyProbe } from './probe';
import { type TrainingRecord, undertrained } from './undertrained';

export interface DiagnoseOptions {
  /** The champion in use. It is not modified. */
  champion: TrunkHeadModel;
  /** The new labelled data. */
  newData: Dataset;
  /**
   * Data from the distribution the champion serves (its history). Enables the feature-drift
   * tests and the combined strategies. Prefer a held-out sample: accuracy on training data is
   * optimistic.
   */
  oldData?: Dataset;
  /** A held-out sample of the old distribution for the champion's accuracy (default: oldData). */
  oldTest?: Dataset;
  /** Passed through to the engine: what the organisation allows. */
  constraints?: DecisionInput['constraints'];
  /** Whether the new data is a different task (not measurable from the data). */
  newTask?: boolean;
  thresholds?: ThresholdsInput;
  seed?: number;
  /**
   * The champion's own accuracy on held-out rows of its distribution, as recorded when it
   * was trained (`correct` of `n`): used as `currentAccuracy` when no old rows are given.
   */
  championAccuracy?: { correct: number; n: number };
  /** How the champion was trained: `isUndertrained` is measured from it (see `undertrained`). */
  championTraining?: TrainingRecord;
  /** The profile and budget head-only fine-tuning will run with (the probe trains the same way). */
  profile?: TrainingProfile;
  budget?: Partial<ProductionBudget>;
}

/** An accuracy with the rows it rests on and its 95 % Wilson interval. */
export interface MeasuredAccuracy extends ProportionInterval {
  correct: number;
}

/** What each signal was measured from. */
export interface DiagnosisEvidence {
  newLabels: number[];
  /** The champion on held-out old rows (or its recorded accuracy when none are given). */
  accuracyOnOldData?: MeasuredAccuracy & { source: 'old rows' | 'recorded' };
  accuracyOnNewData: MeasuredAccuracy;
  /** Accuracy on the part of the new data whose labels the champion knows. */
  accuracyOnKnownClasses?: MeasuredAccuracy;
  /**
   * Old minus new accuracy with its 95 % interval (Newcombe's hybrid score interval for two
   * independent proportions); `significant` when the interval excludes 0.
   */
  accuracyDrop?: { estimate: number; lower: number; upper: number; significant: boolean };
  /** The drift severity the drop implies: 'none' when the drop is not significant. */
  severityFromAccuracy?: DriftSeverity;
  featureDrift?: Pick<DatasetDrift, 'driftShare' | 'drifted'> & { psiMax: number; ksMinP: number };
  /** Head-only fine-tuning's accuracy on rows it did not train on. */
  probe: HeadOnlyProbeResult & { interval: ProportionInterval };
  /** The probe relative to the champion's own accuracy (what the rules compare). */
  relativeTransfer?: number;
  undertrained?: { value: boolean; why: string };
}

export interface Diagnosis {
  /** Ready for `DecisionEngine.decide`. */
  signals: DecisionInput;
  evidence: DiagnosisEvidence;
}

function measured(correct: number, n: number): MeasuredAccuracy {
  return { ...wilsonInterval(correct, n), correct };
}

function accuracyOf(model: TrunkHeadModel, data: Dataset): MeasuredAccuracy {
  const acc = evaluate(model, data).accuracy;
  return measured(Math.round(acc * data.nRows), data.nRows);
}

/**
 * Measures every signal the decision engine takes, from the champion and the data alone:
 * counts, new labels, class imbalance, champion accuracy on the old and new data (each with
 * its row count and Wilson interval), transfer quality by a head-only probe, drift from the
 * accuracy drop — only when it is statistically significant — and per-feature KS / PSI
 * tests on the raw features, and whether the champion was undertrained.
 *
 * @example
 * import { newClassScenario } from '@rvft/data';
 * import { createMlp } from '@rvft/model';
 * // three known species, then a window of two new ones
 * const zoo = newClassScenario({ seed: 7, nFeatures: 6, nTrainPerClass: 60 });
 * const champion = createMlp({ inputDim: 6, hiddenDims: [16], outputDim: 3, seed: 1 });
 * await trainFromScratch(champion, zoo.originalTrain);
 * const { signals, evidence } = await diagnose({
 *   champion,
 *   oldData: zoo.originalTrain,
 *   newData: zoo.newTrain,
 * });
 * signals.data; // → { nNewSamples: 120, nHistoricalSamples: 180, nNewClasses: 2, newClassesAdded: true }
 * evidence.newLabels; // → [3, 4]
 */
export async function diagnose(opts: DiagnoseOptions): Promise<Diagnosis> {
  const { champion, newData, oldData } = opts;
  const thresholds = Thresholds.parse(opts.thresholds ?? {});
  if (newData.nFeatures !== champion.inputDim) {
    throw new RangeError(
      `newData: ${newData.nFeatures} features, the champion takes ${champion.inputDim}`,
    );
  }
  const counts = newData.classCounts();
  const newLabels = counts
    .map((c, label) => (c > 0 && label >= champion.outputDim ? label : -1))
    .filter((l) => l >= 0);
  const nKnown = counts.slice(0, champion.outputDim).reduce((a, c) => a + c, 0);
  const seed = opts.seed ?? DEFAULT_SEED;

  // A label the champion cannot output counts as an error.
  const onNew = accuracyOf(champion, newData);
  const probe = await headOnlyProbe(champion, newData, {
    seed,
    ...(opts.profile ? { profile: opts.profile } : {}),
    ...(opts.budget ? { budget: opts.budget } : {}),
  });
  const evidence: DiagnosisEvidence = {
    newLabels,
    accuracyOnNewData: onNew,
    probe: { ...probe, interval: wilsonInterval(probe.correct, Math.max(1, probe.nTested)) },
  };
  if (newLabels.length > 0 && nKnown > 0) {
    const known = newData.filterLabels((l) => l < champion.outputDim);
    evidence.accuracyOnKnownClasses = accuracyOf(champion, known);
  }
  if (oldData) {
    evidence.accuracyOnOldData = {
      ...accuracyOf(champion, opts.oldTest ?? oldData),
      source: 'old rows',
    };
  } else if (opts.championAccuracy && opts.championAccuracy.n > 0) {
    const { correct, n } = opts.championAccuracy;
    evidence.accuracyOnOldData = { ...measured(correct, n), source: 'recorded' };
  }

  let severity: DriftSeverity = 'none';
  const old = evidence.accuracyOnOldData;
  // rows with labels the champion cannot output say nothing about drift: compare the rest
  const comparable = newLabels.length > 0 ? evidence.accuracyOnKnownClasses : onNew;
  if (old && comparable) {
    const d = newcombeDifference(old.correct, old.n, comparable.correct, comparable.n);
    evidence.accuracyDrop = {
      estimate: d.estimate,
      lower: d.lower,
      upper: d.upper,
      significant: d.lower > 0,
    };
    evidence.severityFromAccuracy = evidence.accuracyDrop.significant
      ? severityFromAccuracyDrop(d.estimate, thresholds)
      : 'none';
    severity = evidence.severityFromAccuracy;
  }
  if (oldData) {
    const fd = datasetDrift(oldData, newData);
    evidence.featureDrift = {
      driftShare: fd.driftShare,
      drifted: fd.drifted,
      psiMax: Math.max(...fd.features.map((f) => f.psi.psi)),
      ksMinP: Math.min(...fd.features.map((f) => f.ks.pValue)),
    };
    // Inputs that moved are drift even when accuracy has not suffered yet.
    if (fd.drifted && SEVERITY_RANK[severity] < SEVERITY_RANK.mild) severity = 'mild';
  }
  if (old) evidence.relativeTransfer = Math.min(1, probe.accuracy / Math.max(old.estimate, 1e-9));
  if (opts.championTraining) evidence.undertrained = undertrained(opts.championTraining);

  const signals: DecisionInput = {
    data: {
      nNewSamples: newData.nRows,
      nHistoricalSamples: oldData?.nRows ?? 0,
      newClassesAdded: newLabels.length > 0,
      nNewClasses: newLabels.length,
      classImbalance: newData.classImbalance(),
    },
    model: {
      accuracyOnNewData: round(onNew.estimate),
      architectureFits: newLabels.length === 0,
      transferQuality: round(probe.accuracy),
      isUndertrained: evidence.undertrained?.value ?? false,
      ...(old ? { currentAccuracy: round(old.estimate) } : {}),
      counts: {
        accuracyOnNewData: onNew.n,
        transferQuality: probe.nTested,
        ...(old ? { currentAccuracy: old.n } : {}),
      },
    },
    drift: {
      driftSeverity: severity,
      newTask: opts.newTask ?? false,
      ...(evidence.accuracyDrop
        ? { accuracyDropSignificant: evidence.accuracyDrop.significant }
        : {}),
    },
    constraints: {
      ...(oldData ? {} : { canStoreHistorical: false }),
      ...opts.constraints,
    },
  };
  return { signals, evidence };
}

function round(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}

/** `diagnose` followed by the DecisionEngine: a recommendation from raw data. */
export async function recommend(
  opts: DiagnoseOptions & { engine?: DecisionEngine },
): Promise<Diagnosis & { decision: DecisionResult }> {
  const diagnosis = await diagnose(opts);
  const engine = opts.engine ?? new DecisionEngine(opts.thresholds);
  return { ...diagnosis, decision: engine.decide(diagnosis.signals) };
}
