import { Adwin, Ddm, type DriftDetector, kolmogorovQ, PageHinkley, psi } from '@rvft/drift';
import { checkNumber } from '@rvft/errors';
import type { FeedbackRecord, LogRecord, PredictionRecord } from './log';
import { argmax, parseProfile, type ReferenceProfile } from './profile';

/** What the monitor can see; the triage policy maps each to an action. */
export type EventKind =
  | 'feature-drift'
  | 'prediction-shift'
  | 'confidence-drop'
  | 'error-drift'
  | 'accuracy-drop'
  | 'labelled-batch'
  | 'new-classes'
  | 'segment-failure'
  | 'retention-expired';

/** One number behind an event, with the threshold it crossed. */
export interface Evidence {
  /** `'psi'`, `'ks'`, `'high-confidence-share'`, `'accuracy'`, `'adwin'`, … */
  statistic: string;
  value: number;
  threshold: number;
  /** Reference value, where there is one (profile share, reference accuracy). */
  reference?: number;
  feature?: string;
  pValue?: number;
  /** Rows the statistic was computed on. */
  rows: number;
}

export interface WindowInfo {
  index: number;
  /** Time of the first and last prediction in the window (ISO, from the log). */
  start: string;
  end: string;
  rows: number;
}

export interface MonitorEvent {
  kind: EventKind;
  /** What it is about (a detector, a class, `'features'`); kind + subject is the dedupe key. */
  subject: string;
  /** Log time it was seen at. */
  time: string;
  window: WindowInfo;
  evidence: Evidence[];
}

/** Per-window summary, events included. */
export interface WindowReport {
  window: WindowInfo;
  features: { name: string; psi: number; ks: number; pValue: number; rows: number }[];
  predictionPsi: number;
  highConfidenceShare: number;
  labelled: number;
  accuracy: number | undefined;
  events: MonitorEvent[];
}

export interface MonitorOptions {
  /** Predictions per window (default 1000). */
  windowSize?: number;
  /** A window also closes once it spans this many ms of log time (default: none). */
  windowMs?: number;
  /** Windows with fewer predictions are reported but raise no distribution events (default 100). */
  minRows?: number;
  /** Only predictions of this arm are monitored (default `'champion'`). */
  arm?: 'champion' | 'shadow' | 'canary' | 'all';
  /** Feature drift: PSI at least this (default 0.1, Evidently's cut) … */
  psiThreshold?: number;
  /** … and KS p-value at most this (default 0.01), so noise in one statistic alone raises nothing. */
  ksAlpha?: number;
  /** PSI of the predicted-class distribution at which it counts as shifted (default 0.1). */
  predictionPsiThreshold?: number;
  /** Absolute fall of the high-confidence share that raises `confidence-drop` (default 0.15). */
  confidenceDrop?: number;
  /** Fall of accuracy below the profile's that raises `accuracy-drop` (default 0.05). */
  accuracyDrop?: number;
  /** Labels a window needs before its accuracy is judged (default 100). */
  minLabels?: number;
  /** A `labelled-batch` event every this many joined labels (default 1000). */
  labelledBatch?: number;
  /** A predicted class whose accuracy falls this far below the profile's is a segment failure (default 0.2). */
  segmentDrop?: number;
  /** Predictions waiting for their label, at most (default 100,000; oldest dropped first). */
  maxPending?: number;
  /** Values kept per feature per window (reservoir; default 5,000). */
  maxWindowSample?: number;
  /**
   * Keep the last this many labelled rows (features in profile order + label) for a diagnosis
   * (`labelledRows()`; default 0: none, and pending predictions hold no features).
   */
  keepLabelled?: number;
}

/** Labels ADWIN's window holds at most before it starts over (memory and time stay bounded). */
const ADWIN_MAX_WINDOW = 10_000;

const DEFAULTS = {
  windowSize: 1000,
  minRows: 100,
  psiThreshold: 0.1,
  ksAlpha: 0.01,
  predictionPsiThreshold: 0.1,
  confidenceDrop: 0.15,
  accuracyDrop: 0.05,
  minLabels: 100,
  labelledBatch: 1000,
  segmentDrop: 0.2,
  maxPending: 100_000,
  maxWindowSample: 5000,
  keepLabelled: 0,
};

