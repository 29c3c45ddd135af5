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
