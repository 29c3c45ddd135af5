/**
 * Size limits on models. A model file is input like any other: a `model.json` may be hostile,
 * and tfjs allocates every weight a topology names before it reads a byte of them (a Dense
 * layer of 1e8 units reached 3.5 GB before failing). These caps are checked on the JSON
 * itself — and by `createMlp`/`expandHead` before they build anything — so an oversized model
 * is refused with RVFT_ERR_DATA_TOO_LARGE while nothing big has been allocated. A model this
 * library can build, it can also save and load: the same caps apply to both.
 */

/**
 * The most weight values a model may hold: kernels, biases, BatchNorm γ/β **and** its running
 * statistics (what tfjs allocates, not just `countParams()`). 2²⁴ float32 values are 64 MiB —
 * three orders of magnitude above the benchmark MLP (11,458 values for 2 classes), and small
 * enough that training (weights, gradients, Adam's two moments) fits in well under 1 GB.
 */
export const MAX_PARAMETERS = 2 ** 24;

/** The most output classes a model may have (`createMlp`'s `outputDim`, `expandHead`, a loaded head). */
export const MAX_CLASSES = 10_000;

/**
 * The largest `model.json` read, in bytes. The topology of the largest model above is a few
 * KiB; what can grow is the input scaler (two numbers per feature, ~25 bytes each).
 */
export const MAX_MODEL_JSON_BYTES = 16 * 1024 * 1024;

/** The most weight files a `weightsManifest` may list (tfjs's converter writes 4 MB shards). */
export const MAX_WEIGHT_FILES = 1024;

/** The most layers a model's topology may list, nested models included. */
export const MAX_LAYERS = 1024;
