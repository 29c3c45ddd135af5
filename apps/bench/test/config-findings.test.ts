import { COMBINED_STRATEGIES, type StrategyId } from '@rvft/decision';
import { describe, expect, it } from 'vitest';
import {
  aggregate,
  checkFindings,
  defaultConfig,
  measuredWinner,
  type Row,
  type RowId,
  resolveConfig,
  rowId,
  runScenario,
  SCENARIO_IDS,
  SCENARIO_TABLE,
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
    expect(c.D.training['fine_tune_head_only']).toEqual({
      epochs: 15,
      learningRate: 0.01,
      batchSize: 32,
    });
    expect(c.C.training['train_from_scratch']).toEqual({
      epochs: 20,
      learningRate: 0.01,
      batchSize: 64,
    });
    expect(c.C.training['retrain_warm_combined@fine_tune_full_network']).toEqual({
      epochs: 12,
      learningRate: 0.001,
      batchSize: 64,
    });
    expect(c.A.hiddenDims).toEqual([128, 64]);
  });

  it('overrides generator options, the MLP and any hyper-parameter by row id', () => {
    const c = resolveConfig({
      B: { shiftMagnitude: 0.6, training: { fine_tune_head_only: { epochs: 5 } } },
      D: { nTargetTrain: 1200, hiddenDims: [32] },
    });
    expect(c.B.data['shiftMagnitude']).toBe(0.6);
    expect(c.B.training['fine_tune_head_only']).toEqual({
      epochs: 5,
      learningRate: 0.01,
      batchSize: 64,
    });
    expect(c.D.data['nTargetTrain']).toBe(1200);
    expect(c.D.hiddenDims).toEqual([32]);
    expect(c.A).toEqual(defaultConfig().A);
  });

  it('names every bad key and value', () => {
    const resolve = () =>
      resolveConfig({
        B: { shiftMagnitud: 1, training: { fine_tune_head_only: { epochs: -1 }, ft_hed: {} } },
        E: {},
      });
    expect(resolve).toThrow(/^invalid bench config:/);
    // one error names all four problems
    expect(resolve).toThrow('B.shiftMagnitud: unknown key');
    expect(resolve).toThrow('B.training.fine_tune_head_only.epochs:');
    expect(resolve).toThrow('B.training.ft_hed: unknown key');
    expect(resolve).toThrow('E: unknown key');
  });

  it('reads a former row id as its new id, with a notice naming the new key', () => {
    const notices: string[] = [];
    const c = resolveConfig(
      {
        C: { training: { expand_ft_full: { epochs: 3 }, scratch: { learningRate: 0.02 } } },
        D: { training: { source: { epochs: 4 } } },
      },
      { onDeprecated: (m) => notices.push(m) },
    );
    expect(c.C.training['retrain_warm_combined@fine_tune_full_network']).toEqual({
      epochs: 3,
      learningRate: 0.001,
      batchSize: 64,
    });
    expect(c.C.training['train_from_scratch']!.learningRate).toBe(0.02);
    expect(c.D.training['champion']!.epochs).toBe(4);
    // the former keys do not linger as rows of their own
    expect(Object.keys(c.C.training)).toEqual(Object.keys(defaultConfig().C.training));
    expect(notices).toEqual([
      'bench config: C.training.expand_ft_full is deprecated; use C.training.retrain_warm_combined@fine_tune_full_network',
      'bench config: C.training.scratch is deprecated; use C.training.train_from_scratch',
      'bench config: D.training.source is deprecated; use D.training.champion',
    ]);
  });

  it('refuses a row given under both its former and its new id', () => {
    expect(() =>
      resolveConfig(
        { A: { training: { ft_head: { epochs: 3 }, fine_tune_head_only: { epochs: 4 } } } },
        { onDeprecated: () => {} },
      ),
    ).toThrow(
      expect.objectContaining({
        code: 'RVFT_ERR_INVALID_ARGUMENT',
        message: expect.stringContaining("keep 'fine_tune_head_only'"),
      }),
    );
  });
});

