/**
 * Exit codes: 0 done; 1 something broke; 2 the input was invalid (arguments, signals, CSV,
 * registry references), with the reasons on stderr; 3 `update` trained a challenger but the
 * evaluation gate refused it (the champion is unchanged).
 */
export const ExitCode = { Ok: 0, Failure: 1, InvalidInput: 2, GateRefused: 3 } as const;

/** Bad input from the user: printed without a stack, exit code 2. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

// Errors the libraries raise for bad input, by name, so this module needs none of them.
const INPUT_ERRORS = new Set([
  'InputError',
  'SignalValidationError',
  'DatasetError',
  'RegistryError',
  'RangeError',
]);

export function isInputError(e: unknown): e is Error {
  if (!(e instanceof Error)) return false;
  if (INPUT_ERRORS.has(e.name) || INPUT_ERRORS.has(e.constructor.name)) return true;
  // a file that is not there is the user's input too
  return (e as NodeJS.ErrnoException).code === 'ENOENT';
}