/**
 * Watches a prediction log against a model's reference profile. Feed it records in log order
 * (`push`); it returns the report of each window that closes, events included. Memory is
 * bounded: a window keeps a reservoir of at most `maxWindowSample` values per feature, and at
 * most `maxPending` predictions wait for a label.
 *
 * Per window: PSI (Evidently binning) and KS (asymptotic p-value) of each feature against the
 * profile's sample, PSI of the predicted-class shares, and the high-confidence share. Labels
 * (`feedback` records) join their prediction by `requestId`; the 0/1 error stream feeds ADWIN,
 * DDM and Page–Hinkley, and the window's accuracy is compared with the profile's.
 *
 * @example
 * const profile = buildProfile({ features: [0, 1, 2, 3], nFeatures: 1, classNames: ['a', 'b'] },
 *   [0.9, 0.1, 0.8, 0.2, 0.3, 0.7, 0.1, 0.9]);
 * const m = new Monitor(profile, { windowSize: 2, minRows: 1 });
 * const rec = (i: number) => ({ type: 'prediction', time: new Date(i * 1000).toISOString(),
 *   requestId: `r${i}`, version: 1, arm: 'champion', features: { f0: i }, probabilities: [0.9, 0.1],
 *   predicted: 'a', classNames: ['a', 'b'] }) as const;
 * m.push(rec(0));
 * m.push(rec(1)).map((w) => [w.window.rows, w.highConfidenceShare]); // → [[2, 1]]
 */
export class Monitor {
  readonly profile: ReferenceProfile;
  readonly options: Required<Omit<MonitorOptions, 'windowMs'>> & { windowMs: number | undefined };
  private readonly classIndex: Map<string, number>;
  private readonly refSamples: number[][];
  private windowIndex = 0;
  private w!: WindowState;
  private readonly pending = new Map<string, { predicted: string; x?: number[] }>();
  private readonly pendingRing: (string | undefined)[] = [];
  private pendingHead = 0;
  private labelled: { features: number[]; label: string }[] = [];
  private labelledNext = 0;
  private readonly detectors: [string, DriftDetector][];
  private labelsJoined = 0;
  /** The last 100 errors (0/1), for the evidence of an error-stream event. */
  private readonly recent = new Uint8Array(100);
  private rng = 0x9e3779b9;
  /** Predictions seen, labels joined, labels with no prediction waiting. */
  readonly counts = { predictions: 0, joined: 0, unmatchedLabels: 0, otherArms: 0 };

  constructor(profile: ReferenceProfile, opts: MonitorOptions = {}) {
    this.profile = parseProfile(profile);
    const where = 'Monitor';
    const o = { ...DEFAULTS, ...opts };
    const int = (name: keyof typeof DEFAULTS, min: number) =>
      checkNumber(where, name, o[name], { integer: true, min });
    const num = (name: keyof typeof DEFAULTS) => checkNumber(where, name, o[name], { min: 0 });
    this.options = {
      windowSize: int('windowSize', 1),
      windowMs:
        opts.windowMs === undefined
          ? undefined
          : checkNumber(where, 'windowMs', opts.windowMs, { above: 0 }),
      minRows: int('minRows', 1),
      arm: opts.arm ?? 'champion',
      psiThreshold: num('psiThreshold'),
      ksAlpha: num('ksAlpha'),
      predictionPsiThreshold: num('predictionPsiThreshold'),
      confidenceDrop: num('confidenceDrop'),
      accuracyDrop: num('accuracyDrop'),
      minLabels: int('minLabels', 1),
      labelledBatch: int('labelledBatch', 1),
      segmentDrop: num('segmentDrop'),
      maxPending: int('maxPending', 1),
      maxWindowSample: int('maxWindowSample', 2),
      keepLabelled: int('keepLabelled', 0),
    };
    this.classIndex = new Map(this.profile.classNames.map((c, i) => [c, i]));
    this.refSamples = this.profile.features.map((f) => f.sample);
    this.detectors = [
      ['adwin', new Adwin()],
      ['ddm', new Ddm({ minInstances: 500, requireSpread: true })],
      // α = 1, δ = 0.02: with River's α = 1 − 1e-4 the sum of a 0/1 stream settles where its
      // spread (σ/√(2(1−α)) ≈ 21 at 10 % errors) reaches the threshold of 50 — false alarms every
      // ~100k labels; without forgetting, an excursion of 50 against a drift of −δ has
      // probability e^(−2δλ/σ²) ≈ e^(−22). A jump from 10 % to 40 % still fires within ~200 labels.
      ['page-hinkley', new PageHinkley({ mode: 'up', delta: 0.02, alpha: 1 })],
    ];
    this.w = this.freshWindow();
  }

