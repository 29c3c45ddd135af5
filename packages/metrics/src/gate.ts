import { forgetting } from './continual';

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
}

export const DEFAULT_GATE_THRESHOLDS: Readonly<GateThresholds> = {
  maxNewTaskAccuracyDrop: 0.02,
  maxForgetting: 0.05,
  maxBackwardTransferDrop: 0.03,
  requireAll: false,
};

export interface GateCheck {
  gate: 'new-task-accuracy' | 'forgetting' | 'backward-transfer';
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

/**
 * Should the challenger replace the champion? Passes when no gate fails.
 *
 * @example
 * evaluationGate({ newTaskAccuracy: 0.95, oldTaskAccuracy: 0.90 },
 *                { newTaskAccuracy: 0.96, oldTaskAccuracy: 0.97 });
 * // → failed: ['forgetting'] (0.07 > 0.05)
 */
export function evaluationGate(
  challenger: GateMetrics,
  champion: GateMetrics,
  thresholds: Partial<GateThresholds> = {},
): GateResult {
  const t = { ...DEFAULT_GATE_THRESHOLDS, ...thresholds };
  for (const key of [
    'maxNewTaskAccuracyDrop',
    'maxForgetting',
    'maxBackwardTransferDrop',
  ] as const) {
    if (!(t[key] >= 0)) throw new RangeError(`thresholds.${key}: must be >= 0, got ${t[key]}`);
  }
  const checks: GateCheck[] = [];
  const missing = (gate: GateCheck['gate'], limit: number, metric: string): void => {
    checks.push({
      gate,
      status: t.requireAll ? 'failed' : 'skipped',
      limit,
      message: `${metric} missing on ${challenger[metric] === undefined ? 'challenger' : 'champion'}`,
    });
  };

  if (challenger.newTaskAccuracy === undefined || champion.newTaskAccuracy === undefined) {
    missing('new-task-accuracy', t.maxNewTaskAccuracyDrop, 'newTaskAccuracy');
  } else {
    const drop = champion.newTaskAccuracy - challenger.newTaskAccuracy;
    const ok = drop <= t.maxNewTaskAccuracyDrop + EPS;
    checks.push({
      gate: 'new-task-accuracy',
      status: ok ? 'passed' : 'failed',
      value: drop,
      limit: t.maxNewTaskAccuracyDrop,
      message: `new-task accuracy ${challenger.newTaskAccuracy.toFixed(4)} vs champion ${champion.newTaskAccuracy.toFixed(4)} (drop ${drop.toFixed(4)}, limit ${t.maxNewTaskAccuracyDrop})`,
    });
  }

  if (challenger.oldTaskAccuracy === undefined || champion.oldTaskAccuracy === undefined) {
    missing('forgetting', t.maxForgetting, 'oldTaskAccuracy');
  } else {
    const f = forgetting(champion.oldTaskAccuracy, challenger.oldTaskAccuracy);
    const ok = f <= t.maxForgetting + EPS;
    checks.push({
      gate: 'forgetting',
      status: ok ? 'passed' : 'failed',
      value: f,
      limit: t.maxForgetting,
      message: `forgetting ${f.toFixed(4)} on the old task (limit ${t.maxForgetting})`,
    });
  }

  if (challenger.backwardTransfer === undefined || champion.backwardTransfer === undefined) {
    missing('backward-transfer', t.maxBackwardTransferDrop, 'backwardTransfer');
  } else {
    const drop = champion.backwardTransfer - challenger.backwardTransfer;
    const ok = drop <= t.maxBackwardTransferDrop + EPS;
    checks.push({
      gate: 'backward-transfer',
      status: ok ? 'passed' : 'failed',
      value: drop,
      limit: t.maxBackwardTransferDrop,
      message: `backward transfer ${challenger.backwardTransfer.toFixed(4)} vs champion ${champion.backwardTransfer.toFixed(4)} (fell ${drop.toFixed(4)}, limit ${t.maxBackwardTransferDrop})`,
    });
  }

  const failed = checks.filter((c) => c.status === 'failed').map((c) => c.gate);
  return { passed: failed.length === 0, checks, failed };
}
