import { checkNumber, checkOneOf, RvftError } from '@rvft/errors';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initialValue, weightSeed } from './init';
import { MAX_CLASSES, MAX_PARAMETERS } from './limits';
import { type InputScaler, type InputScalerInit, toFloat32Scaler } from './scaler';

/**
 * What BatchNorm does in a frozen trunk during training — the classic fine-tuning trap.
 *
 * - `BatchStatistics` (PyTorch's behaviour, the default): the trunk's weights are frozen, but
 *   BatchNorm still normalises with the batch's statistics and keeps updating its running
 *   mean and variance. The trunk adapts to a shifted input distribution through those
 *   statistics alone — which is why head-only fine-tuning recovers from scenario B's shift.
 * - `Inference` (Keras's recommendation for transfer learning): a frozen trunk runs in
 *   inference mode, using and keeping its stored running statistics (Dropout is off too).
 *   Nothing in the trunk moves; small fine-tuning batches cannot wreck the statistics.
 */
export const FrozenBatchNorm = {
  BatchStatistics: 'batch-statistics',
  Inference: 'inference',
} as const;
export type FrozenBatchNorm = (typeof FrozenBatchNorm)[keyof typeof FrozenBatchNorm];

/** Features accepted by the predict methods: a 2-D tensor, a row-major buffer, or a Dataset. */
export type Features = tf.Tensor2D | Float32Array | { readonly features: Float32Array };

export interface WeightValue {
  name: string;
  shape: number[];
  values: Float32Array;
}

/** A deep copy of every weight, including BatchNorm running statistics. Plain data. */
export interface ModelSnapshot {
  readonly trunk: readonly WeightValue[];
  readonly head: readonly WeightValue[];
}

export interface TrunkHeadOptions {
  /** Recorded in saved metadata so a loaded model can say what it is. */
  architecture?: Record<string, unknown>;
  /** Per-feature standardisation applied before the trunk; see `setInputScaler`. */
  inputScaler?: InputScalerInit | null;
}

// Predictions are computed in chunks so a large dataset never needs one huge activation.
const PREDICT_CHUNK = 8192;

/**
 * Every weight of a model in layer order. `LayersModel.weights` lists trainable weights
 * first, so its order changes when layers are frozen; this order never does.
 */
function weightsInOrder(model: tfl.LayersModel): tfl.LayerVariable[] {
  return model.layers.flatMap((layer) => layer.weights);
}

/** A weight's name that is the same in every model of one architecture: `layer/role`. */
function stableNames(model: tfl.LayersModel): string[] {
  return model.layers.flatMap((layer, li) =>
    layer.weights.map(
      (w) =>
        `${li}.${layer.getClassName()}/${w.originalName.split('/').at(-1)!.replace(/_\d+$/, '')}`,
    ),
  );
}

/**
 * Frees every weight of a model this object owns. `LayersModel.dispose()` is reference
 * counted, and tfjs counts each symbolic application of a layer (a nested model inside a
 * Sequential, a model loaded from disk) as a reference that is never given back, so the
 * count can stay above zero for ever. Owned models are therefore released, then any
 * variable still alive is freed directly.
 */
function release(model: tfl.LayersModel): void {
  const variables = weightsInOrder(model).map((w) => w.read());
  try {
    model.dispose();
  } catch {
    // already released through a container that shared it
  }
  for (const v of variables) if (!v.isDisposed) v.dispose();
}

const isBuffer = (w: tfl.LayerVariable) => /moving_(mean|variance)(_\d+)?$/.test(w.originalName);

function assertSingleDenseHead(head: tfl.LayersModel, what: string): tfl.layers.Layer {
  const last = head.layers.at(-1);
  if (head.layers.length !== 1 || !last || last.getClassName() !== 'Dense') {
    throw new RvftError(
      'RVFT_ERR_MODEL_INCOMPATIBLE',
      `${what}: the head must be a single Dense layer (got ${head.layers.map((l) => l.getClassName()).join(' → ')}); move other layers into the trunk`,
    );
  }
  return last;
}

