import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newClassScenario } from '@rvft/data';
import { parseProfile } from '@rvft/monitor';
import { openRegistry } from '@rvft/registry';
import { describe, expect, it } from 'vitest';
import { trainChampion, updateChampion } from '../src/index';

describe('updateChampion', () => {
  it('what `rvft update` does, in one call: race, gate, register with lineage, promote', async () => {
    const c = newClassScenario({ seed: 3, nFeatures: 6, nTrainPerClass: 120, classSeparation: 2 });
    const registry = await openRegistry(mkdtempSync(join(tmpdir(), 'rvft-pipeline-')));
    const first = await trainChampion({
      registry,
      name: 'zoo',
      data: c.originalTrain,
      labelColumn: 'y',
      hiddenDims: [32, 16],
      seed: 3,
    });
    // 3 classes × 120 rows, 20 % held out per class: 288 train, 72 test; the temperature is
    // fitted on the validation rows early stopping watched (15 % of each class's 96: 3 × 14)
    expect(first).toMatchObject({ version: 1, promoted: true, rows: { train: 288, test: 72 } });
    expect(first.calibration).toMatchObject({ fitted: true, rows: 42 });
    expect(first.schema).toEqual({
      labelColumn: 'y',
      featureNames: ['x0', 'x1', 'x2', 'x3', 'x4', 'x5'],
      classNames: ['0', '1', '2'],
    });
    const v1 = await registry.meta('zoo', 1);
    expect(v1.metrics['newTaskRows']).toBe(72);
    expect(v1.training?.steps).toBe(first.training.steps);
    expect(first.training.scaler).toBe('refit');

    const report = await updateChampion({
      registry,
      name: 'zoo',
      newData: c.newTrain,
      oldData: c.originalTrain,
      seed: 3,
      policy: { maxForgetting: 0.15 },
    });
    expect(report).toMatchObject({ name: 'zoo', champion: 1, challenger: 2 });
    // new classes with history: the engine's answer, raced on held-out new rows
    expect(report.recommended).toBe('retrain_warm_combined');
    expect(report.race.candidates.length).toBeGreaterThan(1);
    expect(report.race.candidates.find((x) => x.verdict === 'picked')?.strategy).toBe(
      report.race.picked,
    );
    expect(report.strategy).toBe(report.race.picked);
    // the gate's rows are the held-out 20 %: 2 new classes × 24, 3 old × 24; the race's
    // validation rows fit the temperature, so no new training row is set aside for it
    expect(report.rows).toEqual({ newTrain: 192, newTest: 48, oldTrain: 288, oldTest: 72 });
    expect(report.calibration).toMatchObject({ fitted: true, rows: report.race.validationRows });
    expect(report.gate.checks.map((x) => x.name)).toEqual([
      'new-accuracy',
      'forgetting',
      'calibration',
      'per-class-recall',
    ]);
    expect(report.promoted).toBe(report.gate.passed);
    const meta = await registry.meta('zoo', 2);
    expect(meta.lineage).toMatchObject({ parentVersion: 1, strategy: report.strategy });
    expect(meta.lineage.race).toHaveLength(report.race.candidates.length);
    expect(meta.training?.steps).toBe(report.training.steps);
    expect(meta.metrics['newTaskRows']).toBe(48);
    expect(meta.outputDim).toBe(5);
    // the schema grew with the head: one class name per output
    expect(meta.dataSchema?.classNames).toEqual(['0', '1', '2', '3', '4']);
    const champion = (await registry.aliasState('zoo')).aliases['champion'];
    expect(champion).toBe(report.promoted ? 2 : 1);
    // every version's card carries the reference profile `rvft monitor` watches traffic
    // against, fit on its held-out rows
    const p1 = parseProfile((await registry.card('zoo', 1))?.json['profile']);
    expect(p1).toMatchObject({ rows: 72, classNames: ['0', '1', '2'] });
    expect(p1.features.map((f) => f.name)).toEqual(['x0', 'x1', 'x2', 'x3', 'x4', 'x5']);
    expect(p1.accuracy).toBe(v1.metrics['newTaskAccuracy']);
    const p2 = parseProfile((await registry.card('zoo', 2))?.json['profile']);
    expect(p2.rows).toBe(48);
    expect(p2.classNames).toHaveLength(5);
    expect(p2.features[0]?.sample).toHaveLength(48);
  });
});

describe('updateChampion promotes only over the model it measured', () => {
  it('a base that is not the champion is refused before training; a champion moved while training is not replaced', async () => {
    const c = newClassScenario({ seed: 5, nFeatures: 6, nTrainPerClass: 60, classSeparation: 2 });
    const registry = await openRegistry(mkdtempSync(join(tmpdir(), 'rvft-pipeline-cas-')));
    await trainChampion({
      registry,
      name: 'zoo',
      data: c.originalTrain,
      labelColumn: 'y',
      hiddenDims: [16],
      seed: 5,
    });
    // v2: a copy of v1 made champion by hand
    const v1 = await registry.load('zoo', { version: 1 });
    await registry.register('zoo', v1, { metrics: (await registry.meta('zoo', 1)).metrics });
    v1.dispose();
    await registry.setAlias('zoo', 'champion', 2, 'test');

    const stale = updateChampion({ registry, name: 'zoo', version: 1, newData: c.newTrain });
    await expect(stale).rejects.toThrow(/'zoo' v1 is not the champion \(v2 is\)/);
    await expect(
      updateChampion({ registry, name: 'zoo', version: 1, newData: c.newTrain }),
    ).rejects.toMatchObject({ code: 'RVFT_ERR_REGISTRY_CONFLICT', exitCode: 4 });
    expect(await registry.versions('zoo')).toEqual([1, 2]); // nothing trained or registered

    // measured against v2, but v1 becomes the champion while the challenger trains
    // (whatever the gate says: a verdict against the wrong model is refused before it is read)
    const moved = updateChampion({
      registry,
      name: 'zoo',
      newData: c.newTrain,
      oldData: c.originalTrain,
      race: 'off',
      train: { epochs: 2 },
      // the pipeline waits for onDecision: the alias has moved before anything trains
      onDecision: async () => {
        await registry.setAlias('zoo', 'champion', 1, 'moved during the update');
      },
    });
    await expect(moved).rejects.toMatchObject({ code: 'RVFT_ERR_REGISTRY_CONFLICT' });
    await expect(moved).rejects.toThrow(
      /measured against v2, but the champion is v1 now.*registered as v3 and was not promoted/,
    );
    expect((await registry.aliasState('zoo')).aliases['champion']).toBe(1);
    expect(await registry.versions('zoo')).toEqual([1, 2, 3]);
  });
});
