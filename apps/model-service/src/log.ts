import { type FileHandle, mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Which model answered: the champion, a candidate scored on the side, or a candidate serving. */
export type Arm = 'champion' | 'shadow' | 'canary';

/** One scored row. The line format is a contract: `@rvft/monitor` reads it. */
export interface PredictionRecord {
  type: 'prediction';
  /** ISO 8601, UTC. */
  time: string;
  /** The request's id; a batch row's is `<request id>/<row index>`. */
  requestId: string;
  version: number;
  arm: Arm;
  features: Record<string, number>;
  probabilities: number[];
  predicted: string;
  classNames: string[];
}

/** The true label of an earlier prediction, appended to the same log. */
export interface FeedbackRecord {
  type: 'feedback';
  time: string;
  requestId: string;
  label: string;
}

export type LogRecord = PredictionRecord | FeedbackRecord;

export interface PredictionLogOptions {
  /** Rotate before a write would take the file past this many bytes (default 64 MiB). */
  maxBytes?: number;
  /** Rotated files kept: `<path>.1` (newest) … `<path>.<keep>` (oldest) (default 5). */
  keep?: number;
}

/**
 * An append-only JSON Lines log with rotation by size. Every record is one line, written whole
 * in one `write` with the others of its group (concurrent appends are grouped into one write,
 * in order), so a reader never sees half a record unless the process dies mid-write — a
 * reader should skip a last line without its newline. A record never spans two files.
 *
 * Rotation: when a write would take `<path>` past `maxBytes`, `<path>.<keep-1>` becomes
 * `<path>.<keep>` (the old `<path>.<keep>` is deleted), …, `<path>.1` becomes `<path>.2`,
 * `<path>` becomes `<path>.1`, and a new `<path>` is started. Reading every file from
 * `<path>.<keep>` down to `<path>.1`, then `<path>`, gives the records oldest first.
 */
export class PredictionLog {
  readonly path: string;
  private readonly maxBytes: number;
  private readonly keep: number;
  private fh: FileHandle | null = null;
  private size = 0;
  private queue: { data: string; done: () => void; fail: (e: unknown) => void }[] = [];
  private flushing = false;
  private closed = false;

  private constructor(path: string, opts: PredictionLogOptions) {
    this.path = path;
    this.maxBytes = opts.maxBytes ?? 64 * 1024 * 1024;
    this.keep = opts.keep ?? 5;
    if (!Number.isInteger(this.maxBytes) || this.maxBytes < 1) {
      throw new RangeError(`maxBytes: expected a whole number >= 1, got ${opts.maxBytes}`);
    }
    if (!Number.isInteger(this.keep) || this.keep < 1) {
      throw new RangeError(`keep: expected a whole number >= 1, got ${opts.keep}`);
    }
  }

  /** Opens (creating it and its directory if needed) the log for appending. */
  static async open(path: string, opts: PredictionLogOptions = {}): Promise<PredictionLog> {
    const log = new PredictionLog(path, opts);
    await mkdir(dirname(path), { recursive: true });
    await log.reopen();
    return log;
  }

  private async reopen(): Promise<void> {
    this.fh = await open(this.path, 'a');
    this.size = (await this.fh.stat()).size;
  }

  /** Appends the records; resolves once they are written (not fsynced). */
  append(records: readonly LogRecord[]): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`prediction log ${this.path} is closed`));
    if (records.length === 0) return Promise.resolve();
    const data = records.map((r) => `${JSON.stringify(r)}\n`).join('');
    return new Promise<void>((done, fail) => {
      this.queue.push({ data, done, fail });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    while (this.queue.length > 0) {
      const group = this.queue;
      this.queue = [];
      try {
        // One group, written in parts only where a rotation falls between two requests.
        let part: string[] = [];
        let partBytes = 0;
        for (const { data } of group) {
          const bytes = Buffer.byteLength(data);
          if (this.size + partBytes + bytes > this.maxBytes && this.size + partBytes > 0) {
            await this.write(part.join(''));
            part = [];
            partBytes = 0;
            await this.rotate();
          }
          part.push(data);
          partBytes += bytes;
        }
        await this.write(part.join(''));
        for (const g of group) g.done();
      } catch (e) {
        for (const g of group) g.fail(e);
      }
    }
    this.flushing = false;
  }

  private async write(data: string): Promise<void> {
    if (data === '') return;
    // a rotation that failed half-way (disk full) left no file open: start one again
    if (this.fh === null) await this.reopen();
    const buf = Buffer.from(data);
    await (this.fh as FileHandle).write(buf);
    this.size += buf.length;
  }

  private async rotate(): Promise<void> {
    await this.fh?.close();
    this.fh = null;
    await rm(`${this.path}.${this.keep}`, { force: true });
    for (let i = this.keep - 1; i >= 1; i--) {
      const from = `${this.path}.${i}`;
      if (await stat(from).catch(() => null)) await rename(from, `${this.path}.${i + 1}`);
    }
    await rename(this.path, `${this.path}.1`);
    await this.reopen();
  }

  /** Waits for queued writes, then closes the file. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.flushing || this.queue.length > 0) await new Promise((r) => setTimeout(r, 5));
    await this.fh?.close();
    this.fh = null;
  }
}
