import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { RvftError } from '@rvft/errors';
import type { EventKind, MonitorEvent } from './monitor';

export type Urgency = 'low' | 'normal' | 'high' | 'immediate';
export type TriageAction =
  | 'diagnose'
  | 'evaluate'
  | 'schedule-update'
  | 'architecture-change'
  | 'new-data-only'
  | 'slice-analysis'
  | 'retrain';

const URGENCY_RANK: Record<Urgency, number> = { low: 0, normal: 1, high: 2, immediate: 3 };

/** One row of the policy: the first row whose `kind` (and `minPsi`) matches decides. */
export interface TriageRule {
  kind: EventKind;
  /** Matches only when some PSI in the evidence is at least this. */
  minPsi?: number;
  action: TriageAction;
  urgency: Urgency;
  /** Act within this many hours. */
  withinHours: number;
  /** Why, in words (shown with the incident). */
  reason: string;
  /**
   * The cooldown runs from the last time the key was `'seen'` (default: a lasting condition
   * stays one incident) or from when it was `'raised'` (a recurring one, such as labelled
   * batches, is raised again once per cooldown).
   */
  cooldownFrom?: 'seen' | 'raised';
}

/** The seed policy; replace or extend it with your own rows. */
export const DEFAULT_POLICY: readonly TriageRule[] = Object.freeze([
  {
    kind: 'feature-drift',
    minPsi: 0.25,
    action: 'retrain',
    urgency: 'immediate',
    withinHours: 0,
    reason: 'PSI ≥ 0.25: retrain now',
  },
  {
    kind: 'feature-drift',
    action: 'diagnose',
    urgency: 'high',
    withinHours: 24,
    reason: 'a drift detector fired',
  },
  {
    kind: 'prediction-shift',
    action: 'diagnose',
    urgency: 'high',
    withinHours: 24,
    reason: 'a drift detector fired',
  },
  {
    kind: 'confidence-drop',
    action: 'diagnose',
    urgency: 'high',
    withinHours: 24,
    reason: 'the model meets unfamiliar inputs',
  },
  {
    kind: 'error-drift',
    action: 'diagnose',
    urgency: 'high',
    withinHours: 24,
    reason: 'a drift detector fired on the error stream',
  },
  {
    kind: 'accuracy-drop',
    action: 'evaluate',
    urgency: 'high',
    withinHours: 48,
    reason: 'accuracy dropped more than 5 %',
  },
  {
    kind: 'labelled-batch',
    action: 'schedule-update',
    urgency: 'normal',
    withinHours: 168,
    reason: 'a new labelled batch',
    cooldownFrom: 'raised',
  },
  {
    kind: 'new-classes',
    action: 'architecture-change',
    urgency: 'high',
    withinHours: 48,
    reason: 'classes the model does not have',
  },
  {
    kind: 'retention-expired',
    action: 'new-data-only',
    urgency: 'normal',
    withinHours: 168,
    reason: 'the retention window expired: old data may not be reused',
  },
  {
    kind: 'segment-failure',
    action: 'slice-analysis',
    urgency: 'normal',
    withinHours: 72,
    reason: 'one segment fails while the whole holds',
  },
]);

/** The rule an event falls under, or `undefined` when the policy has none for it. */
export function ruleFor(
  event: MonitorEvent,
  policy: readonly TriageRule[] = DEFAULT_POLICY,
): TriageRule | undefined {
  const maxPsi = Math.max(
    Number.NEGATIVE_INFINITY,
    ...event.evidence.filter((e) => e.statistic === 'psi').map((e) => e.value),
  );
  return policy.find(
    (r) => r.kind === event.kind && (r.minPsi === undefined || maxPsi >= r.minPsi),
  );
}

/** A raised incident: the events of one window that were not in cooldown. */
export interface Incident {
  id: string;
  time: string;
  action: TriageAction;
  urgency: Urgency;
  /** Act by this time (ISO). */
  dueBy: string;
  reason: string;
  events: (MonitorEvent & { action: TriageAction; urgency: Urgency })[];
}

/** What the triage remembers between runs (kept in a small JSON file). */
export interface TriageState {
  format: 'rvft-monitor-state/1';
  /** By dedupe key (kind:subject): when it was last raised or seen, at what urgency. */
  open: Record<string, { incident: string; raisedAt?: string; lastSeen: string; urgency: Urgency }>;
  incidents: number;
  /**
   * Log time of the latest event handled: a restart that re-reads the log passes over every
   * event up to it (each was raised or folded into an incident already).
   */
  watermark?: string;
}

export function emptyState(): TriageState {
  return { format: 'rvft-monitor-state/1', open: {}, incidents: 0 };
}

export interface TriageOptions {
  policy?: readonly TriageRule[];
  /** An event whose key was seen within this many hours (log time) is not raised again (default 24). */
  cooldownHours?: number;
}

