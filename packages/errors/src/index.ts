export {
  checkNumber,
  checkNumbers,
  checkOneOf,
  invalidArgument,
  type NumberRule,
  showValue,
} from './check';
export {
  type CategoryInfo,
  type CodeInfo,
  ERROR_CATEGORIES,
  ERROR_CODES,
  type ErrorCategory,
  type ErrorCode,
  isErrorCode,
} from './codes';
export {
  abortError,
  categoryOf,
  exitCodeFor,
  httpStatusFor,
  isRvftError,
  RvftError,
  type RvftErrorOptions,
  throwIfAborted,
} from './error';
export { type HttpErrorBody, httpErrorAnswer } from './http';
