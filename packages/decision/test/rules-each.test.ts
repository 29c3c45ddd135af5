import { describe, expect, it } from 'vitest';
import {
  type Decision,
  DecisionEngine,
  type DecisionInput,
  type DecisionResult,
  RULES,
  type StrategyId,
} from '../src/index';

// Every rule of the engine, one by one: minimal signals that fire it (and what it then yields),
// and a near miss — the same signals with one of them just on the other side of the rule's
// threshold — that does not. The thresholds are the defaults (src/thresholds.ts): few-shot
// < 500 new rows, data-rich >= 5000, transfer good >= 0.70 / poor < 0.55 (absolute, when the
// champion's own accuracy is unknown), drift from an accuracy drop > 0.02 (mild), >= 0.05
// (moderate), >= 0.15 (severe), saturated champion >= 0.95, label noise > 0.2, imbalance > 10.

const engine = new DecisionEngine();

/**
 * 1000 new rows next to 1000 stored ones, nothing else known: no rule fires on this, so the
 * engine falls back (checked below). Each case adds the signals its rule needs.
 */
const base = { nNewSamples: 1000, nHistoricalSamples: 1000 };

/** The decision for `strategy` (primary or alternative); fails when the engine offered none. */
function decisionFor(r: DecisionResult, strategy: StrategyId): Decision {
  const d = [r.primary, ...r.alternatives].find((x) => x.strategy === strategy);
  expect(d, `no decision for ${strategy}`).toBeDefined();
  return d as Decision;
}

/** `id` recommended `strategy` as the primary, with this confidence. */
function primary(r: DecisionResult, id: string, strategy: StrategyId, confidence?: string) {
  expect(r.primary.strategy).toBe(strategy);
  expect(r.primary.rules).toContain(id);
  if (confidence) expect(r.primary.confidence).toBe(confidence);
}

interface Case {
  /** Minimal signals on which the rule fires. */
  fire: DecisionInput;
  /** What firing yields: the strategy it recommends, rules out or warns about. */
  yields(r: DecisionResult, id: string): void;
  /** One signal across the threshold: the rule stays silent. */
  miss: DecisionInput;
}