  /** Feeds one record; returns the reports of the windows it closed (none or one). */
  push(rec: LogRecord): WindowReport[] {
    if (rec.type === 'feedback') {
      this.feedback(rec);
      return [];
    }
    if (this.options.arm !== 'all' && rec.arm !== this.options.arm) {
      this.counts.otherArms++;
      return [];
    }
    const out: WindowReport[] = [];
    const t = Date.parse(rec.time);
    if (
      this.options.windowMs !== undefined &&
      this.w.rows > 0 &&
      t - this.w.startMs >= this.options.windowMs
    ) {
      out.push(this.close());
    }
    this.prediction(rec, t);
    if (this.w.rows >= this.options.windowSize) out.push(this.close());
    return out;
  }

  /** The last `keepLabelled` labelled rows, oldest first (features in the profile's order). */
  labelledRows(): { features: number[]; label: string }[] {
    const k = this.labelled.length;
    if (k < this.options.keepLabelled) return [...this.labelled];
    return [
      ...this.labelled.slice(this.labelledNext),
      ...this.labelled.slice(0, this.labelledNext),
    ];
  }

  /** Closes the open window, if it holds anything (end of a finite log). */
  flush(): WindowReport[] {
    return this.w.rows > 0 || this.w.events.length > 0 ? [this.close()] : [];
  }

  private freshWindow(): WindowState {
    return {
      rows: 0,
      startMs: 0,
      start: '',
      end: '',
      samples: this.profile.features.map(() => []),
      seen: this.profile.features.map(() => 0),
      predicted: new Array<number>(this.profile.classNames.length).fill(0),
      high: 0,
      labelled: 0,
      correct: 0,
      perClass: new Map(),
      events: [],
      newClasses: new Set(),
    };
  }

