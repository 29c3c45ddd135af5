// decideParsed alone: the rules without zod parsing (signals parsed once, decided many times).
// Run: node bench/decide-parsed.bench.mjs  (after pnpm build)
import { DecisionEngine, DecisionInput } from '../dist/index.js';

const engine = new DecisionEngine();
const parsed = DecisionInput.parse({
  data: { nNewSamples: 300, nHistoricalSamples: 1000 },
  model: { currentAccuracy: 0.94, accuracyOnNewData: 0.72, transferQuality: 0.76 },
  drift: { driftDetected: true, driftSeverity: 'moderate' },
});
const n = 200_000;
let sink = 0;
for (let i = 0; i < 20_000; i++) sink += engine.decideParsed(parsed).alternatives.length;
const rates = [];
for (let r = 0; r < 7; r++) {
  const t = process.hrtime.bigint();
  for (let i = 0; i < n; i++) sink += engine.decideParsed(parsed).alternatives.length;
  rates.push(n / (Number(process.hrtime.bigint() - t) / 1e9));
}
rates.sort((a, b) => a - b);
const median = rates[3];
console.log(
  JSON.stringify({
    bench: 'decideParsed',
    medianDecisionsPerS: Math.round(median),
    medianUsPerDecision: Number((1e6 / median).toFixed(3)),
    ratioVsPython: Number((median / 163000).toFixed(2)),
    sink: sink > 0,
  }),
);
