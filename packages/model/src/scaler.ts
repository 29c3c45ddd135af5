import { checkNumber, type ErrorCode, RvftError } from '@rvft/errors';

/**
 * Per-feature standardisation that travels with a model: `(x - mean) / scale`, applied by
 * `TrunkHeadModel` before its trunk, saved in `model.json` with the weights. Plain data.
 */
export interface InputScaler {
  readonly mean: Float32Array;
  readonly scale: Float32Array;
}

/** What `setInputScaler` accepts: typed arrays or plain number arrays, stored as float32. */
export interface InputScalerInit {
  readonly mean: ArrayLike<number>;
  readonly scale: ArrayLike<number>;
}

/** What `scalerFromStatistics` returns: the scaler, and which columns were constant. */
export interface ScalerFit {
  readonly scaler: InputScaler;
  /** Indices (ascending) treated as constant columns: their scale is 1. */
  readonly constant: readonly number[];
}

export interface ScalerFromStatisticsOptions {
  /** A std at or below this is a constant column (scale 1). Default 1e-8. */
  minScale?: number;
  /**
   * A std at or below `relativeMinScale · |mean|` is a constant column too: a float32 column
   * cannot vary by less than about one ulp of its mean, so such a std is rounding noise from
   * how the statistics were computed. Default 2⁻²³ (float32's epsilon, ≈ 1.19e-7).
   */
  relativeMinScale?: number;
}

const isArrayLike = (v: unknown): v is ArrayLike<number> =>
  v != null && typeof v === 'object' && typeof (v as { length?: unknown }).length === 'number';

/**
 * Validates a scaler for a model of `inputDim` features and returns float32 copies. Checks
 * the float32 values (a finite 1e39 overflows to Infinity, a scale of 1e-50 underflows to 0),
 * naming the offending index and value. Lengths are checked before anything is allocated.
 * Throws RvftError with `code`: RVFT_ERR_INVALID_ARGUMENT for a caller's scaler,
 * RVFT_ERR_MODEL_CORRUPT for one read from a model file.
 * @internal
 */
export function toFloat32Scaler(
  s: InputScalerInit,
  inputDim: number,
  where: string,
  code: ErrorCode = 'RVFT_ERR_INVALID_ARGUMENT',
): { mean: Float32Array; scale: Float32Array } {
  const fail = (field: string, message: string) =>
    new RvftError(code, `${where}: ${message}`, { details: { where, field } });
  if (s == null || typeof s !== 'object' || !isArrayLike(s.mean) || !isArrayLike(s.scale)) {
    throw fail('', 'an input scaler is { mean, scale }, two arrays of numbers');
  }
  for (const part of ['mean', 'scale'] as const) {
    if (s[part].length !== inputDim) {
      throw fail(
        part,
        `${part} has ${s[part].length} values, the model has ${inputDim} input features`,
      );
    }
  }
  const out = { mean: new Float32Array(inputDim), scale: new Float32Array(inputDim) };
  for (const part of ['mean', 'scale'] as const) {
    const given = s[part];
    const values = out[part];
    for (let i = 0; i < inputDim; i++) {
      const raw = given[i];
      const v = typeof raw === 'number' ? Math.fround(raw) : Number.NaN;
      if (!Number.isFinite(v)) {
        throw fail(
          `${part}[${i}]`,
          `${part}[${i}] is ${String(raw)}${typeof raw === 'number' && Number.isFinite(raw) ? ' (not finite in float32)' : ''}; every ${part} must be a finite number`,
        );
      }
      if (part === 'scale' && !(v > 0)) {
        throw fail(
          `scale[${i}]`,
          `scale[${i}] is ${String(raw)}${(raw as number) > 0 ? ' (0 in float32)' : ''}; every scale must be > 0 (use scalerFromStatistics to give constant columns scale 1)`,
        );
      }
      values[i] = v + 0; // -0 → +0: JSON writes -0 as 0, and a saved scaler must read back exact
    }
  }
  return out;
}

/**
 * A scaler from per-feature statistics (e.g. `Dataset.featureStatistics()` of `@rvft/data`
 * over the champion's training rows): scale = std, except constant columns — listed in
 * `stats.constant`, or with a std that is 0, negative, non-finite, at or below `minScale`, or
 * at or below `relativeMinScale · |mean|` — which get scale 1, so they are only centred (a
 * constant column becomes 0, not NaN or ±1e8). Their indices are returned in `constant`.
 * Every mean must be finite in float32. Pure; the result passes `setInputScaler`'s checks.
 * (The defaults flag every column `featureStatistics` flags, whose tolerance is
 * 1e-12 · max(1, |mean|), and a few more.)
 *
 * @example
 * const { scaler, constant } = scalerFromStatistics({ mean: [1000, 5], std: [250, 0] });
 * scaler; // → { mean: [1000, 5], scale: [250, 1] }
 * constant; // → [1]
 * const model = createMlp({ inputDim: 2, hiddenDims: [4], outputDim: 2, seed: 1 });
 * model.setInputScaler(scaler);
 * // the mean row is scaled to 0, and a fresh head's biases are 0: no preference
 * [...model.probabilities(Float32Array.from([1000, 5]))]; // → [0.5, 0.5]
 */
export function scalerFromStatistics(
  stats: {
    readonly mean: ArrayLike<number>;
    readonly std: ArrayLike<number>;
    readonly constant?: readonly number[];
  },
  opts: ScalerFromStatisticsOptions = {},
): ScalerFit {
  const minScale = opts.minScale ?? 1e-8;
  const relative = opts.relativeMinScale ?? 2 ** -23;
  checkNumber('scalerFromStatistics', 'minScale', minScale, { min: 0 });
  checkNumber('scalerFromStatistics', 'relativeMinScale', relative, { min: 0 });
  if (!isArrayLike(stats?.mean) || !isArrayLike(stats?.std)) {
    throw new RvftError(
      'RVFT_ERR_INVALID_ARGUMENT',
      'scalerFromStatistics: expected { mean, std }, two arrays of numbers',
    );
  }
  const n = stats.mean.length;
  if (stats.std.length !== n) {
    throw new RvftError(
      'RVFT_ERR_INVALID_ARGUMENT',
      `scalerFromStatistics: mean has ${n} values, std has ${stats.std.length}`,
    );
  }
  const listed = new Set(stats.constant ?? []);
  const mean = new Float32Array(n);
  const scale = new Float32Array(n);
  const constant: number[] = [];
  for (let i = 0; i < n; i++) {
    const m = Math.fround(stats.mean[i] as number);
    if (!Number.isFinite(m)) {
      throw new RvftError(
        'RVFT_ERR_INVALID_ARGUMENT',
        `scalerFromStatistics: mean[${i}] is ${String(stats.mean[i])}; every mean must be a finite number`,
      );
    }
    mean[i] = m + 0; // -0 → +0, as setInputScaler stores it
    const sd = stats.std[i] as number;
    const s = Math.fround(sd);
    if (
      listed.has(i) ||
      typeof sd !== 'number' ||
      !Number.isFinite(s) ||
      !(s > minScale) ||
      s <= relative * Math.abs(m)
    ) {
      scale[i] = 1;
      constant.push(i);
    } else {
      scale[i] = s;
    }
  }
  return { scaler: { mean, scale }, constant };
}
