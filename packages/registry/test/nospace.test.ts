import { execFileSync } from 'node:child_process';
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  truncateSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMlp, type TrunkHeadModel } from '@rvft/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  championFromAudit,
  type IoHook,
  openRegistry,
  parseAuditLog,
  type Registry,
  setIoHook,
} from '../src/index';

const root = mkdtempSync(join(tmpdir(), 'rvft-registry-nospace-'));
let model: TrunkHeadModel;
beforeAll(() => {
  model = createMlp({ inputDim: 8, hiddenDims: [16], outputDim: 2, seed: 1 });
});
afterAll(() => {
  setIoHook(null);
  model.dispose();
});

const enospc = () =>
  Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });

/** What a caller can observe: versions, aliases, history and the audit entries (read as-is). */
async function observable(reg: Registry) {
  const state = await reg.aliasState('m');
  return {
    versions: await reg.versions('m'),
    aliases: { ...state.aliases },
    history: state.championHistory,
    audit: (await reg.auditLog('m')).map((e) => `${e.action} ${e.from ?? '-'}→${e.to ?? '-'}`),
  };
}

/** The invariants: the champion replayed from the audit log is the champion; no torn line. */
async function consistent(reg: Registry, base: string) {
  const champion = (await reg.aliasState('m')).aliases['champion'] ?? null;
  const read = await reg.readAudit('m');
  expect(championFromAudit(read.entries)).toBe(champion);
  expect(read.skipped).toEqual([]);
  for (const v of await reg.versions('m')) await reg.verify('m', v);
  return { champion, raw: parseAuditLog(readFileSync(join(base, 'models/m/audit.log'), 'utf8')) };
}

/** Promotes a version that is not the champion (there is always one: 3 versions). */
async function promoteAnother(reg: Registry) {
  const champion = (await reg.aliasState('m')).aliases['champion'];
  const v = (await reg.versions('m')).find((x) => x !== champion) as number;
  return reg.promote('m', v);
}

/**
 * The calls the disk fills up under, each with what makes it possible (run before the fault
 * is armed): a rollback needs a previous champion, deleting an alias needs the alias.
 */
const operations: [
  string,
  (reg: Registry) => Promise<unknown>,
  (reg: Registry) => Promise<unknown>,
][] = [
  [
    'register',
    (reg) => reg.register('m', model, { metrics: { newTaskAccuracy: 0.9 } }),
    async () => {},
  ],
  ['promote', promoteAnother, async () => {}],
  [
    'rollback',
    (reg) => reg.rollback('m', 'disk test'),
    async (reg) => {
      if ((await reg.aliasState('m')).championHistory.length < 2) await promoteAnother(reg);
    },
  ],
  ['setAlias', (reg) => reg.setAlias('m', 'shadow', 1, 'disk test'), async () => {}],
  [
    'deleteAlias',
    (reg) => reg.deleteAlias('m', 'shadow', 'disk test'),
    async (reg) => {
      if ((await reg.aliasState('m')).aliases['shadow'] === undefined) {
        await reg.setAlias('m', 'shadow', 2, 'for the next delete');
      }
    },
  ],
];

/**
 * Runs `op` with the disk "full" from its k-th write step on, for k = 1, 2, … until the op no
 * longer reaches the fault. After each try: a failure is RVFT_ERR_NO_SPACE and changed
 * nothing observable; a success is the truth (the invariants hold), even when its audit entry
 * could not be appended yet. Returns how many tries failed and how many succeeded at a fault.
 */
async function fillAtEveryStep(
  reg: Registry,
  base: string,
  op: (r: Registry) => Promise<unknown>,
  prepare: (r: Registry) => Promise<unknown>,
) {
  let refused = 0;
  let succeededFull = 0;
  for (let k = 1; k < 100; k++) {
    let steps = 0;
    let hit = false;
    const full: IoHook = (step) => {
      steps += 1;
      if (steps >= k && (step === 'write' || step === 'append')) {
        hit = true;
        throw enospc();
      }
    };
    await prepare(reg);
    const before = await observable(reg);
    setIoHook(full);
    let error: unknown = null;
    try {
      await op(reg);
    } catch (e) {
      error = e;
    } finally {
      setIoHook(null);
    }
    if (error !== null) {
      expect((error as { code?: string }).code, String(error)).toBe('RVFT_ERR_NO_SPACE');
      expect(await observable(reg)).toEqual(before);
      refused += 1;
    } else if (hit) {
      succeededFull += 1;
    }
    await consistent(reg, base);
    if (!hit) return { refused, succeededFull };
  }
  throw new Error('the operation never got past the fault');
}

