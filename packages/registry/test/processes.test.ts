import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openRegistry } from '../src/index';

const fixture = new URL('./fixtures/register-loop.mjs', import.meta.url).pathname;
const root = mkdtempSync(join(tmpdir(), 'rvft-registry-proc-'));

function child(args: string[]): {
  proc: ChildProcess;
  ready: Promise<void>;
  exited: Promise<number | null>;
  lines: string[];
} {
  const proc = spawn(process.execPath, [fixture, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let stderr = '';
  let resolveReady: () => void;
  const ready = new Promise<void>((r) => {
    resolveReady = r;
  });
  proc.stdout!.on('data', (d: Buffer) => {
    for (const line of d.toString().split('\n').filter(Boolean)) {
      lines.push(line);
      if (line === 'ready') resolveReady();
    }
  });
  proc.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => {
    proc.on('exit', (code) => {
      if (code !== 0 && code !== null) console.error(stderr);
      resolve(code);
    });
  });
  return { proc, ready, exited, lines };
}

/** Opens the registry and checks every listed version and alias. Returns the version count. */
async function verifyAll(dir: string, name: string): Promise<number> {
  const reg = await openRegistry(dir);
  const versions = await reg.versions(name);
  // contiguous: no version lost, none half-visible
  expect(versions).toEqual(Array.from({ length: versions.length }, (_, i) => i + 1));
  for (const v of versions) await reg.verify(name, v);
  const state = await reg.aliasState(name);
  for (const v of [...Object.values(state.aliases), ...state.championHistory])
    expect(versions).toContain(v);
  if (versions.length > 0) {
    const latest = await reg.load(name, { version: versions.at(-1)! });
    expect(latest.outputDim).toBe(2);
    latest.dispose();
  }
  await reg.auditLog(name); // parses, skipping a torn last line
  return versions.length;
}

describe('concurrency', () => {
  it('parallel processes registering one name each get distinct versions; nothing is lost', async () => {
    const dir = join(root, 'concurrent');
    const writers = 4;
    const each = 6;
    const children = Array.from({ length: writers }, (_, w) =>
      child([dir, 'shared', String(w + 1), String(each)]),
    );
    expect(await Promise.all(children.map((c) => c.exited))).toEqual(new Array(writers).fill(0));
    expect(await verifyAll(dir, 'shared')).toBe(writers * each);
    const reg = await openRegistry(dir);
    const seen = new Set<string>();
    for (const h of await reg.history('shared'))
      seen.add(`${h.tags['writer']}/${h.tags['iteration']}`);
    expect(seen.size).toBe(writers * each);
    const reported = children.flatMap((c) =>
      c.lines.filter((l) => l.startsWith('registered')).map((l) => Number(l.split(' ')[1])),
    );
    expect(reported.sort((a, b) => a - b)).toEqual(
      Array.from({ length: writers * each }, (_, i) => i + 1),
    );
  });
});
