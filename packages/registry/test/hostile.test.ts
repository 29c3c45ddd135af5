import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMlp, type TrunkHeadModel } from '@rvft/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRegistry, type Registry, RegistryError } from '../src/index';

const root = mkdtempSync(join(tmpdir(), 'rvft-registry-hostile-'));
let model: TrunkHeadModel;
beforeAll(() => {
  model = createMlp({ inputDim: 8, hiddenDims: [16], outputDim: 2, seed: 1 });
});
afterAll(() => model.dispose());

/** A registry with model `m` at `n` versions, v1 the champion. */
async function fresh(dir: string, n = 2): Promise<{ reg: Registry; base: string }> {
  const base = join(root, dir);
  const reg = await openRegistry(base, { actor: 'tester' });
  for (let i = 0; i < n; i++) await reg.register('m', model, { metrics: { newTaskAccuracy: 0.9 } });
  await reg.promote('m', 1);
  return { reg, base };
}

/** The code of what a promise rejects with. */
async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return (e as { code: string }).code;
  }
  return 'resolved';
}

const outside = () => mkdtempSync(join(tmpdir(), 'rvft-outside-'));

describe('symlinks are refused at every level (RVFT_ERR_PATH_UNSAFE)', () => {
  it('a symlinked audit.log gets nothing appended, and nothing moves', async () => {
    const { reg, base } = await fresh('link-audit');
    const victim = join(outside(), 'victim.txt');
    writeFileSync(victim, 'precious\n');
    const log = join(base, 'models/m/audit.log');
    rmSync(log);
    symlinkSync(victim, log);
    await expect(reg.promote('m', 2)).rejects.toThrow(/audit.log is a symlink/);
    await expect(reg.promote('m', 2)).rejects.toThrow(RegistryError);
    expect(await codeOf(reg.promote('m', 2))).toBe('RVFT_ERR_PATH_UNSAFE');
    expect(await codeOf(reg.register('m', model))).toBe('RVFT_ERR_PATH_UNSAFE');
    expect(await codeOf(reg.auditLog('m'))).toBe('RVFT_ERR_PATH_UNSAFE');
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
    expect((await reg.aliasState('m')).aliases['champion']).toBe(1);
    expect(await reg.versions('m')).toEqual([1, 2]);
  });

  it('a symlinked model directory receives no version; list marks it and goes on', async () => {
    const { reg, base } = await fresh('link-model');
    const elsewhere = outside();
    symlinkSync(elsewhere, join(base, 'models/evil'));
    expect(await codeOf(reg.register('evil', model))).toBe('RVFT_ERR_PATH_UNSAFE');
    expect(existsSync(join(elsewhere, 'versions'))).toBe(false);
    const list = await reg.list();
    expect(list.map((s) => [s.name, s.error?.code])).toEqual([
      ['evil', 'RVFT_ERR_PATH_UNSAFE'],
      ['m', undefined],
    ]);
    expect(list[1]).toMatchObject({ versions: 2, aliases: { champion: 1 } });
  });

  it('a symlinked versions directory is refused', async () => {
    const { reg, base } = await fresh('link-versions');
    const elsewhere = outside();
    renameSync(join(base, 'models/m/versions'), join(elsewhere, 'versions'));
    symlinkSync(join(elsewhere, 'versions'), join(base, 'models/m/versions'));
    expect(await codeOf(reg.versions('m'))).toBe('RVFT_ERR_PATH_UNSAFE');
    expect(await codeOf(reg.load('m', { version: 1 }))).toBe('RVFT_ERR_PATH_UNSAFE');
    expect(await codeOf(reg.register('m', model))).toBe('RVFT_ERR_PATH_UNSAFE');
  });

  it('a symlinked version directory is not listed, not loaded, and its number not reused', async () => {
    const { reg, base } = await fresh('link-version');
    // a complete, valid version — but outside the registry
    const elsewhere = join(outside(), '3');
    cpSync(join(base, 'models/m/versions/2'), elsewhere, { recursive: true });
    const meta = JSON.parse(readFileSync(join(elsewhere, 'meta.json'), 'utf8'));
    writeFileSync(join(elsewhere, 'meta.json'), JSON.stringify({ ...meta, version: 3 }));
    symlinkSync(elsewhere, join(base, 'models/m/versions/3'));
    expect(await reg.versions('m')).toEqual([1, 2]);
    await expect(reg.load('m', { version: 3 })).rejects.toThrow(/versions\/3 is a symlink/);
    expect(await codeOf(reg.setAlias('m', 'shadow', 3))).toBe('RVFT_ERR_PATH_UNSAFE');
    expect(await reg.register('m', model)).toBe(4);
  });

  it('a symlinked file inside a version, aliases.json, registry.json or models/ is refused', async () => {
    const { reg, base } = await fresh('link-files');
    const v1 = join(base, 'models/m/versions/1');
    const copy = join(outside(), 'weights.bin');
    cpSync(join(v1, 'weights.bin'), copy);
    rmSync(join(v1, 'weights.bin'));
    symlinkSync(copy, join(v1, 'weights.bin'));
    await expect(reg.load('m', { version: 1 })).rejects.toThrow(/weights.bin is a symlink/);
    expect(await codeOf(reg.verify('m', 1))).toBe('RVFT_ERR_PATH_UNSAFE');

    const aliases = join(base, 'models/m/aliases.json');
    const aliasCopy = join(outside(), 'aliases.json');
    cpSync(aliases, aliasCopy);
    rmSync(aliases);
    symlinkSync(aliasCopy, aliases);
    expect(await codeOf(reg.aliasState('m'))).toBe('RVFT_ERR_PATH_UNSAFE');
    expect(await codeOf(reg.setAlias('m', 'shadow', 2))).toBe('RVFT_ERR_PATH_UNSAFE');

    const other = join(root, 'link-root');
    mkdirSync(join(other, 'models'), { recursive: true });
    const info = join(outside(), 'registry.json');
    writeFileSync(info, JSON.stringify({ formatVersion: 1 }));
    symlinkSync(info, join(other, 'registry.json'));
    expect(await codeOf(openRegistry(other))).toBe('RVFT_ERR_PATH_UNSAFE');

    symlinkSync(outside(), join(base, 'models/m.lock'));
    await expect(reg.register('m', model)).rejects.toThrow(/m.lock is a symlink/);

    const third = join(root, 'link-models');
    mkdirSync(third);
    symlinkSync(outside(), join(third, 'models'));
    const reg3 = await openRegistry(third);
    expect(await codeOf(reg3.register('m', model))).toBe('RVFT_ERR_PATH_UNSAFE');
    expect(await codeOf(reg3.list())).toBe('RVFT_ERR_PATH_UNSAFE');
  });
});

