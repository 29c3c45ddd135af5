import { randomUUID } from 'node:crypto';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { RvftError, showValue } from '@rvft/errors';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { MAX_CLASSES, MAX_MODEL_JSON_BYTES, MAX_PARAMETERS, MAX_WEIGHT_FILES } from './limits';
import { FrozenBatchNorm, TrunkHeadModel } from './model';
import { type OpenedFile, openInside, readExactly, safeSegments } from './safe-fs';
import { type InputScalerInit, toFloat32Scaler } from './scaler';
import { planTopology, SpecChecker, type TopologyPlan } from './topology';

export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';
/**
 * The newest rvft model format this library reads; newer formats are refused. A model is
 * written with the lowest format that describes it: 1 without an input scaler, 2 with one,
 * 3 with a softmax temperature other than 1 (with or without a scaler) — an older reader
 * would ignore the scaler (or the temperature) and predict on unscaled inputs (or with
 * uncalibrated probabilities), a silent wrong number, so it must refuse such a model
 * instead. All three are read.
 */
export const RVFT_FORMAT_VERSION = 3;
/** The format a model with an input scaler (and temperature 1) is written in. */
const SCALER_FORMAT_VERSION = 2;
/** The format a model with a temperature other than 1 is written in. */
const TEMPERATURE_FORMAT_VERSION = 3;

export interface RvftMetadata {
  formatVersion: number;
  inputDim: number;
  embeddingDim: number;
  outputDim: number;
  trunkFrozen: boolean;
  frozenBatchNorm: FrozenBatchNorm;
  architecture: Record<string, unknown>;
  backend: string;
  savedAt: string;
  /**
   * Per-feature standardisation `(x - mean) / scale` applied before the trunk (format 2).
   * float32 values written as JSON numbers: they read back bit-identical.
   */
  inputScaler?: { mean: number[]; scale: number[] };
  /** The softmax temperature (format 3; absent means 1): finite, > 0. See `setTemperature`. */
  temperature?: number;
}

