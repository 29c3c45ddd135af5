/**
 * A streaming drift detector: feed it one value at a time (typically a model's per-example
 * error, 0 or 1), read `driftDetected` / `warning` after each update.
 */
export interface DriftDetector {
  update(value: number): this;
  /** True on the update where drift was detected. */
  readonly driftDetected: boolean;
  /** True while in the warning zone (detectors without one never warn). */
  readonly warning: boolean;
  /** Values seen since the last reset. */
  readonly n: number;
  reset(): void;
}

function finite(value: number, who: string): number {
  if (!Number.isFinite(value))
    throw new RangeError(`${who}.update: value must be finite, got ${value}`);
  return value;
}

/**
 * ADWIN (Bifet & Gavaldà 2007): keeps a window of recent values and drops its older part
 * whenever two sub-windows have means that differ by more than the variance-aware bound
 * ε = √(2/m · σ² · ln(2/δ')) + 2/(3m) · ln(2/δ'), m the harmonic mean of their sizes,
 * δ' = δ/|W|. This is the exact-window form (O(|W|) memory, cuts checked every `clock`
 * values); River's exponential histogram trades exactness for O(log |W|) memory.
 *
 * @example
 * const adwin = new Adwin();
 * // a model that was always right starts being always wrong at value 500
 * const errors = [...Array(500).fill(0), ...Array(500).fill(1)];
 * errors.findIndex((e) => adwin.update(e).driftDetected); // → 511
 */
export class Adwin implements DriftDetector {
  readonly delta: number;
  readonly clock: number;
  readonly minWindow: number;
  private window: number[] = [];
  private _drift = false;
  private sinceCheck = 0;

  constructor(opts: { delta?: number; clock?: number; minWindow?: number } = {}) {
    this.delta = opts.delta ?? 0.002;
    this.clock = opts.clock ?? 32;
    this.minWindow = opts.minWindow ?? 5;
    if (!(this.delta > 0 && this.delta < 1))
      throw new RangeError(`delta: must be in (0, 1), got ${this.delta}`);
  }

  get driftDetected(): boolean {
    return this._drift;
  }

  get warning(): boolean {
    return false;
  }

  get n(): number {
    return this.window.length;
  }

  /** Mean of the current window. */
  get mean(): number {
    return this.window.length === 0
      ? Number.NaN
      : this.window.reduce((s, x) => s + x, 0) / this.window.length;
  }

  update(value: number): this {
    this.window.push(finite(value, 'Adwin'));
    this._drift = false;
    if (++this.sinceCheck >= this.clock) {
      this.sinceCheck = 0;
      while (this.cut()) this._drift = true;
    }
    return this;
  }

  /** Finds the oldest split whose two halves differ significantly and drops the older half. */
  private cut(): boolean {
    const w = this.window;
    const n = w.length;
    if (n < 2 * this.minWindow) return false;
    let total = 0;
    let totalSq = 0;
    for (const x of w) {
      total += x;
      totalSq += x * x;
    }
    const variance = Math.max(0, totalSq / n - (total / n) ** 2);
    const lnTerm = Math.log((2 * n) / this.delta);
    let head = 0;
    for (let n0 = 1; n0 < n; n0++) {
      head += w[n0 - 1] as number;
      const n1 = n - n0;
      if (n0 < this.minWindow || n1 < this.minWindow) continue;
      const m = 1 / (1 / n0 + 1 / n1);
      const eps = Math.sqrt((2 / m) * variance * lnTerm) + (2 / (3 * m)) * lnTerm;
      if (Math.abs(head / n0 - (total - head) / n1) > eps) {
        this.window = w.slice(n0);
        return true;
      }
    }
    return false;
  }

  reset(): void {
    this.window = [];
    this._drift = false;
    this.sinceCheck = 0;
  }
}

/**
 * DDM (Gama et al. 2004) on an error stream of 0/1: with p the running error rate and
 * s = √(p(1−p)/n), warns when p + s ≥ p_min + 2·s_min and detects drift at
 * p + s ≥ p_min + 3·s_min, then starts over. Its false alarms come from the first values
 * after `minInstances` (30 as in the paper), where an unluckily low error rate sets a tight
 * minimum; raise `minInstances` (e.g. 100) on streams with a low error rate.
 *
 * @example
 * const ddm = new Ddm();
 * // 10% errors for 500 values, then 50%
 * const errors = Array.from({ length: 1000 }, (_, i) => (i < 500 ? Number(i % 10 === 0) : i % 2));
 * errors.findIndex((e) => ddm.update(e).driftDetected); // → 535
 */