describe('meta.json does not choose what verify() checks (RVFT_ERR_MODEL_CORRUPT)', () => {
  let reg: Registry;
  let v1: string;
  let meta: Record<string, unknown> & { files: Record<string, string> };
  beforeAll(async () => {
    const f = await fresh('meta', 2);
    reg = f.reg;
    v1 = join(f.base, 'models/m/versions/1');
    meta = JSON.parse(readFileSync(join(v1, 'meta.json'), 'utf8'));
  });
  const writeMeta = (m: object) => writeFileSync(join(v1, 'meta.json'), JSON.stringify(m));
  const flipWeights = () => {
    const bytes = readFileSync(join(v1, 'weights.bin'));
    bytes[10] = bytes[10]! ^ 0xff;
    writeFileSync(join(v1, 'weights.bin'), bytes);
  };
  const sha = 'a'.repeat(64);

  it('an empty files map does not load a bit-flipped model unchecked', async () => {
    flipWeights();
    writeMeta({ ...meta, files: {}, sizes: {} });
    await expect(reg.load('m', { version: 1 })).rejects.toThrow(
      /meta.json has a bad field "files": it must list exactly "model.json", "weights.bin" .*got none/,
    );
    expect(await codeOf(reg.verify('m', 1))).toBe('RVFT_ERR_MODEL_CORRUPT');
    await expect(reg.verify('m', 1)).rejects.toThrow(RegistryError);
    flipWeights(); // back to the original bytes
    writeMeta(meta);
    (await reg.load('m', { version: 1 })).dispose();
  });

  it('a ../ key or /dev/zero key is refused before anything is read', async () => {
    for (const key of ['../../../../etc/passwd', '/dev/zero', 'weights.bin/../x']) {
      writeMeta({ ...meta, files: { ...meta.files, [key]: sha } });
      await expect(reg.verify('m', 1)).rejects.toThrow(/has a bad field "files"/);
    }
    writeMeta(meta);
  });

  it('a FIFO or a device in place of an artifact is refused without reading it', async () => {
    const w = join(v1, 'weights.bin');
    const saved = readFileSync(w);
    rmSync(w);
    execFileSync('mkfifo', [w]);
    await expect(reg.verify('m', 1)).rejects.toThrow(/weights.bin is not a regular file/);
    rmSync(w);
    writeFileSync(w, saved);
    (await reg.load('m', { version: 1 })).dispose();
  });

  it('sizes are checked before hashing; a file meta.json does not cover is refused', async () => {
    const sizes = meta['sizes'] as Record<string, number>;
    writeMeta({ ...meta, sizes: { ...sizes, 'weights.bin': 16 } });
    await expect(reg.verify('m', 1)).rejects.toThrow(
      /weights.bin is over the 16-byte limit|weights.bin is \d+ bytes, over the 16-byte limit/,
    );
    writeMeta(meta);
    writeFileSync(join(v1, 'card.md'), '# not covered');
    await expect(reg.verify('m', 1)).rejects.toThrow(
      /holds "card.md", which meta.json's "files" does not cover/,
    );
    rmSync(join(v1, 'card.md'));
    await reg.verify('m', 1);
  });

  it('a meta.json naming another version is corrupt (RVFT_ERR_REGISTRY_CORRUPT)', async () => {
    writeMeta({ ...meta, version: 2 });
    await expect(reg.meta('m', 1)).rejects.toThrow(
      /meta.json says it is 'm' v2, but it is in the directory of 'm' v1/,
    );
    expect(await codeOf(reg.meta('m', 1))).toBe('RVFT_ERR_REGISTRY_CORRUPT');
    writeMeta(meta);
  });
});

