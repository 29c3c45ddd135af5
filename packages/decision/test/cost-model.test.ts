import { describe, expect, it } from 'vitest';
import { ARTICLE_STRATEGY_IDS, CostModel, SignalValidationError } from '../src/index';

const article = new CostModel({
  nNewSamples: 500,
  nHistoricalSamples: 1000,
  nParamsTotal: 267_000,
  nParamsHead: 512,
  epochs: 10,
});

describe('CostModel', () => {
  it("reproduces the article's relative compute factors", () => {
    const factors = Object.fromEntries(
      article
        .table(ARTICLE_STRATEGY_IDS)
        .map((c) => [c.strategy, Math.round(c.relativeCompute * 10) / 10]),
    );
    expect(factors).toEqual({
      fine_tune_head_only: 1.0,
      fine_tune_full_network: 521.5,
      retrain_warm_new_only: 260.7,
      retrain_warm_combined: 782.2,
      retrain_cold_combined: 1564.5,
      train_from_scratch: 521.5,
    });
  });

  it('prices gradual unfreezing halfway between head-only and the whole network', () => {
    // (512 + 267,000) / 2 trainable on average × 10 epochs × 500 samples, over 512 × 10 × 500
    expect(article.estimate('fine_tune_gradual_unfreeze').relativeCompute).toBeCloseTo(
      (512 + 267_000) / 2 / 512,
      10,
    );
    expect(article.table().map((c) => c.strategy)).toContain('fine_tune_gradual_unfreeze');
  });

  it('reports samples, epochs and forgetting risk per strategy', () => {
    const warm = article.estimate('retrain_warm_combined');
    expect(warm).toMatchObject({
      samplesRequired: 1500,
      epochs: 5,
      paramsTrained: 267_000,
      needsHistoricalData: true,
      forgettingRisk: 'low',
    });
    expect(article.estimate('fine_tune_head_only')).toMatchObject({
      samplesRequired: 500,
      paramsTrained: 512,
      needsHistoricalData: false,
    });
  });

  it('lifetime: combined strategies grow with the history they replay', () => {
    const year = Object.fromEntries(article.lifetime(4).map((c) => [c.strategy, c]));
    // head-only: 4 identical updates
    expect(year.fine_tune_head_only!.relativeCompute).toBeCloseTo(4, 10);
    // warm combined: (267000*5*(500+h))/(512*10*500) for h = 1000, 1500, 2000, 2500
    const unit = 512 * 10 * 500;
    const expected = [1000, 1500, 2000, 2500].reduce(
      (sum, h) => sum + (267_000 * 5 * (500 + h)) / unit,
      0,
    );
    expect(year.retrain_warm_combined!.relativeCompute).toBeCloseTo(expected, 8);
    expect(year.retrain_warm_combined!.samplesStoredAtYearEnd).toBe(3000);
    expect(year.fine_tune_full_network!.samplesStoredAtYearEnd).toBe(0);
    const flat = Object.fromEntries(
      article.lifetime(4, { historyGrows: false }).map((c) => [c.strategy, c]),
    );
    expect(flat.retrain_warm_combined!.relativeCompute).toBeCloseTo(4 * 782.2265625, 6);
  });

  it('rejects bad input field by field', () => {
    expect(
      () =>
        new CostModel({
          nNewSamples: 0,
          nHistoricalSamples: -1,
          nParamsTotal: 10,
          nParamsHead: 20,
        }),
    ).toThrow(SignalValidationError);
    // every bad field in one error, not just the first
    expect(
      () =>
        new CostModel({
          nNewSamples: 0,
          nHistoricalSamples: -1,
          nParamsTotal: 10,
          nParamsHead: 20,
        }),
    ).toThrow(
      expect.objectContaining({
        issues: [
          expect.objectContaining({ path: 'nNewSamples' }),
          expect.objectContaining({ path: 'nHistoricalSamples' }),
          expect.objectContaining({ path: 'nParamsHead' }),
        ],
      }),
    );
    expect(() => article.lifetime(0)).toThrow(/updatesPerYear/);
  });
});
