import { randomUUID } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMlp, type TrunkHeadModel } from '@rvft/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRegistry, type Registry, RegistryError } from '../src/index';

const root = mkdtempSync(join(tmpdir(), 'rvft-registry-hk-'));
let model: TrunkHeadModel;
// after test/setup.ts has chosen a backend
beforeAll(() => {
  model = createMlp({ inputDim: 8, hiddenDims: [16], outputDim: 2, seed: 1 });
});
afterAll(() => model.dispose());

/** A registry with `n` versions of `name`. */
async function withVersions(dir: string, name: string, n: number): Promise<Registry> {
  const reg = await openRegistry(join(root, dir), { actor: 'tester' });
  for (let i = 0; i < n; i++) await reg.register(name, model);
  return reg;
}

const versionsDir = (dir: string, name: string) => join(root, dir, 'models', name, 'versions');

describe('deleteVersion', () => {
  let reg: Registry;
  beforeAll(async () => {
    reg = await withVersions('delete', 'm', 3);
    for (const v of [1, 2, 3]) await reg.setAlias('m', 'champion', v);
    await reg.setAlias('m', 'challenger', 2);
    await reg.setAlias('m', 'shadow', 2);
  });

  it('is refused while an alias points at the version, naming every alias', async () => {
    await expect(reg.deleteVersion('m', 2, 'cleanup')).rejects.toThrow(RegistryError);
    await expect(reg.deleteVersion('m', 2, 'cleanup')).rejects.toThrow(
      /v2 is what aliases 'challenger', 'shadow' point at/,
    );
    await expect(reg.deleteVersion('m', 3, 'cleanup')).rejects.toThrow(
      /v3 is what alias 'champion' points at/,
    );
    await expect(reg.deleteVersion('m', 9, 'cleanup')).rejects.toThrow(/has no version 9/);
    await expect(reg.deleteVersion('m', 1, '')).rejects.toThrow(/^why: must not be empty/);
    expect(await reg.versions('m')).toEqual([1, 2, 3]);
    expect((await reg.auditLog('m')).some((e) => e.action === 'delete')).toBe(false);
  });

  it('once no alias points at it: audited, no longer listed or loadable, skipped by rollback', async () => {
    await reg.deleteAlias('m', 'challenger', 'challenge over');
    await reg.deleteAlias('m', 'shadow', 'shadow over');
    await reg.deleteVersion('m', 2, 'superseded', { who: 'alice' });

    expect(await reg.versions('m')).toEqual([1, 3]);
    expect((await reg.history('m')).map((h) => h.version)).toEqual([1, 3]);
    expect((await reg.list()).find((s) => s.name === 'm')).toMatchObject({ versions: 2 });
    await expect(reg.load('m', { version: 2 })).rejects.toThrow(/has no version 2/);
    await expect(reg.meta('m', 2)).rejects.toThrow(/has no version 2/);
    expect(readdirSync(versionsDir('delete', 'm')).filter((e) => e.startsWith('.trash'))).toEqual(
      [],
    );

    expect((await reg.auditLog('m')).at(-1)).toMatchObject({
      action: 'delete',
      from: 2,
      to: null,
      who: 'alice',
      why: 'superseded',
    });
    expect((await reg.aliasState('m')).championHistory).toEqual([1, 3]);
    expect(await reg.rollback('m')).toEqual({ from: 3, to: 1 });
  });

  it('never gives a deleted number again', async () => {
    const r = await withVersions('delete-reuse', 'm', 2);
    await r.deleteVersion('m', 2, 'bad run');
    expect(await r.versions('m')).toEqual([1]);
    expect(await r.register('m', model)).toBe(3);
  });

  it('merges the neighbours its removal leaves equal in the champion history', async () => {
    const r = await withVersions('delete-merge', 'm', 2);
    for (const v of [1, 2, 1]) await r.setAlias('m', 'champion', v);
    await r.deleteVersion('m', 2, 'retired');
    expect((await r.aliasState('m')).championHistory).toEqual([1]);
    await expect(r.rollback('m')).rejects.toThrow(/no previous champion/);
  });
});