describe('small ones', () => {
  it('a truncated aliases.json names the file; list goes on and marks the model', async () => {
    const { reg, base } = await fresh('torn-aliases');
    await reg.register('other', model);
    const file = join(base, 'models/m/aliases.json');
    writeFileSync(file, readFileSync(file, 'utf8').slice(0, 30));
    await expect(reg.aliasState('m')).rejects.toThrow(
      `${file} is not valid JSON (torn or truncated?)`,
    );
    expect(await codeOf(reg.load('m', { alias: 'champion' }))).toBe('RVFT_ERR_REGISTRY_CORRUPT');
    const list = await reg.list();
    expect(list.map((s) => [s.name, s.versions, s.error?.code])).toEqual([
      ['m', 2, 'RVFT_ERR_REGISTRY_CORRUPT'],
      ['other', 1, undefined],
    ]);
  });

  it('an alias named constructor is an alias like any other, not Object', async () => {
    const { reg } = await fresh('proto');
    await expect(reg.resolve('m', { alias: 'constructor' })).rejects.toThrow(
      /has no alias 'constructor'/,
    );
    expect(await codeOf(reg.resolve('m', { alias: 'constructor' }))).toBe('RVFT_ERR_NOT_FOUND');
    expect(await codeOf(reg.deleteAlias('m', 'constructor', 'x'))).toBe('RVFT_ERR_NOT_FOUND');
    await reg.setAlias('m', 'constructor', 2);
    expect(await reg.resolve('m', { alias: 'constructor' })).toBe(2);
  });

  it('reading a registry that does not exist creates nothing', async () => {
    const typo = join(root, 'no-such-registry');
    const reg = await openRegistry(typo);
    await expect(reg.list()).rejects.toThrow(`no registry at ${typo}`);
    expect(await codeOf(reg.list())).toBe('RVFT_ERR_NOT_FOUND');
    expect(await reg.versions('m')).toEqual([]);
    expect(await reg.auditLog('m')).toEqual([]);
    expect(await codeOf(reg.load('m', { alias: 'champion' }))).toBe('RVFT_ERR_NOT_FOUND');
    expect(existsSync(typo)).toBe(false);
  });

  it('promoting the champion again is refused (conflict); rollback never steps v2 → v2', async () => {
    const { reg } = await fresh('again', 2);
    await reg.promote('m', 2);
    const before = (await reg.auditLog('m')).length;
    await expect(reg.promote('m', 2)).rejects.toThrow(/v2 already is the champion/);
    expect(await codeOf(reg.promote('m', 2))).toBe('RVFT_ERR_REGISTRY_CONFLICT');
    // setting the alias to where it points records the call but adds no history step
    await reg.setAlias('m', 'champion', 2);
    expect((await reg.auditLog('m')).length).toBe(before + 1);
    expect((await reg.aliasState('m')).championHistory).toEqual([1, 2]);
    expect(await reg.rollback('m')).toEqual({ from: 2, to: 1 });
    expect(await codeOf(reg.rollback('m'))).toBe('RVFT_ERR_REGISTRY_CONFLICT');
  });

  it('every RegistryError carries the code for what went wrong', async () => {
    const { reg } = await fresh('codes', 2);
    await reg.setAlias('m', 'challenger', 2);
    expect(await codeOf(reg.load('m', { version: 9 }))).toBe('RVFT_ERR_NOT_FOUND');
    expect(await codeOf(reg.meta('nobody', 1))).toBe('RVFT_ERR_NOT_FOUND');
    expect(await codeOf(reg.deleteVersion('m', 2, 'x'))).toBe('RVFT_ERR_REGISTRY_CONFLICT');
    expect(await codeOf(reg.deleteAlias('m', 'champion', 'x'))).toBe('RVFT_ERR_REGISTRY_CONFLICT');
    expect(await codeOf(reg.approve('m', 2, { why: 'x' }))).toBe('RVFT_ERR_REGISTRY_CONFLICT');
    expect(await codeOf(reg.promote('m', 2, { expectedChampion: 2 }))).toBe(
      'RVFT_ERR_REGISTRY_CONFLICT',
    );
    expect(await codeOf(reg.register('../x', model))).toBe('RVFT_ERR_INVALID_ARGUMENT');
    expect(await codeOf(reg.register('m', model, { lineage: { parentVersion: 7 } }))).toBe(
      'RVFT_ERR_NOT_FOUND',
    );
  });
});
