import { describe, expect, it } from 'vitest';
import { DecisionEngine, type DecisionInput, summary } from '../src/index';

const engine = new DecisionEngine();

// The observed signal profiles the engine must answer (issue #2), with the article's example.
const PROFILES: { name: string; input: DecisionInput; primary: string; confidence?: string }[] = [
  {
    name: "the article's example",
    input: {
      data: { nNewSamples: 300, nHistoricalSamples: 1000 },
      model: { currentAccuracy: 0.94, accuracyOnNewData: 0.72, transferQuality: 0.76 },
      drift: { driftDetected: true, driftSeverity: 'moderate' },
      constraints: { canStoreHistorical: true },
    },
    primary: 'retrain_warm_combined',
    confidence: 'high',
  },
  {
    name: 'scenario A: same distribution, nothing to gain',
    input: {
      data: { nNewSamples: 500, nHistoricalSamples: 1000 },
      model: { currentAccuracy: 0.98, accuracyOnNewData: 0.98, transferQuality: 0.98 },
      drift: { driftSeverity: 'none' },
    },
    primary: 'fine_tune_head_only',
  },
  {
    name: 'scenario B: the shifted distribution replaces the old',
    input: {
      data: { nNewSamples: 500, nHistoricalSamples: 1000 },
      model: { currentAccuracy: 0.98, accuracyOnNewData: 0.5, transferQuality: 0.99 },
      drift: { driftSeverity: 'severe' },
      constraints: { retainPriorPerformance: false },
    },
    primary: 'fine_tune_head_only',
  },
  {
    name: 'scenario C: two new classes',
    input: {
      data: { nNewSamples: 600, nHistoricalSamples: 900, newClassesAdded: true, nNewClasses: 2 },
      model: { currentAccuracy: 0.99, accuracyOnNewData: 0, architectureFits: false },
    },
    primary: 'retrain_warm_combined',
  },
  {
    name: 'scenario D: domain transfer with 200 target samples',
    input: {
      data: { nNewSamples: 200, nHistoricalSamples: 2000 },
      model: { currentAccuracy: 0.98, accuracyOnNewData: 0.33, transferQuality: 0.94 },
      drift: { driftSeverity: 'severe' },
      constraints: { retainPriorPerformance: false },
    },
    primary: 'fine_tune_head_only',
  },
  {
    name: 'few-shot, good transfer, no history',
    input: {
      data: { nNewSamples: 200, nHistoricalSamples: 0 },
      model: { transferQuality: 0.8 },
      drift: { driftSeverity: 'none' },
    },
    primary: 'fine_tune_head_only',
    confidence: 'high',
  },
  {
    name: 'data-rich, poor transfer, new task',
    input: {
      data: { nNewSamples: 10_000 },
      model: { transferQuality: 0.4 },
      drift: { driftSeverity: 'severe', newTask: true },
    },
    primary: 'train_from_scratch',
  },
];

describe('DecisionEngine profiles', () => {
  for (const p of PROFILES) {
    it(`${p.name} → ${p.primary}`, () => {
      const result = engine.decide(p.input);
      expect(result.primary.strategy).toBe(p.primary);
      if (p.confidence) expect(result.primary.confidence).toBe(p.confidence);
      // Traceable: the primary names at least one rule, and that rule fired.
      expect(result.primary.rules.length).toBeGreaterThan(0);
      for (const r of result.primary.rules) expect(result.firedRules).toContain(r);
      // Never recommends what it ruled out.
      const out = new Set(result.ruledOut.map((r) => r.strategy));
      expect(out.has(result.primary.strategy)).toBe(false);
      for (const alt of result.alternatives) expect(out.has(alt.strategy)).toBe(false);
      // Plain JSON round-trips unchanged.
      expect(JSON.parse(JSON.stringify(result))).toEqual(result);
    });
  }

  it('scenario C expands the head by the number of new classes and warns about it', () => {
    const result = engine.decide(PROFILES[3]!.input);
    expect(result.primary.expandHead).toBe(2);
    expect(result.primary.warnings.join(' ')).toMatch(/expand the head/);
    expect(result.primary.rules).toContain('architecture-mismatch');
  });

  it("the article's example upgrades a declared moderate drift from the 22-point drop", () => {
    const result = engine.decide(PROFILES[0]!.input);
    expect(result.firedRules).toContain('accuracy-drop-drift');
    expect(result.primary.warnings.join(' ')).toMatch(/treated as severe drift/);
  });

  it('summary names the primary, the alternatives and what was ruled out', () => {
    const result = engine.decide(PROFILES[5]!.input);
    const text = summary(result);
    expect(text).toMatch(/^Recommendation: fine_tune_head_only \(confidence: high\)/);
    expect(text).toContain('Ruled out:');
    expect(text).toContain('retrain_warm_combined: no historical samples are available');
    expect(engine.summary(result)).toBe(text);
  });
});

