import { categoryOf, ERROR_CATEGORIES, exitCodeFor, RvftError } from '@rvft/errors';

/**
 * Exit codes, read from the error vocabulary (`@rvft/errors`, docs/errors.md): 0 done; 1
 * something broke; 2 the input was invalid or names something that does not exist; 3 an
 * evaluation gate refused the challenger (the champion is unchanged); 4 the registry's state
 * forbids the request (the champion moved, a version is still aliased); 5 stored data is
 * corrupt; 130 cancelled.
 */
export const ExitCode = {
  Ok: 0,
  Failure: ERROR_CATEGORIES.internal.exitCode,
  InvalidInput: ERROR_CATEGORIES.input.exitCode,
  GateRefused: ERROR_CATEGORIES.refused.exitCode,
  Conflict: ERROR_CATEGORIES.conflict.exitCode,
  Corrupt: ERROR_CATEGORIES.integrity.exitCode,
} as const;

/** Bad input from the user: printed without a stack, exit code 2. */
export class InputError extends RvftError {
  constructor(message: string) {
    super('RVFT_ERR_INVALID_ARGUMENT', message);
    this.name = 'InputError';
  }
}

/** The exit status for what a command threw — from its code, never its class name. */
export { exitCodeFor };

/** Errors whose message is for the user as it stands (no stack even without --debug). */
export function isUserFacing(e: unknown): boolean {
  return categoryOf(e) !== 'internal';
}
