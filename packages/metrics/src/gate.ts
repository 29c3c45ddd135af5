import { checkNumber, checkOneOf, invalidArgument } from '@rvft/errors';
import { forgetting } from './continual';
import { checkGateNumber, GateInputError, type GateSide } from './gate-input';

/**
 * The metrics a model carries into the gate. Every field is optional: a gate whose metric
 * is missing on either side is skipped (or failed, with `requireAll`).
 */
export interface GateMetrics {
  /** Accuracy on the new task / new data. */
  newTaskAccuracy?: number;
  /** Accuracy on the old task / old data (the distribution that must be retained). */
  oldTaskAccuracy?: number;
  backwardTransfer?: number;
  accuracy?: number;
  [metric: string]: number | undefined;
}

export interface GateThresholds {
  /** The challenger's new-task accuracy may be at most this much below the champion's. */
  maxNewTaskAccuracyDrop: number;
  /** Champion old-task accuracy minus challenger old-task accuracy may not exceed this. */
  maxForgetting: number;
  /** The challenger's backward transfer may be at most this much below the champion's. */
  maxBackwardTransferDrop: number;
  /** Fail (instead of skip) a gate whose metric is missing. */
  requireAll: boolean;
  /**
   * Gates that fail (instead of skip) when their metric is missing: `['forgetting']` refuses a
   * challenger whose old-task accuracy was never measured.
   */
  required: readonly GateName[];
}

export type GateName = 'new-task-accuracy' | 'forgetting' | 'backward-transfer';

const GATE_NAMES: readonly GateName[] = ['new-task-accuracy', 'forgetting', 'backward-transfer'];

export const DEFAULT_GATE_THRESHOLDS: Readonly<GateThresholds> = {
  maxNewTaskAccuracyDrop: 0.02,
  maxForgetting: 0.05,
  maxBackwardTransferDrop: 0.03,
  requireAll: false,
  required: [],
};

export interface GateCheck {
  gate: GateName;
  status: 'passed' | 'failed' | 'skipped';
  /** The measured quantity (drop or forgetting), when both sides had the metric. */
  value?: number;
  limit: number;
  message: string;
}

export interface GateResult {
  passed: boolean;
  checks: GateCheck[];
  /** Names of the failed gates, in check order. */
  failed: GateCheck['gate'][];
}

// A tiny slack so a drop of exactly the limit passes despite floating-point error.
const EPS = 1e-12;

// The metrics each gate reads, with the range a valid value lies in. Other keys of
// GateMetrics are not read, so they are not checked either.
const READ_METRICS = [
  ['newTaskAccuracy', 0, 1, 'an accuracy in [0, 1]'],
  ['oldTaskAccuracy', 0, 1, 'an accuracy in [0, 1]'],
  ['backwardTransfer', -1, 1, 'a backward transfer in [-1, 1]'],
] as const;

/**
 * Should the challenger replace the champion? Passes when no gate fails.
 *
 * Compares summary numbers with fixed margins; when per-row correctness on the same held-out
 * rows is available, {@link statisticalGate} decides with paired intervals instead.
 *
 * @throws {GateInputError} when a metric a gate reads is present but invalid: an accuracy
 * outside [0, 1], a backward transfer outside [−1, 1], or anything not a finite number.

 * @example
 * evaluationGate({ newTaskAccuracy: 0.95, oldTaskAccuracy: 0.90 },
 *                { newTaskAccuracy: 0.96, oldTaskAccuracy: 0.97 });
 * // → { passed: false, failed: ['forgetting'] } — forgetting 0.07 > 0.05
 */
export function evaluationGate(
  challenger: GateMetrics,
  champion: GateMetrics,
  thresholds: Partial<GateThresholds> = {},
): GateResult {
  const where = 'evaluationGate';
  if (thresholds === null || typeof thresholds !== 'object') {
    throw invalidArgument(where, 'thresholds', 'a thresholds object', thresholds);
  }
  const t = { ...DEFAULT_GATE_THRESHOLDS, ...thresholds };
  // A limit of Infinity or NaN would let any challenger through (NaN compares false both ways).
  for (const key of [
    'maxNewTaskAccuracyDrop',
    'maxForgetting',
    'maxBackwardTransferDrop',
  ] as const) {
    checkNumber(where, `thresholds.${key}`, t[key], { min: 0 });
  }
  if (typeof t.requireAll !== 'boolean') {
    throw invalidArgument(where, 'thresholds.requireAll', 'a boolean', t.requireAll);
  }
  if (!Array.isArray(t.required)) {
    throw invalidArgument(where, 'thresholds.required', 'an array of gate names', t.required);
  }
  t.required.forEach((name, i) => {
    checkOneOf(where, `thresholds.required[${i}]`, name, GATE_NAMES);
  });
  for (const [side, metrics] of [
    ['challenger', challenger],
    ['champion', champion],
  ] as [GateSide, GateMetrics][]) {
    if (metrics === null || typeof metrics !== 'object') {
      throw new GateInputError(side, 'metrics', metrics, 'is not a metrics object');
    }
    for (const [key, min, max, what] of READ_METRICS) {
      if (metrics[key] !== undefined) checkGateNumber(side, key, metrics[key], min, max, what);
    }
  }
  const f4 = (x: number) => x.toFixed(4);
  // Each gate: the metric it reads, how far the challenger fell behind, the limit, the story.
  const gates: {
    gate: GateCheck['gate'];
    metric: 'newTaskAccuracy' | 'oldTaskAccuracy' | 'backwardTransfer';
    limit: number;
    loss: (challenger: number, champion: number) => number;
    message: (challenger: number, champion: number, loss: number) => string;
  }[] = [
    {
      gate: 'new-task-accuracy',
      metric: 'newTaskAccuracy',
      limit: t.maxNewTaskAccuracyDrop,
      loss: (ch, cp) => cp - ch,
      message: (ch, cp, d) =>
        `new-task accuracy ${f4(ch)} vs champion ${f4(cp)} (drop ${f4(d)}, limit ${t.maxNewTaskAccuracyDrop})`,
    },
    {
      gate: 'forgetting',
      metric: 'oldTaskAccuracy',
      limit: t.maxForgetting,
      loss: (ch, cp) => forgetting(cp, ch),
      message: (_ch, _cp, f) => `forgetting ${f4(f)} on the old task (limit ${t.maxForgetting})`,
    },
    {
      gate: 'backward-transfer',
      metric: 'backwardTransfer',
      limit: t.maxBackwardTransferDrop,
      loss: (ch, cp) => cp - ch,
      message: (ch, cp, d) =>
        `backward transfer ${f4(ch)} vs champion ${f4(cp)} (fell ${f4(d)}, limit ${t.maxBackwardTransferDrop})`,
    },
  ];
  const checks: GateCheck[] = gates.map(({ gate, metric, limit, loss, message }) => {
    const ch = challenger[metric];
    const cp = champion[metric];
    if (ch === undefined || cp === undefined) {
      const required = t.requireAll || t.required.includes(gate);
      return {
        gate,
        status: required ? 'failed' : 'skipped',
        limit,
        message: `${metric} missing on ${ch === undefined ? 'challenger' : 'champion'}${required ? ' (required)' : ''}`,
      };
    }
    const value = loss(ch, cp);
    return {
      gate,
      status: value <= limit + EPS ? 'passed' : 'failed',
      value,
      limit,
      message: message(ch, cp, value),
    };
  });

  const failed = checks.filter((c) => c.status === 'failed').map((c) => c.gate);
  return { passed: failed.length === 0, checks, failed };
}