const CASES: Record<string, Case> = {
  // ---- constraints ----------------------------------------------------------------
  'no-history': {
    fire: { data: { nNewSamples: 1000, nHistoricalSamples: 0 } },
    yields: (r, id) => {
      expect(r.ruledOut.filter((o) => o.rule === id).map((o) => o.strategy)).toEqual([
        'retrain_warm_combined',
        'retrain_cold_combined',
      ]);
      // the fallback without history: gentle full fine-tuning
      expect(r.primary.strategy).toBe('fine_tune_full_network');
    },
    miss: { data: { nNewSamples: 1000, nHistoricalSamples: 1 } },
  },
  'forgetting-forbidden': {
    fire: { data: base, constraints: { catastrophicForgettingForbidden: true } },
    yields: (r, id) => {
      expect(r.ruledOut.filter((o) => o.rule === id).map((o) => o.strategy)).toEqual([
        'fine_tune_full_network',
        'retrain_warm_new_only',
      ]);
    },
    miss: { data: base, constraints: { catastrophicForgettingForbidden: false } },
  },
  'training-budget': {
    // 1000 new + 3000 stored rows, scratch 10 s: warm combined = 10 × 4000/1000 × 0.5 (warm
    // epochs) = 20 s, cold combined = 10 × 4 = 40 s, everything on new rows alone ≤ 10 s.
    // A 20 s budget rules out cold combined only: warm combined sits exactly on it (> rules out).
    fire: {
      data: { nNewSamples: 1000, nHistoricalSamples: 3000 },
      constraints: { maxTrainingBudgetS: 20, scratchTrainingS: 10 },
    },
    yields: (r, id) => {
      expect(r.ruledOut).toEqual([
        {
          strategy: 'retrain_cold_combined',
          rule: id,
          reason: 'estimated 40.0 s exceeds the 20 s budget',
        },
      ]);
      expect(r.primary.strategy).toBe('retrain_warm_combined');
    },
    // without a measured scratch time there is nothing to estimate from
    miss: {
      data: { nNewSamples: 1000, nHistoricalSamples: 3000 },
      constraints: { maxTrainingBudgetS: 20 },
    },
  },
  'architecture-mismatch': {
    fire: { data: { ...base, nNewClasses: 1 }, model: { architectureFits: false } },
    yields: (r, id) => {
      // the primary (warm combined, for the new class) carries the expand-the-head warning
      expect(r.primary.strategy).toBe('retrain_warm_combined');
      expect(r.primary.rules).toContain(id);
      expect(r.primary.warnings.join('\n')).toMatch(/expand the head \(expandHead\) first/);
      // from scratch builds a new head anyway: no warning for it
      expect(decisionFor(r, 'retrain_cold_combined').rules).not.toContain(id);
    },
    miss: { data: { ...base, nNewClasses: 1 }, model: { architectureFits: true } },
  },
  // ---- recommendations --------------------------------------------------------------
  'new-classes-with-history': {
    fire: { data: { ...base, nNewClasses: 2 } },
    yields: (r, id) => {
      primary(r, id, 'retrain_warm_combined', 'high');
      expect(r.primary.expandHead).toBe(2);
      expect(decisionFor(r, 'retrain_cold_combined').rules).toContain(id);
    },
    miss: { data: { ...base, nNewClasses: 0 } },
  },
  'new-classes-without-history': {
    fire: { data: { nNewSamples: 1000, nHistoricalSamples: 0, nNewClasses: 1 } },
    yields: (r, id) => {
      primary(r, id, 'fine_tune_full_network', 'low');
      expect(r.primary.warnings.join('\n')).toMatch(/keep a small exemplar set/);
    },
    miss: { data: { nNewSamples: 1000, nHistoricalSamples: 1, nNewClasses: 1 } },
  },
  undertrained: {
    fire: { data: base, model: { isUndertrained: true } },
    yields: (r, id) => primary(r, id, 'retrain_cold_combined', 'medium'),
    miss: { data: base, model: { isUndertrained: false } },
  },
  'new-task-data-rich': {
    // probe 0.50 < 0.55 (absolute: the champion's accuracy is unknown) on 5000 new rows
    fire: { data: { ...base, nNewSamples: 5000 }, model: { transferQuality: 0.5 } },
    yields: (r, id) => {
      primary(r, id, 'train_from_scratch', 'medium');
      expect(decisionFor(r, 'fine_tune_full_network').rules).toContain(id);
    },
    miss: { data: { ...base, nNewSamples: 4999 }, model: { transferQuality: 0.5 } },
  },
  'same-distribution-more-data': {
    // a drop of 0.01 (≤ 0.02) under a 0.90 champion, below the 0.95 saturation
    fire: { data: base, model: { currentAccuracy: 0.9, accuracyOnNewData: 0.89 } },
    yields: (r, id) => {
      primary(r, id, 'retrain_warm_combined', 'medium');
      expect(decisionFor(r, 'fine_tune_head_only').rules).toContain(id);
    },
    // a saturated champion: nothing left to learn from more of the same
    miss: { data: base, model: { currentAccuracy: 0.95, accuracyOnNewData: 0.94 } },
  },
  'no-accuracy-to-gain': {
    fire: { data: base, model: { currentAccuracy: 0.97, accuracyOnNewData: 0.96 } },
    yields: (r, id) => primary(r, id, 'fine_tune_head_only', 'high'),
    // a 0.03 drop is beyond the 0.02 tolerance: mild drift, there is accuracy to gain
    miss: { data: base, model: { currentAccuracy: 0.97, accuracyOnNewData: 0.94 } },
  },
  'replace-distribution-good-transfer': {
    fire: {
      data: base,
      model: { transferQuality: 0.7 },
      constraints: { retainPriorPerformance: false },
    },
    yields: (r, id) => primary(r, id, 'fine_tune_head_only', 'high'),
    miss: {
      data: base,
      model: { transferQuality: 0.69 },
      constraints: { retainPriorPerformance: false },
    },
  },
  'severe-shift': {
    // a significant drop of 0.20 ≥ 0.15 is severe; the old rows now mislead
    fire: {
      data: base,
      model: { currentAccuracy: 0.9, accuracyOnNewData: 0.7 },
      drift: { accuracyDropSignificant: true },
    },
    yields: (r, id) => {
      primary(r, id, 'fine_tune_full_network', 'medium');
      expect(decisionFor(r, 'retrain_warm_new_only').rules).toContain(id);
      // the old distribution must still be served (the default): warm combined stays on offer
      expect(decisionFor(r, 'retrain_warm_combined').rules).toContain(id);
      expect(r.primary.warnings.join('\n')).toMatch(/lower accuracy on the old distribution/);
    },
    // a drop of 0.14 is moderate, not severe
    miss: {
      data: base,
      model: { currentAccuracy: 0.9, accuracyOnNewData: 0.76 },
      drift: { accuracyDropSignificant: true },
    },
  },
  'drift-with-history': {
    fire: { data: base, drift: { driftSeverity: 'moderate' } },
    yields: (r, id) => {
      primary(r, id, 'retrain_warm_combined', 'high');
      expect(decisionFor(r, 'retrain_cold_combined').rules).toContain(id);
    },
    // the new distribution replaces the old: nothing to retain, so no reason to replay it
    miss: {
      data: base,
      drift: { driftSeverity: 'moderate' },
      constraints: { retainPriorPerformance: false },
    },
  },
  'replace-distribution-poor-transfer': {
    fire: {
      data: base,
      model: { transferQuality: 0.69 },
      constraints: { retainPriorPerformance: false },
    },
    // 1000 new rows are too few for scratch (< 5000): adapt every layer
    yields: (r, id) => primary(r, id, 'fine_tune_full_network', 'medium'),
    miss: {
      data: base,
      model: { transferQuality: 0.7 },
      constraints: { retainPriorPerformance: false },
    },
  },
  'few-shot-good-transfer': {
    fire: { data: { ...base, nNewSamples: 499 }, model: { transferQuality: 0.7 } },
    yields: (r, id) => primary(r, id, 'fine_tune_head_only', 'high'),
    miss: { data: { ...base, nNewSamples: 500 }, model: { transferQuality: 0.7 } },
  },
  'few-shot-poor-transfer': {
    fire: { data: { ...base, nNewSamples: 499 }, model: { transferQuality: 0.69 } },
    yields: (r, id) => {
      primary(r, id, 'fine_tune_full_network', 'low');
      expect(r.primary.warnings.join('\n')).toMatch(/expect overfitting/);
    },
    miss: { data: { ...base, nNewSamples: 500 }, model: { transferQuality: 0.69 } },
  },
  'data-rich-shift': {
    // retainPriorPerformance false keeps drift-with-history out, so this rule is the primary
    fire: {
      data: { ...base, nNewSamples: 5000 },
      drift: { driftSeverity: 'mild' },
      constraints: { retainPriorPerformance: false },
    },
    yields: (r, id) => primary(r, id, 'fine_tune_full_network', 'medium'),
    miss: {
      data: { ...base, nNewSamples: 4999 },
      drift: { driftSeverity: 'mild' },
      constraints: { retainPriorPerformance: false },
    },
  },
  'latency-critical': {
    fire: { data: base, constraints: { latencyCritical: true } },
    yields: (r, id) => primary(r, id, 'fine_tune_head_only', 'medium'),
    miss: { data: base, constraints: { latencyCritical: false } },
  },
  // ---- advisories -------------------------------------------------------------------
  'accuracy-drop-drift': {
    // a 0.10 drop implies moderate drift, stronger than the declared none
    fire: { data: base, model: { currentAccuracy: 0.9, accuracyOnNewData: 0.8 } },
    yields: (r) => {
      expect(r.primary.warnings).toContain(
        'accuracy drops by 10% on the new data: treated as moderate drift (declared: none)',
      );
      // treated as drift: the drift rule answers
      expect(r.primary.strategy).toBe('retrain_warm_combined');
      expect(r.primary.rules).toContain('drift-with-history');
    },
    // the same drop, declared: nothing stronger than what the caller said
    miss: {
      data: base,
      model: { currentAccuracy: 0.9, accuracyOnNewData: 0.8 },
      drift: { driftSeverity: 'moderate' },
    },
  },
  'label-noise': {
    // on top of latency-critical's medium head-only: noise lowers it to low
    fire: { data: { ...base, labelNoise: 0.21 }, constraints: { latencyCritical: true } },
    yields: (r) => {
      expect(r.primary.warnings).toContain(
        'estimated label noise 21%: clean the labels first; confidence lowered',
      );
      expect(r.primary).toMatchObject({ strategy: 'fine_tune_head_only', confidence: 'low' });
    },
    miss: { data: { ...base, labelNoise: 0.2 }, constraints: { latencyCritical: true } },
  },
  'class-imbalance': {
    fire: { data: { ...base, classImbalance: 10.5 } },
    yields: (r) => {
      expect(r.primary.warnings.join('\n')).toMatch(/^class imbalance 10\.5:1 in the new data/m);
    },
    miss: { data: { ...base, classImbalance: 10 } },
  },
  'task-id-known': {
    fire: { data: base, drift: { newTask: true, taskIdKnown: true } },
    yields: (r) => {
      expect(r.primary.warnings.join('\n')).toMatch(/a separate head per task/);
    },
    miss: { data: base, drift: { newTask: true, taskIdKnown: false } },
  },
  // ---- when nothing else speaks -------------------------------------------------------
  fallback: {
    fire: { data: base },
    yields: (r, id) => {
      expect(r.firedRules).toEqual([id]);
      expect(r.primary).toMatchObject({
        strategy: 'retrain_warm_combined',
        confidence: 'low',
        rules: [id],
      });
    },
    miss: { data: base, constraints: { latencyCritical: true } },
  },
};

