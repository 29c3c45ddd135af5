import type { StrategyId } from '@rvft/decision';
import { describe, expect, it } from 'vitest';
import {
  aggregate,
  checkFindings,
  defaultConfig,
  measuredWinner,
  type Row,
  resolveConfig,
} from '../src/index';

describe('bench config', () => {
  it('defaults are the reference hyper-parameters', () => {
    const c = defaultConfig();
    expect(c.B.data).toMatchObject({
      shiftMagnitude: 1.5,
      nOriginal: 1000,
      nShifted: 500,
      nTest: 400,
    });
    expect(c.D.training['ft_head']).toEqual({ epochs: 15, learningRate: 0.01, batchSize: 32 });
    expect(c.C.training['scratch']).toEqual({ epochs: 20, learningRate: 0.01, batchSize: 64 });
    expect(c.A.hiddenDims).toEqual([128, 64]);
  });

  it('overrides generator options, the MLP and any hyper-parameter by row id', () => {
    const c = resolveConfig({
      B: { shiftMagnitude: 0.6, training: { ft_head: { epochs: 5 } } },
      D: { nTargetTrain: 1200, hiddenDims: [32] },
    });
    expect(c.B.data['shiftMagnitude']).toBe(0.6);
    expect(c.B.training['ft_head']).toEqual({ epochs: 5, learningRate: 0.01, batchSize: 64 });
    expect(c.D.data['nTargetTrain']).toBe(1200);
    expect(c.D.hiddenDims).toEqual([32]);
    expect(c.A).toEqual(defaultConfig().A);
  });

  it('names every bad key and value', () => {
    const resolve = () =>
      resolveConfig({ B: { shiftMagnitud: 1, training: { ft_head: { epochs: -1 } } }, E: {} });
    expect(resolve).toThrow(/^invalid bench config:/);
    // one error names all three problems
    expect(resolve).toThrow('B.shiftMagnitud: unknown key');
    expect(resolve).toThrow('B.training.ft_head.epochs:');
    expect(resolve).toThrow('E: unknown key');
  });
});

describe('aggregate', () => {
  it('averages each metric over seeds with the sample standard deviation', () => {
    const row = (accuracy: number): Row => ({
      id: 'x',
      label: 'x',
      accuracy,
      macroF1: accuracy,
      ece: 0.1,
      trainS: 1,
    });
    const [agg] = aggregate([[row(0.9)], [row(0.8)], [row(1.0)]]);
    expect(agg!.accuracy).toBeCloseTo(0.9, 12);
    expect(agg!.sd!.accuracy).toBeCloseTo(0.1, 12); // √((0.01 + 0 + 0.01) / 2)
    expect(agg!.sd!.ece).toBeCloseTo(0, 12);
    expect(agg!.accuracyBySeed).toEqual([0.9, 0.8, 1.0]);
    expect(aggregate([[row(0.5)]])[0]!.sd).toBeUndefined();
  });
});

describe('findings', () => {
  const r = (id: string, accuracy: number, extra: Partial<Row> = {}): Row => ({
    id,
    label: id,
    accuracy,
    macroF1: accuracy,
    ece: 0.02,
    trainS: 0,
    ...extra,
  });

  it('B: fails when warm combined retraining is not clearly the worst', () => {
    const scenarios = {
      B: {
        title: '',
        test: '',
        rows: [
          r('champion', 0.5),
          r('ft_head', 0.97),
          r('ft_full', 0.96),
          r('rt_warm_combined', 0.94),
          r('scratch', 0.97),
        ],
      },
    };
    const f = checkFindings({ scenarios });
    expect(f.map((x) => [x.claim, x.holds])).toEqual([
      ['the champion is at chance', true],
      ['head-only and full fine-tuning recover to ≥ 0.95', true],
      ['warm combined retraining is clearly the worst update', false],
    ]);
  });

  it('D: calibration and the 5-point margin are both checked', () => {
    const scenarios = {
      D: {
        title: '',
        test: '',
        rows: [
          r('source', 0.33),
          r('ft_head', 0.9, { ece: 0.08 }),
          r('ft_full', 0.9),
          r('scratch', 0.87, { ece: 0.05 }),
        ],
      },
    };
    expect(checkFindings({ scenarios }).map((x) => x.holds)).toEqual([true, false, false]);
  });
});

describe('measuredWinner', () => {
  // per-row correctness from a count: the first `k` of `n` rows right
  const right = (k: number, n = 100) => Uint8Array.from({ length: n }, (_, i) => (i < k ? 1 : 0));
  const row = (id: string, correct: Uint8Array, strategy?: StrategyId, compute?: number): Row => {
    const accuracy = correct.reduce((a, x) => a + x, 0) / correct.length;
    return {
      id,
      label: id,
      accuracy,
      macroF1: accuracy,
      ece: 0,
      trainS: 0,
      ...(strategy ? { strategy, correct } : {}),
      ...(compute !== undefined ? { compute } : {}),
    };
  };

  it('is the least compute not significantly worse than the best (exact McNemar, paired)', () => {
    const rows = [
      row('champion', right(99)),
      // 90 right: 8 discordant rows against the best, all its way: p = 2 * 0.5^8 = 0.0078
      row('ft_head', right(90), 'fine_tune_head_only', 10),
      // 96 right: 2 discordant rows: p = 0.5
      row('ft_full', right(96), 'fine_tune_full_network', 500),
      row('rt_cold_combined', right(98), 'retrain_cold_combined', 2000),
    ];
    expect(measuredWinner([rows])).toEqual({
      strategy: 'fine_tune_full_network',
      accuracy: 0.96,
      best: 0.98,
      pValue: 0.5,
    });
    // a laxer alpha than 0.0078 lets head-only tie too
    expect(measuredWinner([rows], 0.005).strategy).toBe('fine_tune_head_only');
  });

  it('pools the seeds: two seeds of 4 discordant rows each are one test on 8', () => {
    const seed = () => [
      row('ft_head', right(46, 50), 'fine_tune_head_only', 10),
      row('ft_full', right(50, 50), 'fine_tune_full_network', 500),
    ];
    // each seed alone: 4 discordant rows, p = 2 * 0.5^4 = 0.125 → head-only ties
    expect(measuredWinner([seed()]).strategy).toBe('fine_tune_head_only');
    // pooled: 8 discordant rows, p = 0.0078 → full fine-tuning
    const pooled = measuredWinner([seed(), seed()]);
    expect(pooled.strategy).toBe('fine_tune_full_network');
    expect(pooled.best).toBe(1);
  });

  it('breaks a tie in compute by the CostModel order', () => {
    const rows = [
      row('ft_full', right(90), 'fine_tune_full_network', 500),
      row('rt_warm_new', right(90), 'retrain_warm_new_only', 500),
    ];
    expect(measuredWinner([rows]).strategy).toBe('retrain_warm_new_only');
  });

  it('refuses rows without per-row predictions', () => {
    const bare: Row = { ...row('x', right(9, 10)), strategy: 'fine_tune_head_only' };
    expect(() => measuredWinner([[bare]])).toThrow(/no per-row predictions/);
  });
});
