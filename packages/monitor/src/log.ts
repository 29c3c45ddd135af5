import { constants } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { RvftError } from '@rvft/errors';

/** A served prediction, as the model service logs it (one JSON object per line). */
export interface PredictionRecord {
  type: 'prediction';
  time: string;
  requestId: string;
  version: number;
  arm: 'champion' | 'shadow' | 'canary';
  features: Record<string, number>;
  probabilities: number[];
  predicted: string;
  classNames: string[];
}

/** A ground-truth label arriving later for a request. */
export interface FeedbackRecord {
  type: 'feedback';
  time: string;
  requestId: string;
  label: string;
}

export type LogRecord = PredictionRecord | FeedbackRecord;

/** What the reader skipped, and why; every line is counted exactly once. */
export interface LogStats {
  /** Lines read (complete, or the unterminated last one). */
  lines: number;
  records: number;
  /** An unterminated last line that is not a JSON record: a write cut short. */
  torn: number;
  /** Complete lines that are not JSON or not a record of the contract. */
  invalid: number;
  /** Lines longer than `maxLineBytes`, skipped without being held in memory. */
  oversized: number;
  /** Times the file was found rotated (`--follow`). */
  rotations: number;
}

export interface ReadLogOptions {
  /** Keep reading as the file grows, following a rotation to the new file (default false). */
  follow?: boolean;
  /** Poll interval while following, ms (default 250). */
  pollMs?: number;
  /** Read `path.N … path.1` (oldest first) before `path` (default false). */
  includeRotated?: boolean;
  /** Longest line held in memory (default 1 MiB); longer ones are counted and skipped. */
  maxLineBytes?: number;
  /** Stops a follow. */
  signal?: AbortSignal;
  /** Filled in as the reader goes. */
  stats?: LogStats;
}

export function emptyStats(): LogStats {
  return { lines: 0, records: 0, torn: 0, invalid: 0, oversized: 0, rotations: 0 };
}

/** The record on a line, or `undefined` when it is not one of the contract. */
export function parseRecord(line: string): LogRecord | undefined {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (v === null || typeof v !== 'object') return undefined;
  const r = v as Record<string, unknown>;
  if (typeof r.requestId !== 'string' || typeof r.time !== 'string') return undefined;
  if (Number.isNaN(Date.parse(r.time))) return undefined;
  if (r.type === 'feedback')
    return typeof r.label === 'string' ? (r as unknown as LogRecord) : undefined;
  if (r.type !== 'prediction') return undefined;
  if (
    r.features === null ||
    typeof r.features !== 'object' ||
    !Array.isArray(r.probabilities) ||
    !Array.isArray(r.classNames) ||
    typeof r.predicted !== 'string'
  ) {
    return undefined;
  }
  return r as unknown as LogRecord;
}

const CHUNK = 64 * 1024;

/**
 * The records of a JSON Lines prediction log, streamed: memory stays at one chunk plus one line
 * whatever the file size. An unterminated last line that does not parse is a torn write —
 * skipped and counted in `stats.torn`; with `follow` it is held until the writer finishes it
 * (or the file rotates). Bad complete lines are counted in `stats.invalid`.
 */
export async function* readLog(path: string, opts: ReadLogOptions = {}): AsyncGenerator<LogRecord> {
  const stats = opts.stats ?? emptyStats();
  const maxLine = opts.maxLineBytes ?? 1024 * 1024;
  const files: string[] = [];
  if (opts.includeRotated) {
    const rotated: string[] = [];
    for (let i = 1; ; i++) {
      const p = `${path}.${i}`;
      if (!(await exists(p))) break;
      rotated.push(p);
    }
    files.push(...rotated.reverse());
  }
  files.push(path);

  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let skipping = false; // inside an oversized line
  const flushLine = (buf: Buffer, terminated: boolean): LogRecord | undefined => {
    stats.lines++;
    const text = buf.toString('utf8').replace(/\r$/, '');
    if (text.trim() === '') {
      stats.lines--; // blank lines are not lines of the log
      return undefined;
    }
    const rec = parseRecord(text);
    if (rec) stats.records++;
    else if (terminated) stats.invalid++;
    else stats.torn++;
    return rec;
  };
  function* consume(chunk: Buffer): Generator<LogRecord> {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(10, start);
      if (nl === -1) break;
      const piece = chunk.subarray(start, nl);
      start = nl + 1;
      if (skipping) {
        skipping = false;
        continue;
      }
      const line = pendingBytes ? Buffer.concat([...pending, piece]) : piece;
      pending = [];
      pendingBytes = 0;
      const rec = flushLine(line, true);
      if (rec) yield rec;
    }
    if (start < chunk.length && !skipping) {
      const rest = Buffer.from(chunk.subarray(start));
      pending.push(rest);
      pendingBytes += rest.length;
      if (pendingBytes > maxLine) {
        stats.lines++;
        stats.oversized++;
        pending = [];
        pendingBytes = 0;
        skipping = true;
      }
    }
  }
  function* endOfFile(): Generator<LogRecord> {
    if (pendingBytes) {
      const rec = flushLine(Buffer.concat(pending), false);
      pending = [];
      pendingBytes = 0;
      if (rec) yield rec;
    }
    skipping = false;
  }

  const buf = Buffer.allocUnsafe(CHUNK);
  for (let f = 0; f < files.length; f++) {
    const file = files[f] as string;
    const last = f === files.length - 1;
    // O_NONBLOCK: opening a FIFO must not hang before the check below can refuse it
    let fh = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
    const st = await fh.stat();
    if (!st.isFile()) {
      await fh.close();
      // a device (/dev/zero), a FIFO or a directory is not a log: it would be read forever
      throw new RvftError(
        'RVFT_ERR_INVALID_ARGUMENT',
        `${file}: not a regular file (a prediction log is a file the model service writes)`,
        { details: { file } },
      );
    }
    let ino = st.ino;
    try {
      for (;;) {
        const { bytesRead } = await fh.read(buf, 0, CHUNK, null);
        if (bytesRead > 0) {
          yield* consume(buf.subarray(0, bytesRead));
          continue;
        }
        if (!(last && opts.follow) || opts.signal?.aborted) break;
        // At the end of the live file: rotated away (a new file at `path`)? Drain, switch.
        const now = await stat(file).catch(() => undefined);
        if (now && now.ino !== ino) {
          yield* endOfFile();
          await fh.close();
          fh = await open(file, 'r');
          ino = (await fh.stat()).ino;
          stats.rotations++;
          continue;
        }
        try {
          await sleep(opts.pollMs ?? 250, undefined, { signal: opts.signal });
        } catch {
          break; // aborted
        }
      }
      yield* endOfFile();
    } finally {
      await fh.close();
    }
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}