function joinBuffers(data: ArrayBuffer | ArrayBuffer[]): Uint8Array {
  if (!Array.isArray(data)) return new Uint8Array(data);
  const total = data.reduce((s, b) => s + b.byteLength, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const b of data) {
    out.set(new Uint8Array(b), at);
    at += b.byteLength;
  }
  return out;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** One group of a checked weights manifest: its files (as safe segments) and its bytes. */
interface CheckedGroup {
  field: string;
  paths: { rel: string; segments: string[] }[];
  bytes: number;
}

/**
 * Checks a `weightsManifest` against the topology's plan — every path safe, every spec a
 * weight of the topology with its exact shape, none missing — and works out how many bytes
 * each group of files must hold. Reads nothing.
 */
function checkManifest(
  manifest: unknown,
  plan: TopologyPlan,
  file: string,
): { groups: CheckedGroup[]; specs: tf.io.WeightsManifestEntry[]; bytes: number } {
  const corrupt = (field: string, problem: string) =>
    new RvftError('RVFT_ERR_MODEL_CORRUPT', `${file}: ${field} ${problem}`, {
      details: { file, field },
    });
  if (!Array.isArray(manifest)) throw corrupt('weightsManifest', 'must be an array');
  const checker = new SpecChecker(plan, file);
  const groups: CheckedGroup[] = [];
  const specs: tf.io.WeightsManifestEntry[] = [];
  let files = 0;
  let bytes = 0;
  manifest.forEach((group: unknown, g) => {
    const field = `weightsManifest[${g}]`;
    if (!isPlainObject(group)) throw corrupt(field, 'must be an object { paths, weights }');
    const { paths, weights } = group;
    if (!Array.isArray(paths)) throw corrupt(`${field}.paths`, 'must be an array of paths');
    if (!Array.isArray(weights)) throw corrupt(`${field}.weights`, 'must be an array of specs');
    files += paths.length;
    if (files > MAX_WEIGHT_FILES) {
      throw new RvftError(
        'RVFT_ERR_DATA_TOO_LARGE',
        `${file}: weightsManifest lists more than ${MAX_WEIGHT_FILES} weight files (MAX_WEIGHT_FILES)`,
        { details: { file, field: 'weightsManifest' } },
      );
    }
    const checked: CheckedGroup = {
      field,
      paths: paths.map((rel: unknown, i) => ({
        rel: rel as string,
        segments: safeSegments(rel, file, `${field}.paths[${i}]`),
      })),
      bytes: 0,
    };
    weights.forEach((spec: unknown, i) => {
      const r = checker.check(spec, `${field}.weights[${i}]`);
      specs.push(r.spec);
      checked.bytes += r.bytes;
    });
    if (checked.bytes > 0 && paths.length === 0) {
      throw corrupt(
        `${field}.paths`,
        `is empty, but the group's weights need ${checked.bytes} bytes`,
      );
    }
    bytes += checked.bytes;
    groups.push(checked);
  });
  checker.finish('weightsManifest');
  return { groups, specs, bytes };
}

async function readModelJson(dir: string, file: string): Promise<Record<string, unknown>> {
  const opened = await openInside(
    dir,
    [MODEL_JSON],
    file,
    MODEL_JSON,
    () =>
      new RvftError(
        'RVFT_ERR_NOT_FOUND',
        `fileSystemIO: no model at '${dir}' (${MODEL_JSON} not found)`,
        {
          details: { file },
        },
      ),
  );
  let text: string;
  try {
    if (opened.size > MAX_MODEL_JSON_BYTES) {
      throw new RvftError(
        'RVFT_ERR_DATA_TOO_LARGE',
        `${file}: ${opened.size} bytes, over the ${MAX_MODEL_JSON_BYTES}-byte limit on a model.json (MAX_MODEL_JSON_BYTES); nothing was read`,
        { details: { file, bytes: opened.size } },
      );
    }
    const bytes = new Uint8Array(opened.size);
    await readExactly(opened, bytes, 0, opened.size, file);
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch (e) {
      throw new RvftError('RVFT_ERR_MODEL_CORRUPT', `${file}: not valid UTF-8`, {
        details: { file },
        cause: e,
      });
    }
  } finally {
    await opened.handle.close();
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new RvftError(
      'RVFT_ERR_MODEL_CORRUPT',
      `${file}: not valid JSON (${(e as Error).message})`,
      { details: { file }, cause: e },
    );
  }
  if (
    !isPlainObject(json) ||
    json['modelTopology'] == null ||
    !Array.isArray(json['weightsManifest'])
  ) {
    throw new RvftError(
      'RVFT_ERR_MODEL_CORRUPT',
      `${file}: lacks modelTopology or weightsManifest (not a tfjs layers model)`,
      { details: { file } },
    );
  }
  if (json['format'] != null && json['format'] !== 'layers-model') {
    throw new RvftError(
      'RVFT_ERR_MODEL_INCOMPATIBLE',
      `${file}: format is ${showValue(json['format'])}; rvft loads tfjs 'layers-model' artifacts`,
      { details: { file, field: 'format' } },
    );
  }
  return json;
}

/**
 * Reads the weight files of a checked manifest. Every file is opened (inside `dir`, regular,
 * no symlink) and measured first; a group whose files do not add up to exactly the bytes its
 * specs need is refused before anything is read or allocated. Then one buffer of the
 * expected size is filled.
 */
async function readWeights(
  dir: string,
  file: string,
  groups: readonly CheckedGroup[],
  total: number,
): Promise<Uint8Array> {
  const opened: OpenedFile[] = [];
  try {
    for (const group of groups) {
      let size = 0;
      const names: string[] = [];
      for (const [i, p] of group.paths.entries()) {
        const field = `${group.field}.paths[${i}]`;
        const o = await openInside(
          dir,
          p.segments,
          file,
          field,
          () =>
            new RvftError(
              'RVFT_ERR_MODEL_CORRUPT',
              `${file}: ${field}: weights file ${join(dir, ...p.segments)} is missing`,
              { details: { file, field } },
            ),
        );
        opened.push(o);
        size += o.size;
        names.push(p.rel);
      }
      if (size !== group.bytes) {
        throw new RvftError(
          'RVFT_ERR_MODEL_CORRUPT',
          `${file}: ${group.field}: ${names.join(' + ')} ${names.length === 1 ? 'is' : 'are'} ${size} bytes, the manifest's weight specs need ${group.bytes} (truncated, padded or corrupted); nothing was read`,
          { details: { file, field: group.field, bytes: size, expected: group.bytes } },
        );
      }
    }
    const data = new Uint8Array(total);
    let at = 0;
    for (const o of opened) {
      await readExactly(o, data, at, o.size, file);
      at += o.size;
    }
    return data;
  } finally {
    await Promise.all(opened.map((o) => o.handle.close()));
  }
}

/**
 * A tfjs IOHandler for a directory on disk: `model.json` + `weights.bin`, the standard
 * artifacts layout (tfjs's own `file://` handler lives in tfjs-node, which cannot be
 * installed here). Saving is atomic: files go to a temporary sibling directory, are fsynced,
 * and the directory is renamed into place, so a crash never leaves a half-written model.
 *
 * Loading treats the directory as untrusted input, and checks everything before tfjs builds a
 * layer or a weight file is read: `model.json` is a regular file of at most
 * MAX_MODEL_JSON_BYTES; the topology is a Sequential model of the layers rvft loads (Dense,
 * BatchNormalization, ReLU, Dropout, Activation; Sequential models nested) with at most
 * MAX_PARAMETERS weight values and MAX_CLASSES outputs; each manifest spec names one of the
 * topology's weights with its exact shape (float32); each weight path is relative, without
 * `..`, and leads — through no symlink — to a regular file inside the directory; and the files
 * add up to exactly the bytes the specs need. The directory `dir` itself is the caller's: it
 * may be a symlink. Errors are RvftErrors naming the file and field (RVFT_ERR_PATH_UNSAFE,
 * RVFT_ERR_MODEL_CORRUPT, RVFT_ERR_MODEL_INCOMPATIBLE, RVFT_ERR_DATA_TOO_LARGE,
 * RVFT_ERR_NOT_FOUND).
 */
export interface FileSystemIO extends tf.io.IOHandler {
  save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult>;
  load(): Promise<tf.io.ModelArtifacts>;
}

/**
 * The `FileSystemIO` handler for `dir`.
 *
 * @example
 * import { loadLayersModel } from '@tensorflow/tfjs-layers';
 * await saveModel(createMlp({ inputDim: 3, hiddenDims: [8], outputDim: 2, seed: 1 }), 'out/model');
 * // any tfjs program opens it as a plain logits model
 * const plain = await loadLayersModel(fileSystemIO('out/model'));
 * [plain.inputs[0].shape, plain.outputs[0].shape]; // → [[null, 3], [null, 2]]
 */
export function fileSystemIO(dir: string, opts: { overwrite?: boolean } = {}): FileSystemIO {
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      if (artifacts.modelTopology instanceof ArrayBuffer) {
        throw new RvftError(
          'RVFT_ERR_INVALID_ARGUMENT',
          'fileSystemIO: binary model topologies are not supported',
        );
      }
      const exists = await stat(dir).then(
        () => true,
        () => false,
      );
      if (exists && !opts.overwrite) {
        throw new RvftError(
          'RVFT_ERR_INVALID_ARGUMENT',
          `fileSystemIO: '${dir}' already exists (pass { overwrite: true } to replace it)`,
          { details: { dir } },
        );
      }
      const weights = artifacts.weightData ? joinBuffers(artifacts.weightData) : new Uint8Array(0);
      const modelJson: tf.io.ModelJSON = {
        modelTopology: artifacts.modelTopology as object,
        weightsManifest: [{ paths: [WEIGHTS_BIN], weights: artifacts.weightSpecs ?? [] }],
        ...(artifacts.format ? { format: artifacts.format } : {}),
        ...(artifacts.generatedBy ? { generatedBy: artifacts.generatedBy } : {}),
        ...(artifacts.convertedBy ? { convertedBy: artifacts.convertedBy } : {}),
        ...(artifacts.trainingConfig ? { trainingConfig: artifacts.trainingConfig } : {}),
        ...(artifacts.userDefinedMetadata
          ? { userDefinedMetadata: artifacts.userDefinedMetadata }
          : {}),
      };
      const parent = dirname(dir);
      await mkdir(parent, { recursive: true });
      const tmp = join(parent, `.${basename(dir)}.tmp-${randomUUID()}`);
      try {
        await mkdir(tmp);
        await writeFile(join(tmp, WEIGHTS_BIN), weights, { flush: true });
        await writeFile(join(tmp, MODEL_JSON), JSON.stringify(modelJson), { flush: true });
        if (exists) {
          const old = `${tmp}-old`;
          await rename(dir, old);
          await rename(tmp, dir);
          await rm(old, { recursive: true, force: true });
        } else {
          await rename(tmp, dir);
        }
      } catch (e) {
        await rm(tmp, { recursive: true, force: true });
        throw e;
      }
      return {
        modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON({
          ...artifacts,
          weightData: weights.buffer as ArrayBuffer,
        }),
      };
    },

    async load(): Promise<tf.io.ModelArtifacts> {
      const file = join(dir, MODEL_JSON);
      const json = await readModelJson(dir, file);
      // everything is checked from the JSON before a weight file is opened
      const plan = planTopology(json['modelTopology'], file);
      const manifest = checkManifest(json['weightsManifest'], plan, file);
      const data = await readWeights(dir, file, manifest.groups, manifest.bytes);
      const artifacts: tf.io.ModelArtifacts = {
        modelTopology: json['modelTopology'] as object,
        weightSpecs: manifest.specs,
        weightData: data.buffer as ArrayBuffer,
      };
      for (const key of [
        'format',
        'generatedBy',
        'convertedBy',
        'trainingConfig',
        'userDefinedMetadata',
      ] as const) {
        if (json[key] != null) (artifacts as Record<string, unknown>)[key] = json[key];
      }
      return artifacts;
    },
  };
}