/**
 * Refuses a head of `classes` outputs before it is allocated: more than MAX_CLASSES, or a
 * model (`rest` = weight values outside the head) over MAX_PARAMETERS.
 */
function checkHeadSize(
  where: string,
  classes: number,
  embeddingDim: number,
  useBias: boolean,
  rest: number,
): void {
  if (classes > MAX_CLASSES) {
    throw new RvftError(
      'RVFT_ERR_DATA_TOO_LARGE',
      `${where}: a head of ${classes} classes is over MAX_CLASSES (${MAX_CLASSES}); nothing was allocated`,
      { details: { where, classes, max: MAX_CLASSES } },
    );
  }
  const values = rest + classes * embeddingDim + (useBias ? classes : 0);
  if (values > MAX_PARAMETERS) {
    throw new RvftError(
      'RVFT_ERR_DATA_TOO_LARGE',
      `${where}: a head of ${classes} classes on a ${embeddingDim}-wide embedding takes the model to ${values} weight values, over MAX_PARAMETERS (${MAX_PARAMETERS}); nothing was allocated`,
      { details: { where, values, max: MAX_PARAMETERS } },
    );
  }
}

/**
 * Refuses a snapshot part whose weights do not match `shapes` (count, shape) or whose values
 * do not fill their shape.
 */
function checkSnapshotPart(
  shapes: readonly (readonly number[])[],
  values: readonly WeightValue[],
  part: string,
): void {
  if (!Array.isArray(values) || values.length !== shapes.length) {
    throw new RvftError(
      'RVFT_ERR_MODEL_INCOMPATIBLE',
      `restore: the snapshot's ${part} has ${values?.length} weights, the model ${shapes.length}`,
    );
  }
  values.forEach((v, i) => {
    const shape = shapes[i]!;
    if (!Array.isArray(v?.shape) || v.shape.join() !== shape.join()) {
      throw new RvftError(
        'RVFT_ERR_MODEL_INCOMPATIBLE',
        `restore: ${part} weight ${i} (${v?.name}) has shape [${v?.shape}], the model [${shape}]`,
      );
    }
    const n = shape.reduce((a, b) => a * b, 1);
    if (v.values?.length !== n) {
      throw new RvftError(
        'RVFT_ERR_INVALID_ARGUMENT',
        `restore: ${part} weight ${i} (${v.name}) must hold ${n} values for shape [${shape.join(', ')}], got ${v.values?.length}`,
      );
    }
  });
}

// tfjs-layers names new layers from a process-wide counter, so a head built after loading a
// saved model can be auto-named like one of the loaded trunk's layers ("dense_Dense2") — and a
// model holding two weights of one name saves but never loads again. Replacement heads get a
// prefix no auto-name has.
let headLayers = 0;

function denseHead(
  inputDim: number,
  units: number,
  useBias: boolean,
  name?: string,
): tfl.Sequential {
  return tfl.sequential({
    ...(name ? { name } : {}),
    layers: [
      tfl.layers.dense({
        name: `rvft_head_dense_${++headLayers}`,
        units,
        inputShape: [inputDim],
        useBias,
        kernelInitializer: 'zeros',
        biasInitializer: 'zeros',
      }),
    ],
  });
}

/**
 * A classifier split into a trunk (input → embedding) and a head (embedding → logits),
 * the split every update strategy works on. Wraps any pair of tfjs LayersModels; use
 * `createMlp` for the benchmark's MLP.
 *
 * Tensor-returning methods follow tfjs: the caller owns (and disposes) the result. Every
 * other method leaves `tf.memory().numTensors` where it found it.
 *
 * @example
 * const model = createMlp({ inputDim: 20, hiddenDims: [128, 64], outputDim: 2, seed: 42 });
 * model.freezeTrunk(); // head-only fine-tuning
 * model.countParams({ trainableOnly: true }); // → 130 — the head: 64 × 2 weights + 2 biases
 * model.expandHead(2); // two new classes, old rows kept exactly
 * model.outputDim; // → 4
 * const snap = model.snapshot(); // … train …
 * model.restore(snap);
 */
