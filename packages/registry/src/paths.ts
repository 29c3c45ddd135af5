import { lstat, realpath } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { RegistryError } from './error';

/**
 * Keeps every registry path inside its root. Names are validated before they become path
 * segments (no separators, no `..`), so what is left to check is links: no entry below the
 * root may be a symlink — a linked model directory would receive versions somewhere else, a
 * linked version would be listed and loaded from anywhere. The root itself may be a link (the
 * user chose it). Files are then opened with O_NOFOLLOW (fsutil), which covers the last step.
 */

function unsafe(path: string, why: string): RegistryError {
  return new RegistryError(`${path} ${why}`, 'RVFT_ERR_PATH_UNSAFE', { details: { path } });
}

/**
 * Checks `root/segments…` one entry at a time with lstat: every existing entry must not be a
 * symlink, and every one but the last must be a directory. Stops at the first that does not
 * exist (nothing below it can). Then checks that the real path of the deepest existing entry is
 * still under the root's real path — belt and braces for what lstat cannot see (a bind mount
 * is fine; a link is not). Returns the joined path. Throws RVFT_ERR_PATH_UNSAFE.
 */
export async function safePath(root: string, ...segments: string[]): Promise<string> {
  let path = root;
  let deepest: string | null = null;
  for (let i = 0; i < segments.length; i++) {
    path = join(path, segments[i] as string);
    const s = await lstat(path).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT' || e.code === 'ENOTDIR') return null;
      throw e;
    });
    if (s === null) return join(root, ...segments);
    if (s.isSymbolicLink()) {
      throw unsafe(path, 'is a symlink: the registry never follows links out of its directory');
    }
    if (i < segments.length - 1 && !s.isDirectory()) throw unsafe(path, 'is not a directory');
    deepest = path;
  }
  if (deepest !== null) {
    const [realRoot, real] = await Promise.all([realpath(root), realpath(deepest)]);
    if (real !== realRoot && !real.startsWith(realRoot.endsWith(sep) ? realRoot : realRoot + sep)) {
      throw unsafe(deepest, `resolves to ${real}, outside the registry ${realRoot}`);
    }
  }
  return path;
}