async function toArtifacts(model: TrunkHeadModel): Promise<tf.io.ModelArtifacts> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  const scaler = model.inputScaler;
  const temperature = model.temperature;
  const metadata: RvftMetadata = {
    formatVersion:
      temperature !== 1 ? TEMPERATURE_FORMAT_VERSION : scaler ? SCALER_FORMAT_VERSION : 1,
    inputDim: model.inputDim,
    embeddingDim: model.embeddingDim,
    outputDim: model.outputDim,
    trunkFrozen: model.trunkIsFrozen,
    frozenBatchNorm: model.frozenBatchNorm,
    architecture: model.architecture,
    backend: tf.getBackend(),
    savedAt: new Date().toISOString(),
    // float32 → number is exact, JSON writes the shortest string that parses back to it
    ...(scaler
      ? { inputScaler: { mean: Array.from(scaler.mean), scale: Array.from(scaler.scale) } }
      : {}),
    ...(temperature !== 1 ? { temperature } : {}),
  };
  await model.asLayersModel().save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = { ...a, userDefinedMetadata: { rvft: metadata as unknown as object } };
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(a) };
    }),
  );
  return artifacts as tf.io.ModelArtifacts;
}

/**
 * Reads and checks the rvft metadata of a saved model (`userDefinedMetadata.rvft`), before
 * anything is built from it. `where` names the model.json (or 'clone') in messages.
 *
 * - no rvft metadata, or a format newer than RVFT_FORMAT_VERSION: RVFT_ERR_MODEL_INCOMPATIBLE;
 * - a field of the wrong type or range (format version, input/embedding/output widths,
 *   trunkFrozen, frozenBatchNorm, architecture, backend, savedAt) or a bad input scaler (a
 *   length other than `inputDim`, a non-finite value, a scale <= 0, a scaler in format 1 or
 *   none in format 2) or a bad temperature (not a finite number > 0, one in a format below 3,
 *   none in format 3): RVFT_ERR_MODEL_CORRUPT naming the field, e.g.
 *   `…/model.json: userDefinedMetadata.rvft.inputScaler: scale[1] is 0; …`;
 * - more outputs than MAX_CLASSES: RVFT_ERR_DATA_TOO_LARGE.
 *
 * The returned metadata's scaler holds float32 values.
 */
