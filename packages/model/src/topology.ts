import { RvftError, showValue } from '@rvft/errors';
import type * as tf from '@tensorflow/tfjs-core';
import { MAX_CLASSES, MAX_LAYERS, MAX_PARAMETERS } from './limits';

/**
 * Checks a model topology (the `modelTopology` of a `model.json`) from the JSON alone, before
 * tfjs builds anything: tfjs allocates every weight a layer declares when it builds the layer,
 * so a hostile `units: 1e8` must be refused here. Only layers whose weights can be worked out
 * from their config are accepted; the result lists every weight tfjs will create, by name and
 * shape, so the weights manifest can be checked against it too.
 * @internal
 */

/** The layer classes a loaded model may contain (nested in Sequential models). */
export const SUPPORTED_LAYERS = [
  'Dense',
  'BatchNormalization',
  'ReLU',
  'Dropout',
  'Activation',
] as const;

// Sequential models nest: [trunk, head] inside one. Deeper nesting is not something rvft writes.
const MAX_DEPTH = 4;
const MAX_NAME_CHARS = 200;

// Config keys tfjs-layers 4.22 writes for each supported layer (Layer.getConfig + the class's
// own). A key outside these is refused rather than passed through: `input_dim`, `inputDim` or
// `batchInputShape` would otherwise declare input widths this check never saw.
const COMMON_KEYS = ['name', 'trainable', 'dtype', 'batch_input_shape'];
const INITIALIZER_KEYS = {
  Dense: ['kernel_initializer', 'bias_initializer'],
  BatchNormalization: [
    'beta_initializer',
    'gamma_initializer',
    'moving_mean_initializer',
    'moving_variance_initializer',
  ],
} as const;
const LAYER_KEYS: Record<(typeof SUPPORTED_LAYERS)[number], readonly string[]> = {
  Dense: [
    'units',
    'activation',
    'use_bias',
    ...INITIALIZER_KEYS.Dense,
    'kernel_regularizer',
    'bias_regularizer',
    'activity_regularizer',
    'kernel_constraint',
    'bias_constraint',
  ],
  BatchNormalization: [
    'axis',
    'momentum',
    'epsilon',
    'center',
    'scale',
    ...INITIALIZER_KEYS.BatchNormalization,
    'beta_regularizer',
    'gamma_regularizer',
    'beta_constraint',
    'gamma_constraint',
  ],
  ReLU: ['max_value'],
  Dropout: ['rate', 'noise_shape', 'seed'],
  Activation: ['activation'],
};
// Serialized objects inside a config (initializers, regularizers, constraints): tfjs resolves
// the class by name and refuses an unknown one before building.
const isObjectKey = (key: string) => /_(initializer|regularizer|constraint)$/.test(key);

/** What a checked topology will allocate, worked out from the JSON alone. */
export interface TopologyPlan {
  /** Features the model takes. */
  inputDim: number;
  /** Outputs (classes) of the model, at most MAX_CLASSES. */
  outputDim: number;
  /** Every weight tfjs will create, by the name the manifest must use (`layer/role`). */
  weights: Map<string, readonly number[]>;
  /** Weight values in all (at most MAX_PARAMETERS). */
  values: number;
  /** The top-level layers in order: class name and output width. */
  top: { className: string; outWidth: number }[];
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

class Planner {
  readonly weights = new Map<string, readonly number[]>();
  values = 0;
  layers = 0;
  private readonly names = new Set<string>();

  constructor(readonly file: string) {}

  fail(
    code: 'RVFT_ERR_MODEL_CORRUPT' | 'RVFT_ERR_MODEL_INCOMPATIBLE' | 'RVFT_ERR_DATA_TOO_LARGE',
    field: string,
    problem: string,
  ): RvftError {
    return new RvftError(code, `${this.file}: ${field} ${problem}`, {
      details: { file: this.file, field },
    });
  }

  corrupt(field: string, problem: string): RvftError {
    return this.fail('RVFT_ERR_MODEL_CORRUPT', field, problem);
  }

  /** A positive integer no larger than MAX_PARAMETERS (larger: too large, not corrupt). */
  width(field: string, v: unknown): number {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
      throw this.corrupt(field, `must be a positive integer, got ${showValue(v)}`);
    }
    if (v > MAX_PARAMETERS) {
      throw this.fail(
        'RVFT_ERR_DATA_TOO_LARGE',
        field,
        `is ${v}, over the ${MAX_PARAMETERS} weight values any model may hold (MAX_PARAMETERS)`,
      );
    }
    return v;
  }

