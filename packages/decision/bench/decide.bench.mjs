// Micro-benchmark of DecisionEngine.decide (parse + rules), not a test.
// Run: pnpm --filter @rvft/decision bench   (after pnpm build)
// Prints one JSON line: median decisions/s over several rounds.
import { DecisionEngine } from '../dist/index.js';

const engine = new DecisionEngine();
const inputs = [
  {
    data: { nNewSamples: 300, nHistoricalSamples: 1000 },
    model: { currentAccuracy: 0.94, accuracyOnNewData: 0.72, transferQuality: 0.76 },
    drift: { driftDetected: true, driftSeverity: 'moderate' },
    constraints: { canStoreHistorical: true },
  },
  {
    data: { nNewSamples: 500, nHistoricalSamples: 1000 },
    model: { currentAccuracy: 0.98, accuracyOnNewData: 0.5, transferQuality: 0.99 },
    drift: { driftSeverity: 'severe' },
    constraints: { retainPriorPerformance: false },
  },
  { data: { nNewSamples: 200 }, model: { transferQuality: 0.8 } },
];
const perRound = Number(process.argv[2] ?? 100_000);
const rounds = Number(process.argv[3] ?? 7);
let sink = 0;
for (let i = 0; i < 20_000; i++) sink += engine.decide(inputs[i % 3]).alternatives.length;
const rates = [];
for (let r = 0; r < rounds; r++) {
  const t = process.hrtime.bigint();
  for (let i = 0; i < perRound; i++) sink += engine.decide(inputs[i % 3]).alternatives.length;
  const s = Number(process.hrtime.bigint() - t) / 1e9;
  rates.push(perRound / s);
}
rates.sort((a, b) => a - b);
const median = rates[Math.floor(rates.length / 2)];
console.log(
  JSON.stringify({
    bench: 'decide',
    node: process.version,
    rounds,
    perRound,
    medianDecisionsPerS: Math.round(median),
    medianUsPerDecision: Number((1e6 / median).toFixed(3)),
    minPerS: Math.round(rates[0]),
    maxPerS: Math.round(rates.at(-1)),
    referencePythonPerS: 163000,
    ratioVsPython: Number((median / 163000).toFixed(2)),
    sink: sink > 0,
  }),
);