export function readMetadata(artifacts: tf.io.ModelArtifacts, where: string): RvftMetadata {
  const udm = artifacts.userDefinedMetadata as Record<string, unknown> | undefined;
  const meta = isPlainObject(udm) ? udm['rvft'] : undefined;
  if (!isPlainObject(meta)) {
    throw new RvftError(
      'RVFT_ERR_MODEL_INCOMPATIBLE',
      `${where}: not an rvft model (no rvft metadata in ${MODEL_JSON})`,
      { details: { file: where, field: 'userDefinedMetadata.rvft' } },
    );
  }
  const prefix = 'userDefinedMetadata.rvft';
  const corrupt = (key: string, problem: string) =>
    new RvftError('RVFT_ERR_MODEL_CORRUPT', `${where}: ${prefix}.${key} ${problem}`, {
      details: { file: where, field: `${prefix}.${key}` },
    });
  const int = (key: string, max: number, cap: string): number => {
    const v = meta[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
      throw corrupt(key, `must be an integer >= 1, got ${showValue(v)}`);
    }
    if (v > max) {
      throw new RvftError(
        'RVFT_ERR_DATA_TOO_LARGE',
        `${where}: ${prefix}.${key} is ${v}, over ${cap} (${max})`,
        { details: { file: where, field: `${prefix}.${key}` } },
      );
    }
    return v;
  };
  const formatVersion = meta['formatVersion'];
  if (typeof formatVersion !== 'number' || !Number.isInteger(formatVersion) || formatVersion < 1) {
    throw corrupt('formatVersion', `must be an integer >= 1, got ${showValue(formatVersion)}`);
  }
  if (formatVersion > RVFT_FORMAT_VERSION) {
    throw new RvftError(
      'RVFT_ERR_MODEL_INCOMPATIBLE',
      `${where}: saved with rvft model format ${formatVersion}; this @rvft/model reads up to ${RVFT_FORMAT_VERSION} — upgrade @rvft/model`,
      { details: { file: where, field: `${prefix}.formatVersion` } },
    );
  }
  const inputDim = int('inputDim', MAX_PARAMETERS, 'MAX_PARAMETERS');
  const embeddingDim = int('embeddingDim', MAX_PARAMETERS, 'MAX_PARAMETERS');
  const outputDim = int('outputDim', MAX_CLASSES, 'MAX_CLASSES');
  if (typeof meta['trunkFrozen'] !== 'boolean') {
    throw corrupt('trunkFrozen', `must be true or false, got ${showValue(meta['trunkFrozen'])}`);
  }
  const modes = Object.values(FrozenBatchNorm) as string[];
  if (!modes.includes(meta['frozenBatchNorm'] as string)) {
    throw corrupt(
      'frozenBatchNorm',
      `must be one of ${modes.map((m) => `'${m}'`).join(', ')}, got ${showValue(meta['frozenBatchNorm'])}`,
    );
  }
  if (!isPlainObject(meta['architecture'])) throw corrupt('architecture', 'must be an object');
  for (const key of ['backend', 'savedAt']) {
    if (typeof meta[key] !== 'string') {
      throw corrupt(key, `must be a string, got ${showValue(meta[key])}`);
    }
  }
  const scaler = meta['inputScaler'];
  // format 2 exists to carry a scaler; one without it lost it (hand edit, corruption), and
  // loading it would predict on unscaled inputs without a word. A format-1 file with one is
  // just as wrong: a format-1 reader would ignore it.
  if (formatVersion === SCALER_FORMAT_VERSION && scaler == null) {
    throw new RvftError(
      'RVFT_ERR_MODEL_CORRUPT',
      `${where}: rvft model format ${SCALER_FORMAT_VERSION} must carry an inputScaler, and this ${MODEL_JSON} has none`,
      { details: { file: where, field: `${prefix}.inputScaler` } },
    );
  }
  if (formatVersion < SCALER_FORMAT_VERSION && scaler != null) {
    throw corrupt(
      'inputScaler',
      `is present in a format-${formatVersion} model; a scaler is written only in format ${SCALER_FORMAT_VERSION}`,
    );
  }
  const temperature = meta['temperature'];
  // the same reasoning as the scaler's: format 3 exists to carry a temperature
  if (formatVersion === TEMPERATURE_FORMAT_VERSION && temperature == null) {
    throw new RvftError(
      'RVFT_ERR_MODEL_CORRUPT',
      `${where}: rvft model format ${TEMPERATURE_FORMAT_VERSION} must carry a temperature, and this ${MODEL_JSON} has none`,
      { details: { file: where, field: `${prefix}.temperature` } },
    );
  }
  if (formatVersion < TEMPERATURE_FORMAT_VERSION && temperature != null) {
    throw corrupt(
      'temperature',
      `is present in a format-${formatVersion} model; a temperature is written only in format ${TEMPERATURE_FORMAT_VERSION}`,
    );
  }
  if (
    temperature != null &&
    (typeof temperature !== 'number' || !Number.isFinite(temperature) || temperature <= 0)
  ) {
    throw corrupt('temperature', `must be a finite number > 0, got ${showValue(temperature)}`);
  }
  const checked =
    scaler == null
      ? undefined
      : toFloat32Scaler(
          scaler as InputScalerInit,
          inputDim,
          `${where}: ${prefix}.inputScaler`,
          'RVFT_ERR_MODEL_CORRUPT',
        );
  return {
    formatVersion,
    inputDim,
    embeddingDim,
    outputDim,
    trunkFrozen: meta['trunkFrozen'] as boolean,
    frozenBatchNorm: meta['frozenBatchNorm'] as FrozenBatchNorm,
    architecture: meta['architecture'] as Record<string, unknown>,
    backend: meta['backend'] as string,
    savedAt: meta['savedAt'] as string,
    ...(checked
      ? { inputScaler: { mean: Array.from(checked.mean), scale: Array.from(checked.scale) } }
      : {}),
    ...(temperature != null ? { temperature: temperature as number } : {}),
  };
}

