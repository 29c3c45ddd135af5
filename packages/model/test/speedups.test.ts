import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { backendInfo } from '../src/index';

// useBestBackend (test/setup.ts) installed the wasm speedups. Their gradients must equal the
// textbook ones computed from elementary ops, which the speedups do not touch.
describe('wasm speedups keep the maths', () => {
  it('are installed on wasm', (ctx) => {
    // on another backend (tfjs-node installed, RVFT_BACKEND) there is nothing to install:
    // reported as skipped rather than passed
    if (backendInfo()?.name !== 'wasm') ctx.skip();
    expect(tf.getKernel('BatchMatMul', 'wasm')).toBeDefined();
  });

  it('transposed matMul products equal explicit ones', () => {
    const a = tf.randomNormal([5, 7], 0, 1, 'float32', 1);
    const b = tf.randomNormal([5, 3], 0, 1, 'float32', 2);
    const c = tf.randomNormal([3, 7], 0, 1, 'float32', 3);
    const close = (x: tf.Tensor, y: tf.Tensor) => {
      const d = tf.max(tf.abs(tf.sub(x, y))).dataSync()[0]!;
      expect(d).toBeLessThan(1e-5);
    };
    close(tf.matMul(a, b, true, false), tf.matMul(tf.transpose(a), b));
    close(tf.matMul(b, c, false, false), tf.matMul(b, tf.transpose(tf.transpose(c))));
    close(tf.matMul(a, c, false, true), tf.matMul(a, tf.transpose(c)));
    const d = tf.randomNormal([3, 5], 0, 1, 'float32', 8);
    close(tf.matMul(a, d, true, true), tf.matMul(tf.transpose(a), tf.transpose(d)));
    // the gradient of a product goes through the transposed kernel: L = ΣY², Y = A·Cᵀ
    const ct = tf.transpose(c);
    const loss = (x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.square(tf.matMul(x, y)));
    const [ga, gc] = tf.grads(loss)([a, ct]);
    const y2 = tf.mul(tf.matMul(a, ct), 2);
    close(ga!, tf.matMul(y2, c));
    close(gc!, tf.matMul(tf.transpose(a), y2));
  });

  it("BatchNorm's gradient equals the one of its elementary-op form", () => {
    const x = tf.randomNormal([16, 6], 1, 2, 'float32', 4);
    const gamma = tf.randomNormal([6], 1, 0.1, 'float32', 5);
    const beta = tf.randomNormal([6], 0, 0.1, 'float32', 6);
    const w = tf.randomNormal([16, 6], 0, 1, 'float32', 7);
    const eps = 1e-5;
    const fused = (xx: tf.Tensor, g: tf.Tensor, bb: tf.Tensor) => {
      const { mean, variance } = tf.moments(xx, 0);
      return tf.sum(tf.mul(tf.batchNorm(xx, mean, variance, bb, g, eps), w));
    };
    const plain = (xx: tf.Tensor, g: tf.Tensor, bb: tf.Tensor) => {
      const { mean, variance } = tf.moments(xx, 0);
      const norm = tf.div(tf.sub(xx, mean), tf.sqrt(tf.add(variance, eps)));
      return tf.sum(tf.mul(tf.add(tf.mul(norm, g), bb), w));
    };
    const a = tf.grads(fused)([x, gamma, beta]);
    const b = tf.grads(plain)([x, gamma, beta]);
    a.forEach((ga, i) => {
      expect(tf.max(tf.abs(tf.sub(ga, b[i]!))).dataSync()[0]!).toBeLessThan(1e-4);
    });
  });
});
