import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createMlp, describeBackend, useBestBackend } from '../src/index';
import { tfjsNode } from './peer';

describe('useBestBackend', () => {
  it('reports the backend it chose and is idempotent', async () => {
    const a = await useBestBackend();
    const b = await useBestBackend();
    expect(b).toBe(a);
    expect(describeBackend(a)).toMatch(/^(wasm \(simd|cpu|tensorflow)/);
  });

  it('RVFT_BACKEND forces a backend; an unknown name is an error', async () => {
    await expect(useBestBackend({ env: { RVFT_BACKEND: 'gpu' } })).rejects.toThrow(
      /useBestBackend: RVFT_BACKEND must be one of 'tensorflow', 'wasm', 'cpu', got "gpu"/,
    );
    // forcing the optional peer: it loads where installed, and fails loudly where not
    const forceTf = useBestBackend({ env: { RVFT_BACKEND: 'tensorflow' } });
    if ((await tfjsNode()).loads) {
      // (already chosen by test/setup.ts when it loads: useBestBackend returns that choice)
      await expect(forceTf).resolves.toMatchObject({ name: 'tensorflow' });
    } else {
      await expect(forceTf).rejects.toThrow(/RVFT_BACKEND=tensorflow: the backend failed to load/);
    }
    const cpu = await useBestBackend({ env: { RVFT_BACKEND: 'cpu' } });
    expect(cpu).toMatchObject({ name: 'cpu', reason: 'forced by RVFT_BACKEND' });
    expect(tf.getBackend()).toBe('cpu');
    // the model works the same on the forced backend
    const m = createMlp({ inputDim: 4, hiddenDims: [8], outputDim: 2, seed: 1 });
    expect(m.probabilities(new Float32Array(8))).toHaveLength(4);
    m.dispose();
  });
});
