import { createHash, randomUUID } from 'node:crypto';
import { constants } from 'node:fs';
import { type FileHandle, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { RegistryError } from './error';

/**
 * The registry's one write seam: every byte the registry writes, and every rename that commits
 * it, goes through this module. That is what makes the crash and full-disk tests honest — a
 * fault injected here (a kill -9, an ENOSPC) lands exactly where a real one could.
 */

/** A step of a write, as the fault-injection hook sees it. */
export type IoStep = 'write' | 'fsync' | 'rename' | 'append' | 'remove';

/**
 * Called before every write step with the step and its path. Tests install one to throw an
 * injected `ENOSPC` or to `kill -9` the process at a chosen step; production never sets it.
 */
export type IoHook = (step: IoStep, path: string) => void;

let hook: IoHook | null = null;

/**
 * Installs (or, with `null`, removes) the fault-injection hook. For crash and full-disk tests
 * only: it lets a test stop the registry between any two of its write steps.
 */
export function setIoHook(h: IoHook | null): void {
  hook = h;
}

function step(s: IoStep, path: string): void {
  hook?.(s, path);
}

/** O_NOFOLLOW: opening a symlink fails with ELOOP instead of reaching outside the registry. */
const NOFOLLOW = constants.O_NOFOLLOW ?? 0;

/** True for an error that means the disk (or quota) is full. */
export function isNoSpace(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}

/** True for the error an O_NOFOLLOW open gives on a symlink. */
export function isSymlinkRefusal(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === 'ELOOP' || code === 'EMLINK';
}

function pathUnsafe(path: string, cause?: unknown): RegistryError {
  return new RegistryError(
    `${path} is a symlink: the registry never follows links out of its directory`,
    'RVFT_ERR_PATH_UNSAFE',
    { details: { path }, cause },
  );
}

/** fsync a directory so a rename inside it survives a power cut, not just a crash. */
export async function fsyncDir(dir: string): Promise<void> {
  step('fsync', dir);
  const fd = await open(dir, constants.O_RDONLY | NOFOLLOW);
  try {
    await fd.sync();
  } finally {
    await fd.close();
  }
}

/** Renames through the seam (the commit point of every multi-file write). */
export async function renameEntry(from: string, to: string): Promise<void> {
  step('rename', to);
  await rename(from, to);
}

/** Removes a file or directory tree through the seam. */
export async function removeEntry(path: string): Promise<void> {
  step('remove', path);
  await rm(path, { recursive: true, force: true });
}

/**
 * Writes a file whole or not at all: temp file, fsync, rename over the target, fsync dir. On
 * any failure (a full disk included) the temp file is removed and the target is untouched —
 * the rename is what replaces it, and a rename allocates nothing.
 */
export async function atomicWrite(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.tmp-${randomUUID()}`);
  try {
    step('write', tmp);
    const fd = await open(
      tmp,
      constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NOFOLLOW,
    );
    try {
      await fd.writeFile(data);
      step('fsync', tmp);
      await fd.sync();
    } finally {
      await fd.close();
    }
    await renameEntry(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
  await fsyncDir(dirname(path));
}

/**
 * Appends one line and fsyncs. A line torn by a crash is never glued to the next entry: when
 * the file does not end in `\n`, the append starts with one, so the fragment stays a line of
 * its own that readers skip and report. When the append itself fails (a full disk), the file
 * is cut back to its old length, so a failed append leaves no fragment; the error is rethrown.
 * A symlinked log is refused.
 */
export async function appendLine(path: string, line: string): Promise<void> {
  step('append', path);
  let fd: FileHandle;
  try {
    fd = await open(
      path,
      constants.O_RDWR | constants.O_APPEND | constants.O_CREAT | NOFOLLOW,
      0o644,
    );
  } catch (e) {
    if (isSymlinkRefusal(e)) throw pathUnsafe(path, e);
    throw e;
  }
  try {
    const s = await fd.stat();
    if (!s.isFile()) {
      throw new RegistryError(`${path} is not a regular file`, 'RVFT_ERR_REGISTRY_CORRUPT', {
        details: { path },
      });
    }
    let prefix = '';
    if (s.size > 0) {
      const last = Buffer.alloc(1);
      await fd.read(last, 0, 1, s.size - 1);
      if (last[0] !== 0x0a) prefix = '\n';
    }
    try {
      // a short write (the disk filled up mid-line) is not an error to write(2): keep
      // writing until the rest either lands or fails with ENOSPC
      const bytes = Buffer.from(`${prefix}${line}\n`, 'utf8');
      for (let off = 0; off < bytes.length; ) {
        off += (await fd.write(bytes, off, bytes.length - off)).bytesWritten;
      }
      await fd.sync();
    } catch (e) {
      // cutting back allocates nothing, so it works on a full disk too
      await fd.truncate(s.size).catch(() => undefined);
      await fd.sync().catch(() => undefined);
      throw e;
    }
  } finally {
    await fd.close();
  }
}

/** What `openRegular` found: an open regular file and its size. */
interface Regular {
  fd: FileHandle;
  size: number;
}

/**
 * Opens a file for reading without following a symlink, and checks it is a regular file no
 * larger than `maxBytes` — before a byte is read, so `/dev/zero` or a FIFO cannot exhaust
 * memory or hang the reader. `null` when it does not exist. Errors are RegistryErrors naming the
 * file: PATH_UNSAFE for a symlink; `code` (the caller's: corrupt model or registry file) for
 * something that is not a regular file or is too large.
 */
async function openRegular(
  path: string,
  maxBytes: number,
  code: 'RVFT_ERR_MODEL_CORRUPT' | 'RVFT_ERR_REGISTRY_CORRUPT',
): Promise<Regular | null> {
  let fd: FileHandle;
  try {
    fd = await open(path, constants.O_RDONLY | NOFOLLOW | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    const c = (e as { code?: unknown }).code;
    if (c === 'ENOENT') return null;
    if (isSymlinkRefusal(e)) throw pathUnsafe(path, e);
    throw e;
  }
  try {
    const s = await fd.stat();
    if (!s.isFile()) {
      throw new RegistryError(`${path} is not a regular file`, code, { details: { path } });
    }
    if (s.size > maxBytes) {
      throw new RegistryError(
        `${path} is ${s.size} bytes, over the ${maxBytes}-byte limit for this file`,
        code,
        { details: { path, size: s.size, limit: maxBytes } },
      );
    }
    return { fd, size: s.size };
  } catch (e) {
    await fd.close();
    throw e;
  }
}

/**
 * Reads a regular file of at most `maxBytes` (see `openRegular`); `null` when it does not
 * exist. Reads exactly the size it checked, so a file that grows meanwhile is not read past it.
 */
export async function readRegular(
  path: string,
  maxBytes: number,
  code: 'RVFT_ERR_MODEL_CORRUPT' | 'RVFT_ERR_REGISTRY_CORRUPT',
): Promise<Buffer | null> {
  const r = await openRegular(path, maxBytes, code);
  if (r === null) return null;
  try {
    const buf = Buffer.alloc(r.size);
    let off = 0;
    while (off < r.size) {
      const { bytesRead } = await r.fd.read(buf, off, r.size - off, off);
      if (bytesRead === 0) break;
      off += bytesRead;
    }
    return off === r.size ? buf : buf.subarray(0, off);
  } finally {
    await r.fd.close();
  }
}

/**
 * sha256 and size of a regular file of at most `maxBytes`, read in 1 MiB chunks (memory stays
 * flat however large the file); `null` when it does not exist.
 */
export async function hashRegular(
  path: string,
  maxBytes: number,
): Promise<{ sha256: string; size: number } | null> {
  const r = await openRegular(path, maxBytes, 'RVFT_ERR_MODEL_CORRUPT');
  if (r === null) return null;
  try {
    const h = createHash('sha256');
    const buf = Buffer.alloc(Math.min(1 << 20, Math.max(1, r.size)));
    let off = 0;
    while (off < r.size) {
      const { bytesRead } = await r.fd.read(buf, 0, Math.min(buf.length, r.size - off), off);
      if (bytesRead === 0) break;
      h.update(buf.subarray(0, bytesRead));
      off += bytesRead;
    }
    return { sha256: h.digest('hex'), size: off };
  } finally {
    await r.fd.close();
  }
}

export function sha256Bytes(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
