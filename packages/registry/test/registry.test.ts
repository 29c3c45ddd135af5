import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newDataScenario } from '@rvft/data';
import { createMlp } from '@rvft/model';
import { describe, expect, it } from 'vitest';
import { fingerprintDataset, openRegistry, RegistryError } from '../src/index';

const root = mkdtempSync(join(tmpdir(), 'rvft-registry-'));
const mlp = (seed: number, outputDim = 2) =>
  createMlp({ inputDim: 8, hiddenDims: [16], outputDim, seed });

describe('register and load', () => {
  it('versions count up per name; a loaded version is bit-identical', async () => {
    const reg = await openRegistry(join(root, 'basic'));
    const a = mlp(1);
    const b = mlp(2);
    expect(
      await reg.register('churn', a, { metrics: { accuracy: 0.9 }, tags: { team: 'ml' } }),
    ).toBe(1);
    expect(
      await reg.register('churn', b, {
        lineage: {
          parentVersion: 1,
          strategy: 'fine_tune_head_only',
          mode: 'head_only',
          hyperParameters: { epochs: 10, learningRate: 0.01 },
        },
      }),
    ).toBe(2);
    expect(await reg.register('fraud', a)).toBe(1);
    const loaded = await reg.load('churn', { version: 1 });
    expect(loaded.snapshot()).toEqual(a.snapshot());
    const meta = await reg.meta('churn', 2);
    expect(meta).toMatchObject({
      name: 'churn',
      version: 2,
      inputDim: 8,
      outputDim: 2,
      params: 8 * 16 + 16 + 32 + 16 * 2 + 2,
      lineage: { parentVersion: 1, strategy: 'fine_tune_head_only' },
    });
    expect(meta.files['weights.bin']).toMatch(/^[0-9a-f]{64}$/);
    expect(await reg.list()).toEqual([
      { name: 'churn', versions: 2, latest: 2, aliases: {} },
      { name: 'fraud', versions: 1, latest: 1, aliases: {} },
    ]);
    for (const m of [a, b, loaded]) m.dispose();
  });

  it('refuses a parent version that does not exist and bad options', async () => {
    const reg = await openRegistry(join(root, 'lineage'));
    const m = mlp(1);
    await expect(reg.register('x', m, { lineage: { parentVersion: 4 } })).rejects.toThrow(
      /lineage.parentVersion: version 4 of 'x' does not exist/,
    );
    await expect(reg.register('x', m, { metrics: { acc: 'high' as never } })).rejects.toThrow(
      /register options: metrics.acc/,
    );
    m.dispose();
  });

  it('keeps a data schema with a version and refuses a malformed one by field', async () => {
    const reg = await openRegistry(join(root, 'schema'));
    const m = mlp(1, 3);
    const dataSchema = {
      labelColumn: 'species',
      featureNames: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'],
      classNames: ['setosa', 'versicolor', 'virginica'],
    };
    const v = await reg.register('iris', m, { dataSchema });
    expect((await reg.meta('iris', v)).dataSchema).toEqual(dataSchema);
    expect((await reg.meta('iris', await reg.register('iris', m))).dataSchema).toBeUndefined();
    await expect(
      reg.register('iris', m, { dataSchema: { ...dataSchema, featureNames: [] } }),
    ).rejects.toThrow(/dataSchema.featureNames: must name at least one feature/);
    expect(await reg.versions('iris')).toEqual([1, 2]);
    m.dispose();
  });

  it('names and aliases cannot escape the registry', async () => {
    const reg = await openRegistry(join(root, 'names'));
    const m = mlp(1);
    for (const bad of ['../evil', 'a/b', 'a\\b', '..', '', 'x'.repeat(129), '.hidden']) {
      await expect(reg.register(bad, m)).rejects.toThrow(RegistryError);
    }
    await expect(reg.register('../evil', m)).rejects.toThrow(/^name: /);
    await reg.register('ok', m);
    await expect(reg.setAlias('ok', '../x', 1)).rejects.toThrow(/^alias: /);
    await expect(reg.setAlias('ok', 'champion', 9)).rejects.toThrow(/has no version 9/);
    m.dispose();
  });

  it('a corrupted version names the file; other versions stay loadable', async () => {
    const dir = join(root, 'corrupt');
    const reg = await openRegistry(dir);
    const m = mlp(1);
    await reg.register('m', m);
    await reg.register('m', m);
    const weights = join(dir, 'models', 'm', 'versions', '1', 'weights.bin');
    const bytes = readFileSync(weights);
    bytes[10] = bytes[10]! ^ 0xff;
    writeFileSync(weights, bytes);
    await expect(reg.load('m', { version: 1 })).rejects.toThrow(`${weights} is corrupted: sha256`);
    writeFileSync(weights, bytes.subarray(0, 20));
    // truncated: refused on its recorded size, before a byte is hashed
    await expect(reg.load('m', { version: 1 })).rejects.toThrow(
      /weights.bin is 20 bytes, meta.json records \d+/,
    );
    const ok = await reg.load('m', { version: 2 });
    expect(ok.snapshot()).toEqual(m.snapshot());
    ok.dispose();
    m.dispose();
  });

  it('a registry written by a newer format is refused', async () => {
    const dir = join(root, 'newer');
    mkdirSync(dir);
    writeFileSync(join(dir, 'registry.json'), JSON.stringify({ formatVersion: 7 }));
    await expect(openRegistry(dir)).rejects.toThrow(
      /written by a newer rvft registry \(format 7; .* reads up to 1\): upgrade @rvft\/registry/,
    );
  });
});

