import { checkNumber, invalidArgument } from '@rvft/errors';
import seedrandom from 'seedrandom';

export type Seed = number | string;

/**
 * The seed every rvft function uses when the caller gives none (shuffles, splits, batches,
 * the race, the benchmarks): one constant, so "the default seed" means one thing everywhere.
 */
export const DEFAULT_SEED = 42;

/**
 * A seeded random source (seedrandom's ARC4): the same seed gives the same stream on every
 * platform, so every generator and every shuffle in rvft is bit-for-bit reproducible.
 *
 * @example
 * const rng = new Rng(42);
 * [...rng.permutation(5)]; // → [1, 3, 2, 4, 0] — the same for every run with seed 42
 */
export class Rng {
  readonly seed: Seed;
  private readonly prng: seedrandom.PRNG;
  private spare: number | undefined;

  constructor(seed: Seed) {
    if (typeof seed === 'number' && !Number.isFinite(seed)) {
      throw invalidArgument('Rng', 'seed', 'a finite number or a string', seed);
    }
    this.seed = seed;
    this.prng = seedrandom(String(seed));
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    return this.prng.double();
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    checkNumber('Rng.int', 'n', n, { integer: true, min: 1 });
    return Math.floor(this.prng.double() * n);
  }

  /** Standard normal (Box–Muller; the second value of each pair is kept for the next call). */
  normal(): number {
    if (this.spare !== undefined) {
      const s = this.spare;
      this.spare = undefined;
      return s;
    }
    let u = 0;
    while (u === 0) u = this.prng.double(); // log(0) is -Infinity
    const v = this.prng.double();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** A uniformly random permutation of 0…n−1 (Fisher–Yates). */
  permutation(n: number): Int32Array {
    checkNumber('Rng.permutation', 'n', n, { integer: true, min: 0 });
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(this.prng.double() * (i + 1));
      const t = p[i] as number;
      p[i] = p[j] as number;
      p[j] = t;
    }
    return p;
  }

  /** An independent stream derived from this seed and a name, e.g. `rng.fork('epoch-3')`. */
  fork(name: string | number): Rng {
    return new Rng(`${this.seed}/${name}`);
  }
}