  addWeight(field: string, layer: string, role: string, shape: number[]): void {
    // every dimension is at most MAX_PARAMETERS (2^24), so products of two stay exact
    const n = shape.reduce((a, b) => a * b, 1);
    this.values += n;
    if (this.values > MAX_PARAMETERS) {
      throw this.fail(
        'RVFT_ERR_DATA_TOO_LARGE',
        field,
        `(layer "${layer}"): its ${role} of shape [${shape.join(', ')}] takes the model to ${this.values} weight values, over MAX_PARAMETERS (${MAX_PARAMETERS}); nothing was allocated`,
      );
    }
    this.weights.set(`${layer}/${role}`, shape);
  }

  name(field: string, v: unknown): string {
    if (typeof v !== 'string' || v.length === 0 || v.length > MAX_NAME_CHARS || v.includes('/')) {
      throw this.corrupt(
        field,
        `must be a layer name of 1 to ${MAX_NAME_CHARS} characters without '/', got ${showValue(v)}`,
      );
    }
    // weights are matched to the manifest by `layer/role`: two layers of one name are ambiguous
    if (this.names.has(v)) throw this.corrupt(field, `repeats the layer name "${v}"`);
    this.names.add(v);
    return v;
  }

  /** Checks a Sequential model's entry; returns the output width of each of its layers. */
  sequential(
    node: Record<string, unknown>,
    field: string,
    inWidth: number | undefined,
    depth: number,
  ): number[] {
    if (depth >= MAX_DEPTH) {
      throw this.fail(
        'RVFT_ERR_MODEL_INCOMPATIBLE',
        field,
        `nests Sequential models ${depth + 1} deep; at most ${MAX_DEPTH} are loaded`,
      );
    }
    const config = node['config'];
    if (!isPlainObject(config)) throw this.corrupt(`${field}.config`, 'must be an object');
    for (const key of Object.keys(config)) {
      if (key !== 'name' && key !== 'layers') {
        throw this.fail(
          'RVFT_ERR_MODEL_INCOMPATIBLE',
          `${field}.config.${key}`,
          'is not a Sequential setting rvft loads',
        );
      }
    }
    const layers = config['layers'];
    if (!Array.isArray(layers) || layers.length === 0) {
      throw this.corrupt(`${field}.config.layers`, 'must be a non-empty array of layers');
    }
    this.layers += layers.length;
    if (this.layers > MAX_LAYERS) {
      throw this.fail(
        'RVFT_ERR_DATA_TOO_LARGE',
        `${field}.config.layers`,
        `takes the model over ${MAX_LAYERS} layers (MAX_LAYERS)`,
      );
    }
    const widths: number[] = [];
    let width = inWidth;
    layers.forEach((entry: unknown, i) => {
      const f = `${field}.config.layers[${i}]`;
      if (!isPlainObject(entry)) throw this.corrupt(f, 'must be an object');
      const cls = entry['class_name'];
      width =
        cls === 'Sequential'
          ? this.sequential(entry, f, width, depth + 1).at(-1)!
          : this.layer(entry, f, width, i === 0);
      widths.push(width);
    });
    return widths;
  }

