import type { Dataset } from '@rvft/data';
import {
  expectedCalibrationError,
  type GatePolicy,
  type ModelEvidence,
  type StatisticalGateResult,
  statisticalGate,
} from '@rvft/metrics';
import type { TrunkHeadModel } from '@rvft/model';

/** Held-out rows both models are measured on: the new distribution's, and the old one's. */
export interface GateRows {
  newTest: Dataset;
  oldTest?: Dataset;
}

/**
 * What the promotion policy decides besides the gate's statistics: whether the old
 * distribution is retired (`replacesOld`: forgetting is allowed) — otherwise old rows are
 * required, and without them the challenger is not promoted.
 */
export interface PromotionPolicy extends Partial<GatePolicy> {
  replacesOld?: boolean;
}

function argmaxes(p: Float32Array, k: number): Int32Array {
  const out = new Int32Array(p.length / k);
  for (let i = 0; i < out.length; i++) {
    let best = 0;
    for (let c = 1; c < k; c++)
      if ((p[i * k + c] as number) > (p[i * k + best] as number)) best = c;
    out[i] = best;
  }
  return out;
}

/** Per-row evidence of one model on the gate's rows: correctness, predictions, ECE. */
export function modelEvidence(model: TrunkHeadModel, rows: GateRows): ModelEvidence {
  const k = model.outputDim;
  const p = model.probabilities(rows.newTest);
  const predicted = argmaxes(p, k);
  const labels = rows.newTest.labels;
  const newCorrect = Uint8Array.from(predicted, (c, i) => (c === labels[i] ? 1 : 0));
  const out: ModelEvidence = {
    newCorrect,
    predicted,
    labels,
    ece: expectedCalibrationError({ values: p, nClasses: k }, labels),
  };
  if (rows.oldTest) {
    const po = argmaxes(model.probabilities(rows.oldTest), k);
    const lo = rows.oldTest.labels;
    out.oldCorrect = Uint8Array.from(po, (c, i) => (c === lo[i] ? 1 : 0));
  }
  return out;
}

/**
 * The one promotion gate every path uses (`rvft update`, `rvft registry promote`, the
 * library): champion and challenger measured now, on the same held-out rows, through
 * `statisticalGate` — the challenger must not be significantly worse on the new rows;
 * forgetting is a non-inferiority test on the old rows, required unless the old distribution
 * is retired; calibration and per-class recall may not collapse.
 *
 * @example
 * const gate = gateOnRows(champion, challenger, { newTest, oldTest });
 * gate.passed; gate.failed; // e.g. ['forgetting']
 */
export function gateOnRows(
  champion: TrunkHeadModel,
  challenger: TrunkHeadModel,
  rows: GateRows,
  policy: PromotionPolicy = {},
): StatisticalGateResult {
  const { replacesOld, ...gate } = policy;
  return statisticalGate(modelEvidence(champion, rows), modelEvidence(challenger, rows), {
    ...(replacesOld ? { maxForgetting: 1, requireOld: false } : { requireOld: true }),
    ...gate,
  });
}