export class TrunkHeadModel {
  private _trunk: tfl.LayersModel;
  private _head: tfl.LayersModel;
  private _frozenBatchNorm: FrozenBatchNorm = FrozenBatchNorm.BatchStatistics;
  private _combined: tfl.Sequential | undefined;
  // The scaler as float32 data (what `inputScaler` and saving read) and as two tensors owned
  // by the model, uploaded once when set: each forward pays two kernels and no uploads.
  private _scaler: { mean: Float32Array; scale: Float32Array } | null = null;
  private _scalerTensors: { mean: tf.Tensor1D; scale: tf.Tensor1D } | null = null;
  private _temperature = 1;
  private disposed = false;
  readonly architecture: Record<string, unknown>;

  constructor(trunk: tfl.LayersModel, head: tfl.LayersModel, opts: TrunkHeadOptions = {}) {
    const trunkOut = trunk.outputs[0]?.shape;
    const headIn = head.inputs[0]?.shape;
    if (trunk.outputs.length !== 1 || head.inputs.length !== 1 || head.outputs.length !== 1) {
      throw new RvftError(
        'RVFT_ERR_MODEL_INCOMPATIBLE',
        'TrunkHeadModel: trunk and head must each have one input and one output',
      );
    }
    if (trunkOut?.length !== 2 || headIn?.length !== 2 || trunkOut[1] !== headIn[1]) {
      throw new RvftError(
        'RVFT_ERR_MODEL_INCOMPATIBLE',
        `TrunkHeadModel: trunk output shape [${trunkOut}] does not feed head input shape [${headIn}]`,
      );
    }
    this._trunk = trunk;
    this._head = head;
    this.architecture = opts.architecture ?? { kind: 'custom' };
    if (opts.inputScaler) this.setInputScaler(opts.inputScaler);
  }

  get trunk(): tfl.LayersModel {
    return this._trunk;
  }

  get head(): tfl.LayersModel {
    return this._head;
  }

  get inputDim(): number {
    return this._trunk.inputs[0]!.shape[1] as number;
  }

  get embeddingDim(): number {
    return this._trunk.outputs[0]!.shape[1] as number;
  }

  get outputDim(): number {
    return this._head.outputs[0]!.shape[1] as number;
  }

  get frozenBatchNorm(): FrozenBatchNorm {
    return this._frozenBatchNorm;
  }

  // ---- input scaler ---------------------------------------------------------------------

  /**
   * The per-feature standardisation applied before the trunk, or null (raw features go
   * straight in). Returns copies: changing them changes nothing; use `setInputScaler`.
   */
  get temperature(): number {
    return this._temperature;
  }

  /**
   * Sets the softmax temperature T (temperature scaling, Guo et al. 2017): `predictProba` and
   * `probabilities` return softmax(logits / T) from now on, so every caller — the library, the
   * CLI, a model loaded from the registry, the services — sees calibrated probabilities.
   * `forward` and `predictLogits` stay raw (training and fitting need the raw logits); the
   * argmax, hence accuracy, is the same for every T. Fit T on held-out rows with
   * `fitTemperature(model.predictLogits(x).dataSync(), labels)` from `@rvft/metrics`.
   * Saved and loaded with the model; not part of `snapshot()`; `reinitialize()` puts it
   * back to 1 (a temperature fitted to weights that are gone means nothing).
   * Refused unless finite and > 0.
   *
   * @example
   * const model = createMlp({ inputDim: 2, hiddenDims: [4], outputDim: 2, seed: 1 });
   * model.setTemperature(2).temperature; // → 2
   * model.setTemperature(0); // → throws 'temperature must be a finite number > 0'
   */
  setTemperature(t: number): this {
    this.assertAlive();
    this._temperature = checkNumber('setTemperature', 'temperature', t, { above: 0 });
    return this;
  }

  get inputScaler(): InputScaler | null {
    if (!this._scaler) return null;
    return { mean: this._scaler.mean.slice(), scale: this._scaler.scale.slice() };
  }

