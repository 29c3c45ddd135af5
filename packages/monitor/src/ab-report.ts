import {
  type AbTestAnalysis,
  analyzeAbTest,
  type PairedComparison,
  pairedComparison,
} from '@rvft/metrics';
import { emptyStats, type LogStats, readLog } from './log';

/** Accuracy of one arm on the requests whose label came back. */
export interface ArmScore {
  arm: 'champion' | 'shadow' | 'canary';
  versions: number[];
  /** Labelled predictions of this arm. */
  labelled: number;
  correct: number;
  accuracy: number | null;
}

/** The arms of a prediction log compared on the labels that came back. Plain JSON. */
export interface AbReport {
  arms: ArmScore[];
  /**
   * Canary: champion and canary served different requests (split by request-id hash), so they
   * are two independent samples — the two-proportion A/B analysis, "conversion" = a correct
   * prediction, control = champion.
   */
  canary?: AbTestAnalysis;
  /**
   * Shadow: both scored the SAME requests — a paired comparison (exact McNemar and Newcombe's
   * paired interval) of shadow − champion on the requests both answered and a label reached.
   */
  shadow?: PairedComparison;
  /** Predictions still waiting for a label when the log ended, and requests evicted unlabelled. */
  unlabelled: number;
  stats: LogStats;
}

/**
 * Reads a model-service prediction log (streamed) and compares its arms on the feedback labels
 * joined by request id: the canary against the champion as an A/B test
 * ({@link analyzeAbTest}: refuses a verdict before `plannedPerArm`), the shadow against the
 * champion as a paired comparison. At most `maxPending` predictions wait for their label at
 * once (the oldest are dropped and counted), so memory is bounded whatever the log's size.
 *
 * @example
 * import { writeFileSync } from 'node:fs';
 * const rec = (id, arm, predicted) => JSON.stringify({ type: 'prediction', time: '2026-01-01T00:00:00Z',
 *   requestId: id, version: arm === 'champion' ? 1 : 2, arm, features: { x: 0 },
 *   probabilities: [0.9, 0.1], predicted, classNames: ['a', 'b'] });
 * const fb = (id) => JSON.stringify({ type: 'feedback', time: '2026-01-01T00:00:01Z', requestId: id, label: 'a' });
 * writeFileSync('p.jsonl', [rec('r1', 'champion', 'a'), rec('r1', 'shadow', 'b'), fb('r1')].join('\n') + '\n');
 * const r = await abReport('p.jsonl');
 * r.arms.map((a) => [a.arm, a.correct, a.labelled]); // → [['champion', 1, 1], ['shadow', 0, 1]]
 * r.shadow?.difference; // → -1
 */
export async function abReport(
  path: string,
  opts: {
    includeRotated?: boolean;
    plannedPerArm?: number;
    alpha?: number;
    maxPending?: number;
  } = {},
): Promise<AbReport> {
  const stats = emptyStats();
  const maxPending = opts.maxPending ?? 1_000_000;
  // requestId → the prediction of each arm that answered it, until its label arrives
  const pending = new Map<string, Partial<Record<ArmScore['arm'], { v: number; p: string }>>>();
  const score = new Map<
    ArmScore['arm'],
    { versions: Set<number>; labelled: number; correct: number }
  >();
  const pairs = { champion: [] as number[], shadow: [] as number[] };
  let evicted = 0;
  for await (const r of readLog(path, {
    stats,
    ...(opts.includeRotated ? { includeRotated: true } : {}),
  })) {
    if (r.type === 'prediction') {
      const entry = pending.get(r.requestId) ?? {};
      entry[r.arm] = { v: r.version, p: r.predicted };
      if (!pending.has(r.requestId)) {
        if (pending.size >= maxPending) {
          const oldest = pending.keys().next().value as string;
          pending.delete(oldest);
          evicted++;
        }
        pending.set(r.requestId, entry);
      }
      continue;
    }
    const entry = pending.get(r.requestId);
    if (!entry) continue; // a label for a request not in this log (or evicted)
    pending.delete(r.requestId);
    for (const [arm, pred] of Object.entries(entry) as [
      ArmScore['arm'],
      { v: number; p: string },
    ][]) {
      const s = score.get(arm) ?? { versions: new Set<number>(), labelled: 0, correct: 0 };
      s.versions.add(pred.v);
      s.labelled++;
      if (pred.p === r.label) s.correct++;
      score.set(arm, s);
    }
    if (entry.champion && entry.shadow) {
      pairs.champion.push(entry.champion.p === r.label ? 1 : 0);
      pairs.shadow.push(entry.shadow.p === r.label ? 1 : 0);
    }
  }
  const order: ArmScore['arm'][] = ['champion', 'shadow', 'canary'];
  const arms = order.flatMap((arm) => {
    const s = score.get(arm);
    return s
      ? [
          {
            arm,
            versions: [...s.versions].sort((a, b) => a - b),
            labelled: s.labelled,
            correct: s.correct,
            accuracy: s.labelled > 0 ? s.correct / s.labelled : null,
          },
        ]
      : [];
  });
  const champ = score.get('champion');
  const canary = score.get('canary');
  return {
    arms,
    ...(champ && canary && champ.labelled > 0 && canary.labelled > 0
      ? {
          canary: analyzeAbTest(
            { conversions: champ.correct, users: champ.labelled },
            { conversions: canary.correct, users: canary.labelled },
            {
              ...(opts.plannedPerArm !== undefined ? { plannedPerArm: opts.plannedPerArm } : {}),
              ...(opts.alpha !== undefined ? { alpha: opts.alpha } : {}),
            },
          ),
        }
      : {}),
    ...(pairs.shadow.length > 0 ? { shadow: pairedComparison(pairs.shadow, pairs.champion) } : {}),
    unlabelled: pending.size + evicted,
    stats,
  };
}
