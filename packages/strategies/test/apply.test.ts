import { newClassScenario, newDataScenario } from '@rvft/data';
import { STRATEGIES_BY_COST, Strategy, type StrategyId } from '@rvft/decision';
import { createMlp } from '@rvft/model';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { applyStrategy, trainFromScratch } from '../src/index';

const s = newDataScenario({ nInitial: 192, nNew: 96, nTest: 64, nFeatures: 6, seed: 5 });
const mlp = (outputDim = 2) => createMlp({ inputDim: 6, hiddenDims: [12, 8], outputDim, seed: 1 });

describe('applyStrategy', () => {
  it('runs every strategy id as the function that implements it, on the data it names', async () => {
    const base = tf.memory().numTensors;
    const m = mlp();
    await trainFromScratch(m, s.initial, { epochs: 1 });
    const champion = m.snapshot();
    const expected: Record<StrategyId, { samples: number; warm: boolean; frozen: boolean }> = {
      fine_tune_head_only: { samples: 96, warm: true, frozen: true },
      fine_tune_full_network: { samples: 96, warm: true, frozen: false },
      fine_tune_gradual_unfreeze: { samples: 96, warm: true, frozen: false },
      retrain_warm_new_only: { samples: 96, warm: true, frozen: false },
      retrain_warm_combined: { samples: 288, warm: true, frozen: false },
      retrain_cold_combined: { samples: 288, warm: false, frozen: false },
      // scratch is fresh weights on the new data only; cold combined is fresh on old + new
      train_from_scratch: { samples: 96, warm: false, frozen: false },
    };
    for (const id of STRATEGIES_BY_COST) {
      m.restore(champion);
      const r = await applyStrategy(id, m, s.new, {
        oldData: s.initial,
        epochs: id === 'fine_tune_gradual_unfreeze' ? 3 : 1,
        profile: 'article',
      });
      expect({ strategy: r.strategy, samples: r.samples, warm: r.warmStart }).toEqual({
        strategy: id,
        samples: expected[id].samples,
        warm: expected[id].warm,
      });
      expect(r.trunkFrozen).toBe(expected[id].frozen);
      // gradual unfreezing: head, then the two trunk blocks, one epoch each
      expect(r.epochs).toBe(id === 'fine_tune_gradual_unfreeze' ? 3 : 1);
    }
    await expect(applyStrategy('retrain_warm_combined', m, s.new, { epochs: 1 })).rejects.toThrow(
      /needs opts.oldData/,
    );
    await expect(applyStrategy('keep' as StrategyId, m, s.new)).rejects.toThrow(
      /strategy: must be one of .*got 'keep'/,
    );
    m.dispose();
    expect(tf.memory().numTensors).toBe(base);
  });

  it('expands the head for labels the model cannot output, keeping the old rows', async () => {
    const c = newClassScenario({ nFeatures: 6, nTrainPerClass: 40, nTestPerClass: 10, seed: 2 });
    const m = createMlp({ inputDim: 6, hiddenDims: [12], outputDim: 3, seed: 1 });
    await trainFromScratch(m, c.originalTrain, { epochs: 1 });
    const oldHead = m.snapshot().head;
    const r = await applyStrategy(Strategy.FineTuneHeadOnly, m, c.newTrain, {
      epochs: 1,
      learningRate: 1e-9,
    });
    expect(r.strategy).toBe('fine_tune_head_only');
    expect(m.outputDim).toBe(5);
    // with a vanishing learning rate the old rows are still (almost) what they were
    const kernel = m.snapshot().head.find((w) => /kernel/.test(w.name))!;
    const oldKernel = oldHead.find((w) => /kernel/.test(w.name))!;
    const cols = 5;
    for (let row = 0; row < kernel.shape[0]!; row++) {
      for (let k = 0; k < 3; k++) {
        expect(kernel.values[row * cols + k]).toBeCloseTo(
          oldKernel.values[row * 3 + k] as number,
          5,
        );
      }
    }
    m.dispose();
  });
});
