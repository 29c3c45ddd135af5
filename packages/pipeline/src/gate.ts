import type { Dataset } from '@rvft/data';
import {
  expectedCalibrationError,
  type GatePolicy,
  type ModelEvidence,
  type Slice,
  type StatisticalGateResult,
  statisticalGate,
} from '@rvft/metrics';
import type { TrunkHeadModel } from '@rvft/model';
import { rowPredictions } from '@rvft/strategies';

/** Held-out rows both models are measured on: the new distribution's, and the old one's. */
export interface GateRows {
  newTest: Dataset;
  oldTest?: Dataset;
  /**
   * Named groups of the new rows (indices into `newTest`): when given, the gate also checks
   * that the challenger is not significantly worse on any of them (`statisticalGate`'s
   * `slices` check).
   */
  slices?: readonly Slice[];
}

/**
 * What the promotion policy decides besides the gate's statistics: whether the old
 * distribution is retired (`replacesOld`: forgetting is allowed) — otherwise old rows are
 * required, and without them the challenger is not promoted.
 */
export interface PromotionPolicy extends Partial<GatePolicy> {
  replacesOld?: boolean;
  /** Slices with fewer new rows are not tested (default `DEFAULT_MIN_SLICE_ROWS`, 30). */
  minSliceRows?: number;
}

/**
 * Per-row evidence of one model on the gate's rows: correctness, predictions, ECE.
 *
 * @example
 * import { Dataset } from '@rvft/data';
 * import { createMlp } from '@rvft/model';
 * const model = createMlp({ inputDim: 2, hiddenDims: [4], outputDim: 2, seed: 1 });
 * const newTest = new Dataset({ features: [0, 0, 0, 0, 0, 0], labels: [0, 1, 0], nFeatures: 2 });
 * // every row predicted class 0 at probability 1/2: ECE |2/3 − 1/2|
 * modelEvidence(model, { newTest }); // → { newCorrect: [1, 0, 1], predicted: [0, 0, 0], ece: 0.1667 }
 */
export function modelEvidence(model: TrunkHeadModel, rows: GateRows): ModelEvidence {
  const onNew = rowPredictions(model, rows.newTest);
  return {
    newCorrect: onNew.correct,
    predicted: onNew.predicted,
    labels: rows.newTest.labels,
    ece: expectedCalibrationError(
      { values: onNew.probabilities, nClasses: model.outputDim },
      rows.newTest.labels,
    ),
    ...(rows.oldTest ? { oldCorrect: rowPredictions(model, rows.oldTest).correct } : {}),
  };
}

/**
 * The one promotion gate every path uses (`rvft update`, `rvft registry promote`, the
 * library): champion and challenger measured now, on the same held-out rows, through
 * `statisticalGate` — the challenger must not be significantly worse on the new rows;
 * forgetting is a non-inferiority test on the old rows, required unless the old distribution
 * is retired; calibration and per-class recall may not collapse.
 *
 * @example
 * import { newClassScenario } from '@rvft/data';
 * import { cloneModel, createMlp } from '@rvft/model';
 * import { fineTune, trainFromScratch } from '@rvft/strategies';
 * const zoo = newClassScenario({ seed: 7, nFeatures: 6, nTrainPerClass: 60 });
 * const champion = createMlp({ inputDim: 6, hiddenDims: [16], outputDim: 3, seed: 1 });
 * await trainFromScratch(champion, zoo.originalTrain);
 * // a challenger fine-tuned on the two new classes alone forgets the old three
 * const challenger = await cloneModel(champion);
 * challenger.expandHead(2);
 * await fineTune(challenger, zoo.newTrain, { mode: 'full_network' });
 * const gate = gateOnRows(champion, challenger, { newTest: zoo.testNew, oldTest: zoo.testOld });
 * gate.passed; // → false
 * gate.failed.includes('forgetting'); // → true
 */
export function gateOnRows(
  champion: TrunkHeadModel,
  challenger: TrunkHeadModel,
  rows: GateRows,
  policy: PromotionPolicy = {},
): StatisticalGateResult {
  const { replacesOld, minSliceRows, ...gate } = policy;
  return statisticalGate(
    modelEvidence(champion, rows),
    modelEvidence(challenger, rows),
    {
      ...(replacesOld ? { maxForgetting: 1, requireOld: false } : { requireOld: true }),
      ...gate,
    },
    rows.slices
      ? { slices: rows.slices, ...(minSliceRows !== undefined ? { minSliceRows } : {}) }
      : {},
  );
}