/**
 * Builds a model from artifacts (read by fileSystemIO, or made by toArtifacts for a clone)
 * after checking metadata, topology and weight specs against each other. tfjs builds nothing
 * until every check has passed.
 */
async function fromArtifacts(
  artifacts: tf.io.ModelArtifacts,
  where: string,
): Promise<TrunkHeadModel> {
  const meta = readMetadata(artifacts, where);
  const plan = planTopology(artifacts.modelTopology, where);
  const corrupt = (field: string, problem: string) =>
    new RvftError('RVFT_ERR_MODEL_CORRUPT', `${where}: ${field} ${problem}`, {
      details: { file: where, field },
    });
  const [trunk, head] = plan.top;
  if (
    plan.top.length !== 2 ||
    trunk?.className !== 'Sequential' ||
    head?.className !== 'Sequential'
  ) {
    throw new RvftError(
      'RVFT_ERR_MODEL_INCOMPATIBLE',
      `${where}: modelTopology must be a Sequential of [trunk, head] Sequential models (got ${plan.top.map((t) => t.className).join(', ')})`,
      { details: { file: where, field: 'modelTopology' } },
    );
  }
  const widths: [string, number, number][] = [
    ['inputDim', meta.inputDim, plan.inputDim],
    ['embeddingDim', meta.embeddingDim, trunk.outWidth],
    ['outputDim', meta.outputDim, head.outWidth],
  ];
  for (const [key, said, built] of widths) {
    if (said !== built) {
      throw corrupt(
        `userDefinedMetadata.rvft.${key}`,
        `is ${said}, but the topology gives ${built}`,
      );
    }
  }
  // the specs (from the manifest, or from toArtifacts) against the topology, and the data's size
  const checker = new SpecChecker(plan, where);
  let bytes = 0;
  const specs = Array.isArray(artifacts.weightSpecs) ? artifacts.weightSpecs : [];
  specs.forEach((spec, i) => {
    bytes += checker.check(spec, `weightSpecs[${i}]`).bytes;
  });
  checker.finish('weightSpecs');
  const data = artifacts.weightData ? joinBuffers(artifacts.weightData) : new Uint8Array(0);
  if (data.byteLength !== bytes) {
    throw corrupt('weightData', `is ${data.byteLength} bytes, the weight specs need ${bytes}`);
  }
  let outer: tfl.LayersModel;
  try {
    outer = await tfl.loadLayersModel(
      // rvft trains with its own loop: a saved training config (optimizer, loss) is not loaded
      tf.io.fromMemory({
        modelTopology: artifacts.modelTopology as object,
        weightSpecs: specs,
        weightData: data.buffer as ArrayBuffer,
      }),
    );
  } catch (e) {
    throw new RvftError(
      'RVFT_ERR_MODEL_CORRUPT',
      `${where}: tfjs could not build the model (${String((e as Error).message).split('\n')[0]})`,
      { details: { file: where }, cause: e },
    );
  }
  const [trunkModel, headModel] = outer.layers as unknown as tfl.LayersModel[];
  if (
    outer.layers.length !== 2 ||
    !(trunkModel instanceof tfl.LayersModel) ||
    !(headModel instanceof tfl.LayersModel)
  ) {
    outer.dispose();
    throw new RvftError(
      'RVFT_ERR_MODEL_INCOMPATIBLE',
      `${where}: expected a Sequential of [trunk, head] models`,
      { details: { file: where } },
    );
  }
  const model = TrunkHeadModel.adopt(trunkModel, headModel, {
    frozenBatchNorm: meta.frozenBatchNorm,
    architecture: meta.architecture,
    inputScaler: meta.inputScaler ?? null,
    ...(meta.temperature !== undefined ? { temperature: meta.temperature } : {}),
  });
  if (meta.trunkFrozen) model.freezeTrunk();
  return model;
}

