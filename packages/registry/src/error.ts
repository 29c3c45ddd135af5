import { type ErrorCode, RvftError, type RvftErrorOptions } from '@rvft/errors';

/**
 * A registry call that cannot be honoured. The code says why: RVFT_ERR_NOT_FOUND (no such
 * model, version or alias), RVFT_ERR_REGISTRY_CONFLICT (the champion moved, the version is
 * aliased or already the champion), RVFT_ERR_REGISTRY_CORRUPT (a torn or invalid registry
 * file), RVFT_ERR_PATH_UNSAFE (a symlink), RVFT_ERR_NO_SPACE (a full disk, nothing changed);
 * bad names and options are RVFT_ERR_INVALID_ARGUMENT.
 */
export class RegistryError extends RvftError {
  constructor(
    message: string,
    code: ErrorCode = 'RVFT_ERR_INVALID_ARGUMENT',
    options?: RvftErrorOptions,
  ) {
    super(code, message, options);
    this.name = 'RegistryError';
  }
}
