// The article's worked example: 300 new samples, drift, history stored.
// Run after `pnpm install && pnpm build`:  node examples/decide.mjs
import { DecisionEngine } from '@rvft/decision';

const engine = new DecisionEngine();
const result = engine.decide({
  data: { nNewSamples: 300, nHistoricalSamples: 1000 },
  model: { currentAccuracy: 0.94, accuracyOnNewData: 0.72, transferQuality: 0.76 },
  drift: { driftDetected: true, driftSeverity: 'moderate' },
  constraints: { canStoreHistorical: true },
});
console.log(engine.summary(result));