  /** Checks one (non-Sequential) layer and records its weights; returns its output width. */
  layer(
    entry: Record<string, unknown>,
    field: string,
    inWidth: number | undefined,
    first: boolean,
  ): number {
    const cls = entry['class_name'];
    if (typeof cls !== 'string' || !(SUPPORTED_LAYERS as readonly string[]).includes(cls)) {
      throw this.fail(
        'RVFT_ERR_MODEL_INCOMPATIBLE',
        `${field}.class_name`,
        `is ${showValue(cls)}: rvft loads only ${SUPPORTED_LAYERS.join(', ')} layers (in Sequential models)`,
      );
    }
    const kind = cls as (typeof SUPPORTED_LAYERS)[number];
    const config = entry['config'];
    const f = `${field}.config`;
    if (!isPlainObject(config)) throw this.corrupt(f, 'must be an object');
    for (const key of Object.keys(config)) {
      if (!COMMON_KEYS.includes(key) && !LAYER_KEYS[kind].includes(key)) {
        throw this.fail(
          'RVFT_ERR_MODEL_INCOMPATIBLE',
          `${f}.${key}`,
          `is not a ${kind} setting rvft loads`,
        );
      }
      const v = config[key];
      if (isObjectKey(key) && v != null) {
        if (
          !isPlainObject(v) ||
          typeof v['class_name'] !== 'string' ||
          !isPlainObject(v['config'])
        ) {
          throw this.corrupt(`${f}.${key}`, 'must be null or { class_name, config }');
        }
      }
    }
    const name = this.name(`${f}.name`, config['name']);
    const bool = (key: string, fallback: boolean): boolean => {
      const v = config[key];
      if (v === undefined) return fallback;
      if (typeof v !== 'boolean')
        throw this.corrupt(`${f}.${key}`, `must be true or false, got ${showValue(v)}`);
      return v;
    };
    const num = (key: string, ok: (v: number) => boolean, rule: string): void => {
      const v = config[key];
      if (v == null) return;
      if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v)) {
        throw this.corrupt(`${f}.${key}`, `must be ${rule}, got ${showValue(v)}`);
      }
    };
    bool('trainable', true);
    const dtype = config['dtype'];
    if (dtype != null && dtype !== 'float32') {
      throw this.fail(
        'RVFT_ERR_MODEL_INCOMPATIBLE',
        `${f}.dtype`,
        `is ${showValue(dtype)}; rvft models are float32`,
      );
    }

    let width = inWidth;
    const declared = config['batch_input_shape'];
    if (declared !== undefined) {
      const sf = `${f}.batch_input_shape`;
      if (!first)
        throw this.corrupt(sf, 'is allowed only on the first layer of a Sequential model');
      if (!Array.isArray(declared) || declared.length !== 2 || declared[0] !== null) {
        throw this.corrupt(
          sf,
          `must be [null, width] (a batch of feature rows), got ${JSON.stringify(declared)?.slice(0, 60)}`,
        );
      }
      const w = this.width(`${sf}[1]`, declared[1]);
      if (inWidth !== undefined && w !== inWidth) {
        throw this.corrupt(
          sf,
          `declares input width ${w}, but the layer before outputs ${inWidth}`,
        );
      }
      width = w;
    }
    if (width === undefined) {
      throw this.corrupt(
        f,
        "is the model's first layer and must declare batch_input_shape [null, width]",
      );
    }

    switch (kind) {
      case 'Dense': {
        const units = this.width(`${f}.units`, config['units']);
        const activation = config['activation'];
        if (activation != null && typeof activation !== 'string') {
          throw this.corrupt(
            `${f}.activation`,
            `must be an activation name, got ${showValue(activation)}`,
          );
        }
        this.addWeight(`${f}.units`, name, 'kernel', [width, units]);
        if (bool('use_bias', true)) this.addWeight(`${f}.units`, name, 'bias', [units]);
        return units;
      }
      case 'BatchNormalization': {
        const axis = config['axis'];
        if (axis !== undefined && axis !== -1 && axis !== 1) {
          throw this.corrupt(
            `${f}.axis`,
            `must be -1 or 1 (the feature axis of [batch, features]), got ${showValue(axis)}`,
          );
        }
        num('momentum', (v) => v >= 0 && v <= 1, 'a number in [0, 1]');
        num('epsilon', (v) => v > 0, 'a number > 0');
        if (bool('scale', true)) this.addWeight(f, name, 'gamma', [width]);
        if (bool('center', true)) this.addWeight(f, name, 'beta', [width]);
        this.addWeight(f, name, 'moving_mean', [width]);
        this.addWeight(f, name, 'moving_variance', [width]);
        return width;
      }
      case 'ReLU':
        num('max_value', (v) => v >= 0, 'null or a number >= 0');
        return width;
      case 'Dropout': {
        num('rate', (v) => v >= 0 && v < 1, 'a number in [0, 1)');
        if (config['noise_shape'] != null) {
          throw this.fail('RVFT_ERR_MODEL_INCOMPATIBLE', `${f}.noise_shape`, 'must be null');
        }
        num('seed', Number.isInteger, 'null or an integer');
        return width;
      }
      case 'Activation': {
        const activation = config['activation'];
        if (typeof activation !== 'string') {
          throw this.corrupt(
            `${f}.activation`,
            `must be an activation name, got ${showValue(activation)}`,
          );
        }
        return width;
      }
    }
  }
}

/**
 * Checks a `modelTopology` and works out every weight it declares, without building anything.
 * `file` names the model.json in messages. Throws RVFT_ERR_MODEL_CORRUPT for malformed JSON
 * values, RVFT_ERR_MODEL_INCOMPATIBLE for layers or settings rvft does not load, and
 * RVFT_ERR_DATA_TOO_LARGE past MAX_PARAMETERS, MAX_CLASSES or MAX_LAYERS.
 */
