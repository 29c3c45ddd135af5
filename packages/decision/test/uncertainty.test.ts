import { describe, expect, it } from 'vitest';
import { DecisionEngine } from '../src/index';

const engine = new DecisionEngine();

describe('signals with their sample sizes', () => {
  const base = {
    data: { nNewSamples: 300, nHistoricalSamples: 1000 },
    model: { currentAccuracy: 0.95, accuracyOnNewData: 0.8, transferQuality: 0.94 },
  };

  it('a drop the caller found not significant implies no drift', () => {
    const drift = engine.decide(base);
    expect(drift.firedRules).toContain('drift-with-history');
    const noise = engine.decide({ ...base, drift: { accuracyDropSignificant: false } });
    expect(noise.firedRules).not.toContain('drift-with-history');
    expect(noise.primary.strategy).toBe('fine_tune_head_only');
    expect(noise.primary.rules).toContain('no-accuracy-to-gain');
    expect(noise.primary.rationale).toMatch(/not significantly below/);
    expect(noise.primary.warnings.join(' ')).toMatch(/too few rows to be significant/);
  });

  it('a deciding signal measured on too few rows lowers the confidence and says so', () => {
    const sure = engine.decide({ ...base, drift: { accuracyDropSignificant: false } });
    expect(sure.primary.confidence).toBe('high');
    const thin = engine.decide({
      ...base,
      model: { ...base.model, counts: { currentAccuracy: 36, accuracyOnNewData: 300 } },
      drift: { accuracyDropSignificant: false },
    });
    expect(thin.primary.confidence).toBe('medium');
    expect(thin.primary.warnings).toContain(
      'currentAccuracy (36 rows): measured on fewer than 100 rows — too uncertain to decide on alone; confidence lowered',
    );
    // counts at or above the threshold change nothing
    const enough = engine.decide({
      ...base,
      model: { ...base.model, counts: { currentAccuracy: 100, accuracyOnNewData: 300 } },
      drift: { accuracyDropSignificant: false },
    });
    expect(enough.primary.confidence).toBe('high');
  });

  it('counts are optional and validated', () => {
    expect(() =>
      engine.decide({ ...base, model: { ...base.model, counts: { transferQuality: -1 } } }),
    ).toThrow(/model.counts.transferQuality: must be >= 0/);
  });
});

describe('transfer relative to the champion', () => {
  it('a probe of 0.83 under a 0.98 champion is not good transfer; 0.95 under 0.97 is', () => {
    const signals = (transferQuality: number, currentAccuracy: number) => ({
      data: { nNewSamples: 200 },
      model: { transferQuality, currentAccuracy },
    });
    // 0.83 / 0.98 = 0.847 < 0.9: the few-shot rule adapts the whole network
    const weak = engine.decide(signals(0.83, 0.98));
    expect(weak.primary.strategy).toBe('fine_tune_full_network');
    expect(weak.primary.rules).toContain('few-shot-poor-transfer');
    // 0.95 / 0.97 = 0.979 ≥ 0.9: head-only
    const good = engine.decide(signals(0.95, 0.97));
    expect(good.primary.strategy).toBe('fine_tune_head_only');
    expect(good.primary.rationale).toMatch(/head-only probe 95% \(97\.9% of the champion's 97%\)/);
    // without the champion's accuracy the absolute threshold (0.7) applies
    expect(
      engine.decide({ data: { nNewSamples: 200 }, model: { transferQuality: 0.83 } }).primary
        .strategy,
    ).toBe('fine_tune_head_only');
  });
});

describe('an undertrained champion', () => {
  it('follows the article: cold start on old + new, or scratch without history', () => {
    const withHistory = engine.decide({
      data: { nNewSamples: 1000, nHistoricalSamples: 2000 },
      model: { isUndertrained: true },
    });
    expect(withHistory.primary.strategy).toBe('retrain_cold_combined');
    expect(withHistory.primary.rules).toEqual(['undertrained']);
    const alone = engine.decide({ data: { nNewSamples: 1000 }, model: { isUndertrained: true } });
    expect(alone.primary.strategy).toBe('train_from_scratch');
  });
});

describe('more rows of the same distribution', () => {
  it('a champion below saturation with history trains on all of it; a saturated one takes the cheapest update', () => {
    const at = (currentAccuracy: number, nHistoricalSamples: number) =>
      engine.decide({
        data: { nNewSamples: 1000, nHistoricalSamples },
        model: { currentAccuracy, accuracyOnNewData: currentAccuracy - 0.01 },
      }).primary;
    expect(at(0.88, 2400)).toMatchObject({
      strategy: 'retrain_warm_combined',
      rules: ['same-distribution-more-data'],
    });
    expect(at(0.98, 2400)).toMatchObject({ strategy: 'fine_tune_head_only' });
    expect(at(0.98, 2400).rules).toContain('no-accuracy-to-gain');
    // no history to add: the cheapest update
    expect(at(0.88, 0).strategy).toBe('fine_tune_head_only');
  });
});
