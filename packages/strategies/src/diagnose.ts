import type { Dataset } from '@rvft/data';
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
import type { TrunkHeadModel } from '@rvft/model';
import { evaluate } from './evaluate';
import { type LinearProbeResult, linearProbe } from './probe';

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
}

/** What each signal was measured from. */
export interface DiagnosisEvidence {
  newLabels: number[];
  accuracyOnOldData?: number;
  accuracyOnNewData: number;
  /** Accuracy on the part of the new data whose labels the champion knows. */
  accuracyOnKnownClasses?: number;
  accuracyDrop?: number;
  severityFromAccuracy?: DriftSeverity;
  featureDrift?: Pick<DatasetDrift, 'driftShare' | 'drifted'> & { psiMax: number; ksMinP: number };
  linearProbe: LinearProbeResult;
}

export interface Diagnosis {
  /** Ready for `DecisionEngine.decide`. */
  signals: DecisionInput;
  evidence: DiagnosisEvidence;
}

/**
 * Measures every signal the decision engine takes, from the champion and the data alone:
 * counts, new labels, class imbalance, champion accuracy on the old and new data, transfer
 * quality by linear probe, and drift from the accuracy drop and per-feature KS / PSI tests.
 *
 * @example
 * const { signals, evidence } = await diagnose({ champion, oldData, newData });
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

  // A label the champion cannot output counts as an error.
  const accuracyOnNewData = evaluate(champion, newData).accuracy;
  const evidence: DiagnosisEvidence = {
    newLabels,
    accuracyOnNewData,
    linearProbe: await linearProbe(champion, newData, { seed: opts.seed ?? 42 }),
  };
  if (newLabels.length > 0 && nKnown > 0) {
    const known = newData.filterLabels((l) => l < champion.outputDim);
    evidence.accuracyOnKnownClasses = evaluate(champion, known).accuracy;
  }

  let severity: DriftSeverity = 'none';
  if (oldData) {
    evidence.accuracyOnOldData = evaluate(champion, opts.oldTest ?? oldData).accuracy;
    evidence.accuracyDrop = evidence.accuracyOnOldData - accuracyOnNewData;
    evidence.severityFromAccuracy = severityFromAccuracyDrop(evidence.accuracyDrop, thresholds);
    severity = evidence.severityFromAccuracy;
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

  const signals: DecisionInput = {
    data: {
      nNewSamples: newData.nRows,
      nHistoricalSamples: oldData?.nRows ?? 0,
      newClassesAdded: newLabels.length > 0,
      nNewClasses: newLabels.length,
      classImbalance: newData.classImbalance(),
    },
    model: {
      accuracyOnNewData: round(accuracyOnNewData),
      architectureFits: newLabels.length === 0,
      transferQuality: round(evidence.linearProbe.accuracy),
      ...(evidence.accuracyOnOldData !== undefined
        ? { currentAccuracy: round(evidence.accuracyOnOldData) }
        : {}),
    },
    drift: { driftSeverity: severity, newTask: opts.newTask ?? false },
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