describe('hard constraints', () => {
  it('no stored history eliminates both combined strategies', () => {
    const result = engine.decide({
      data: { nNewSamples: 300, nHistoricalSamples: 1000 },
      model: { currentAccuracy: 0.94, accuracyOnNewData: 0.72, transferQuality: 0.76 },
      drift: { driftSeverity: 'moderate' },
      constraints: { canStoreHistorical: false },
    });
    const out = result.ruledOut.map((r) => r.strategy).sort();
    expect(out).toEqual(['retrain_cold_combined', 'retrain_warm_combined']);
    expect(result.ruledOut[0]!.reason).toMatch(/canStoreHistorical = false/);
    // a 0.76 probe under a 0.94 champion is 81 % of what the champion does (< 90 %): the
    // head alone does not transfer, so the few-shot rule adapts the whole network
    expect(result.primary.strategy).toBe('fine_tune_full_network');
    expect(result.primary.rules).toContain('few-shot-poor-transfer');
  });

  it('forbidden forgetting eliminates full fine-tuning and warm new-only retraining', () => {
    const result = engine.decide({
      data: { nNewSamples: 10_000, nHistoricalSamples: 0 },
      model: { transferQuality: 0.6 },
      drift: { driftSeverity: 'severe' },
      constraints: { catastrophicForgettingForbidden: true },
    });
    const out = new Set(result.ruledOut.map((r) => r.strategy));
    expect(out.has('fine_tune_full_network')).toBe(true);
    expect(out.has('retrain_warm_new_only')).toBe(true);
    expect(result.primary.strategy).not.toBe('fine_tune_full_network');
  });

  it('a training budget rules out what would take too long', () => {
    const result = engine.decide({
      data: { nNewSamples: 500, nHistoricalSamples: 4500 },
      model: { currentAccuracy: 0.9, accuracyOnNewData: 0.7, transferQuality: 0.8 },
      drift: { driftSeverity: 'moderate' },
      // scratch on the new data = 10 s, so cold combined ≈ 100 s, warm combined ≈ 50 s
      constraints: { maxTrainingBudgetS: 30, scratchTrainingS: 10 },
    });
    const out = new Set(result.ruledOut.map((r) => r.strategy));
    expect(out.has('retrain_cold_combined')).toBe(true);
    expect(out.has('retrain_warm_combined')).toBe(true);
    expect(out.has('fine_tune_head_only')).toBe(false);
    expect(result.ruledOut.find((r) => r.strategy === 'retrain_cold_combined')!.reason).toBe(
      'estimated 100.0 s exceeds the 30 s budget',
    );
  });

  it('label noise lowers every confidence by one level', () => {
    const clean = engine.decide(PROFILES[5]!.input);
    const noisy = engine.decide({
      ...PROFILES[5]!.input,
      data: { nNewSamples: 200, labelNoise: 0.3 },
    });
    expect(clean.primary.confidence).toBe('high');
    expect(noisy.primary.confidence).toBe('medium');
    expect(noisy.primary.warnings.join(' ')).toMatch(/label noise 30%/);
  });

  it('thresholds are configurable: a larger few-shot limit changes nothing it should not', () => {
    const strict = new DecisionEngine({ goodTransfer: 0.85 });
    const result = strict.decide(PROFILES[5]!.input);
    // 0.80 is no longer "good transfer": head-only is no longer the high-confidence answer.
    expect(result.primary.strategy).toBe('fine_tune_full_network');
    expect(result.primary.confidence).toBe('low');
  });
});
