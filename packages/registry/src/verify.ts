import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { MODEL_JSON, WEIGHTS_BIN } from '@rvft/model';
import { RegistryError } from './error';
import { hashRegular, readRegular, sha256Bytes } from './fsutil';
import { MAX_CARD_BYTES, type VersionMeta } from './schema';

/**
 * What a version directory must hold, checked against `meta.json` before anything is trusted:
 * `meta.json` does not get to choose what is verified. An empty `files` map, a `../` key or a
 * `/dev/zero` key would otherwise let a tampered version load unchecked or read outside the
 * registry.
 */

export const META_JSON = 'meta.json';
export const CARD_JSON = 'card.json';
export const CARD_MD = 'card.md';
/** The model's own files: every version has exactly these. */
export const ARTIFACTS: readonly string[] = [MODEL_JSON, WEIGHTS_BIN];
const CARD_FILES: readonly string[] = [CARD_JSON, CARD_MD];

/**
 * The most each file may take when `meta.json` records no size (versions registered before
 * sizes were): generous for the models rvft trains, and a regular file is read in chunks
 * anyway — the limit only bounds how long a hostile file can keep the reader busy.
 */
const MAX_BYTES: Readonly<Record<string, number>> = {
  [MODEL_JSON]: 64 * 1024 * 1024,
  [WEIGHTS_BIN]: 16 * 1024 * 1024 * 1024,
  [CARD_JSON]: MAX_CARD_BYTES,
  [CARD_MD]: MAX_CARD_BYTES,
};

function corrupt(path: string, problem: string): RegistryError {
  return new RegistryError(`${path} ${problem}`, 'RVFT_ERR_MODEL_CORRUPT', { details: { path } });
}

const list = (names: readonly string[]) => names.map((n) => JSON.stringify(n)).join(', ');

/**
 * The files a version must have, from its `files` map: exactly the artifacts, plus both card
 * files or neither. Anything else in the map (a `../` key, `/dev/zero`, an empty map) is
 * refused, naming `meta.json` and the field.
 */
export function expectedFiles(meta: VersionMeta, metaPath: string): string[] {
  const keys = Object.keys(meta.files).sort();
  const hasCard = CARD_FILES.some((f) => Object.hasOwn(meta.files, f));
  const want = [...ARTIFACTS, ...(hasCard ? CARD_FILES : [])].sort();
  if (keys.length !== want.length || keys.some((k, i) => k !== want[i])) {
    throw corrupt(
      metaPath,
      `has a bad field "files": it must list exactly ${list(ARTIFACTS)} (and ${list(CARD_FILES)} for a version with a card), got ${keys.length === 0 ? 'none' : list(keys)}`,
    );
  }
  if (meta.sizes !== undefined) {
    const sized = Object.keys(meta.sizes).sort();
    if (sized.length !== want.length || sized.some((k, i) => k !== want[i])) {
      throw corrupt(
        metaPath,
        `has a bad field "sizes": it must cover the same files as "files", got ${list(sized)}`,
      );
    }
  }
  return want;
}

/**
 * Checks one file of a version against `meta.json`: a regular file (not a link, device or
 * FIFO), its size checked before a byte is hashed, then its sha256. Throws MODEL_CORRUPT (or
 * PATH_UNSAFE for a link) naming the file.
 */
async function checkFile(dir: string, meta: VersionMeta, file: string): Promise<void> {
  const path = join(dir, file);
  const size = meta.sizes?.[file];
  const got = await hashRegular(path, size ?? (MAX_BYTES[file] as number));
  if (got === null) throw corrupt(path, 'is missing');
  if (size !== undefined && got.size !== size) {
    throw corrupt(path, `is ${got.size} bytes, meta.json records ${size}`);
  }
  const expected = meta.files[file] as string;
  if (got.sha256 !== expected) {
    throw corrupt(
      path,
      `is corrupted: sha256 ${got.sha256} does not match the recorded ${expected}`,
    );
  }
}

/**
 * Verifies a version directory: its `files` map names exactly the version's files, nothing
 * else lies in the directory (a card file `meta.json` does not cover would go unchecked), and
 * every file is a regular file of the recorded size and sha256.
 */
export async function verifyVersionDir(dir: string, meta: VersionMeta): Promise<void> {
  const metaPath = join(dir, META_JSON);
  const want = expectedFiles(meta, metaPath);
  const present = (await readdir(dir)).filter((e) => e !== META_JSON).sort();
  const extra = present.filter((e) => !want.includes(e));
  if (extra.length > 0) {
    throw corrupt(dir, `holds ${list(extra)}, which meta.json's "files" does not cover`);
  }
  for (const file of want) await checkFile(dir, meta, file);
}

/**
 * One small file of a version (a card file), read whole after the same checks as `verify`:
 * regular, bounded, recorded sha256. Throws MODEL_CORRUPT naming the file.
 */
export async function readVerified(dir: string, meta: VersionMeta, file: string): Promise<Buffer> {
  const path = join(dir, file);
  const expected = meta.files[file];
  if (expected === undefined) {
    throw corrupt(
      join(dir, META_JSON),
      `has a bad field "files": it records no sha256 for ${file}`,
    );
  }
  const bytes = await readRegular(
    path,
    meta.sizes?.[file] ?? (MAX_BYTES[file] as number),
    'RVFT_ERR_MODEL_CORRUPT',
  );
  if (bytes === null) throw corrupt(path, 'is missing');
  const actual = sha256Bytes(bytes);
  if (actual !== expected) {
    throw corrupt(path, `is corrupted: sha256 ${actual} does not match the recorded ${expected}`);
  }
  return bytes;
}