  private random(): number {
    // mulberry32: deterministic reservoirs, so a rerun reports the same numbers.
    this.rng = (this.rng + 0x6d2b79f5) | 0;
    let t = this.rng;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  private prediction(rec: PredictionRecord, t: number): void {
    const w = this.w;
    this.counts.predictions++;
    if (w.rows === 0) {
      w.startMs = t;
      w.start = rec.time;
    }
    w.end = rec.time;
    w.rows++;
    const cap = this.options.maxWindowSample;
    this.profile.features.forEach((f, j) => {
      const v = rec.features[f.name];
      if (typeof v !== 'number' || !Number.isFinite(v)) return;
      const seen = ++(w.seen[j] as number);
      const s = w.samples[j] as number[];
      if (s.length < cap) s.push(v);
      else {
        const r = Math.floor(this.random() * seen);
        if (r < cap) s[r] = v;
      }
    });
    const c = this.classIndex.get(rec.predicted);
    if (c === undefined) w.newClasses.add(rec.predicted);
    else w.predicted[c] = (w.predicted[c] as number) + 1;
    for (const name of rec.classNames) if (!this.classIndex.has(name)) w.newClasses.add(name);
    const k = rec.probabilities.length;
    if (k > 0) {
      const top = Number(rec.probabilities[argmax(rec.probabilities, 0, k)]);
      if (top >= this.profile.confidence.highThreshold) w.high++;
    }
    this.pending.set(
      rec.requestId,
      this.options.keepLabelled > 0
        ? {
            predicted: rec.predicted,
            x: this.profile.features.map((f) => {
              const v = rec.features[f.name];
              return typeof v === 'number' && Number.isFinite(v) ? v : Number.NaN;
            }),
          }
        : { predicted: rec.predicted },
    );
    // Evict by a ring of ids in arrival order, not by iterating the Map: after many deletes
    // V8's Map iterator walks over every hole, which made eviction O(holes) per prediction.
    const evicted = this.pendingRing[this.pendingHead];
    if (evicted !== undefined) this.pending.delete(evicted);
    this.pendingRing[this.pendingHead] = rec.requestId;
    this.pendingHead = (this.pendingHead + 1) % this.options.maxPending;
  }

  private feedback(rec: FeedbackRecord): void {
    const p = this.pending.get(rec.requestId);
    if (!this.classIndex.has(rec.label)) this.w.newClasses.add(rec.label);
    if (!p) {
      this.counts.unmatchedLabels++;
      return;
    }
    this.pending.delete(rec.requestId);
    this.counts.joined++;
    if (p.x && !p.x.some(Number.isNaN)) {
      const row = { features: p.x, label: rec.label };
      if (this.labelled.length < this.options.keepLabelled) this.labelled.push(row);
      else this.labelled[this.labelledNext] = row;
      this.labelledNext = (this.labelledNext + 1) % this.options.keepLabelled;
    }
    const w = this.w;
    const error = p.predicted === rec.label ? 0 : 1;
    w.labelled++;
    w.correct += 1 - error;
    const pc = w.perClass.get(p.predicted) ?? { n: 0, correct: 0 };
    pc.n++;
    pc.correct += 1 - error;
    w.perClass.set(p.predicted, pc);
    this.recent[this.counts.joined % this.recent.length] = error;
    const recentN = Math.min(this.counts.joined, this.recent.length);
    let recentErrors = 0;
    for (let i = 0; i < recentN; i++) recentErrors += this.recent[i] as number;
    for (const [name, d] of this.detectors) {
      // ADWIN here keeps its whole window (O(|W|) memory, O(|W|) per check): on a steady
      // stream it never cuts, so it starts over at ADWIN_MAX_WINDOW values to stay bounded.
      if (d instanceof Adwin && d.n >= ADWIN_MAX_WINDOW) d.reset();
      d.update(error);
      if (d.driftDetected) {
        w.events.push({
          kind: 'error-drift',
          subject: name,
          time: rec.time,
          window: this.info(rec.time),
          evidence: [
            {
              statistic: `${name}:error-rate`,
              value: d instanceof Adwin ? d.mean : recentErrors / recentN,
              threshold:
                d instanceof PageHinkley
                  ? d.threshold
                  : d instanceof Ddm
                    ? d.driftLevel
                    : (d as Adwin).delta,
              rows: d instanceof Adwin ? d.n : recentN,
            },
          ],
        });
      }
    }
    if (++this.labelsJoined % this.options.labelledBatch === 0) {
      w.events.push({
        kind: 'labelled-batch',
        // one key: at most one schedule-update per cooldown, however fast labels arrive
        subject: 'labels',
        time: rec.time,
        window: this.info(rec.time),
        evidence: [
          {
            statistic: 'labels',
            value: this.labelsJoined,
            threshold: this.options.labelledBatch,
            rows: this.options.labelledBatch,
          },
        ],
      });
    }
  }

  private info(end?: string): WindowInfo {
    return {
      index: this.windowIndex,
      start: this.w.start,
      end: end ?? this.w.end,
      rows: this.w.rows,
    };
  }

  private close(): WindowReport {
    const w = this.w;
    const o = this.options;
    const info = this.info();
    const events = w.events.map((e) => ({ ...e, window: info }));
    const report: WindowReport = {
      window: info,
      features: [],
      predictionPsi: 0,
      highConfidenceShare: w.rows ? w.high / w.rows : Number.NaN,
      labelled: w.labelled,
      accuracy: w.labelled ? w.correct / w.labelled : undefined,
      events,
    };
    const at = w.end || w.start;
    const event = (kind: EventKind, subject: string, evidence: Evidence[]) =>
      events.push({ kind, subject, time: at, window: info, evidence });
    if (w.rows >= o.minRows) {
      const drifted: Evidence[] = [];
      this.profile.features.forEach((f, j) => {
        const cur = w.samples[j] as number[];
        if (cur.length === 0) return;
        const p = psi(this.refSamples[j] as number[], cur).psi;
        const ks = ksAsymptotic(this.refSamples[j] as number[], cur);
        report.features.push({
          name: f.name,
          psi: p,
          ks: ks.statistic,
          pValue: ks.pValue,
          rows: cur.length,
        });
        if (p >= o.psiThreshold && ks.pValue <= o.ksAlpha) {
          drifted.push(
            {
              statistic: 'psi',
              feature: f.name,
              value: p,
              threshold: o.psiThreshold,
              rows: cur.length,
            },
            {
              statistic: 'ks',
              feature: f.name,
              value: ks.statistic,
              pValue: ks.pValue,
              threshold: o.ksAlpha,
              rows: cur.length,
            },
          );
        }
      });
      if (drifted.length) event('feature-drift', 'features', drifted);
      const total = w.predicted.reduce((s, c) => s + c, 0);
      if (total > 0) {
        report.predictionPsi = sharePsi(
          this.profile.predictedShare,
          w.predicted.map((c) => c / total),
        );
        if (report.predictionPsi >= o.predictionPsiThreshold) {
          event('prediction-shift', 'predicted-class', [
            {
              statistic: 'psi',
              value: report.predictionPsi,
              threshold: o.predictionPsiThreshold,
              rows: total,
            },
          ]);
        }
      }
      const ref = this.profile.confidence.highShare;
      if (report.highConfidenceShare <= ref - o.confidenceDrop) {
        event('confidence-drop', 'high-confidence-share', [
          {
            statistic: 'high-confidence-share',
            value: report.highConfidenceShare,
            reference: ref,
            threshold: ref - o.confidenceDrop,
            rows: w.rows,
          },
        ]);
      }
    }
    const refAcc = this.profile.accuracy;
    if (refAcc !== undefined && report.accuracy !== undefined && w.labelled >= o.minLabels) {
      if (report.accuracy < refAcc - o.accuracyDrop) {
        event('accuracy-drop', 'accuracy', [
          {
            statistic: 'accuracy',
            value: report.accuracy,
            reference: refAcc,
            threshold: refAcc - o.accuracyDrop,
            rows: w.labelled,
          },
        ]);
      }
      const minSlice = Math.max(30, Math.ceil(o.minLabels / this.profile.classNames.length));
      for (const [cls, pc] of w.perClass) {
        const acc = pc.correct / pc.n;
        if (
          pc.n >= minSlice &&
          acc < refAcc - o.segmentDrop &&
          report.accuracy >= refAcc - o.accuracyDrop
        ) {
          event('segment-failure', `predicted=${cls}`, [
            {
              statistic: 'accuracy',
              value: acc,
              reference: refAcc,
              threshold: refAcc - o.segmentDrop,
              rows: pc.n,
            },
          ]);
        }
      }
    }
    if (w.newClasses.size) {
      const names = [...w.newClasses].sort();
      event('new-classes', names.join(','), [
        { statistic: 'unknown-classes', value: names.length, threshold: 0, rows: w.rows },
      ]);
    }
    this.windowIndex++;
    this.w = this.freshWindow();
    return report;
  }
}

interface WindowState {
  rows: number;
  startMs: number;
  start: string;
  end: string;
  samples: number[][];
  seen: number[];
  predicted: number[];
  high: number;
  labelled: number;
  correct: number;
  perClass: Map<string, { n: number; correct: number }>;
  events: MonitorEvent[];
  newClasses: Set<string>;
}

/** PSI of two share vectors; an empty share counts as 1e-4 (Evidently's fill). */
function sharePsi(expected: number[], actual: number[]): number {
  let v = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = Math.max(expected[i] as number, 1e-4);
    const a = Math.max(actual[i] as number, 1e-4);
    v += (e - a) * Math.log(e / a);
  }
  return v;
}

/**
 * Two-sample KS with the asymptotic p-value (Stephens' corrected Kolmogorov, as `ksTwoSample`
 * beyond 10,000 rows): O((n + m) log) per window, where the exact walk would cost O(n·m) for
 * every feature of every window.
 */
export function ksAsymptotic(
  reference: readonly number[],
  current: readonly number[],
): { statistic: number; pValue: number } {
  const a = Float64Array.from(reference).sort();
  const b = Float64Array.from(current).sort();
  const n = a.length;
  const m = b.length;
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < n && j < m) {
    const x = Math.min(a[i] as number, b[j] as number);
    while (i < n && (a[i] as number) <= x) i++;
    while (j < m && (b[j] as number) <= x) j++;
    d = Math.max(d, Math.abs(i / n - j / m));
  }
  const ne = Math.sqrt((n * m) / (n + m));
  return { statistic: d, pValue: kolmogorovQ((ne + 0.12 + 0.11 / ne) * d) };
}