describe('interrupted deletes and gc', () => {
  it('a trash directory left by a killed delete is never listed; gc finishes the delete and removes it', async () => {
    const reg = await withVersions('trash', 'm', 3);
    for (const v of [1, 2, 3]) await reg.setAlias('m', 'champion', v);
    const dir = versionsDir('trash', 'm');
    // killed after the commit point: record written, directory renamed out of sight
    writeFileSync(
      join(dir, '.delete-2.json'),
      JSON.stringify({ version: 2, why: 'retired', who: 'alice', at: '2025-01-01T00:00:00.000Z' }),
    );
    const trash = `.trash-2-${randomUUID()}`;
    renameSync(join(dir, '2'), join(dir, trash));

    expect(await reg.versions('m')).toEqual([1, 3]);
    expect((await reg.list()).find((s) => s.name === 'm')).toMatchObject({ versions: 2 });
    await expect(reg.load('m', { version: 2 })).rejects.toThrow(/has no version 2/);

    const res = await reg.gc({ graceMs: 0 });
    expect(res.finishedDeletes).toEqual([{ name: 'm', version: 2 }]);
    expect(res.removed).toEqual([]); // finishing the delete removed the trash
    expect(existsSync(join(dir, trash))).toBe(false);
    expect((await reg.aliasState('m')).championHistory).toEqual([1, 3]);
    const deletes = (await reg.auditLog('m')).filter((e) => e.action === 'delete');
    expect(deletes).toEqual([
      {
        at: '2025-01-01T00:00:00.000Z',
        who: 'alice',
        action: 'delete',
        from: 2,
        to: null,
        why: 'retired',
        id: expect.any(String),
      },
    ]);
    // a second gc has nothing to do, and the number stays taken
    expect(await reg.gc({ graceMs: 0 })).toEqual({ removed: [], kept: [], finishedDeletes: [] });
    expect(await reg.register('m', model)).toBe(4);
    expect(await reg.versions('m')).toEqual([1, 3, 4]);
  });

  it('a bare trash directory (no record) is finished too; the next write finishes it without gc', async () => {
    const reg = await withVersions('trash-bare', 'm', 2);
    const dir = versionsDir('trash-bare', 'm');
    renameSync(join(dir, '1'), join(dir, `.trash-1-${randomUUID()}`));
    expect(await reg.versions('m')).toEqual([2]);
    await reg.setAlias('m', 'shadow', 2); // any write to the model
    expect(readdirSync(dir).filter((e) => e.startsWith('.trash'))).toEqual([]);
    expect((await reg.auditLog('m')).filter((e) => e.action === 'delete')).toMatchObject([
      { from: 1, who: 'tester' },
    ]);
  });

  it('a delete killed before its commit point deleted nothing', async () => {
    const reg = await withVersions('uncommitted', 'm', 2);
    const dir = versionsDir('uncommitted', 'm');
    const record = JSON.stringify({ version: 2, why: 'x', who: 'y', at: 'z' });
    writeFileSync(join(dir, '.delete-2.json'), record);
    await reg.gc({ graceMs: 0 });
    expect(existsSync(join(dir, '.delete-2.json'))).toBe(false);
    expect(await reg.versions('m')).toEqual([1, 2]);
    expect(await reg.register('m', model)).toBe(3);
    expect((await reg.auditLog('m')).some((e) => e.action === 'delete')).toBe(false);
  });

  it('gc removes a stale .tmp- directory and keeps a fresh one within the grace period; live versions are untouched', async () => {
    const reg = await withVersions('gc', 'm', 2);
    await reg.register('other', model);
    const dir = versionsDir('gc', 'm');
    const stale = `.tmp-${randomUUID()}`;
    const fresh = `.tmp-${randomUUID()}`;
    for (const d of [stale, fresh]) {
      mkdirSync(join(dir, d));
      writeFileSync(join(dir, d, 'weights.bin'), 'half written');
    }
    const staleFile = `.aliases.json.tmp-${randomUUID()}`;
    writeFileSync(join(root, 'gc', 'models', 'm', staleFile), '{');
    const old = new Date(Date.now() - 10 * 60_000);
    utimesSync(join(dir, stale), old, old);
    utimesSync(join(root, 'gc', 'models', 'm', staleFile), old, old);

    const res = await reg.gc();
    expect(res.removed.sort()).toEqual(
      [join('models', 'm', 'versions', stale), join('models', 'm', staleFile)].sort(),
    );
    expect(res.kept).toEqual([join('models', 'm', 'versions', fresh)]);
    expect(existsSync(join(dir, stale))).toBe(false);
    expect(existsSync(join(dir, fresh))).toBe(true);
    expect(await reg.versions('m')).toEqual([1, 2]);
    for (const v of [1, 2]) await reg.verify('m', v);
    await reg.verify('other', 1);

    // with no grace the fresh one goes too
    expect((await reg.gc({ graceMs: 0 })).removed).toEqual([
      join('models', 'm', 'versions', fresh),
    ]);
    expect(readdirSync(dir).sort()).toEqual(['1', '2']);
    await expect(reg.gc({ graceMs: -1 })).rejects.toThrow(/^graceMs: must be >= 0/);
  });
});