export class Ddm implements DriftDetector {
  readonly minInstances: number;
  readonly warningLevel: number;
  readonly driftLevel: number;
  private count = 0;
  private p = 1;
  private s = 0;
  private pMin = Number.POSITIVE_INFINITY;
  private sMin = Number.POSITIVE_INFINITY;
  private _drift = false;
  private _warning = false;

  constructor(opts: { minInstances?: number; warningLevel?: number; driftLevel?: number } = {}) {
    this.minInstances = opts.minInstances ?? 30;
    this.warningLevel = opts.warningLevel ?? 2;
    this.driftLevel = opts.driftLevel ?? 3;
  }

  get driftDetected(): boolean {
    return this._drift;
  }

  get warning(): boolean {
    return this._warning;
  }

  get n(): number {
    return this.count;
  }

  update(error: number): this {
    const x = finite(error, 'Ddm');
    if (x !== 0 && x !== 1) throw new RangeError(`Ddm.update: error must be 0 or 1, got ${x}`);
    if (this._drift) this.reset();
    this.count += 1;
    this.p += (x - this.p) / this.count;
    this.s = Math.sqrt((this.p * (1 - this.p)) / this.count);
    this._warning = false;
    if (this.count < this.minInstances) return this;
    // s = 0 (no error yet, or nothing but errors) is a degenerate minimum: any later error
    // would look like a 3σ rise. Only a minimum with spread counts.
    if (this.s > 0 && this.p + this.s <= this.pMin + this.sMin) {
      this.pMin = this.p;
      this.sMin = this.s;
    }
    if (!Number.isFinite(this.pMin)) return this;
    if (this.p + this.s >= this.pMin + this.driftLevel * this.sMin) this._drift = true;
    else if (this.p + this.s >= this.pMin + this.warningLevel * this.sMin) this._warning = true;
    return this;
  }

  reset(): void {
    this.count = 0;
    this.p = 1;
    this.s = 0;
    this.pMin = Number.POSITIVE_INFINITY;
    this.sMin = Number.POSITIVE_INFINITY;
    this._drift = false;
    this._warning = false;
  }
}

/**
 * Page–Hinkley test for a rise in the mean (e.g. of an error stream): accumulates
 * Σ (xₜ − x̄ₜ − δ) with forgetting factor α and signals drift when the sum exceeds its minimum
 * by more than `threshold`. `mode: 'both'` also watches for a fall.
 *
 * @example
 * const ph = new PageHinkley();
 * const errors = [...Array(500).fill(0), ...Array(500).fill(1)];
 * errors.findIndex((e) => ph.update(e).driftDetected); // → 553
 */
export class PageHinkley implements DriftDetector {
  readonly delta: number;
  readonly threshold: number;
  readonly alpha: number;
  readonly minInstances: number;
  readonly mode: 'up' | 'down' | 'both';
  private count = 0;
  private mean = 0;
  private sumUp = 0;
  private minUp = 0;
  private sumDown = 0;
  private maxDown = 0;
  private _drift = false;

  constructor(
    opts: {
      delta?: number;
      threshold?: number;
      alpha?: number;
      minInstances?: number;
      mode?: 'up' | 'down' | 'both';
    } = {},
  ) {
    this.delta = opts.delta ?? 0.005;
    this.threshold = opts.threshold ?? 50;
    this.alpha = opts.alpha ?? 1 - 0.0001;
    this.minInstances = opts.minInstances ?? 30;
    this.mode = opts.mode ?? 'up';
  }

  get driftDetected(): boolean {
    return this._drift;
  }

  get warning(): boolean {
    return false;
  }

  get n(): number {
    return this.count;
  }

  update(value: number): this {
    const x = finite(value, 'PageHinkley');
    if (this._drift) this.reset();
    this.count += 1;
    this.mean += (x - this.mean) / this.count;
    this.sumUp = this.alpha * this.sumUp + (x - this.mean - this.delta);
    this.minUp = Math.min(this.minUp, this.sumUp);
    this.sumDown = this.alpha * this.sumDown + (x - this.mean + this.delta);
    this.maxDown = Math.max(this.maxDown, this.sumDown);
    if (this.count < this.minInstances) return this;
    const up = this.sumUp - this.minUp > this.threshold;
    const down = this.maxDown - this.sumDown > this.threshold;
    this._drift = this.mode === 'up' ? up : this.mode === 'down' ? down : up || down;
    return this;
  }

  reset(): void {
    this.count = 0;
    this.mean = 0;
    this.sumUp = 0;
    this.minUp = 0;
    this.sumDown = 0;
    this.maxDown = 0;
    this._drift = false;
  }
}