describe('aliases, promotion and rollback', () => {
  it('the first champion needs no gate; later ones pass it or are refused with every failed gate', async () => {
    const reg = await openRegistry(join(root, 'promote'), { actor: 'tester' });
    const m = mlp(1);
    const v1 = await reg.register('m', m, {
      metrics: { newTaskAccuracy: 0.9, oldTaskAccuracy: 0.95 },
    });
    const v2 = await reg.register('m', m, {
      metrics: { newTaskAccuracy: 0.95, oldTaskAccuracy: 0.93 },
    });
    const v3 = await reg.register('m', m, {
      metrics: { newTaskAccuracy: 0.8, oldTaskAccuracy: 0.7 },
    });

    expect(await reg.promote('m', v1)).toMatchObject({
      promoted: true,
      from: null,
      to: 1,
      gate: null,
    });
    const ok = await reg.promote('m', v2);
    expect(ok).toMatchObject({ promoted: true, from: 1, to: 2 });
    expect(ok.gate!.passed).toBe(true);
    const refused = await reg.promote('m', v3);
    expect(refused.promoted).toBe(false);
    expect(refused.gate!.failed).toEqual(['new-task-accuracy', 'forgetting']);
    expect((await reg.aliasState('m')).aliases['champion']).toBe(2);
    // measured on today's data, the champion did as badly as v3: the gate compares like with like
    expect(
      (
        await reg.promote('m', v3, {
          championMetrics: { newTaskAccuracy: 0.81, oldTaskAccuracy: 0.72 },
        })
      ).gate!.passed,
    ).toBe(true);
    await reg.rollback('m', 'undo the like-for-like promotion');
    // and both measured afresh: the recorded v3 metrics are not read
    expect(
      (
        await reg.promote('m', v3, {
          championMetrics: { newTaskAccuracy: 0.9, oldTaskAccuracy: 0.9 },
          challengerMetrics: { newTaskAccuracy: 0.91, oldTaskAccuracy: 0.84 },
        })
      ).gate!.failed,
    ).toEqual(['forgetting']);
    // a looser gate lets it through
    expect(
      (await reg.promote('m', v3, { gate: { maxNewTaskAccuracyDrop: 0.2, maxForgetting: 0.3 } }))
        .promoted,
    ).toBe(true);

    expect(await reg.rollback('m', 'bad in production')).toEqual({ from: 3, to: 2 });
    expect(await reg.rollback('m')).toEqual({ from: 2, to: 1 });
    await expect(reg.rollback('m')).rejects.toThrow(/no previous champion/);

    await reg.setAlias('m', 'challenger', v3);
    const champion = await reg.load('m', { alias: 'champion' });
    expect(champion.snapshot()).toEqual(m.snapshot());
    await expect(reg.load('m', { alias: 'shadow' })).rejects.toThrow(/has no alias 'shadow'/);

    const log = await reg.auditLog('m');
    expect(log.map((e) => e.action)).toEqual([
      'register',
      'register',
      'register',
      'promote',
      'promote',
      'promote-refused',
      'promote',
      'rollback',
      'promote-refused',
      'promote',
      'rollback',
      'rollback',
      'set-alias',
    ]);
    expect(log[5]).toMatchObject({
      who: 'tester',
      from: 2,
      to: 3,
      failedGates: ['new-task-accuracy', 'forgetting'],
    });
    expect(log[10]).toMatchObject({ action: 'rollback', from: 3, to: 2, why: 'bad in production' });
    const history = await reg.history('m');
    expect(history.map((h) => [h.version, h.aliases])).toEqual([
      [1, ['champion']],
      [2, []],
      [3, ['challenger']],
    ]);
    champion.dispose();
    m.dispose();
  });
});