export function planTopology(topology: unknown, file: string): TopologyPlan {
  const p = new Planner(file);
  if (!isPlainObject(topology)) throw p.corrupt('modelTopology', 'must be an object');
  for (const key of Object.keys(topology)) {
    // tfjs reads `model_config` in place of the model when present: it would bypass this check
    if (!['class_name', 'config', 'keras_version', 'backend'].includes(key)) {
      throw p.fail(
        'RVFT_ERR_MODEL_INCOMPATIBLE',
        `modelTopology.${key}`,
        'is not a topology field rvft loads',
      );
    }
  }
  if (topology['class_name'] !== 'Sequential') {
    throw p.fail(
      'RVFT_ERR_MODEL_INCOMPATIBLE',
      'modelTopology.class_name',
      `is ${showValue(topology['class_name'])}; rvft loads Sequential models`,
    );
  }
  const widths = p.sequential(topology, 'modelTopology', undefined, 0);
  const layers = (topology['config'] as { layers: Record<string, unknown>[] }).layers;
  const outputDim = widths.at(-1)!;
  if (outputDim > MAX_CLASSES) {
    throw p.fail(
      'RVFT_ERR_DATA_TOO_LARGE',
      'modelTopology',
      `has ${outputDim} outputs (classes), over MAX_CLASSES (${MAX_CLASSES})`,
    );
  }
  const firstShape = firstInputWidth(layers[0]!);
  return {
    inputDim: firstShape,
    outputDim,
    weights: p.weights,
    values: p.values,
    top: layers.map((l, i) => ({ className: l['class_name'] as string, outWidth: widths[i]! })),
  };
}

// The checked topology's first leaf layer declares [null, width].
function firstInputWidth(entry: Record<string, unknown>): number {
  const config = entry['config'] as Record<string, unknown>;
  if (entry['class_name'] === 'Sequential') {
    return firstInputWidth((config['layers'] as Record<string, unknown>[])[0]!);
  }
  return (config['batch_input_shape'] as [null, number])[1];
}

/**
 * Checks weight specs (a manifest's, in data order) against a plan: each names a weight of the
 * topology once, with its exact shape, float32, not quantized. Call `check` per spec, then
 * `finish` to refuse a manifest that leaves a weight out.
 */
export class SpecChecker {
  private readonly seen = new Set<string>();
  constructor(
    private readonly plan: TopologyPlan,
    private readonly file: string,
  ) {}

  private corrupt(field: string, problem: string): RvftError {
    return new RvftError('RVFT_ERR_MODEL_CORRUPT', `${this.file}: ${field} ${problem}`, {
      details: { file: this.file, field },
    });
  }

  /** Returns the spec, checked, and its size in bytes. */
  check(spec: unknown, field: string): { spec: tf.io.WeightsManifestEntry; bytes: number } {
    if (!isPlainObject(spec)) throw this.corrupt(field, 'must be a weight spec object');
    const name = spec['name'];
    const expected = typeof name === 'string' ? this.plan.weights.get(name) : undefined;
    if (expected === undefined) {
      throw this.corrupt(
        `${field}.name`,
        `is ${showValue(name)}, not a weight of the model's topology`,
      );
    }
    if (this.seen.has(name as string))
      throw this.corrupt(`${field}.name`, `repeats the weight "${name}"`);
    this.seen.add(name as string);
    if (spec['quantization'] != null) {
      throw new RvftError(
        'RVFT_ERR_MODEL_INCOMPATIBLE',
        `${this.file}: ${field}.quantization: quantized weights are not loaded by rvft`,
        { details: { file: this.file, field: `${field}.quantization` } },
      );
    }
    if (spec['group'] != null && spec['group'] !== 'model') {
      throw this.corrupt(
        `${field}.group`,
        `is ${showValue(spec['group'])}; only model weights are loaded`,
      );
    }
    if (spec['dtype'] !== 'float32') {
      throw this.corrupt(
        `${field}.dtype`,
        `is ${showValue(spec['dtype'])}; the topology's weights are float32`,
      );
    }
    const shape = spec['shape'];
    if (
      !Array.isArray(shape) ||
      shape.length !== expected.length ||
      shape.some((d, i) => d !== expected[i])
    ) {
      throw this.corrupt(
        `${field}.shape`,
        `is ${Array.isArray(shape) ? `[${shape.slice(0, 8).map(showValue).join(', ')}]` : showValue(shape)}, but the topology gives "${name}" the shape [${expected.join(', ')}]`,
      );
    }
    const bytes = 4 * expected.reduce((a, b) => a * b, 1);
    return {
      spec: { name: name as string, shape: [...expected], dtype: 'float32' },
      bytes,
    };
  }

  /** Refuses specs that leave one of the topology's weights out. */
  finish(field: string): void {
    for (const name of this.plan.weights.keys()) {
      if (!this.seen.has(name)) {
        throw this.corrupt(field, `has no spec for the weight "${name}" the topology declares`);
      }
    }
  }
}