describe('the scenario table', () => {
  it('names every row by the strategy it runs, once per scenario, and configures each', () => {
    for (const id of SCENARIO_IDS) {
      const spec = SCENARIO_TABLE[id];
      const ids = spec.rows.map(rowId);
      expect(new Set(ids).size, id).toBe(ids.length);
      for (const r of spec.rows) {
        // a suffix only where the recipe is another strategy's
        expect(rowId(r), id).toBe(r.recipe ? `${r.strategy}@${r.recipe}` : r.strategy);
        expect(r.recipe, id).not.toBe(r.strategy);
        // combined retraining replays the old data: it cannot train on the new alone
        if (COMBINED_STRATEGIES.includes(r.recipe ?? r.strategy)) expect(r.on, id).toBe('old+new');
      }
      expect(Object.keys(defaultConfig()[id].training), id).toEqual(['champion', ...ids]);
    }
    expect(SCENARIO_TABLE.C.rows.map(rowId)).toEqual([
      'fine_tune_head_only',
      'retrain_warm_combined@fine_tune_full_network',
      'retrain_warm_combined',
      'train_from_scratch',
    ]);
  });

  it('refuses a row whose run is not the strategy its id names', async () => {
    // D's head-only recipe declared as full fine-tuning: the run says otherwise
    const [headOnly] = SCENARIO_TABLE.D.rows;
    const spec = {
      ...SCENARIO_TABLE.D,
      rows: [
        {
          ...headOnly!,
          strategy: 'fine_tune_full_network' as const,
          recipe: 'fine_tune_head_only' as const,
        },
      ],
    };
    const config = resolveConfig({
      D: { nSourceTrain: 200, hiddenDims: [8], training: { champion: { epochs: 1 } } },
    }).D;
    config.training['fine_tune_full_network@fine_tune_head_only'] = {
      epochs: 1,
      learningRate: 0.01,
      batchSize: 32,
    };
    await expect(runScenario(spec, { seed: 1, config })).rejects.toMatchObject({
      code: 'RVFT_ERR_INTERNAL',
      message: expect.stringContaining(
        'row fine_tune_full_network@fine_tune_head_only ran fine_tune_head_only',
      ),
    });
  });
});

describe('aggregate', () => {
  it('averages each metric over seeds with the sample standard deviation', () => {
    const row = (accuracy: number): Row => ({
      id: 'champion',
      label: 'no update',
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
  const r = (id: RowId, accuracy: number, extra: Partial<Row> = {}): Row => ({
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
          r('fine_tune_head_only', 0.97),
          r('fine_tune_full_network', 0.96),
          r('retrain_warm_combined', 0.94),
          r('train_from_scratch', 0.97),
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
          r('champion', 0.33),
          r('fine_tune_head_only', 0.9, { ece: 0.08 }),
          r('fine_tune_full_network', 0.9),
          r('train_from_scratch', 0.87, { ece: 0.05 }),
        ],
      },
    };
    expect(checkFindings({ scenarios }).map((x) => x.holds)).toEqual([true, false, false]);
  });
});

describe('measuredWinner', () => {
  // per-row correctness from a count: the first `k` of `n` rows right
  const right = (k: number, n = 100) => Uint8Array.from({ length: n }, (_, i) => (i < k ? 1 : 0));
  const row = (id: RowId, correct: Uint8Array, strategy?: StrategyId, compute?: number): Row => {
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
      row('fine_tune_head_only', right(90), 'fine_tune_head_only', 10),
      // 96 right: 2 discordant rows: p = 0.5
      row('fine_tune_full_network', right(96), 'fine_tune_full_network', 500),
      row('retrain_cold_combined', right(98), 'retrain_cold_combined', 2000),
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
      row('fine_tune_head_only', right(46, 50), 'fine_tune_head_only', 10),
      row('fine_tune_full_network', right(50, 50), 'fine_tune_full_network', 500),
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
      row('fine_tune_full_network', right(90), 'fine_tune_full_network', 500),
      row('retrain_warm_new_only', right(90), 'retrain_warm_new_only', 500),
    ];
    expect(measuredWinner([rows]).strategy).toBe('retrain_warm_new_only');
  });

  it('refuses rows without per-row predictions', () => {
    const bare: Row = {
      ...row('fine_tune_head_only', right(9, 10)),
      strategy: 'fine_tune_head_only',
    };
    expect(() => measuredWinner([[bare]])).toThrow(/no per-row predictions/);
  });
});
