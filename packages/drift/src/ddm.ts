import { checkNumber, invalidArgument } from '@rvft/errors';
import { type DriftDetector, options, streamValue } from './detector';

export interface DdmOptions {
  /** Values seen before the minimum is tracked: checks start at n > minInstances (default 30). */
  minInstances?: number;
  /** Warning at p + s > p_min + warningLevel·s_min (default 2). */
  warningLevel?: number;
  /** Drift at p + s > p_min + driftLevel·s_min (default 3). */
  driftLevel?: number;
  /**
   * Skip a minimum with s = 0 (default false, as River). Without it, a stream whose first
   * minInstances + 1 values are all 0 sets p_min = s_min = 0 and the very next error is a
   * drift; with it, tracking waits for the first minimum with spread.
   */
  requireSpread?: boolean;
}

/**
 * DDM (Gama, Medas, Castillo & Rodrigues 2004, "Learning with drift detection", SBIA) on an
 * error stream of 0/1, as River's `drift.binary.DDM`: with p the running error rate and
 * s = √(p(1−p)/n), once n > `minInstances` it keeps the (p_min, s_min) where p + s was
 * smallest, warns while p + s > p_min + 2·s_min and detects drift at
 * p + s > p_min + 3·s_min, then starts over on the next value. On River's own test stream it
 * fires where River does (index 1049); see the tests.
 *
 * Its false alarms come from the first values after `minInstances`, where an unluckily low
 * error rate sets a tight minimum; raise `minInstances` (e.g. 100) on streams with a low error
 * rate, or set `requireSpread`.
 *
 * @example
 * const ddm = new Ddm();
 * const errors = [...Array(300)].map((_, i) => (i % 10 === 0 ? 1 : 0)); // 10% errors
 * errors.push(...Array(30).fill(1)); // then every prediction wrong
 * errors.findIndex((e) => ddm.update(e).driftDetected); // → 311
 */
export class Ddm implements DriftDetector {
  readonly minInstances: number;
  readonly warningLevel: number;
  readonly driftLevel: number;
  readonly requireSpread: boolean;
  private count = 0;
  private p = 0;
  private s = 0;
  private pMin = Number.POSITIVE_INFINITY;
  private sMin = Number.POSITIVE_INFINITY;
  private psMin = Number.POSITIVE_INFINITY;
  private _drift = false;
  private _warning = false;

  constructor(opts: DdmOptions = {}) {
    const o = options('Ddm', opts);
    this.minInstances = checkNumber('Ddm', 'minInstances', o.minInstances ?? 30, {
      integer: true,
      min: 0,
    });
    this.warningLevel = checkNumber('Ddm', 'warningLevel', o.warningLevel ?? 2, { above: 0 });
    this.driftLevel = checkNumber('Ddm', 'driftLevel', o.driftLevel ?? 3, { above: 0 });
    const spread = o.requireSpread ?? false;
    if (typeof spread !== 'boolean') {
      throw invalidArgument('Ddm', 'requireSpread', 'a boolean', spread);
    }
    this.requireSpread = spread;
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

  /** `error`: 1 for a wrong prediction, 0 for a right one. */
  update(error: number): this {
    const x = streamValue('Ddm', error);
    if (x !== 0 && x !== 1) throw invalidArgument('Ddm.update', 'error', '0 or 1', x);
    if (this._drift) this.reset();
    this.count += 1;
    // River's running mean (stats.Mean: mean += (w/n)·(x − mean)), kept to the same rounding
    // so detection indices match River's exactly.
    this.p += (1 / this.count) * (x - this.p);
    this.s = Math.sqrt((this.p * (1 - this.p)) / this.count);
    this._warning = false;
    if (this.count <= this.minInstances) return this;
    const ps = this.p + this.s;
    if (ps <= this.psMin && (this.s > 0 || !this.requireSpread)) {
      this.pMin = this.p;
      this.sMin = this.s;
      this.psMin = this.pMin + this.sMin;
    }
    if (ps > this.pMin + this.driftLevel * this.sMin) this._drift = true;
    else if (ps > this.pMin + this.warningLevel * this.sMin) this._warning = true;
    return this;
  }

  reset(): void {
    this.count = 0;
    this.p = 0;
    this.s = 0;
    this.pMin = Number.POSITIVE_INFINITY;
    this.sMin = Number.POSITIVE_INFINITY;
    this.psMin = Number.POSITIVE_INFINITY;
    this._drift = false;
    this._warning = false;
  }
}
