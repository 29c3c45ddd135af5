import {
  type CodeInfo,
  ERROR_CATEGORIES,
  ERROR_CODES,
  type ErrorCategory,
  type ErrorCode,
  isErrorCode,
} from './codes';

export interface RvftErrorOptions {
  cause?: unknown;
  /** Machine-readable context (file, line, field, value…), plain JSON. */
  details?: Record<string, unknown>;
}

/**
 * The one error class rvft throws on purpose. Packages subclass it only to keep a familiar
 * name (`DatasetError`, `RegistryError`); callers branch on `code`, never on the class or the
 * message.
 *
 * @example
 * ```ts
 * const e = new RvftError('RVFT_ERR_NOT_FOUND', 'model "churn" does not exist');
 * [e.code, e.category, e.exitCode, e.httpStatus]; // ['RVFT_ERR_NOT_FOUND', 'not_found', 2, 404]
 * ```
 */
export class RvftError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: RvftErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RvftError';
    this.code = code;
    this.details = options.details;
  }

  get category(): ErrorCategory {
    return ERROR_CODES[this.code].category;
  }

  get exitCode(): number {
    return ERROR_CATEGORIES[this.category].exitCode;
  }

  get httpStatus(): number {
    const info: CodeInfo = ERROR_CODES[this.code];
    return info.httpStatus ?? ERROR_CATEGORIES[this.category].httpStatus;
  }

  /** Plain JSON for logs and HTTP bodies: code, message, details. */
  toJSON(): { code: ErrorCode; message: string; details?: Record<string, unknown> } {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

/**
 * True for an RvftError — also one thrown by another copy of the package (the ESM and CJS
 * builds are two classes), recognised by its registered `code`.
 *
 * @example
 * isRvftError(new RvftError('RVFT_ERR_NOT_FOUND', 'no model')); // → true
 * isRvftError(new Error('no model')); // → false
 */
export function isRvftError(e: unknown): e is RvftError {
  if (e instanceof RvftError) return true;
  return e instanceof Error && isErrorCode((e as { code?: unknown }).code) && 'category' in e;
}

/**
 * The category of any thrown value; Node's ENOENT/ENOSPC/ABORT_ERR are mapped too.
 *
 * @example
 * categoryOf(new RvftError('RVFT_ERR_GATE_REFUSED', 'forgetting')); // → 'refused'
 * categoryOf(Object.assign(new Error('open x.csv'), { code: 'ENOENT' })); // → 'not_found'
 * categoryOf(new TypeError('x is undefined')); // → 'internal'
 */
export function categoryOf(e: unknown): ErrorCategory {
  if (isRvftError(e)) return e.category;
  const code = (e as { code?: unknown } | null)?.code;
  if (code === 'ENOENT') return 'not_found';
  // a directory where a file was asked for (or the reverse) is the caller's input
  if (code === 'EISDIR' || code === 'ENOTDIR') return 'input';
  if (code === 'ENOSPC' || code === 'EDQUOT') return 'resource';
  if (code === 'ABORT_ERR' || (e instanceof Error && e.name === 'AbortError')) return 'aborted';
  return 'internal';
}

/**
 * Exit status of the `rvft` command for a thrown value (1 for anything unknown).
 *
 * @example
 * exitCodeFor(new RvftError('RVFT_ERR_GATE_REFUSED', 'forgetting')); // → 3
 * exitCodeFor(new Error('bug')); // → 1
 */
export function exitCodeFor(e: unknown): number {
  return isRvftError(e) ? e.exitCode : ERROR_CATEGORIES[categoryOf(e)].exitCode;
}

/**
 * HTTP status for a thrown value (500 for anything unknown — never leak its message).
 *
 * @example
 * httpStatusFor(new RvftError('RVFT_ERR_NOT_FOUND', 'no model')); // → 404
 * httpStatusFor(new Error('bug')); // → 500
 */
export function httpStatusFor(e: unknown): number {
  return isRvftError(e) ? e.httpStatus : ERROR_CATEGORIES[categoryOf(e)].httpStatus;
}

/**
 * The error for a cancelled operation; `signal.reason` becomes its cause.
 *
 * @example
 * abortError('training'); // → { code: 'RVFT_ERR_ABORTED', message: 'training: aborted' }
 * exitCodeFor(abortError('training')); // → 130 — as for SIGINT
 */
export function abortError(what: string, signal?: AbortSignal): RvftError {
  return new RvftError('RVFT_ERR_ABORTED', `${what}: aborted`, { cause: signal?.reason });
}

/**
 * Throws RVFT_ERR_ABORTED when the signal has fired. Call it between units of work.
 *
 * @example
 * const ac = new AbortController();
 * throwIfAborted(ac.signal, 'training'); // → undefined — not aborted yet
 * ac.abort();
 * throwIfAborted(ac.signal, 'training'); // → throws { code: 'RVFT_ERR_ABORTED', message: 'training: aborted' }
 */
export function throwIfAborted(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted) throw abortError(what, signal);
}