describe('deleteAlias', () => {
  it('removes an alias, audited; refuses champion and an alias the model lacks', async () => {
    const reg = await withVersions('alias', 'm', 2);
    await reg.setAlias('m', 'champion', 1);
    await reg.setAlias('m', 'challenger', 2);
    await expect(reg.deleteAlias('m', 'champion', 'no')).rejects.toThrow(
      /'champion' cannot be deleted: use rollback or promote/,
    );
    await expect(reg.deleteAlias('m', 'shadow', 'no')).rejects.toThrow(/has no alias 'shadow'/);
    await reg.deleteAlias('m', 'challenger', 'lost the A/B test', { who: 'bob' });
    expect((await reg.aliasState('m')).aliases).toEqual({ champion: 1 });
    expect((await reg.auditLog('m')).at(-1)).toMatchObject({
      action: 'delete-alias',
      alias: 'challenger',
      from: 2,
      to: null,
      who: 'bob',
      why: 'lost the A/B test',
    });
    // the version stays
    (await reg.load('m', { version: 2 })).dispose();
  });
});

describe('review actions', () => {
  it('approve moves the champion to the candidate, drops the candidate alias and audits who and why', async () => {
    const reg = await withVersions('approve', 'm', 3);
    await reg.promote('m', 1);
    await reg.setAlias('m', 'candidate', 2);

    await expect(reg.approve('m', 3, { why: 'x' })).rejects.toThrow(
      /approve: 'm' v3 is not the candidate \(the 'candidate' alias points at v2\)/,
    );
    await expect(reg.approve('m', 2, { why: 'x', expectedChampion: 3 })).rejects.toThrow(
      /reviewed against v3, but the champion is v1 now/,
    );
    expect((await reg.aliasState('m')).aliases).toEqual({ champion: 1, candidate: 2 });

    expect(
      await reg.approve('m', 2, { who: 'alice', why: 'card reviewed', expectedChampion: 1 }),
    ).toEqual({ from: 1, to: 2 });
    const state = await reg.aliasState('m');
    expect(state.aliases).toEqual({ champion: 2 });
    expect(state.championHistory).toEqual([1, 2]);
    expect((await reg.auditLog('m')).at(-1)).toMatchObject({
      action: 'approve',
      alias: 'champion',
      from: 1,
      to: 2,
      who: 'alice',
      why: 'card reviewed',
    });
    // no candidate any more
    await expect(reg.approve('m', 2, { why: 'again' })).rejects.toThrow(
      /v2 is not the candidate \('m' has no 'candidate' alias\)/,
    );
    expect(await reg.rollback('m')).toEqual({ from: 2, to: 1 });
  });

  it('reject drops the candidate alias; the version stays registered and loadable', async () => {
    const reg = await withVersions('reject', 'm', 2);
    await reg.promote('m', 1);
    await reg.setAlias('m', 'candidate', 2);
    await expect(reg.reject('m', 1, { why: 'x' })).rejects.toThrow(/v1 is not the candidate/);
    await reg.reject('m', 2, { who: 'carol', why: 'forgets the old classes' });
    expect((await reg.aliasState('m')).aliases).toEqual({ champion: 1 });
    expect(await reg.versions('m')).toEqual([1, 2]);
    const loaded = await reg.load('m', { version: 2 });
    expect(loaded.snapshot()).toEqual(model.snapshot());
    loaded.dispose();
    expect((await reg.auditLog('m')).at(-1)).toMatchObject({
      action: 'reject',
      alias: 'candidate',
      from: 2,
      who: 'carol',
      why: 'forgets the old classes',
    });
    await expect(reg.reject('m', 2, { why: 'again' })).rejects.toThrow(/has no 'candidate' alias/);
  });

  it('who is the caller’s when given, the registry actor otherwise, and validated', async () => {
    const reg = await withVersions('who', 'm', 2);
    await reg.promote('m', 1, { who: 'ci-bot' });
    await reg.setAlias('m', 'challenger', 2);
    await reg.setAlias('m', 'shadow', 2, 'mirror traffic', { who: 'dave' });
    await reg.setAlias('m', 'champion', 2);
    await reg.rollback('m', 'bad in production', { who: 'erin' });
    await reg.register('m', model, { who: 'trainer' });
    await reg.deleteAlias('m', 'shadow', 'done', { who: 'frank' });
    await reg.deleteVersion('m', 3, 'unused');
    expect((await reg.auditLog('m')).map((e) => [e.action, e.who])).toEqual([
      ['register', 'tester'],
      ['register', 'tester'],
      ['promote', 'ci-bot'],
      ['set-alias', 'tester'],
      ['set-alias', 'dave'],
      ['set-alias', 'tester'],
      ['rollback', 'erin'],
      ['register', 'trainer'],
      ['delete-alias', 'frank'],
      ['delete', 'tester'],
    ]);
    await expect(reg.setAlias('m', 'x', 1, 'y', { who: '' })).rejects.toThrow(
      /^who: must not be empty/,
    );
  });
});