describe('every rule fires on its signals and not on a near miss', () => {
  it('the cases name exactly the engine’s rules (a new rule needs a case here)', () => {
    expect(Object.keys(CASES).sort()).toEqual([...RULES.map((r) => r.id), 'fallback'].sort());
  });

  for (const [id, c] of Object.entries(CASES)) {
    it(`${id}: fires`, () => {
      const r = engine.decide(c.fire);
      expect(r.firedRules).toContain(id);
      c.yields(r, id);
    });
    it(`${id}: near miss does not fire`, () => {
      expect(engine.decide(c.miss).firedRules).not.toContain(id);
    });
  }
});

describe('the second branch of rules that have two', () => {
  it('severe-shift with a probe that is not poor: a new head first, full fine-tuning next', () => {
    // relative transfer 0.68 / 0.9 = 0.756 ≥ the poor bar 0.75; 0.67 / 0.9 = 0.744 is poor
    const signals = (transferQuality: number) => ({
      data: base,
      model: { currentAccuracy: 0.9, accuracyOnNewData: 0.7, transferQuality },
      drift: { accuracyDropSignificant: true },
    });
    const r = engine.decide(signals(0.68));
    primary(r, 'severe-shift', 'fine_tune_head_only', 'medium');
    expect(r.alternatives[0]?.strategy).toBe('fine_tune_full_network');
    expect(decisionFor(r, 'fine_tune_full_network').rules).toContain('severe-shift');
    primary(engine.decide(signals(0.67)), 'severe-shift', 'fine_tune_full_network', 'medium');
  });

  it('undertrained without history: scratch on the new data', () => {
    const r = engine.decide({
      data: { nNewSamples: 1000, nHistoricalSamples: 0 },
      model: { isUndertrained: true },
    });
    primary(r, 'undertrained', 'train_from_scratch', 'medium');
  });

  it('no-history also fires when history may not be stored, with that reason', () => {
    const r = engine.decide({ data: base, constraints: { canStoreHistorical: false } });
    expect(r.ruledOut[0]).toMatchObject({
      rule: 'no-history',
      reason: 'historical data may not be stored (canStoreHistorical = false)',
    });
  });

  it('replace-distribution-poor-transfer on 5000 new rows: scratch', () => {
    const r = engine.decide({
      data: { ...base, nNewSamples: 5000 },
      model: { transferQuality: 0.6 },
      constraints: { retainPriorPerformance: false },
    });
    primary(r, 'replace-distribution-poor-transfer', 'train_from_scratch', 'medium');
  });

  it('training-budget: 0.1 s under warm combined’s 20 s rules it out too; the cheapest left is the fallback', () => {
    const r = engine.decide({
      data: { nNewSamples: 1000, nHistoricalSamples: 3000 },
      constraints: { maxTrainingBudgetS: 19.9, scratchTrainingS: 10 },
    });
    expect(r.ruledOut.map((o) => o.strategy)).toEqual([
      'retrain_warm_combined',
      'retrain_cold_combined',
    ]);
    expect(r.primary).toMatchObject({ strategy: 'fine_tune_head_only', rules: ['fallback'] });
  });

  it('relative transfer: a 0.83 probe under a 0.98 champion (0.85 < 0.90) is not good transfer', () => {
    const input = (transferQuality: number): DecisionInput => ({
      data: { ...base, nNewSamples: 499 },
      model: { currentAccuracy: 0.98, transferQuality },
    });
    // 0.83 / 0.98 = 0.847; 0.89 / 0.98 = 0.908
    expect(engine.decide(input(0.83)).firedRules).toContain('few-shot-poor-transfer');
    expect(engine.decide(input(0.89)).firedRules).toContain('few-shot-good-transfer');
  });
});
