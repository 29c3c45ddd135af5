import * as tf from '@tensorflow/tfjs-core';

let installed = false;

/**
 * Two kernel-level fixes for the WebAssembly backend, measured on the benchmark MLP
 * (BENCHMARKS.md): the maths is identical, only the kernels dispatched change.
 *
 * 1. `BatchMatMul` with `transposeA` / `transposeB` runs 10–20× slower on wasm than an
 *    explicit `Transpose` followed by a plain product, and every Dense layer's gradient asks
 *    for exactly those. The wasm kernel is wrapped to transpose first.
 * 2. tfjs's `FusedBatchNorm` gradient broadcasts 1/√(σ²+ε) with `tile`, which on wasm costs
 *    more than the rest of the layer's backward pass. The gradient is re-registered with the
 *    same formulas using broadcasting instead.
 *
 * Idempotent; `useBestBackend` calls it when it picks wasm (set RVFT_WASM_SPEEDUPS=0 to skip).
 */
export function installWasmSpeedups(): void {
  if (installed) return;
  installed = true;
  wrapTransposedMatMul();
  tf.registerGradient(fusedBatchNormGrad);
}

function wrapTransposedMatMul(): void {
  const original = tf.getKernel('BatchMatMul', 'wasm');
  const transpose = tf.getKernel('Transpose', 'wasm');
  if (!original || !transpose) return;
  const swapLast = (rank: number) => [
    ...Array.from({ length: rank - 2 }, (_, i) => i),
    rank - 1,
    rank - 2,
  ];
  const kernelFunc: tf.KernelFunc = ({ inputs, backend, attrs }) => {
    const { a, b } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const { transposeA, transposeB } = attrs as unknown as {
      transposeA: boolean;
      transposeB: boolean;
    };
    if (!transposeA && !transposeB) return original.kernelFunc({ inputs, backend, attrs });
    const temps: tf.TensorInfo[] = [];
    const explicit = (t: tf.TensorInfo) => {
      const out = transpose.kernelFunc({
        inputs: { x: t },
        backend,
        attrs: { perm: swapLast(t.shape.length) },
      }) as tf.TensorInfo;
      temps.push(out);
      return out;
    };
    const result = original.kernelFunc({
      inputs: { a: transposeA ? explicit(a) : a, b: transposeB ? explicit(b) : b },
      backend,
      attrs: { ...attrs, transposeA: false, transposeB: false },
    });
    for (const t of temps) (backend as tf.KernelBackend).disposeData(t.dataId);
    return result;
  };
  tf.unregisterKernel('BatchMatMul', 'wasm');
  tf.registerKernel({ ...original, kernelFunc });
}

/** tfjs's FusedBatchNorm gradient (tfjs-core gradients/FusedBatchNorm_grad) without `tile`. */
const fusedBatchNormGrad: tf.GradConfig = {
  kernelName: 'FusedBatchNorm',
  inputsToSave: ['x', 'mean', 'variance', 'scale'],
  gradFunc: (dy, saved, attrs) => {
    const dyT = dy as tf.Tensor;
    const { varianceEpsilon } = attrs as unknown as { varianceEpsilon: number };
    const [x, mean, variance, scale] = saved as tf.Tensor[];
    const scaleValue = scale ?? tf.scalar(1);
    const perChannel = (mean as tf.Tensor).rank === 1;
    // mean has shape [C] against x [..., C]: reduce over every axis but the last
    const reductionAxes = perChannel
      ? Array.from({ length: (x as tf.Tensor).rank - 1 }, (_, i) => i)
      : [];
    const reduce = (t: tf.Tensor) => (perChannel ? tf.sum(t, reductionAxes) : t);
    const xMinusMean = tf.sub(x as tf.Tensor, mean as tf.Tensor);
    const dyTimesScale = tf.mul(dyT, scaleValue);
    const rsqrtVar = tf.rsqrt(tf.add(variance as tf.Tensor, tf.scalar(varianceEpsilon)));
    const minusHalfRCube = tf.mul(tf.mul(tf.mul(rsqrtVar, rsqrtVar), rsqrtVar), tf.scalar(-0.5));
    return {
      x: () => tf.reshape(tf.mul(tf.mul(dyT, rsqrtVar), scaleValue), (x as tf.Tensor).shape),
      mean: () =>
        tf.reshape(
          reduce(tf.mul(tf.mul(rsqrtVar, tf.scalar(-1)), dyTimesScale)),
          (mean as tf.Tensor).shape,
        ),
      variance: () =>
        tf.reshape(
          reduce(tf.mul(tf.mul(minusHalfRCube, xMinusMean), dyTimesScale)),
          (mean as tf.Tensor).shape,
        ),
      scale: () =>
        tf.reshape(reduce(tf.mul(dyT, tf.mul(xMinusMean, rsqrtVar))), (mean as tf.Tensor).shape),
      offset: () => tf.reshape(reduce(dyT), (mean as tf.Tensor).shape),
    };
  },
};