  /**
   * Sets (or, with null, removes) the input scaler: every forward pass — `forward`,
   * `predictLogits`, `predictProba`, `probabilities`, `embed` — first computes
   * `(x - mean) / scale`, so callers always pass RAW features. Fit mean and scale on the
   * champion's training rows (`scalerFromStatistics` turns column mean/std into a scaler and
   * handles constant columns); the scaler is saved and loaded with the model.
   *
   * Validates before changing anything: one value per input feature, every value finite in
   * float32, every scale > 0 (errors name the index and value). Stores float32 copies (a
   * mean of -0 as +0, which is what JSON can carry: saved models read back exact), and
   * holds them as two tensors owned by the model (so `tf.memory().numTensors` grows by 2;
   * replacing or removing the scaler, or `dispose()`, frees them). Not part of `snapshot()`,
   * untouched by `restore()` and `reinitialize()`.
   */
  setInputScaler(s: InputScalerInit | null): this {
    this.assertAlive();
    const next = s === null ? null : toFloat32Scaler(s, this.inputDim, 'setInputScaler');
    // kept: a scaler set inside someone's tf.tidy must outlive it
    const tensors = next
      ? {
          mean: tf.keep(tf.tensor1d(next.mean, 'float32')),
          scale: tf.keep(tf.tensor1d(next.scale, 'float32')),
        }
      : null;
    this.disposeScalerTensors();
    this._scaler = next;
    this._scalerTensors = tensors;
    return this;
  }

  /**
   * `(x - mean) / scale` with the model's scaler: what every forward pass does first. For code
   * that applies `model.trunk` (or `asLayersModel()`) directly, which does not scale. Without
   * a scaler it returns `x` itself (no kernel, not a copy); with one, a new tensor the caller
   * owns (exactly two kernels; intermediates are freed).
   */
  scaleInputs(x: tf.Tensor2D): tf.Tensor2D {
    this.assertAlive();
    if (!this._scalerTensors) return x;
    if (x.rank !== 2 || x.shape[1] !== this.inputDim) {
      throw new RvftError(
        'RVFT_ERR_DATA_SCHEMA',
        `scaleInputs: expected shape [n, ${this.inputDim}], got [${x.shape}]`,
      );
    }
    return this.applyScaler(x) as tf.Tensor2D;
  }

  private applyScaler(x: tf.Tensor): tf.Tensor {
    const s = this._scalerTensors;
    if (!s) return x;
    return tf.tidy(() => tf.div(tf.sub(x, s.mean), s.scale));
  }

  private disposeScalerTensors(): void {
    if (this._scalerTensors) tf.dispose([this._scalerTensors.mean, this._scalerTensors.scale]);
    this._scalerTensors = null;
  }

  /**
   * Trunk and head as one tfjs Sequential (input → logits), sharing their weights: what is
   * saved, and what `tf.loadLayersModel` gives back. Built once per head. It does NOT apply
   * the input scaler: feed it `scaleInputs(x)` (a plain tfjs loader of a saved model must
   * scale with `userDefinedMetadata.rvft.inputScaler` itself).
   */
  asLayersModel(): tfl.LayersModel {
    this.assertAlive();
    this._combined ??= tfl.sequential({ layers: [this._trunk, this._head] });
    return this._combined;
  }

  private replaceHead(next: tfl.LayersModel): void {
    release(this._head);
    this._head = next;
    this._combined = undefined;
  }

  // ---- forward ------------------------------------------------------------------------

  /**
   * Logits for a batch of raw features, for use inside a gradient tape. The input scaler, if
   * any, is applied first. With `training`, BatchNorm uses batch statistics and Dropout is
   * active — except in a frozen trunk under `FrozenBatchNorm.Inference`.
   */
  forward(x: tf.Tensor, training: boolean): tf.Tensor2D {
    this.assertAlive();
    const trunkTraining =
      training && !(this.trunkIsFrozen && this._frozenBatchNorm === FrozenBatchNorm.Inference);
    const z = this._trunk.apply(this.applyScaler(x), { training: trunkTraining }) as tf.Tensor;
    return this._head.apply(z, { training }) as tf.Tensor2D;
  }

  /** Raw logits in inference mode (the temperature is not applied). The caller disposes the result. */
  predictLogits(x: Features): tf.Tensor2D {
    return this.inChunks(x, (batch) => this.forward(batch, false));
  }

