import { isRvftError } from '@rvft/errors';
import { expect } from 'vitest';

/** Asserts that `fn` throws RVFT_ERR_INVALID_ARGUMENT with a message matching `message`. */
export function expectInvalid(fn: () => unknown, message: RegExp | string): void {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(thrown, 'expected a throw').toBeDefined();
  expect(isRvftError(thrown), String(thrown)).toBe(true);
  expect((thrown as { code: string }).code).toBe('RVFT_ERR_INVALID_ARGUMENT');
  expect((thrown as Error).message).toMatch(message);
}