/**
 * Turns events into incidents by the policy. De-duplication: an event whose key
 * (`kind:subject`) was raised or seen within the cooldown is folded into that incident — unless
 * it is more urgent (an escalation); a still-present shift keeps its key warm, so one shift
 * raises one incident. The events of one window that survive become ONE incident, with the
 * most urgent action among them. Times are log times; the state's watermark (the latest event
 * time handled) makes a restart that re-reads the log pass over what it handled already. Keys
 * out of their cooldown are dropped, so the state stays small.
 *
 * @example
 * const t = new Triage();
 * const ev = { kind: 'feature-drift', subject: 'features', time: '2026-01-01T00:00:00Z',
 *   window: { index: 0, start: '', end: '', rows: 1000 },
 *   evidence: [{ statistic: 'psi', feature: 'x', value: 0.4, threshold: 0.1, rows: 1000 }] } as const;
 * t.process([ev]).map((i) => [i.action, i.urgency]); // → [['retrain', 'immediate']]
 * t.process([{ ...ev, time: '2026-01-01T05:00:00Z' }]).length; // → 0 — in cooldown
 */
export class Triage {
  readonly policy: readonly TriageRule[];
  readonly cooldownMs: number;
  state: TriageState;

  constructor(opts: TriageOptions = {}, state: TriageState = emptyState()) {
    this.policy = opts.policy ?? DEFAULT_POLICY;
    this.cooldownMs = (opts.cooldownHours ?? 24) * 3_600_000;
    this.state = state;
  }

  /** The incidents these events (usually one window's) raise: none or one. */
  process(events: readonly MonitorEvent[]): Incident[] {
    const raised: Incident['events'] = [];
    const id = `inc-${this.state.incidents + 1}`;
    const mark = this.state.watermark ? Date.parse(this.state.watermark) : Number.NEGATIVE_INFINITY;
    let latest = mark;
    for (const e of events) {
      const rule = ruleFor(e, this.policy);
      if (!rule) continue;
      const key = `${e.kind}:${e.subject}`;
      const t = Date.parse(e.time);
      // handled before a restart (an event AT the watermark may be new: its key decides)
      if (t < mark) continue;
      if (t > latest) latest = t;
      const prev = this.state.open[key];
      const from = rule.cooldownFrom === 'raised' ? prev?.raisedAt : prev?.lastSeen;
      const warm = prev && from !== undefined && t - Date.parse(from) < this.cooldownMs;
      const escalates = prev && URGENCY_RANK[rule.urgency] > URGENCY_RANK[prev.urgency];
      if (prev && Date.parse(prev.lastSeen) < t) prev.lastSeen = e.time;
      if (warm && !escalates) continue;
      raised.push({ ...e, action: rule.action, urgency: rule.urgency });
      this.state.open[key] = {
        incident: id,
        raisedAt: e.time,
        lastSeen: e.time,
        urgency: rule.urgency,
      };
    }
    if (latest > mark) {
      this.state.watermark = new Date(latest).toISOString();
      // keys out of their cooldown can suppress nothing any more: the state stays small
      for (const [key, v] of Object.entries(this.state.open)) {
        if (Date.parse(v.lastSeen) < latest - this.cooldownMs) delete this.state.open[key];
      }
    }
    if (raised.length === 0) return [];
    this.state.incidents++;
    const top = raised.reduce((a, b) =>
      URGENCY_RANK[b.urgency] > URGENCY_RANK[a.urgency] ? b : a,
    );
    const rule = ruleFor(top, this.policy) as TriageRule;
    const time = raised
      .map((e) => e.time)
      .sort()
      .at(-1) as string;
    return [
      {
        id,
        time,
        action: top.action,
        urgency: top.urgency,
        dueBy: new Date(Date.parse(time) + rule.withinHours * 3_600_000).toISOString(),
        reason: rule.reason,
        events: raised,
      },
    ];
  }
}

/** The saved state, or a fresh one when the file does not exist. A corrupt file is refused. */
export async function loadState(path: string): Promise<TriageState> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return emptyState();
    throw e;
  }
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new RvftError('RVFT_ERR_DATA_PARSE', `${path}: monitor state is not JSON`, { cause: e });
  }
  const s = v as TriageState;
  if (s?.format !== 'rvft-monitor-state/1' || typeof s.open !== 'object' || s.open === null) {
    throw new RvftError('RVFT_ERR_DATA_PARSE', `${path}: not a monitor state file`);
  }
  return s;
}

/**
 * Writes the state crash-safely: a temporary file beside it, flushed to disk, then renamed over
 * it — a crash leaves the old state or the new one, never half of either.
 */
export async function saveState(path: string, state: TriageState): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  const fh = await open(tmp, 'w');
  try {
    await fh.writeFile(`${JSON.stringify(state, null, 2)}\n`);
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => {});
    throw e;
  }
}
