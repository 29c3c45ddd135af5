import { checkNumber, invalidArgument } from '@rvft/errors';

export interface CostEntry {
  /** What ran, e.g. a strategy id or a row label. */
  name: string;
  wallS: number;
  /** Training examples processed (samples x epochs). */
  samplesSeen?: number;
  paramsTrained?: number;
  epochs?: number;
}

/**
 * Collects what each update cost. `update` with an entry (or use `time` around a function),
 * then read `entries()`, `totalS()` or the text `summary()`.
 *
 * @example
 * const costs = new CostTracker();
 * // time any (async) work: its result comes back, its wall time is recorded
 * await costs.time('fine_tune_head_only', async () => 0.93, { epochs: 10 }); // → 0.93
 * costs.entries().map((e) => [e.name, e.epochs]); // → [['fine_tune_head_only', 10]]
 * console.log(costs.summary());
 */
export class CostTracker {
  private readonly list: CostEntry[] = [];

  update(entry: CostEntry): this {
    const where = 'CostTracker.update';
    if (entry === null || typeof entry !== 'object') {
      throw invalidArgument(where, 'entry', 'a cost entry object', entry);
    }
    if (typeof entry.name !== 'string' || entry.name === '') {
      throw invalidArgument(where, 'entry.name', 'a non-empty string', entry.name);
    }
    checkNumber(where, 'entry.wallS', entry.wallS, { min: 0 });
    for (const key of ['samplesSeen', 'paramsTrained', 'epochs'] as const) {
      if (entry[key] !== undefined) {
        checkNumber(where, `entry.${key}`, entry[key], { integer: true, min: 0 });
      }
    }
    this.list.push({ ...entry });
    return this;
  }

  /** Runs `fn`, records its wall time under `name`, returns its result. */
  async time<T>(
    name: string,
    fn: () => T | Promise<T>,
    extra: Omit<CostEntry, 'name' | 'wallS'> = {},
  ): Promise<T> {
    const start = performance.now();
    try {
      return await fn();
    } finally {
      this.update({ name, wallS: (performance.now() - start) / 1000, ...extra });
    }
  }

  entries(): readonly CostEntry[] {
    return this.list;
  }

  totalS(): number {
    return this.list.reduce((s, e) => s + e.wallS, 0);
  }

  /** A fixed-width table: name, wall seconds, share of the total, samples, params. */
  summary(): string {
    const total = this.totalS();
    const width = Math.max(8, ...this.list.map((e) => e.name.length));
    const header = `${'update'.padEnd(width)}  ${'wall s'.padStart(9)}  ${'share'.padStart(6)}  ${'samples'.padStart(9)}  ${'params'.padStart(9)}`;
    const rows = this.list.map((e) => {
      const share = total > 0 ? `${((e.wallS / total) * 100).toFixed(1)}%` : '-';
      return `${e.name.padEnd(width)}  ${e.wallS.toFixed(3).padStart(9)}  ${share.padStart(6)}  ${String(e.samplesSeen ?? '-').padStart(9)}  ${String(e.paramsTrained ?? '-').padStart(9)}`;
    });
    return [header, ...rows, `${'total'.padEnd(width)}  ${total.toFixed(3).padStart(9)}`].join(
      '\n',
    );
  }
}
