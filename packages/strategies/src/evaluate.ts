import type { Dataset } from '@rvft/data';
import { type ClassificationReport, classificationReport } from '@rvft/metrics';
import type { TrunkHeadModel } from '@rvft/model';

/**
 * Accuracy, macro F1, ECE and per-class scores of a model on a dataset (inference mode).
 * Pass old / new class ids for the mean accuracy over each group.
 *
 * @example
 * import { Dataset } from '@rvft/data';
 * import { createMlp } from '@rvft/model';
 * const model = createMlp({ inputDim: 2, hiddenDims: [4], outputDim: 2, seed: 1 });
 * const rows = new Dataset({ features: [0, 0, 1, 1], labels: [0, 1], nFeatures: 2 });
 * evaluate(model, rows); // → { n: 2, perClass: [{ label: 0, support: 1 }, { label: 1, support: 1 }] }
 */
export function evaluate(
  model: TrunkHeadModel,
  data: Dataset,
  opts: { oldClasses?: readonly number[]; newClasses?: readonly number[] } = {},
): ClassificationReport {
  const probabilities = model.probabilities(data);
  return classificationReport(
    { values: probabilities, nClasses: model.outputDim },
    data.labels,
    opts,
  );
}

/** One model's answer on each row: probabilities, argmax class, and whether it was right. */
export interface RowPredictions {
  probabilities: Float32Array;
  predicted: Int32Array;
  /** 1 where the predicted class is the row's label. */
  correct: Uint8Array;
}

/**
 * Per-row predictions of a model on labelled rows — what every paired comparison (the race,
 * the gate, the benchmarks) is computed from.
 *
 * @example
 * import { Dataset } from '@rvft/data';
 * import { createMlp } from '@rvft/model';
 * const model = createMlp({ inputDim: 2, hiddenDims: [4], outputDim: 2, seed: 1 });
 * // all-zero rows: a fresh model's logits are all 0, so every row is predicted class 0
 * const rows = new Dataset({ features: [0, 0, 0, 0, 0, 0], labels: [0, 1, 0], nFeatures: 2 });
 * rowPredictions(model, rows); // → { predicted: [0, 0, 0], correct: [1, 0, 1] }
 */
export function rowPredictions(model: TrunkHeadModel, data: Dataset): RowPredictions {
  const probabilities = model.probabilities(data);
  const k = model.outputDim;
  const predicted = new Int32Array(data.nRows);
  const correct = new Uint8Array(data.nRows);
  for (let i = 0; i < data.nRows; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) {
      if ((probabilities[i * k + c] as number) > (probabilities[i * k + best] as number)) best = c;
    }
    predicted[i] = best;
    correct[i] = best === data.labels[i] ? 1 : 0;
  }
  return { probabilities, predicted, correct };
}
