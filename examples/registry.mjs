// Register → promote through the gate → rollback.
// Run after `pnpm install && pnpm build`:  node examples/registry.mjs
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { distributionShiftScenario } from '@rvft/data';
import { createMlp, useBestBackend } from '@rvft/model';
import { fingerprintDataset, openRegistry } from '@rvft/registry';
import { evaluate, fineTune, trainFromScratch } from '@rvft/strategies';

await useBestBackend();
const data = distributionShiftScenario({ seed: 42 });
const registry = await openRegistry(join(mkdtempSync(join(tmpdir(), 'rvft-')), 'registry'));

// v1: the champion, trained on the original distribution
const model = createMlp({ inputDim: 20, hiddenDims: [128, 64], outputDim: 2, seed: 42 });
await trainFromScratch(model, data.originalTrain);
const metrics = () => ({
  newTaskAccuracy: evaluate(model, data.shiftedTest).accuracy,
  oldTaskAccuracy: evaluate(model, data.originalTest).accuracy,
});
const v1 = await registry.register('churn', model, {
  metrics: metrics(),
  lineage: {
    strategy: 'train_from_scratch',
    dataFingerprint: fingerprintDataset(data.originalTrain),
  },
});
await registry.promote('churn', v1);

// v2: head-only fine-tuning on the shifted window
const run = await fineTune(model, data.shiftedTrain);
const v2 = await registry.register('churn', model, {
  metrics: metrics(),
  lineage: {
    parentVersion: v1,
    strategy: run.strategy,
    mode: run.mode,
    hyperParameters: { epochs: run.epochs },
  },
});
const gated = await registry.promote('churn', v2);
console.log(`v${v2}: ${JSON.stringify(metrics())}`);
console.log(gated.promoted ? `promoted v${v2}` : `refused v${v2}: ${gated.gate.failed.join(', ')}`);
// The shifted distribution replaced the old one: accept the forgetting explicitly.
const accepted = await registry.promote('churn', v2, {
  gate: { maxForgetting: 1 },
  why: 'old distribution retired',
});
console.log(`with the forgetting gate relaxed: promoted=${accepted.promoted}`);
console.log(await registry.rollback('churn', 'demo rollback'));
for (const e of await registry.auditLog('churn'))
  console.log(`${e.action.padEnd(16)} ${e.from ?? '-'} → ${e.to ?? '-'}  ${e.why}`);
model.dispose();
