import { checkNumber, invalidArgument } from '@rvft/errors';

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

/** A detector's options object (or nothing); anything else is refused. Internal. */
export function options<T extends object>(where: string, opts: T | undefined): Partial<T> {
  if (opts === undefined) return {};
  if (opts === null || typeof opts !== 'object') {
    throw invalidArgument(where, 'options', 'an options object', opts);
  }
  return opts;
}

/** The value given to `update`, which must be a finite number. Internal. */
export function streamValue(where: string, value: unknown): number {
  return checkNumber(`${where}.update`, 'value', value);
}
