import { constants } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { RvftError } from '@rvft/errors';
import { DatasetError } from './dataset';

/** Bytes read per `read()`; decoded and handed on before the next read, so memory stays flat. */
export const READ_CHUNK_BYTES = 1 << 20;

const NEWLINE = 0x0a;

function countNewlines(bytes: Uint8Array, end = bytes.length): number {
  let n = 0;
  let at = bytes.indexOf(NEWLINE);
  while (at !== -1 && at < end) {
    n++;
    at = bytes.indexOf(NEWLINE, at + 1);
  }
  return n;
}

/** What a special file is, for the message that refuses it. */
function kindOf(st: {
  isDirectory(): boolean;
  isFIFO(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
  isSocket(): boolean;
}): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * Opens a data file for reading, refusing anything but a regular file of at most `maxBytes`.
 *
 * A path the user gives on the command line is the user's choice, so a symlink is followed
 * (the "no symlinks" rule is for paths inside a registry's root). What is refused is a file
 * that has no end or is not data: a FIFO would block forever, `/dev/zero` never ends, a
 * directory has no rows. `O_NONBLOCK` makes opening a FIFO return at once instead of waiting
 * for a writer; `fstat` on the open handle checks the thing actually opened, not a name that
 * might be swapped in between.
 */
export async function openDataFile(path: string, maxBytes: number): Promise<FileHandle> {
  let fh: FileHandle;
  try {
    fh = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'ENOENT') {
      throw new RvftError('RVFT_ERR_NOT_FOUND', `${path}: no such file`, {
        cause: e,
        details: { file: path },
      });
    }
    throw e;
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) {
      throw new DatasetError(
        `${path}: ${kindOf(st)}, not a data file (give the path of a CSV or JSON Lines file)`,
        'RVFT_ERR_INVALID_ARGUMENT',
        { details: { file: path } },
      );
    }
    if (st.size > maxBytes) {
      throw new DatasetError(
        `${path}: ${st.size} bytes, more than the limit of ${maxBytes} (maxBytes)`,
        'RVFT_ERR_DATA_TOO_LARGE',
        { details: { file: path, bytes: st.size, limit: maxBytes } },
      );
    }
  } catch (e) {
    await fh.close();
    throw e;
  }
  return fh;
}

/**
 * The index of the first byte of `bytes` that breaks UTF-8, or -1. A sequence cut off by the
 * end of `bytes` is not a break (the next chunk may complete it). Only runs once decoding has
 * failed, to say where.
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    const need =
      b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : 0;
    if (need === 0) return i;
    // the second byte's range excludes overlong forms and surrogates
    const lo = b === 0xe0 ? 0xa0 : b === 0xf0 ? 0x90 : 0x80;
    const hi = b === 0xed ? 0x9f : b === 0xf4 ? 0x8f : 0xbf;
    for (let k = 1; k <= need; k++) {
      if (i + k >= n) return -1;
      const c = bytes[i + k]!;
      if (k === 1 ? c < lo || c > hi : c < 0x80 || c > 0xbf) return i;
    }
    i += need + 1;
  }
  return -1;
}

/** The trailing bytes of a chunk that start a UTF-8 sequence the chunk does not finish. */
function unfinishedTail(bytes: Uint8Array): Uint8Array {
  for (let k = bytes.length - 1; k >= Math.max(0, bytes.length - 3); k--) {
    const b = bytes[k]!;
    if (b < 0x80) break;
    if (b >= 0xc0) {
      const need = b >= 0xf0 ? 3 : b >= 0xe0 ? 2 : 1;
      return bytes.length - k - 1 < need ? bytes.slice(k) : new Uint8Array(0);
    }
  }
  return new Uint8Array(0);
}

/** Shows bytes before a bad one as text, so the user can find the spot in an editor. */
function context(bytes: Uint8Array, bad: number): string {
  let start = bytes.lastIndexOf(NEWLINE, bad - 1) + 1;
  start = Math.max(start, bad - 40);
  const before = new TextDecoder('utf-8').decode(bytes.subarray(start, bad));
  return before === '' ? 'at the start of the line' : `after ${JSON.stringify(before)}`;
}

function encodingError(what: string, line: number, byte: number | undefined, where: string) {
  const shown = byte === undefined ? '' : ` 0x${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  return new DatasetError(
    `${what}: line ${line}: byte${shown}${where === '' ? '' : ` ${where}`} is not valid UTF-8 (a Latin-1 or Windows-1252 file?); save the file as UTF-8`,
    'RVFT_ERR_DATA_ENCODING',
    { details: { file: what, line } },
  );
}

/**
 * The file's text, decoded strictly as UTF-8 one chunk at a time (a leading byte-order mark
 * is dropped). A byte that is not UTF-8 is refused with its line rather than turned into
 * U+FFFD: Latin-1 `café` and `cafè` would otherwise become one class, `caf\uFFFD`.
 */
export async function* readText(fh: FileHandle, what: string, maxBytes: number) {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const buffer = new Uint8Array(READ_CHUNK_BYTES);
  let linesBefore = 0;
  let total = 0;
  let tail: Uint8Array = new Uint8Array(0);
  let lastByte = NEWLINE;
  for (;;) {
    const { bytesRead } = await fh.read(buffer, 0, buffer.length, null);
    if (bytesRead === 0) break;
    total += bytesRead;
    // the size was checked when the file was opened; a file that grows meanwhile is caught here
    if (total > maxBytes) {
      throw new DatasetError(
        `${what}: more than the limit of ${maxBytes} bytes (maxBytes); the file grew while being read`,
        'RVFT_ERR_DATA_TOO_LARGE',
        { details: { file: what, limit: maxBytes } },
      );
    }
    const chunk = buffer.subarray(0, bytesRead);
    if (
      total === bytesRead &&
      ((chunk[0] === 0xff && chunk[1] === 0xfe) || (chunk[0] === 0xfe && chunk[1] === 0xff))
    ) {
      throw new DatasetError(
        `${what}: line 1: the file starts with a UTF-16 byte-order mark; save it as UTF-8`,
        'RVFT_ERR_DATA_ENCODING',
        { details: { file: what, line: 1 } },
      );
    }
    let text: string;
    try {
      text = decoder.decode(chunk, { stream: true });
    } catch {
      // the bad sequence may have begun in the previous chunk's last bytes
      const joined = new Uint8Array(tail.length + chunk.length);
      joined.set(tail);
      joined.set(chunk, tail.length);
      const bad = firstInvalidUtf8(joined);
      if (bad < tail.length) throw encodingError(what, linesBefore + 1, joined[0], '');
      const line = linesBefore + countNewlines(chunk, bad - tail.length) + 1;
      throw encodingError(what, line, joined[bad], context(joined, bad));
    }
    linesBefore += countNewlines(chunk);
    tail = unfinishedTail(chunk);
    lastByte = chunk[chunk.length - 1]!;
    if (text !== '') yield text;
  }
  try {
    const rest = decoder.decode();
    if (rest !== '') yield rest;
  } catch {
    const line = linesBefore + (lastByte === NEWLINE ? 0 : 1);
    throw encodingError(what, line, tail[0], 'at the end of the file (a cut-off character)');
  }
}