  /**
   * Class probabilities: softmax(logits / temperature) (see `setTemperature`; at T = 1 the
   * plain softmax, no extra kernel). The caller disposes the result.
   */
  predictProba(x: Features): tf.Tensor2D {
    const t = this._temperature;
    return this.inChunks(x, (batch) =>
      tf.softmax(
        t === 1 ? this.forward(batch, false) : tf.div<tf.Tensor2D>(this.forward(batch, false), t),
      ),
    );
  }

  /** The trunk's output (the embedding) for raw features. The caller disposes the result. */
  embed(x: Features): tf.Tensor2D {
    return this.inChunks(
      x,
      (batch) => this._trunk.apply(this.applyScaler(batch), { training: false }) as tf.Tensor2D,
    );
  }

  /** Class probabilities as a row-major Float32Array; no tensor outlives the call. */
  probabilities(x: Features): Float32Array {
    const p = this.predictProba(x);
    try {
      return p.dataSync() as Float32Array;
    } finally {
      p.dispose();
    }
  }

  private inChunks(x: Features, fn: (batch: tf.Tensor2D) => tf.Tensor2D): tf.Tensor2D {
    this.assertAlive();
    if (x instanceof tf.Tensor) {
      if (x.rank !== 2 || x.shape[1] !== this.inputDim) {
        throw new RvftError(
          'RVFT_ERR_DATA_SCHEMA',
          `features: expected shape [n, ${this.inputDim}], got [${x.shape}]`,
        );
      }
      return tf.tidy(() => fn(x));
    }
    const buffer = x instanceof Float32Array ? x : x.features;
    if (buffer.length % this.inputDim !== 0) {
      throw new RvftError(
        'RVFT_ERR_DATA_SCHEMA',
        `features: length ${buffer.length} is not a multiple of the input dimension ${this.inputDim}`,
      );
    }
    const n = buffer.length / this.inputDim;
    if (n <= PREDICT_CHUNK) {
      return tf.tidy(() => fn(tf.tensor2d(buffer, [n, this.inputDim])));
    }
    return tf.tidy(() => {
      const parts: tf.Tensor2D[] = [];
      for (let start = 0; start < n; start += PREDICT_CHUNK) {
        const rows = Math.min(PREDICT_CHUNK, n - start);
        const chunk = buffer.subarray(start * this.inputDim, (start + rows) * this.inputDim);
        parts.push(fn(tf.tensor2d(chunk, [rows, this.inputDim])));
      }
      return tf.concat(parts, 0);
    });
  }

  // ---- freezing -------------------------------------------------------------------------

  /** Stops the trunk's weights from training. See `FrozenBatchNorm` for what BatchNorm does. */
  freezeTrunk(opts: { batchNorm?: FrozenBatchNorm } = {}): this {
    this.assertAlive();
    if (opts.batchNorm !== undefined) {
      this._frozenBatchNorm = checkOneOf(
        'freezeTrunk',
        'batchNorm',
        opts.batchNorm,
        Object.values(FrozenBatchNorm),
      );
    }
    for (const layer of this._trunk.layers) layer.trainable = false;
    return this;
  }

  unfreezeTrunk(): this {
    this.assertAlive();
    for (const layer of this._trunk.layers) layer.trainable = true;
    return this;
  }

  /** True when no trunk layer is trainable. */
  get trunkIsFrozen(): boolean {
    return this._trunk.layers.every((l) => !l.trainable);
  }

  /**
   * The trunk's layers grouped into blocks: a block starts at each layer that owns a kernel
   * (Dense, Conv…) and takes the layers after it (BatchNorm, activation, Dropout).
   */
  trunkBlocks(): tfl.layers.Layer[][] {
    const blocks: tfl.layers.Layer[][] = [];
    for (const layer of this._trunk.layers) {
      const startsBlock = layer.weights.some((w) => /kernel(_\d+)?$/.test(w.originalName));
      if (startsBlock || blocks.length === 0) blocks.push([layer]);
      else blocks.at(-1)!.push(layer);
    }
    return blocks;
  }

