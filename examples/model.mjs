// Scenario B's data and the benchmark's MLP: freeze, expand, snapshot, save, load.
// Run after `pnpm install && pnpm build`:  node examples/model.mjs
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { distributionShiftScenario } from '@rvft/data';
import { createMlp, describeBackend, loadModel, saveModel, useBestBackend } from '@rvft/model';

const backend = await useBestBackend(); // tfjs-node if installed, else wasm, else cpu
const data = distributionShiftScenario({ seed: 42 }); // original / shifted train and test
const model = createMlp({ inputDim: 20, hiddenDims: [128, 64], outputDim: 2, seed: 42 });

console.log(`backend: ${describeBackend(backend)}`);
console.log(`parameters: ${model.countParams()} (head ${model.countParams() - 11_328})`);
model.freezeTrunk();
console.log(`trainable with a frozen trunk: ${model.countParams({ trainableOnly: true })}`);

const snapshot = model.snapshot();
model.expandHead(2); // two new classes; old rows kept exactly
console.log(`outputs after expandHead(2): ${model.outputDim}`);
model.restore(snapshot);

const dir = join(mkdtempSync(join(tmpdir(), 'rvft-')), 'champion');
await saveModel(model, dir);
const loaded = await loadModel(dir);
const p = loaded.probabilities(data.shiftedTest);
console.log(`saved to ${dir}; reloaded model gives ${p.length / 2} probability rows`);
model.dispose();
loaded.dispose();
