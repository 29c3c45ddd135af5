import * as tf from '@tensorflow/tfjs-core';

/**
 * A per-weight seed from the model seed and the weight's position, so every weight gets its
 * own stream and the same (seed, position) always gives the same values.
 */
export function weightSeed(seed: number, index: number): number {
  // Knuth's multiplicative hash keeps nearby seeds far apart.
  return ((seed * 2654435761 + index * 40503) >>> 0) % 2147483647;
}

/** Fan-out of a kernel: output units for Dense [in, out], kh·kw·out for Conv2D [kh, kw, in, out]. */
export function fanOut(shape: readonly number[]): number {
  if (shape.length < 2) return shape[0] ?? 1;
  const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return receptive * (shape.at(-1) as number);
}

/**
 * Kaiming-normal initialisation, fan_out mode, ReLU gain: N(0, 2 / fan_out), as PyTorch's
 * `kaiming_normal_(mode='fan_out', nonlinearity='relu')` (not truncated).
 */
export function kaimingNormal(shape: readonly number[], seed: number): tf.Tensor {
  const std = Math.sqrt(2 / fanOut(shape));
  return tf.randomNormal(shape as number[], 0, std, 'float32', seed);
}

/**
 * The initial value of a weight, by its role: kernels Kaiming-normal, biases and BatchNorm
 * β / running mean 0, BatchNorm γ / running variance 1.
 */
export function initialValue(name: string, shape: readonly number[], seed: number): tf.Tensor {
  const role = name.split('/').at(-1)?.replace(/_\d+$/, '') ?? '';
  switch (role) {
    case 'kernel':
      return kaimingNormal(shape, seed);
    case 'gamma':
    case 'moving_variance':
      return tf.ones(shape as number[]);
    default:
      return tf.zeros(shape as number[]);
  }
}