/**
 * Saves a model to a directory in the tfjs artifacts format, with rvft's trunk/head
 * metadata in `model.json`. The directory also opens with
 * `tf.loadLayersModel(fileSystemIO(dir))` as a plain logits model.
 *
 * @example
 * import { readdirSync } from 'node:fs';
 * await saveModel(createMlp({ inputDim: 3, hiddenDims: [8], outputDim: 2, seed: 1 }), 'churn-v1');
 * readdirSync('churn-v1').sort(); // → [MODEL_JSON, WEIGHTS_BIN] — model.json and weights.bin
 */
export async function saveModel(
  model: TrunkHeadModel,
  dir: string,
  opts: { overwrite?: boolean } = {},
): Promise<void> {
  await fileSystemIO(dir, opts).save(await toArtifacts(model));
}

/**
 * Loads a model saved by `saveModel`: weights bit-identical, trunk/head split restored.
 *
 * @example
 * const model = createMlp({ inputDim: 3, hiddenDims: [8], outputDim: 2, seed: 1 });
 * await saveModel(model, 'churn-v1');
 * const back = await loadModel('churn-v1');
 * const x = Float32Array.from([0.5, -1, 2]);
 * [...back.probabilities(x)]; // → [...model.probabilities(x)] — bit-identical
 */
export async function loadModel(dir: string): Promise<TrunkHeadModel> {
  return fromArtifacts(await fileSystemIO(dir).load(), join(dir, MODEL_JSON));
}

/**
 * An independent copy with identical weights and state.
 *
 * @example
 * const model = createMlp({ inputDim: 3, hiddenDims: [8], outputDim: 2, seed: 1 });
 * const copy = await cloneModel(model);
 * copy.expandHead(1); // the copy changes, the original does not
 * [model.outputDim, copy.outputDim]; // → [2, 3]
 */
export async function cloneModel(model: TrunkHeadModel): Promise<TrunkHeadModel> {
  return fromArtifacts(await toArtifacts(model), 'clone');
}
