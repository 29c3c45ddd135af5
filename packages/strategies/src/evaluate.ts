import type { Dataset } from '@rvft/data';
import { type ClassificationReport, classificationReport } from '@rvft/metrics';
import type { TrunkHeadModel } from '@rvft/model';

/**
 * Accuracy, macro F1, ECE and per-class scores of a model on a dataset (inference mode).
 * Pass old / new class ids for the mean accuracy over each group.
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
