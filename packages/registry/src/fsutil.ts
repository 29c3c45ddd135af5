import { createHash, randomUUID } from 'node:crypto';
import { appendFile, open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** fsync a directory so a rename inside it survives a power cut, not just a crash. */
export async function fsyncDir(dir: string): Promise<void> {
  const fd = await open(dir, 'r');
  try {
    await fd.sync();
  } finally {
    await fd.close();
  }
}

/** Writes a file whole or not at all: temp file, fsync, rename over the target, fsync dir. */
export async function atomicWrite(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.tmp-${randomUUID()}`);
  try {
    const fd = await open(tmp, 'w');
    try {
      await fd.writeFile(data);
      await fd.sync();
    } finally {
      await fd.close();
    }
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
  await fsyncDir(dirname(path));
}

export async function sha256File(path: string): Promise<string> {
  return sha256Bytes(await readFile(path));
}

export function sha256Bytes(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Appends one line and fsyncs; a crash can only tear the last line, which readers skip. */
export async function appendLine(path: string, line: string): Promise<void> {
  await appendFile(path, `${line}\n`, { flush: true });
}