  /** Freezes the trunk except its top `k` blocks (gradual unfreezing, top down). */
  unfreezeTopBlocks(k: number): this {
    const blocks = this.trunkBlocks();
    checkNumber('unfreezeTopBlocks', 'k', k, { integer: true, min: 0, max: blocks.length });
    blocks.forEach((block, i) => {
      const trainable = i >= blocks.length - k;
      for (const layer of block) layer.trainable = trainable;
    });
    return this;
  }

  /** The variables an optimiser should update now: trainable trunk weights, then the head's. */
  trainableVariables(): tf.Variable[] {
    this.assertAlive();
    return [...this._trunk.trainableWeights, ...this._head.trainableWeights].map(
      (w) => w.read() as tf.Variable,
    );
  }

  /**
   * Parameters (BatchNorm running statistics are buffers, not parameters). With
   * `trainableOnly`, only those trainable now.
   */
  countParams(opts: { trainableOnly?: boolean } = {}): number {
    this.assertAlive();
    const weights = opts.trainableOnly
      ? [...this._trunk.trainableWeights, ...this._head.trainableWeights]
      : [...this._trunk.weights, ...this._head.weights].filter((w) => !isBuffer(w));
    return weights.reduce((s, w) => s + (w.shape as number[]).reduce((a, b) => a * b, 1), 0);
  }

  /**
   * Every weight value the model holds, BatchNorm running statistics included: what
   * MAX_PARAMETERS limits.
   */
  private valueCount(): number {
    return [...this._trunk.weights, ...this._head.weights].reduce(
      (s, w) => s + (w.shape as number[]).reduce((a, b) => a * b, 1),
      0,
    );
  }

  // ---- head expansion and re-initialisation -------------------------------------------

  /**
   * Adds `nNew` output classes. The old kernel columns and biases are kept exactly; new
   * columns start at N(0, 0.01²), new biases at 0. The head keeps its trainable state.
   * Refused with RVFT_ERR_DATA_TOO_LARGE, before anything is allocated, when the head would
   * pass MAX_CLASSES outputs or the model MAX_PARAMETERS weight values.
   */
  expandHead(nNew: number, opts: { seed?: number } = {}): this {
    this.assertAlive();
    checkNumber('expandHead', 'nNew', nNew, { integer: true, min: 1 });
    const old = assertSingleDenseHead(this._head, 'expandHead');
    const useBias = old.weights.length > 1;
    checkHeadSize(
      'expandHead',
      this.outputDim + nNew,
      this.embeddingDim,
      useBias,
      this.valueCount() - old.countParams(),
    );
    const [kernel, bias] = old.getWeights();
    const trainable = old.trainable;
    const next = denseHead(this.embeddingDim, this.outputDim + nNew, useBias);
    const values = tf.tidy(() => {
      const fresh = tf.randomNormal([this.embeddingDim, nNew], 0, 0.01, 'float32', opts.seed ?? 0);
      const w = [tf.concat([kernel as tf.Tensor, fresh], 1)];
      if (bias) w.push(tf.concat([bias, tf.zeros([nNew])], 0));
      return w;
    });
    next.layers[0]!.setWeights(values);
    tf.dispose(values);
    next.layers[0]!.trainable = trainable;
    this.replaceHead(next);
    return this;
  }

  /**
   * Re-draws every weight (kernels Kaiming-normal, the rest at their initial values). The
   * input scaler is left as it is; the temperature goes back to 1.
   */
  reinitialize(seed: number): this {
    this.assertAlive();
    this._temperature = 1;
    const all = [...weightsInOrder(this._trunk), ...weightsInOrder(this._head)];
    tf.tidy(() => {
      all.forEach((w, i) => {
        w.write(initialValue(w.originalName, w.shape as number[], weightSeed(seed, i)));
      });
    });
    return this;
  }

  // ---- snapshots ------------------------------------------------------------------------

