import { RvftError } from '@rvft/errors';
import type { z } from 'zod';

export interface FieldIssue {
  /** Dotted path of the offending field, e.g. `model.currentAccuracy`. */
  path: string;
  message: string;
}

/**
 * Thrown for invalid input; lists every bad field at once, never just the first.
 *
 * @example
 * new DecisionEngine().decide({ data: { nNewSamples: -1 }, model: { currentAccuracy: 2 } });
 * // → throws { name: 'SignalValidationError', code: 'RVFT_ERR_INVALID_SIGNALS', issues: [
 * //   { path: 'data.nNewSamples', message: 'must be >= 0' },
 * //   { path: 'model.currentAccuracy', message: 'must be in [0, 1]' }] }
 */
export class SignalValidationError extends RvftError {
  readonly issues: readonly FieldIssue[];

  constructor(issues: FieldIssue[], what = 'signals') {
    super(
      'RVFT_ERR_INVALID_SIGNALS',
      `invalid ${what}:\n${issues.map((i) => `  - ${i.path}: ${i.message}`).join('\n')}`,
      { details: { issues } },
    );
    this.name = 'SignalValidationError';
    this.issues = issues;
  }

  static fromZod(error: z.ZodError, what?: string): SignalValidationError {
    const issues: FieldIssue[] = [];
    for (const issue of error.issues) {
      const base = issue.path.map(String).join('.');
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) {
          issues.push({ path: base ? `${base}.${key}` : key, message: 'unknown key' });
        }
      } else {
        issues.push({ path: base || '(root)', message: issue.message });
      }
    }
    return new SignalValidationError(issues, what);
  }
}

/**
 * Parses with a zod schema and turns failure into a SignalValidationError.
 *
 * @example
 * parseOrThrow(DecisionInput, { data: { nNewSamples: 10 } }).data.nHistoricalSamples; // → 0
 * parseOrThrow(DecisionInput, { data: { nNewSamples: -1 } });
 * // → throws { code: 'RVFT_ERR_INVALID_SIGNALS', issues: [{ path: 'data.nNewSamples', message: 'must be >= 0' }] }
 */
export function parseOrThrow<S extends z.ZodType>(
  schema: S,
  input: unknown,
  what?: string,
): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw SignalValidationError.fromZod(result.error, what);
  return result.data;
}
