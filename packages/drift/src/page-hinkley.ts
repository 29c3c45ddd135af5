import { checkNumber, checkOneOf } from '@rvft/errors';
import { type DriftDetector, options, streamValue } from './detector';

export type PageHinkleyMode = 'up' | 'down' | 'both';

export interface PageHinkleyOptions {
  /** Magnitude of change tolerated (default 0.005). */
  delta?: number;
  /** λ: drift when the cumulative sum strays this far from its extreme (default 50). */
  threshold?: number;
  /** Forgetting factor of the cumulative sums, in (0, 1] (default 1 − 0.0001). */
  alpha?: number;
  /** Values seen before a drift can be signalled: n ≥ minInstances (default 30). */
  minInstances?: number;
  /** Watch for a rise (`'up'`), a fall (`'down'`) or either (`'both'`, default). */
  mode?: PageHinkleyMode;
}

/**
 * Page–Hinkley test (Page 1954, "Continuous inspection schemes", Biometrika 41:100; two-sided
 * form as in Sebastião & Fernandes 2017), as River's `drift.PageHinkley`: with x̄ₜ the running
 * mean, it accumulates Uₜ = α·Uₜ₋₁ + (xₜ − x̄ₜ − δ) and Lₜ = α·Lₜ₋₁ + (xₜ − x̄ₜ + δ), and signals
 * drift once n ≥ `minInstances` when Uₜ − min U > λ (a rise, `'up'`), max L − Lₜ > λ (a fall,
 * `'down'`) or either (`'both'`, the default — River's too), then starts over on the next value.
 * On River's own test stream it fires where River does (up [588, 1681], down [1172], both
 * [588, 1097, 1585]); see the tests.
 *
 * @example
 * const ph = new PageHinkley();
 * const stream = [...Array(1000).fill(1), ...Array(200).fill(0)]; // the mean FALLS
 * stream.findIndex((x) => ph.update(x).driftDetected); // → 1051
 * const up = new PageHinkley({ mode: 'up' });
 * stream.findIndex((x) => up.update(x).driftDetected); // → -1 — a rise never comes
 */
export class PageHinkley implements DriftDetector {
  readonly delta: number;
  readonly threshold: number;
  readonly alpha: number;
  readonly minInstances: number;
  readonly mode: PageHinkleyMode;
  private count = 0;
  private mean = 0;
  private sumUp = 0;
  private minUp = Number.POSITIVE_INFINITY;
  private sumDown = 0;
  private maxDown = Number.NEGATIVE_INFINITY;
  private _drift = false;

  constructor(opts: PageHinkleyOptions = {}) {
    const o = options('PageHinkley', opts);
    this.delta = checkNumber('PageHinkley', 'delta', o.delta ?? 0.005, { min: 0 });
    this.threshold = checkNumber('PageHinkley', 'threshold', o.threshold ?? 50, { above: 0 });
    this.alpha = checkNumber('PageHinkley', 'alpha', o.alpha ?? 1 - 0.0001, {
      above: 0,
      max: 1,
    });
    this.minInstances = checkNumber('PageHinkley', 'minInstances', o.minInstances ?? 30, {
      integer: true,
      min: 1,
    });
    this.mode = checkOneOf('PageHinkley', 'mode', o.mode ?? 'both', ['up', 'down', 'both']);
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
    const x = streamValue('PageHinkley', value);
    if (this._drift) this.reset();
    this.count += 1;
    // River's stats.Mean update, to the same rounding (see Ddm).
    this.mean += (1 / this.count) * (x - this.mean);
    const dev = x - this.mean;
    this.sumUp = this.alpha * this.sumUp + dev - this.delta;
    this.sumDown = this.alpha * this.sumDown + dev + this.delta;
    if (this.sumUp < this.minUp) this.minUp = this.sumUp;
    if (this.sumDown > this.maxDown) this.maxDown = this.sumDown;
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
    this.minUp = Number.POSITIVE_INFINITY;
    this.sumDown = 0;
    this.maxDown = Number.NEGATIVE_INFINITY;
    this._drift = false;
  }
}
