import { STATUS_CODES } from 'node:http';
import type { ErrorCategory, ErrorCode } from './codes';
import { categoryOf, httpStatusFor, isRvftError } from './error';

/** The body every rvft HTTP service answers an error with. */
export interface HttpErrorBody {
  code: string;
  message: string;
}

/** The code a value that is not an RvftError answers with, from its category. */
const CODE_OF_CATEGORY: Partial<Record<ErrorCategory, ErrorCode>> = {
  not_found: 'RVFT_ERR_NOT_FOUND',
  resource: 'RVFT_ERR_NO_SPACE',
  aborted: 'RVFT_ERR_ABORTED',
};

/**
 * One mapping from a thrown value to an HTTP answer, for every rvft service: an RvftError gets
 * the status of its code and says `{code, message}`; a framework's own client error (a 4xx
 * `statusCode` with a string code, e.g. fastify's `FST_ERR_*`: bad JSON, body too large) keeps
 * its status and code; anything else goes by {@link httpStatusFor} (a bug: 500). A 5xx never
 * carries the error's own message, which may hold paths or internals — only the status text;
 * `log` says the caller should log the real error.
 *
 * @example
 * httpErrorAnswer(new RvftError('RVFT_ERR_NO_STRATEGY', 'every strategy is ruled out'));
 * // → { status: 422, body: { code: 'RVFT_ERR_NO_STRATEGY', message: 'every strategy is ruled out' }, log: false }
 * httpErrorAnswer(new Error('/secret/path exploded'));
 * // → { status: 500, body: { code: 'RVFT_ERR_INTERNAL', message: 'Internal Server Error' }, log: true }
 */
export function httpErrorAnswer(error: unknown): {
  status: number;
  body: HttpErrorBody;
  log: boolean;
} {
  const e = error as Error & { statusCode?: number; code?: unknown };
  const rvft = isRvftError(error);
  const clientError =
    !rvft &&
    typeof e?.code === 'string' &&
    typeof e.statusCode === 'number' &&
    e.statusCode >= 400 &&
    e.statusCode < 500;
  const status = clientError ? (e.statusCode as number) : httpStatusFor(error);
  const code = rvft
    ? (e.code as string)
    : clientError
      ? (e.code as string)
      : (CODE_OF_CATEGORY[categoryOf(error)] ?? 'RVFT_ERR_INTERNAL');
  const message =
    (rvft || clientError) && status < 500 ? String(e.message) : (STATUS_CODES[status] ?? 'error');
  return { status, body: { code, message }, log: status >= 500 };
}