describe('fingerprintDataset', () => {
  it('is stable for the same data and changes with it', () => {
    const a = newDataScenario({ seed: 1 }).new;
    const b = newDataScenario({ seed: 1 }).new;
    const c = newDataScenario({ seed: 2 }).new;
    expect(fingerprintDataset(a)).toBe(fingerprintDataset(b));
    expect(fingerprintDataset(a)).not.toBe(fingerprintDataset(c));
    expect(fingerprintDataset(a)).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('promotion decided above the registry', () => {
  it('a verdict replaces the recorded-metrics gate; a moved champion refuses it; the training record is kept', async () => {
    const reg = await openRegistry(join(root, 'verdict'));
    const m = mlp(1);
    await reg.register('v', m, {
      training: { steps: 300, epochs: 30, stopped: 'early-stopping', valLosses: [0.5, 0.4] },
    });
    expect((await reg.meta('v', 1)).training).toMatchObject({
      steps: 300,
      stopped: 'early-stopping',
    });
    await reg.promote('v', 1);
    // recorded metrics would pass (none recorded), the caller's verdict says no
    await reg.register('v', m);
    const refused = await reg.promote('v', 2, {
      verdict: { passed: false, failed: ['forgetting'] },
      expectedChampion: 1,
    });
    expect(refused).toMatchObject({ promoted: false, from: 1, to: 2, gate: null });
    const audit = readFileSync(join(root, 'verdict/models/v/audit.log'), 'utf8').trim().split('\n');
    expect(JSON.parse(audit.at(-1) as string)).toMatchObject({
      action: 'promote-refused',
      failedGates: ['forgetting'],
    });
    // measured against v1, but v3 became the champion in between: nothing moves
    await reg.register('v', m);
    await reg.promote('v', 3);
    await expect(
      reg.promote('v', 2, { verdict: { passed: true, failed: [] }, expectedChampion: 1 }),
    ).rejects.toThrow(/measured against v1, but the champion is v3 now/);
    expect((await reg.aliasState('v')).aliases['champion']).toBe(3);
    const ok = await reg.promote('v', 2, {
      verdict: { passed: true, failed: [] },
      expectedChampion: 3,
    });
    expect(ok).toMatchObject({ promoted: true, from: 3, to: 2 });
    await expect(
      reg.register('v', m, { training: { steps: -1, epochs: 1, stopped: 'completed' } }),
    ).rejects.toThrow(/training.steps/);
    m.dispose();
  });
});
