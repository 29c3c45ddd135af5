import { describe, expect, it } from 'vitest';
import { strategyRun, type UpdateResult } from '../src/index';

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
