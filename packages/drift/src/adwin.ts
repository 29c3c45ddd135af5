import { checkNumber } from '@rvft/errors';
import { type DriftDetector, options, streamValue } from './detector';

/**
 * ADWIN (Bifet & Gavaldà 2007, "Learning from time-changing data with adaptive windowing",
 * SDM): keeps a window of recent values and drops its older part whenever two sub-windows have
 * means that differ by more than the variance-aware bound
 * ε = √(2/m · σ² · ln(2/δ')) + 2/(3m) · ln(2/δ'), m the harmonic mean of their sizes,
 * δ' = δ/|W|. This is the exact-window form (O(|W|) memory, cuts checked every `clock`
 * values); River's exponential histogram trades exactness for O(log |W|) memory, so detection
 * indices can differ from River's by a few values.
 *
 * @example
 * const adwin = new Adwin();
 * for (let t = 0; t < 2000; t++) adwin.update(t < 1000 ? 0 : 1);
 * [adwin.n, adwin.mean]; // → [1001, 0.999] — 999 of the 1000 zeros were dropped
 */
export class Adwin implements DriftDetector {
  readonly delta: number;
  readonly clock: number;
  readonly minWindow: number;
  private window: number[] = [];
  private _drift = false;
  private sinceCheck = 0;

  constructor(opts: { delta?: number; clock?: number; minWindow?: number } = {}) {
    const o = options('Adwin', opts);
    this.delta = checkNumber('Adwin', 'delta', o.delta ?? 0.002, { above: 0, below: 1 });
    this.clock = checkNumber('Adwin', 'clock', o.clock ?? 32, { integer: true, min: 1 });
    this.minWindow = checkNumber('Adwin', 'minWindow', o.minWindow ?? 5, {
      integer: true,
      min: 1,
    });
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

  /** Mean of the current window; NaN while it is empty. */
  get mean(): number {
    return this.window.length === 0
      ? Number.NaN
      : this.window.reduce((s, x) => s + x, 0) / this.window.length;
  }

  update(value: number): this {
    this.window.push(streamValue('Adwin', value));
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
