import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { type FrozenBatchNorm, TrunkHeadModel } from './model';

export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';
/**
 * The newest rvft model format this library reads; newer formats are refused. A model is
 * written with the lowest format that describes it: 1 without an input scaler, 2 with one —
 * a format-1 reader would ignore the scaler and predict on unscaled inputs, a silent wrong
 * number, so it must refuse such a model instead. Both are read.
 */
export const RVFT_FORMAT_VERSION = 2;
/** The format a model with an input scaler is written in. */
const SCALER_FORMAT_VERSION = 2;

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

const BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, complex64: 8, string: 0 };

/**
 * A tfjs IOHandler for a directory on disk: `model.json` + `weights.bin`, the standard
 * artifacts layout (tfjs's own `file://` handler lives in tfjs-node, which cannot be
 * installed here). Saving is atomic: files go to a temporary sibling directory, are fsynced,
 * and the directory is renamed into place, so a crash never leaves a half-written model.
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
        throw new Error('fileSystemIO: binary model topologies are not supported');
      }
      const exists = await stat(dir).then(
        () => true,
        () => false,
      );
      if (exists && !opts.overwrite) {
        throw new Error(
          `fileSystemIO: '${dir}' already exists (pass { overwrite: true } to replace it)`,
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
      const jsonPath = join(dir, MODEL_JSON);
      let modelJson: tf.io.ModelJSON;
      try {
        modelJson = JSON.parse(await readFile(jsonPath, 'utf8'));
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        throw new Error(
          code === 'ENOENT'
            ? `fileSystemIO: no model at '${dir}' (${MODEL_JSON} not found)`
            : `fileSystemIO: ${jsonPath} is not valid JSON (${(e as Error).message})`,
        );
      }
      if (!modelJson.modelTopology || !Array.isArray(modelJson.weightsManifest)) {
        throw new Error(`fileSystemIO: ${jsonPath} lacks modelTopology or weightsManifest`);
      }
      return tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
        const specs = manifest.flatMap((g) => g.weights);
        const buffers: Uint8Array[] = [];
        for (const group of manifest) {
          for (const p of group.paths) {
            const file = join(dir, p);
            buffers.push(
              await readFile(file).catch(() => {
                throw new Error(`fileSystemIO: weights file ${file} is missing`);
              }),
            );
          }
        }
        const data = joinBuffers(
          buffers.map(
            (b) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer,
          ),
        );
        const expected = specs.reduce(
          (s, w) => s + w.shape.reduce((a, b) => a * b, 1) * (BYTES[w.dtype] ?? 4),
          0,
        );
        if (data.byteLength !== expected) {
          throw new Error(
            `fileSystemIO: weights in ${dir} are ${data.byteLength} bytes, the manifest needs ${expected} (truncated or corrupted)`,
          );
        }
        return [specs, data.buffer as ArrayBuffer];
      });
    },
  };
}

async function toArtifacts(model: TrunkHeadModel): Promise<tf.io.ModelArtifacts> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  const scaler = model.inputScaler;
  const metadata: RvftMetadata = {
    formatVersion: scaler ? SCALER_FORMAT_VERSION : 1,
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
  };
  await model.asLayersModel().save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = { ...a, userDefinedMetadata: { rvft: metadata as unknown as object } };
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(a) };
    }),
  );
  return artifacts as tf.io.ModelArtifacts;
}

/** Reads the rvft metadata of a saved model, refusing formats newer than this library. */
export function readMetadata(artifacts: tf.io.ModelArtifacts, where: string): RvftMetadata {
  const meta = (artifacts.userDefinedMetadata as { rvft?: RvftMetadata } | undefined)?.rvft;
  if (!meta) throw new Error(`${where}: not an rvft model (no rvft metadata in ${MODEL_JSON})`);
  if (meta.formatVersion > RVFT_FORMAT_VERSION) {
    throw new Error(
      `${where}: saved with rvft model format ${meta.formatVersion}; this @rvft/model reads up to ${RVFT_FORMAT_VERSION} — upgrade @rvft/model`,
    );
  }
  // format 2 exists to carry a scaler; one without it lost it (hand edit, corruption), and
  // loading it would predict on unscaled inputs without a word
  if (meta.formatVersion === SCALER_FORMAT_VERSION && meta.inputScaler == null) {
    throw new Error(
      `${where}: rvft model format ${SCALER_FORMAT_VERSION} must carry an inputScaler, and this ${MODEL_JSON} has none`,
    );
  }
  return meta;
}

async function fromArtifacts(
  artifacts: tf.io.ModelArtifacts,
  where: string,
): Promise<TrunkHeadModel> {
  const meta = readMetadata(artifacts, where);
  const outer = await tfl.loadLayersModel(tf.io.fromMemory(artifacts));
  const [trunk, head] = outer.layers as unknown as tfl.LayersModel[];
  if (
    outer.layers.length !== 2 ||
    !(trunk instanceof tfl.LayersModel) ||
    !(head instanceof tfl.LayersModel)
  ) {
    throw new Error(`${where}: expected a Sequential of [trunk, head] models`);
  }
  let model: TrunkHeadModel;
  try {
    model = TrunkHeadModel.adopt(trunk, head, {
      frozenBatchNorm: meta.frozenBatchNorm,
      architecture: meta.architecture,
      inputScaler: meta.inputScaler ?? null,
    });
  } catch (e) {
    throw new Error(`${where}: bad inputScaler in ${MODEL_JSON} (${(e as Error).message})`);
  }
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
  return fromArtifacts(await fileSystemIO(dir).load(), dir);
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
