import { constants, type Stats } from 'node:fs';
import { type FileHandle, lstat, open } from 'node:fs/promises';
import { join } from 'node:path';
import { RvftError, showValue } from '@rvft/errors';

/**
 * Reading files named by a (possibly hostile) model.json without leaving the model directory:
 * a path is relative, with no `..`, `.` or empty segment, and neither it nor any directory on
 * the way is a symlink; the file is a regular file (a FIFO would block `open`, `/dev/zero`
 * never ends) whose size is checked before a byte is read.
 * @internal
 */

const MAX_PATH_CHARS = 1024;

/**
 * Splits a manifest path into its segments, refusing any path that could leave the directory
 * it is relative to. `file` and `field` name where the path was read, for the message.
 */
export function safeSegments(rel: unknown, file: string, field: string): string[] {
  const unsafe = (problem: string) =>
    new RvftError(
      'RVFT_ERR_PATH_UNSAFE',
      `${file}: ${field} ${showValue(rel)} ${problem}; weight paths are relative to the model directory and stay inside it`,
      { details: { file, field } },
    );
  if (typeof rel !== 'string' || rel.length === 0 || rel.length > MAX_PATH_CHARS) {
    throw new RvftError(
      'RVFT_ERR_MODEL_CORRUPT',
      `${file}: ${field} must be a path of 1 to ${MAX_PATH_CHARS} characters, got ${showValue(rel)}`,
      { details: { file, field } },
    );
  }
  if (rel.includes('\0')) throw unsafe('contains a NUL byte');
  // a backslash is a separator on Windows and a drive letter an absolute path there
  if (rel.includes('\\')) throw unsafe('contains a backslash');
  if (rel.startsWith('/') || /^[A-Za-z]:/.test(rel)) throw unsafe('is absolute');
  const segments = rel.split('/');
  if (segments.includes('..')) throw unsafe("contains '..'");
  if (segments.some((s) => s === '' || s === '.')) throw unsafe("has an empty or '.' segment");
  return segments;
}

/** An open regular file inside a directory, with the size it had when opened. */
export interface OpenedFile {
  path: string;
  handle: FileHandle;
  size: number;
}

async function lstatOrNull(path: string): Promise<Stats | null> {
  try {
    return await lstat(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw e;
  }
}

// O_NOFOLLOW closes the gap between lstat and open (a symlink swapped in meanwhile fails with
// ELOOP); O_NONBLOCK keeps a FIFO swapped in meanwhile from blocking the open. Both are 0
// where the platform lacks them; the fstat comparison below still catches a swap.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

/**
 * Opens `root/segments…` for reading after checking (lstat, never following a link) that every
 * directory on the way is a real directory and the file a regular file. `missing` is the error
 * for a file that does not exist. Checks are made again on the open handle (fstat: same inode,
 * still regular), so a file swapped between the check and the open is refused, not read.
 */
export async function openInside(
  root: string,
  segments: readonly string[],
  file: string,
  field: string,
  missing: () => RvftError,
): Promise<OpenedFile> {
  let path = root;
  for (let i = 0; i < segments.length; i++) {
    path = join(path, segments[i]!);
    const st = await lstatOrNull(path);
    if (st === null) throw missing();
    const last = i === segments.length - 1;
    if (st.isSymbolicLink()) {
      throw new RvftError(
        'RVFT_ERR_PATH_UNSAFE',
        `${file}: ${field}: ${path} is a symlink; model files are read only when they are regular files inside the model directory`,
        { details: { file, field, path } },
      );
    }
    if (!last && !st.isDirectory()) throw missing();
    if (last && !st.isFile()) {
      throw new RvftError(
        'RVFT_ERR_MODEL_CORRUPT',
        `${file}: ${field}: ${path} is not a regular file (a directory, FIFO, socket or device)`,
        { details: { file, field, path } },
      );
    }
  }
  const before = await lstat(path);
  let handle: FileHandle;
  try {
    handle = await open(path, OPEN_FLAGS);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') {
      throw new RvftError(
        'RVFT_ERR_PATH_UNSAFE',
        `${file}: ${field}: ${path} became a symlink while being opened`,
        { details: { file, field, path }, cause: e },
      );
    }
    if (code === 'ENOENT') throw missing();
    throw e;
  }
  const st = await handle.stat();
  if (!st.isFile() || st.ino !== before.ino || st.dev !== before.dev) {
    await handle.close();
    throw new RvftError(
      'RVFT_ERR_PATH_UNSAFE',
      `${file}: ${field}: ${path} was replaced while being opened`,
      { details: { file, field, path } },
    );
  }
  return { path, handle, size: st.size };
}

/**
 * Reads exactly `length` bytes from the start of an opened file into `target` at `offset`. A
 * file that shrank since it was measured is refused (a file that grew is read no further).
 */
export async function readExactly(
  opened: OpenedFile,
  target: Uint8Array,
  offset: number,
  length: number,
  file: string,
): Promise<void> {
  let done = 0;
  while (done < length) {
    const { bytesRead } = await opened.handle.read(target, offset + done, length - done, done);
    if (bytesRead === 0) {
      throw new RvftError(
        'RVFT_ERR_MODEL_CORRUPT',
        `${file}: ${opened.path} ended after ${done} of ${length} bytes (it changed while being read)`,
        { details: { file, path: opened.path } },
      );
    }
    done += bytesRead;
  }
}
