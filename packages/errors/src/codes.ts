/**
 * The error vocabulary. Every error an rvft package throws on purpose carries one of these
 * codes; the CLI's exit code and the services' HTTP status are read from this table and nowhere
 * else (modelled on fastify's `FST_ERR_*` codes). Codes are stable: renaming one is a breaking
 * change. `docs/errors.md` lists the same codes — a test keeps the two in step.
 */

/** What kind of failure a code is: decides exit code and HTTP status. */
export type ErrorCategory =
  | 'input' // the caller's input is invalid: fix the input
  | 'not_found' // a named thing (file, model, version, alias) does not exist
  | 'conflict' // the state changed or forbids the request (moved champion, aliased version)
  | 'unprocessable' // valid input, but no answer exists (no strategy left)
  | 'refused' // an evaluation gate refused a challenger: a verdict, not a crash
  | 'integrity' // stored data is corrupt or hostile (hash mismatch, torn file)
  | 'resource' // the machine ran out of something (disk, memory budget)
  | 'aborted' // the caller cancelled (AbortSignal, SIGINT)
  | 'internal'; // a bug: report it

export interface CategoryInfo {
  /** Exit status of the `rvft` command for this category. */
  exitCode: number;
  /** HTTP status a service answers with. */
  httpStatus: number;
}

/** One place that maps categories to exit codes and HTTP statuses. */
export const ERROR_CATEGORIES: Readonly<Record<ErrorCategory, CategoryInfo>> = Object.freeze({
  input: { exitCode: 2, httpStatus: 400 },
  not_found: { exitCode: 2, httpStatus: 404 },
  conflict: { exitCode: 4, httpStatus: 409 },
  unprocessable: { exitCode: 2, httpStatus: 422 },
  refused: { exitCode: 3, httpStatus: 422 },
  integrity: { exitCode: 5, httpStatus: 500 },
  resource: { exitCode: 1, httpStatus: 507 },
  aborted: { exitCode: 130, httpStatus: 499 },
  internal: { exitCode: 1, httpStatus: 500 },
});

export interface CodeInfo {
  category: ErrorCategory;
  /** One line: when this code is raised. */
  description: string;
  /** Overrides the category's HTTP status (e.g. 413 for a body that is too large). */
  httpStatus?: number;
}

/** Every stable error code, with its category and meaning. */
export const ERROR_CODES = Object.freeze({
  RVFT_ERR_INVALID_ARGUMENT: {
    category: 'input',
    description: 'an option or argument is outside its domain (NaN, negative, unknown enum value)',
  },
  RVFT_ERR_INVALID_SIGNALS: {
    category: 'input',
    description: 'signals for the decision engine fail their schema; every bad field is listed',
  },
  RVFT_ERR_NO_STRATEGY: {
    category: 'unprocessable',
    description: 'the constraints rule out every strategy',
  },
  RVFT_ERR_DATA_PARSE: {
    category: 'input',
    description: 'a data file is malformed; the message names the file, line and field',
  },
  RVFT_ERR_DATA_ENCODING: {
    category: 'input',
    description: 'a data file is not valid UTF-8; the message names the line',
  },
  RVFT_ERR_DATA_TOO_LARGE: {
    category: 'input',
    httpStatus: 413,
    description: 'an input exceeds a documented size limit (bytes, rows, classes)',
  },
  RVFT_ERR_DATA_SCHEMA: {
    category: 'input',
    description: "data does not match the model's data schema (missing feature, wrong width)",
  },
  RVFT_ERR_PATH_UNSAFE: {
    category: 'input',
    description: 'a path leaves its root, contains `..`, or is (or passes through) a symlink',
  },
  RVFT_ERR_NOT_FOUND: {
    category: 'not_found',
    description: 'a file, model, version or alias does not exist',
  },
  RVFT_ERR_REGISTRY_CONFLICT: {
    category: 'conflict',
    description:
      'the registry state forbids the request (champion moved, version still aliased, name taken)',
  },
  RVFT_ERR_REGISTRY_CORRUPT: {
    category: 'integrity',
    description: 'a registry file (aliases, audit log, version metadata) is corrupt or torn',
  },
  RVFT_ERR_MODEL_CORRUPT: {
    category: 'integrity',
    description:
      'model artifacts fail their checks (hash mismatch, hostile manifest, shapes that disagree)',
  },
  RVFT_ERR_MODEL_INCOMPATIBLE: {
    category: 'input',
    description: 'a model cannot do what was asked (wrong width, unknown class, unsupported layer)',
  },
  RVFT_ERR_GATE_INPUT: {
    category: 'input',
    description: 'an evaluation gate was given invalid metrics (outside [0, 1], NaN, Infinity)',
  },
  RVFT_ERR_GATE_REFUSED: {
    category: 'refused',
    description: 'the promotion gate refused the challenger; the champion is unchanged',
  },
  RVFT_ERR_NO_SPACE: {
    category: 'resource',
    description: 'a write failed for lack of disk space; nothing partial was left behind',
  },
  RVFT_ERR_ABORTED: {
    category: 'aborted',
    description: 'the operation was cancelled through its AbortSignal',
  },
  RVFT_ERR_INTERNAL: {
    category: 'internal',
    description: 'an invariant broke inside rvft: a bug, please report it',
  },
} satisfies Record<string, CodeInfo>);

export type ErrorCode = keyof typeof ERROR_CODES;

/**
 * @example
 * isErrorCode('RVFT_ERR_NOT_FOUND'); // → true
 * isErrorCode('ENOENT'); // → false
 */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CODES, value);
}