describe('model cards', () => {
  const card = {
    json: { model: 'churn', metrics: { accuracy: 0.93 }, classes: ['stay', 'leave'], note: null },
    markdown: '# churn v1\n\nAccuracy **0.93** on 2 000 rows — ünïcödé ✓\n',
  };

  it('round-trips beside the artifacts, covered by the sha256 files map', async () => {
    const reg = await openRegistry(join(root, 'card'));
    const v = await reg.register('m', model, { card });
    const noCard = await reg.register('m', model);
    const got = await reg.card('m', v);
    expect(got).toEqual(card);
    expect(got!.markdown).toBe(card.markdown);
    expect(await reg.card('m', noCard)).toBeUndefined();
    const meta = await reg.meta('m', v);
    expect(Object.keys(meta.files).sort()).toEqual([
      'card.json',
      'card.md',
      'model.json',
      'weights.bin',
    ]);
    expect(Object.keys((await reg.meta('m', noCard)).files).sort()).toEqual([
      'model.json',
      'weights.bin',
    ]);
  });

  it('a tampered card fails verification', async () => {
    const dir = join(root, 'card-tamper');
    const reg = await openRegistry(dir);
    const v = await reg.register('m', model, { card });
    const md = join(dir, 'models', 'm', 'versions', String(v), 'card.md');
    writeFileSync(md, readFileSync(md, 'utf8').replace('0.93', '0.99'));
    await expect(reg.card('m', v)).rejects.toThrow(`${md} is corrupted: sha256`);
    await expect(reg.verify('m', v)).rejects.toThrow(/card.md is corrupted/);
    await expect(reg.load('m', { version: v })).rejects.toThrow(/card.md is corrupted/);
  });

  it('a card over 1 MiB is refused and nothing is written', async () => {
    const dir = join(root, 'card-big');
    const reg = await openRegistry(dir);
    await reg.register('m', model);
    const big = { json: { ok: true }, markdown: 'x'.repeat(2 * 1024 * 1024) };
    await expect(reg.register('m', model, { card: big })).rejects.toThrow(
      /card: \d+ bytes \(card.json \d+ \+ card.md 2097152\) is over the 1048576-byte \(1 MiB\) limit/,
    );
    await expect(
      reg.register('m', model, {
        card: { json: { blob: 'y'.repeat(2 * 1024 * 1024) }, markdown: '' },
      }),
    ).rejects.toThrow(/is over the 1048576-byte/);
    await expect(
      reg.register('m', model, { card: { json: [] as never, markdown: '' } }),
    ).rejects.toThrow(/register options: card.json/);
    expect(await reg.versions('m')).toEqual([1]);
    expect(readdirSync(join(dir, 'models', 'm', 'versions'))).toEqual(['1']);
  });
});
