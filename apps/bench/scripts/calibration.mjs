// Temperature scaling on a row of each of the bench's four scenarios: A's and B's head-only
// fine-tune (the rules' pick there), C's expand + full fine-tune and D's scratch row (the two
// worst-calibrated rows). Trains each row exactly as apps/bench/src/scenarios.ts
// does (same data generators, seeds, hyper-parameters, article profile), then fits the softmax
// temperature on rows the model never trained on and reports the test set's ECE before and after.
//
// Two sources of calibration rows:
//   extra  — the bench's model itself (trained on every training row, so its "before" row is
//            the bench's row), calibrated on fresh rows of the same distribution (the scenario's
//            generator with seed + 1000: D 200 target rows, C 500 rows of all 5 classes);
//   carved — what `rvft update` / `updateChampion` do: a stratified fifth of the row's training
//            data set aside (`calibrationSplit`), the row trained on the rest, T fitted on the fifth.
//
// Usage (after `pnpm build`):  node apps/bench/scripts/calibration.mjs [--seeds 42,1,2,3,7,13]
import {
  distributionShiftScenario,
  domainTransferScenario,
  newClassScenario,
  newDataScenario,
} from '@rvft/data';
import { createMlp, useBestBackend } from '@rvft/model';
import { calibrateModel, calibrationSplit } from '@rvft/pipeline';
import { evaluate, FineTuneMode, fineTune, trainFromScratch } from '@rvft/strategies';
import { defaultConfig } from '../dist/index.js';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const seeds = arg('--seeds', '42').split(',').map(Number);
const config = defaultConfig();
const backend = await useBestBackend();
const opts = (cfg, seed, extra = {}) => ({ ...cfg, seed, profile: 'article', ...extra });

/** Scenario D's scratch row: the source champion first (as the bench does), then scratch. */
async function dScratch(seed, train) {
  const c = config.D;
  const s = domainTransferScenario({ ...c.data, seed });
  const m = createMlp({
    inputDim: s.options.nFeatures,
    hiddenDims: c.hiddenDims,
    outputDim: s.nClasses,
    seed,
  });
  await trainFromScratch(m, s.sourceTrain, opts(c.training.champion, seed, { initSeed: seed }));
  await trainFromScratch(
    m,
    train(s.targetTrain),
    opts(c.training.train_from_scratch, seed, { initSeed: seed + 2 }),
  );
  const fresh = domainTransferScenario({
    ...c.data,
    seed: seed + 1000,
    nTargetTest: 200,
  }).targetTest;
  return { m, s, data: s.targetTrain, test: s.targetTest, fresh, classes: {} };
}

/** Scenario C's expand + full fine-tune on old + new classes. */
async function cFull(seed, train) {
  const c = config.C;
  const s = newClassScenario({ ...c.data, seed });
  const m = createMlp({
    inputDim: s.options.nFeatures,
    hiddenDims: c.hiddenDims,
    outputDim: s.options.nOldClasses,
    seed,
  });
  await trainFromScratch(m, s.originalTrain, opts(c.training.champion, seed, { initSeed: seed }));
  m.expandHead(s.options.nNewClasses, { seed });
  await fineTune(m, train(s.combinedTrain), {
    ...opts(c.training['retrain_warm_combined@fine_tune_full_network'], seed),
    mode: FineTuneMode.FullNetwork,
  });
  const fresh = newClassScenario({ ...c.data, seed: seed + 1000, nTestPerClass: 100 }).testAll;
  return {
    m,
    s,
    data: s.combinedTrain,
    test: s.testAll,
    fresh,
    classes: { oldClasses: s.oldClasses, newClasses: s.newClasses },
  };
}

/** Scenario A's head-only fine-tune on the new rows (the rules' pick there). */
async function aHead(seed, train) {
  const c = config.A;
  const s = newDataScenario({ ...c.data, seed });
  const m = createMlp({
    inputDim: s.options.nFeatures,
    hiddenDims: c.hiddenDims,
    outputDim: s.nClasses,
    seed,
  });
  await trainFromScratch(m, s.initial, opts(c.training.champion, seed, { initSeed: seed }));
  await fineTune(m, train(s.new), opts(c.training.fine_tune_head_only, seed));
  const fresh = newDataScenario({ ...c.data, seed: seed + 1000 }).test;
  return { m, s, data: s.new, test: s.test, fresh, classes: {} };
}

/** Scenario B's head-only fine-tune on the shifted rows (the rules' pick there). */
async function bHead(seed, train) {
  const c = config.B;
  const s = distributionShiftScenario({ ...c.data, seed });
  const m = createMlp({
    inputDim: s.options.nFeatures,
    hiddenDims: c.hiddenDims,
    outputDim: s.nClasses,
    seed,
  });
  await trainFromScratch(m, s.originalTrain, opts(c.training.champion, seed, { initSeed: seed }));
  await fineTune(m, train(s.shiftedTrain), opts(c.training.fine_tune_head_only, seed));
  const fresh = distributionShiftScenario({ ...c.data, seed: seed + 1000 }).shiftedTest;
  return { m, s, data: s.shiftedTrain, test: s.shiftedTest, fresh, classes: {} };
}

const f4 = (x) => x.toFixed(4);
console.log(`backend ${backend.name}${backend.simd ? ' (SIMD)' : ''}; seeds ${seeds.join(', ')}`);
console.log(
  '| row | seed | calibration rows | test ACC before → after | test ECE before → after | T |',
);
console.log('|---|---|---|---|---|---|');
const rows = {
  'A head-only': aHead,
  'B head-only': bHead,
  'C expand + full FT': cFull,
  'D scratch': dScratch,
};
const summary = [];
for (const [name, build] of Object.entries(rows)) {
  for (const seed of seeds) {
    for (const how of ['extra', 'carved']) {
      let calib;
      const r = await build(seed, (d) => {
        if (how === 'extra') return d;
        const split = calibrationSplit(d, seed);
        calib = split.calibration;
        return split.train;
      });
      const cal = how === 'extra' ? r.fresh : calib;
      r.m.setTemperature(1);
      const before = evaluate(r.m, r.test, r.classes);
      const c = calibrateModel(r.m, cal);
      const after = evaluate(r.m, r.test, r.classes);
      summary.push({ name, how, before: before.ece, after: after.ece });
      console.log(
        `| ${name} | ${seed} | ${how}: ${cal.nRows} | ${f4(before.accuracy)} → ${f4(after.accuracy)} | ${f4(before.ece)} → ${f4(after.ece)} | ${c.temperature.toFixed(3)} |`,
      );
      r.m.dispose();
    }
  }
}
for (const name of Object.keys(rows)) {
  for (const how of ['extra', 'carved']) {
    const s = summary.filter((x) => x.name === name && x.how === how);
    const mean = (k) => s.reduce((a, x) => a + x[k], 0) / s.length;
    console.log(
      `mean over ${s.length} seed(s): ${name}, ${how}: ECE ${f4(mean('before'))} → ${f4(mean('after'))}`,
    );
  }
}
