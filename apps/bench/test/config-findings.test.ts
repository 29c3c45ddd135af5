import type { StrategyId } from '@rvft/decision';
import type { UpdateResult } from '@rvft/strategies';
import { describe, expect, it } from 'vitest';
import {
  aggregate,
  checkFindings,
  defaultConfig,
  measuredWinner,
  type Row,
  resolveConfig,
  strategyRun,
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
  const row = (id: string, accuracy: number, strategy?: StrategyId, compute?: number): Row => ({
    id,
    label: id,
    accuracy,
    macroF1: accuracy,
    ece: 0,
    trainS: 0,
    ...(strategy ? { strategy } : {}),
    ...(compute !== undefined ? { compute } : {}),
  });

  it('is the least compute within one point of the best; the champion row is no strategy', () => {
    const rows = [
      row('champion', 0.99),
      row('ft_head', 0.97, 'fine_tune_head_only', 10),
      row('ft_full', 0.98, 'fine_tune_full_network', 500),
      row('rt_cold_combined', 0.985, 'retrain_cold_combined', 2000),
    ];
    // best 0.985: within one point are ft_full (0.98) and cold (0.985); full fine-tuning ran less
    expect(measuredWinner(rows)).toEqual({
      strategy: 'fine_tune_full_network',
      accuracy: 0.98,
      best: 0.985,
    });
    expect(measuredWinner(rows, 0.016).strategy).toBe('fine_tune_head_only');
  });

  it('breaks a tie in compute by the CostModel order', () => {
    const rows = [
      row('ft_full', 0.9, 'fine_tune_full_network', 500),
      row('rt_warm_new', 0.9, 'retrain_warm_new_only', 500),
    ];
    expect(measuredWinner(rows).strategy).toBe('retrain_warm_new_only');
  });
});

describe('strategyRun', () => {
  const ran = (o: Partial<UpdateResult>): UpdateResult =>
    ({
      strategy: 'fine_tune_full_network',
      warmStart: true,
      trunkFrozen: false,
      samples: 500,
      ...o,
    }) as UpdateResult;

  it('calls warm whole-network training on old + new data warm combined retraining', () => {
    expect(strategyRun(ran({ samples: 1500 }), 500)).toBe('retrain_warm_combined');
    expect(strategyRun(ran({ samples: 500 }), 500)).toBe('fine_tune_full_network');
    expect(
      strategyRun(ran({ strategy: 'fine_tune_head_only', trunkFrozen: true, samples: 1500 }), 500),
    ).toBe('fine_tune_head_only');
    expect(
      strategyRun(ran({ strategy: 'retrain_cold_combined', warmStart: false, samples: 1500 }), 500),
    ).toBe('retrain_cold_combined');
  });
});