  /**
   * A deep copy of every weight (BatchNorm running statistics included). Weights only: the
   * input scaler is not part of a snapshot, and `restore` leaves it alone — a strategy that
   * refits the scaler sets it explicitly with `setInputScaler`.
   */
  snapshot(): ModelSnapshot {
    this.assertAlive();
    const copy = (model: tfl.LayersModel): WeightValue[] => {
      const names = stableNames(model);
      return weightsInOrder(model).map((w, i) => ({
        name: names[i]!,
        shape: w.shape as number[],
        values: (w.read().dataSync() as Float32Array).slice(),
      }));
    };
    return { trunk: copy(this._trunk), head: copy(this._head) };
  }

  /**
   * Puts back every weight of a snapshot. A head expanded since the snapshot is shrunk back
   * to the snapshot's size. The input scaler is not touched (see `snapshot`).
   */
  restore(snapshot: ModelSnapshot): this {
    this.assertAlive();
    // every check comes before anything changes: a refused snapshot leaves the model as it was,
    // and a head of absurd width is refused before it is allocated
    const shapesOf = (model: tfl.LayersModel) =>
      weightsInOrder(model).map((w) => w.shape as number[]);
    checkSnapshotPart(shapesOf(this._trunk), snapshot.trunk, 'trunk');
    const headKernel = snapshot.head[0];
    let next: tfl.Sequential | undefined;
    if (headKernel && headKernel.shape.at(-1) !== this.outputDim) {
      const old = assertSingleDenseHead(this._head, 'restore');
      const classes = headKernel.shape.at(-1);
      checkNumber('restore', "the snapshot's head width", classes, { integer: true, min: 1 });
      const useBias = snapshot.head.length > 1;
      checkHeadSize(
        'restore',
        classes as number,
        this.embeddingDim,
        useBias,
        this.valueCount() - old.countParams(),
      );
      const c = classes as number;
      checkSnapshotPart([[this.embeddingDim, c], ...(useBias ? [[c]] : [])], snapshot.head, 'head');
      next = denseHead(this.embeddingDim, c, useBias);
      next.layers[0]!.trainable = old.trainable;
    } else {
      checkSnapshotPart(shapesOf(this._head), snapshot.head, 'head');
    }
    if (next) this.replaceHead(next);
    const write = (ws: tfl.LayerVariable[], values: readonly WeightValue[]) => {
      tf.tidy(() => {
        ws.forEach((w, i) => {
          const v = values[i]!;
          w.write(tf.tensor(v.values, v.shape));
        });
      });
    };
    write(weightsInOrder(this._trunk), snapshot.trunk);
    write(weightsInOrder(this._head), snapshot.head);
    return this;
  }

  // ---- lifecycle ------------------------------------------------------------------------

  get isDisposed(): boolean {
    return this.disposed;
  }

  /**
   * Frees every weight and the input scaler's tensors. A TrunkHeadModel owns the trunk and
   * head it wraps; neither can be used afterwards.
   */
  dispose(): void {
    if (this.disposed) return;
    release(this._trunk);
    release(this._head);
    this.disposeScalerTensors();
    this._combined = undefined;
    this.disposed = true;
  }

  private assertAlive(): void {
    if (this.disposed) {
      throw new RvftError('RVFT_ERR_INVALID_ARGUMENT', 'TrunkHeadModel: used after dispose()');
    }
  }

  /**
   * @internal Wraps a loaded trunk and head (used by clone/load). On a bad scaler the
   * model is disposed before the error is thrown, so nothing leaks.
   */
  static adopt(
    trunk: tfl.LayersModel,
    head: tfl.LayersModel,
    state: {
      frozenBatchNorm?: FrozenBatchNorm;
      architecture?: Record<string, unknown>;
      inputScaler?: InputScalerInit | null;
      temperature?: number;
    },
  ): TrunkHeadModel {
    const m = new TrunkHeadModel(
      trunk,
      head,
      state.architecture ? { architecture: state.architecture } : {},
    );
    if (state.frozenBatchNorm) m._frozenBatchNorm = state.frozenBatchNorm;
    if (state.inputScaler || state.temperature !== undefined) {
      try {
        if (state.inputScaler) m.setInputScaler(state.inputScaler);
        if (state.temperature !== undefined) m.setTemperature(state.temperature);
      } catch (e) {
        m.dispose();
        throw e;
      }
    }
    return m;
  }
}
