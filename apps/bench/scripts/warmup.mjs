// Does a learning-rate warmup, a decay, or ULMFiT's discriminative rates change how much full
// fine-tuning forgets in scenario C (expand the head to 5 classes, fine-tune the whole network
// on old + new classes)? Trains each seed's champion exactly as apps/bench/src/scenarios.ts
// does (same generator, seeds, hyper-parameters, article profile), expands its head, then runs
// the bench's C row `retrain_warm_combined@fine_tune_full_network` (full fine-tune, 12 epochs,
// lr 0.001, clip 1.0) once per variant from the same weights, and reports the test accuracy on
// the old classes (0–2) and the new ones (3–4).
// The `article` variant is the bench's own row; the others only add trainLoop's opt-in options.
//
// Usage (after `pnpm build`):  node apps/bench/scripts/warmup.mjs [--seeds 42,1,2,3,7]
import { newClassScenario } from '@rvft/data';
import { createMlp, useBestBackend } from '@rvft/model';
import { evaluate, FineTuneMode, fineTune, lrFind, trainFromScratch } from '@rvft/strategies';
import { defaultConfig } from '../dist/index.js';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const seeds = arg('--seeds', '42,1,2,3,7').split(',').map(Number);
const config = defaultConfig();
const backend = await useBestBackend();
const opts = (cfg, seed, extra = {}) => ({ ...cfg, seed, profile: 'article', ...extra });

const variants = {
  article: {},
  'warmup 10 %': { schedule: { warmupFraction: 0.1 } },
  'warmup 10 % + cosine': { schedule: { warmupFraction: 0.1, decay: 'cosine' } },
  'discriminative 2.6': { discriminative: 2.6 },
  'warmup + cosine + discr. 2.6': {
    schedule: { warmupFraction: 0.1, decay: 'cosine' },
    discriminative: 2.6,
  },
};

const results = Object.fromEntries(
  [...Object.keys(variants), "lr-find's suggestion"].map((v) => [v, []]),
);
const suggested = [];
const c = config.C;
for (const seed of seeds) {
  const s = newClassScenario({ ...c.data, seed });
  const m = createMlp({
    inputDim: s.options.nFeatures,
    hiddenDims: c.hiddenDims,
    outputDim: s.options.nOldClasses,
    seed,
  });
  await trainFromScratch(m, s.originalTrain, opts(c.training.champion, seed, { initSeed: seed }));
  m.expandHead(s.options.nNewClasses, { seed });
  const start = m.snapshot();
  // the range test on the same weights and rows, clipped like the row (it restores the model)
  const found = await lrFind(m, s.combinedTrain, { seed, clipNorm: 1 });
  suggested.push(found.suggestedLr);
  const runs = { ...variants, "lr-find's suggestion": { learningRate: found.suggestedLr } };
  for (const [name, extra] of Object.entries(runs)) {
    m.restore(start);
    await fineTune(m, s.combinedTrain, {
      ...opts(c.training['retrain_warm_combined@fine_tune_full_network'], seed),
      mode: FineTuneMode.FullNetwork,
      ...extra,
    });
    const r = evaluate(m, s.testAll, { oldClasses: s.oldClasses, newClasses: s.newClasses });
    results[name].push({ seed, acc: r.accuracy, old: r.oldClassAccuracy, new: r.newClassAccuracy });
  }
  m.dispose();
}

const f3 = (x) => x.toFixed(3);
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
console.log(`backend ${backend.name}${backend.simd ? ' (SIMD)' : ''}; seeds ${seeds.join(', ')}`);
console.log(`| variant | old-class acc per seed (${seeds.join(', ')}) | mean old | mean new | mean ACC |`);
console.log('|---|---|---|---|---|');
console.log(
  `lr-find's suggestion per seed (the row's lr is 0.001): ${suggested.map((x) => x.toExponential(2)).join(', ')}`,
);
for (const [name, rs] of Object.entries(results)) {
  console.log(
    `| ${name} | ${rs.map((r) => f3(r.old)).join(' / ')} | ${f3(mean(rs.map((r) => r.old)))} | ${f3(mean(rs.map((r) => r.new)))} | ${f3(mean(rs.map((r) => r.acc)))} |`,
  );
}