describe('a full disk at every write step (fault injected at the write seam)', () => {
  it('RVFT_ERR_NO_SPACE only when nothing changed; a move that happened is reported and its entry kept', async () => {
    const base = join(root, 'injected');
    const reg = await openRegistry(base, { actor: 'tester' });
    for (let i = 0; i < 3; i++)
      await reg.register('m', model, { metrics: { newTaskAccuracy: 0.9 } });
    await reg.promote('m', 1);
    const tally: Record<string, { refused: number; succeededFull: number }> = {};
    for (const [name, op, prepare] of operations) {
      tally[name] = await fillAtEveryStep(reg, base, op, prepare);
    }
    // every call met the full disk before its commit point (refused) at least once, and each
    // alias move also met it after (done, entry pending) — else the test proved nothing
    for (const [name, t] of Object.entries(tally)) expect(t.refused, name).toBeGreaterThan(0);
    for (const name of ['promote', 'rollback', 'setAlias', 'deleteAlias']) {
      expect(tally[name]!.succeededFull, name).toBeGreaterThan(0);
    }
    // once there is room again, the next write appends what was pending: the file agrees too
    await reg.setAlias('m', 'shadow', 2, 'room again');
    const { champion, raw } = await consistent(reg, base);
    expect(championFromAudit(raw.entries)).toBe(champion);
    expect((await reg.readAudit('m')).recovered).toEqual([]);
  });

  it('a promote whose audit append fails says so: promoted, auditPending, entry still readable', async () => {
    const base = join(root, 'pending');
    const reg = await openRegistry(base);
    await reg.register('m', model);
    await reg.register('m', model);
    await reg.promote('m', 1);
    setIoHook((step) => {
      if (step === 'append') throw enospc();
    });
    const res = await reg.promote('m', 2).finally(() => setIoHook(null));
    expect(res).toMatchObject({ promoted: true, from: 1, to: 2, auditPending: true });
    const raw = parseAuditLog(readFileSync(join(base, 'models/m/audit.log'), 'utf8'));
    expect(championFromAudit(raw.entries)).toBe(1); // not in the file yet …
    const read = await reg.readAudit('m');
    expect(read.recovered.map((e) => [e.action, e.from, e.to])).toEqual([['promote', 1, 2]]);
    expect(championFromAudit(read.entries)).toBe(2); // … but never lost
    await reg.rollback('m');
    const after = parseAuditLog(readFileSync(join(base, 'models/m/audit.log'), 'utf8'));
    expect(after.entries.slice(-2).map((e) => [e.action, e.from, e.to])).toEqual([
      ['promote', 1, 2],
      ['rollback', 2, 1],
    ]);
  });
});

describe('a torn audit log tail', () => {
  it('the next entry starts on a fresh line; the reader skips and reports the fragment', async () => {
    const base = join(root, 'torn');
    const reg = await openRegistry(base);
    await reg.register('m', model);
    await reg.register('m', model);
    const log = join(base, 'models/m/audit.log');
    const fd = openSync(log, 'a');
    writeSync(fd, '{"at":"2026-11-25T10:00:00.000Z","who":"x","act');
    closeSync(fd);
    await reg.promote('m', 2);
    const read = await reg.readAudit('m');
    expect(read.skipped).toHaveLength(1);
    expect(read.skipped[0]).toMatchObject({ line: 3 });
    expect(read.skipped[0]!.reason).toMatch(/^torn line \(47 bytes\)/);
    expect(read.entries.map((e) => e.action)).toEqual(['register', 'register', 'promote']);
    expect(championFromAudit(read.entries)).toBe(2);
  });
});

/** A real small tmpfs (needs root and mount); skipped where it cannot be mounted. */
function mountTmpfs(dir: string, size: string): boolean {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return false;
  try {
    mkdirSync(dir, { recursive: true });
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const tmpfs = join(root, 'tmpfs');
const mounted = mountTmpfs(tmpfs, '1m');
afterAll(() => {
  if (mounted) execFileSync('umount', [tmpfs]);
});

describe.skipIf(!mounted)('a real full disk (a 1 MiB tmpfs)', () => {
  it('at every amount of room left, each call is refused with nothing changed or done and told', async () => {
    const base = join(tmpfs, 'reg');
    const reg = await openRegistry(base, { actor: 'tester' });
    for (let i = 0; i < 3; i++)
      await reg.register('m', model, { metrics: { newTaskAccuracy: 0.9 } });
    await reg.promote('m', 1);
    // fill the disk, then give back one page at a time
    const filler = join(tmpfs, 'filler');
    const fd = openSync(filler, 'w');
    const page = Buffer.alloc(4096, 1);
    let size = 0;
    try {
      for (;;) size += writeSync(fd, page);
    } catch (e) {
      expect((e as { code?: string }).code).toBe('ENOSPC');
    }
    let refused = 0;
    let done = 0;
    for (let freed = 0; freed <= 12; freed++) {
      truncateSync(filler, Math.max(0, size - freed * 4096));
      for (const [, op, prepare] of operations) {
        await prepare(reg).catch(() => undefined);
        const before = await observable(reg);
        try {
          await op(reg);
          done += 1;
        } catch (e) {
          const code = (e as { code?: string }).code;
          // refusals of the state (no previous champion …) are not what this test is about
          if (code === 'RVFT_ERR_REGISTRY_CONFLICT' || code === 'RVFT_ERR_NOT_FOUND') continue;
          expect(code, String(e)).toBe('RVFT_ERR_NO_SPACE');
          expect(await observable(reg)).toEqual(before);
          refused += 1;
        }
        const champion = (await reg.aliasState('m')).aliases['champion'] ?? null;
        const read = await reg.readAudit('m');
        expect(championFromAudit(read.entries)).toBe(champion);
        for (const v of await reg.versions('m')) await reg.verify('m', v);
      }
    }
    closeSync(fd);
    expect(refused).toBeGreaterThan(0);
    expect(done).toBeGreaterThan(0);
  });
});
