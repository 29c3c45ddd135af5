import { type ErrorCode, isRvftError } from '@rvft/errors';
import { expect } from 'vitest';

/** The error `fn` throws (or its promise rejects with); fails the test when it succeeds. */
export async function caught(fn: () => unknown): Promise<unknown> {
  try {
    await fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected an error, got none');
}

/** Asserts `fn` throws an RvftError with `code` and a message matching `message`. */
export async function expectRvft(
  fn: () => unknown,
  code: ErrorCode,
  message: RegExp,
): Promise<unknown> {
  const e = await caught(fn);
  expect(isRvftError(e), `not an RvftError: ${String(e)}`).toBe(true);
  expect({ code: (e as { code: string }).code, message: (e as Error).message }).toMatchObject({
    code,
    message: expect.stringMatching(message),
  });
  return e;
}
