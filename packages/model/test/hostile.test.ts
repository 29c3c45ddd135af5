import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cloneModel,
  createMlp,
  fileSystemIO,
  loadModel,
  MAX_CLASSES,
  MAX_MODEL_JSON_BYTES,
  MAX_PARAMETERS,
  saveModel,
} from '../src/index';
import { expectRvft } from './helpers';

// Hostile model directories, built from a real saved model with real files (links, FIFOs,
// sparse files). Each test asserts the error code and message, and that nothing big was
// allocated: the WebAssembly heap (which only ever grows, so it is a high-water mark), the
// process's ArrayBuffers and tfjs's tensors stay where they were.

const root = mkdtempSync(join(tmpdir(), 'rvft-hostile-'));
const MiB = 1024 * 1024;

// model.json as parsed: edited freely by the tests
// biome-ignore lint/suspicious/noExplicitAny: hostile edits reach anywhere in the JSON
type Json = Record<string, any>;

/** Saves a small real model (4 → 8 → 2, BatchNorm, optional scaler) and returns its directory. */
async function goodModel(name: string, scaled = false): Promise<string> {
  const m = createMlp({
    inputDim: 4,
    hiddenDims: [8],
    outputDim: 2,
    seed: 7,
    ...(scaled ? { inputScaler: { mean: [1, 2, 3, 4], scale: [1, 2, 3, 4] } } : {}),
  });
  const dir = join(root, name);
  await saveModel(m, dir);
  m.dispose();
  return dir;
}

function editJson(dir: string, edit: (json: Json) => void): void {
  const path = join(dir, 'model.json');
  const json = JSON.parse(readFileSync(path, 'utf8'));
  edit(json);
  writeFileSync(path, JSON.stringify(json));
}

const trunkLayers = (json: Json): Json[] => json.modelTopology.config.layers[0].config.layers;
const specs = (json: Json): Json[] => json.weightsManifest[0].weights;

function wasmHeapBytes(): number {
  const backend = tf.backend() as unknown as { wasm?: { HEAPU8: Uint8Array } };
  return backend.wasm?.HEAPU8.byteLength ?? 0;
}

/**
 * Runs `fn` (which must fail) and asserts it allocated nothing big: no tensor is left, the
 * wasm heap did not grow by more than `slack`, nor did the process's ArrayBuffers.
 */
async function allocatesNothing(fn: () => Promise<unknown>, slack = 16 * MiB): Promise<void> {
  const tensors = tf.memory().numTensors;
  const heap = wasmHeapBytes();
  const buffers = process.memoryUsage().arrayBuffers;
  await fn();
  expect(tf.memory().numTensors).toBe(tensors);
  expect(wasmHeapBytes() - heap).toBeLessThanOrEqual(slack);
  expect(process.memoryUsage().arrayBuffers - buffers).toBeLessThanOrEqual(slack);
}

beforeAll(() => {
  expect(tf.getBackend()).toBe('wasm'); // the heap high-water mark is the wasm heap
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('weight paths stay inside the model directory', () => {
  it("a '../' path is refused, even to a file of exactly the right size", async () => {
    const dir = await goodModel('dotdot');
    // the attack: a secret beside the model, as long as the weights need
    const secret = join(root, 'secret.bin');
    copyFileSync(join(dir, 'weights.bin'), secret);
    for (const path of ['../secret.bin', 'sub/../../secret.bin', './weights.bin', 'a//b']) {
      editJson(dir, (j) => {
        j.weightsManifest[0].paths = [path];
      });
      await expectRvft(
        () => loadModel(dir),
        'RVFT_ERR_PATH_UNSAFE',
        /model\.json: weightsManifest\[0\]\.paths\[0\] ".*" (contains '\.\.'|has an empty or '\.' segment); weight paths are relative to the model directory and stay inside it$/,
      );
    }
  });

  it('an absolute path is refused without disclosing anything about the file', async () => {
    const dir = await goodModel('absolute');
    for (const path of ['/etc/passwd', 'C:/Windows/win.ini', '..\\..\\etc\\passwd']) {
      editJson(dir, (j) => {
        j.weightsManifest[0].paths = [path];
      });
      const e = await expectRvft(
        () => loadModel(dir),
        'RVFT_ERR_PATH_UNSAFE',
        /weightsManifest\[0\]\.paths\[0\] ".*" (is absolute|contains a backslash)/,
      );
      // the old loader answered "are 2958 bytes, the manifest needs 184": the file's size
      expect((e as Error).message).not.toMatch(/bytes/);
    }
  });

  it("'../../dev/zero' is refused before it is opened (it would be read until memory ran out)", async () => {
    const dir = await goodModel('dev-zero');
    const path = relative(dir, '/dev/zero');
    expect(path.startsWith('..')).toBe(true);
    editJson(dir, (j) => {
      j.weightsManifest[0].paths = [path];
    });
    await allocatesNothing(() =>
      expectRvft(() => loadModel(dir), 'RVFT_ERR_PATH_UNSAFE', /contains '\.\.'/),
    );
  });

  it('a symlinked weights file is refused: to a good copy outside, or to /dev/zero', async () => {
    const dir = await goodModel('symlink');
    const outside = join(root, 'outside-weights.bin');
    renameSync(join(dir, 'weights.bin'), outside);
    for (const target of [outside, '/dev/zero']) {
      rmSync(join(dir, 'weights.bin'), { force: true });
      symlinkSync(target, join(dir, 'weights.bin'));
      await allocatesNothing(() =>
        expectRvft(
          () => loadModel(dir),
          'RVFT_ERR_PATH_UNSAFE',
          /model\.json: weightsManifest\[0\]\.paths\[0\]: .*weights\.bin is a symlink; model files are read only when they are regular files inside the model directory/,
        ),
      );
    }
  });

  it('a path through a symlinked directory is refused, and so is a symlinked model.json', async () => {
    const dir = await goodModel('symlink-dir');
    const elsewhere = join(root, 'elsewhere');
    mkdirSync(elsewhere);
    copyFileSync(join(dir, 'weights.bin'), join(elsewhere, 'weights.bin'));
    symlinkSync(elsewhere, join(dir, 'sub'));
    editJson(dir, (j) => {
      j.weightsManifest[0].paths = ['sub/weights.bin'];
    });
    await expectRvft(() => loadModel(dir), 'RVFT_ERR_PATH_UNSAFE', /sub is a symlink/);

    const linked = await goodModel('symlink-json');
    renameSync(join(linked, 'model.json'), join(root, 'moved-model.json'));
    symlinkSync(join(root, 'moved-model.json'), join(linked, 'model.json'));
    await expectRvft(
      () => loadModel(linked),
      'RVFT_ERR_PATH_UNSAFE',
      /model\.json: model\.json: .*model\.json is a symlink/,
    );
  });

  it('trunk and head Sequentials of one name load (a fresh process names both sequential_1)', async () => {
    // tfjs names models from a per-process counter: a model loaded and expanded in a new
    // process is saved with trunk and head both "sequential_1". Only layer names must be unique.
    const dir = await goodModel('same-sequential-names');
    editJson(dir, (j) => {
      j.modelTopology.config.layers[1].config.name = j.modelTopology.config.layers[0].config.name;
    });
    const m = await loadModel(dir);
    expect(m.trunk.name).toBe(m.head.name);
    m.dispose();
  });

  it('a real subdirectory inside the model directory is fine', async () => {
    const dir = await goodModel('subdir');
    mkdirSync(join(dir, 'shards'));
    renameSync(join(dir, 'weights.bin'), join(dir, 'shards', 'w.bin'));
    editJson(dir, (j) => {
      j.weightsManifest[0].paths = ['shards/w.bin'];
    });
    const m = await loadModel(dir);
    expect(m.outputDim).toBe(2);
    m.dispose();
  });

  it('a FIFO is refused as not a regular file, without blocking on open', async () => {
    const dir = await goodModel('fifo');
    rmSync(join(dir, 'weights.bin'));
    execFileSync('mkfifo', [join(dir, 'weights.bin')]);
    await expectRvft(
      () => loadModel(dir),
      'RVFT_ERR_MODEL_CORRUPT',
      /weightsManifest\[0\]\.paths\[0\]: .*weights\.bin is not a regular file/,
    );
  });

  it('a missing weights file is named', async () => {
    const dir = await goodModel('missing');
    rmSync(join(dir, 'weights.bin'));
    await expectRvft(
      () => loadModel(dir),
      'RVFT_ERR_MODEL_CORRUPT',
      /weightsManifest\[0\]\.paths\[0\]: weights file .*weights\.bin is missing/,
    );
  });
});

describe('weight files must be exactly as large as the specs say', () => {
  it('a padded weights file is refused before it is read', async () => {
    const dir = await goodModel('padded');
    const expected = statSync(join(dir, 'weights.bin')).size;
    writeFileSync(join(dir, 'weights.bin'), Buffer.alloc(8), { flag: 'a' });
    await expectRvft(
      () => loadModel(dir),
      'RVFT_ERR_MODEL_CORRUPT',
      new RegExp(
        `weights\\.bin is ${expected + 8} bytes, the manifest's weight specs need ${expected} \\(truncated, padded or corrupted\\); nothing was read`,
      ),
    );
  });

  it('a 4 GiB (sparse) weights file is refused without reading it', async () => {
    const dir = await goodModel('huge');
    truncateSync(join(dir, 'weights.bin'), 4 * 1024 * MiB);
    await allocatesNothing(() =>
      expectRvft(
        () => loadModel(dir),
        'RVFT_ERR_MODEL_CORRUPT',
        /weights\.bin is 4294967296 bytes, the manifest's weight specs need \d+/,
      ),
    );
  });

  it('a model.json over MAX_MODEL_JSON_BYTES is refused before it is read', async () => {
    const dir = await goodModel('huge-json');
    truncateSync(join(dir, 'model.json'), MAX_MODEL_JSON_BYTES + 1);
    await allocatesNothing(() =>
      expectRvft(
        () => loadModel(dir),
        'RVFT_ERR_DATA_TOO_LARGE',
        /model\.json: 16777217 bytes, over the 16777216-byte limit on a model\.json \(MAX_MODEL_JSON_BYTES\); nothing was read/,
      ),
    );
  });

  it('a split of the weights over two files of the right total loads', async () => {
    const dir = await goodModel('two-shards');
    const bytes = readFileSync(join(dir, 'weights.bin'));
    writeFileSync(join(dir, 'a.bin'), bytes.subarray(0, 10));
    writeFileSync(join(dir, 'b.bin'), bytes.subarray(10));
    rmSync(join(dir, 'weights.bin'));
    editJson(dir, (j) => {
      j.weightsManifest[0].paths = ['a.bin', 'b.bin'];
    });
    const m = await loadModel(dir);
    const reference = await loadModel(await goodModel('two-shards-reference'));
    expect(m.snapshot()).toEqual(reference.snapshot());
    m.dispose();
    reference.dispose();
  });
});

describe('the topology is checked before tfjs builds a layer', () => {
  it('Dense units 1e8 is refused with nothing allocated (it used to reach 3.5 GB)', async () => {
    const dir = await goodModel('units');
    editJson(dir, (j) => {
      trunkLayers(j)[0]!.config.units = 1e8;
    });
    await allocatesNothing(() =>
      expectRvft(
        () => loadModel(dir),
        'RVFT_ERR_DATA_TOO_LARGE',
        /model\.json: modelTopology\.config\.layers\[0\]\.config\.layers\[0\]\.config\.units is 100000000, over the 16777216 weight values any model may hold \(MAX_PARAMETERS\)/,
      ),
    );
    // the plain tfjs path through fileSystemIO is checked the same way
    await allocatesNothing(() =>
      expectRvft(
        () => tfl.loadLayersModel(fileSystemIO(dir)),
        'RVFT_ERR_DATA_TOO_LARGE',
        /units is 100000000/,
      ),
    );
  });

  it('widths each under the cap but together over MAX_PARAMETERS are refused', async () => {
    const dir = await goodModel('wide');
    editJson(dir, (j) => {
      trunkLayers(j)[0]!.config.batch_input_shape = [null, 5000];
      trunkLayers(j)[0]!.config.units = 5000;
    });
    await allocatesNothing(() =>
      expectRvft(
        () => loadModel(dir),
        'RVFT_ERR_DATA_TOO_LARGE',
        /layers\[0\]\.config\.units \(layer "dense_Dense\d+"\): its kernel of shape \[5000, 5000\] takes the model to 25000000 weight values, over MAX_PARAMETERS \(16777216\); nothing was allocated/,
      ),
    );
  });

  it('units that are not positive integers are refused, naming the field', async () => {
    const dir = await goodModel('units-bad');
    for (const units of [0, -3, 2.5, '8', null]) {
      editJson(dir, (j) => {
        trunkLayers(j)[0]!.config.units = units;
      });
      await expectRvft(
        () => loadModel(dir),
        'RVFT_ERR_MODEL_CORRUPT',
        /layers\[0\]\.config\.units must be a positive integer, got/,
      );
    }
  });

  it('more outputs than MAX_CLASSES are refused', async () => {
    const dir = await goodModel('classes');
    editJson(dir, (j) => {
      j.modelTopology.config.layers[1].config.layers[0].config.units = MAX_CLASSES + 1;
    });
    await expectRvft(
      () => loadModel(dir),
      'RVFT_ERR_DATA_TOO_LARGE',
      /model\.json: modelTopology has 10001 outputs \(classes\), over MAX_CLASSES \(10000\)/,
    );
  });

  it('layer classes outside the allowlist, model_config and unknown settings are refused', async () => {
    const dir = await goodModel('classes-allow');
    const original = readFileSync(join(dir, 'model.json'), 'utf8');
    const cases: [(j: Json) => void, RegExp][] = [
      [
        (j) => {
          trunkLayers(j)[2]!.class_name = 'Conv2D';
        },
        /layers\[0\]\.config\.layers\[2\]\.class_name is "Conv2D": rvft loads only Dense, BatchNormalization, ReLU, Dropout, Activation layers/,
      ],
      [
        (j) => {
          j.modelTopology.model_config = { class_name: 'Sequential', config: { layers: [] } };
        },
        /modelTopology\.model_config is not a topology field rvft loads/,
      ],
      [
        (j) => {
          trunkLayers(j)[0]!.config.input_dim = 1e8;
        },
        /layers\[0\]\.config\.input_dim is not a Dense setting rvft loads/,
      ],
      [
        (j) => {
          j.modelTopology.class_name = 'Model';
        },
        /modelTopology\.class_name is "Model"; rvft loads Sequential models/,
      ],
    ];
    for (const [edit, message] of cases) {
      writeFileSync(join(dir, 'model.json'), original);
      editJson(dir, edit);
      await expectRvft(() => loadModel(dir), 'RVFT_ERR_MODEL_INCOMPATIBLE', message);
    }
  });

  it('too many layers, too deep a nesting, or a setting tfjs refuses are refused with a code', async () => {
    const dir = await goodModel('layers');
    const original = readFileSync(join(dir, 'model.json'), 'utf8');
    editJson(dir, (j) => {
      const relu = trunkLayers(j)[2]!;
      for (let i = 0; i < 1100; i++) {
        trunkLayers(j).push({ ...relu, config: { ...relu.config, name: `relu_${i}` } });
      }
    });
    await expectRvft(
      () => loadModel(dir),
      'RVFT_ERR_DATA_TOO_LARGE',
      /modelTopology\.config\.layers\[0\]\.config\.layers takes the model over 1024 layers \(MAX_LAYERS\)/,
    );
    writeFileSync(join(dir, 'model.json'), original);
    editJson(dir, (j) => {
      let trunk = j.modelTopology.config.layers[0];
      for (let i = 0; i < 5; i++) trunk = { class_name: 'Sequential', config: { layers: [trunk] } };
      j.modelTopology.config.layers[0] = trunk;
    });
    await expectRvft(
      () => loadModel(dir),
      'RVFT_ERR_MODEL_INCOMPATIBLE',
      /nests Sequential models 5 deep; at most 4 are loaded/,
    );
    writeFileSync(join(dir, 'model.json'), original);
    editJson(dir, (j) => {
      trunkLayers(j)[0]!.config.activation = 'no_such_activation';
    });
    const e = await expectRvft(
      () => loadModel(dir),
      'RVFT_ERR_MODEL_CORRUPT',
      /model\.json: tfjs could not build the model \(Unknown activation: noSuchActivation\. This may be due to one of the following reasons:\)$/,
    );
    expect((e as Error).cause).toBeInstanceOf(Error);
  });

  it('a weight spec whose shape disagrees with the topology is refused', async () => {
    const dir = await goodModel('shape');
    editJson(dir, (j) => {
      specs(j)[0]!.shape = [4, 9];
    });
    await expectRvft(
      () => loadModel(dir),
      'RVFT_ERR_MODEL_CORRUPT',
      /model\.json: weightsManifest\[0\]\.weights\[0\]\.shape is \[4, 9\], but the topology gives "dense_Dense\d+\/kernel" the shape \[4, 8\]/,
    );
  });

  it('a topology whose units disagree with the manifest is refused (the same check, the other side)', async () => {
    const dir = await goodModel('shape-topology');
    editJson(dir, (j) => {
      j.modelTopology.config.layers[1].config.layers[0].config.units = 3;
    });
    await expectRvft(
      () => loadModel(dir),
      'RVFT_ERR_MODEL_CORRUPT',
      /weightsManifest\[0\]\.weights\[4\]\.shape is \[8, 2\], but the topology gives "dense_Dense\d+\/kernel" the shape \[8, 3\]/,
    );
    // and layers that do not fit each other are refused before the manifest is looked at
    editJson(dir, (j) => {
      j.modelTopology.config.layers[1].config.layers[0].config.units = 2;
      trunkLayers(j)[0]!.config.units = 9;
    });
    await expectRvft(
      () => loadModel(dir),
      'RVFT_ERR_MODEL_CORRUPT',
      /modelTopology\.config\.layers\[1\]\.config\.layers\[0\]\.config\.batch_input_shape declares input width 8, but the layer before outputs 9/,
    );
  });

  it('missing, repeated, unknown, quantized or non-float32 specs are refused', async () => {
    const dir = await goodModel('specs');
    const original = readFileSync(join(dir, 'model.json'), 'utf8');
    const cases: [(j: Json) => void, string, RegExp][] = [
      [
        (j) => {
          specs(j).pop();
        },
        'RVFT_ERR_MODEL_CORRUPT',
        /weightsManifest has no spec for the weight ".*\/moving_variance" the topology declares/,
      ],
      [
        (j) => {
          specs(j).push(specs(j)[0]!);
        },
        'RVFT_ERR_MODEL_CORRUPT',
        /weights\[\d+\]\.name repeats the weight/,
      ],
      [
        (j) => {
          specs(j)[1]!.name = 'elsewhere/bias';
        },
        'RVFT_ERR_MODEL_CORRUPT',
        /weights\[1\]\.name is "elsewhere\/bias", not a weight of the model's topology/,
      ],
      [
        (j) => {
          specs(j)[1]!.dtype = 'string';
        },
        'RVFT_ERR_MODEL_CORRUPT',
        /weights\[1\]\.dtype is "string"; the topology's weights are float32/,
      ],
      [
        (j) => {
          specs(j)[1]!.quantization = { dtype: 'uint8', scale: 1, min: 0 };
        },
        'RVFT_ERR_MODEL_INCOMPATIBLE',
        /weights\[1\]\.quantization: quantized weights are not loaded by rvft/,
      ],
    ];
    for (const [edit, code, message] of cases) {
      writeFileSync(join(dir, 'model.json'), original);
      editJson(dir, edit);
      await expectRvft(() => loadModel(dir), code as never, message);
    }
  });
});

describe('metadata is checked on load, naming the field', () => {
  it('a bad scaler: null, a string, a float32 overflow, a wrong length, a negative scale', async () => {
    const dir = await goodModel('scaler', true);
    const original = readFileSync(join(dir, 'model.json'), 'utf8');
    const cases: [(s: Json) => void, RegExp][] = [
      [
        (s) => (s.mean[1] = null),
        /inputScaler: mean\[1\] is null; every mean must be a finite number/,
      ],
      [(s) => (s.mean[2] = '3'), /inputScaler: mean\[2\] is 3; every mean must be a finite number/],
      [(s) => (s.scale[0] = 1e39), /inputScaler: scale\[0\] is 1e\+39 \(not finite in float32\)/],
      [(s) => s.scale.push(5), /inputScaler: scale has 5 values, the model has 4 input features/],
      [(s) => (s.scale[3] = -1), /inputScaler: scale\[3\] is -1; every scale must be > 0/],
      [(s) => (s.mean = 'oops'), /inputScaler: an input scaler is \{ mean, scale \}/],
    ];
    for (const [edit, message] of cases) {
      writeFileSync(join(dir, 'model.json'), original);
      editJson(dir, (j) => edit(j.userDefinedMetadata.rvft.inputScaler));
      await allocatesNothing(() =>
        expectRvft(
          () => loadModel(dir),
          'RVFT_ERR_MODEL_CORRUPT',
          new RegExp(`model\\.json: userDefinedMetadata\\.rvft\\.${message.source}`),
        ),
      );
    }
  });

  it('a scaler in a format-1 model is refused (a format-1 reader would ignore it)', async () => {
    const dir = await goodModel('scaler-v1', true);
    editJson(dir, (j) => {
      j.userDefinedMetadata.rvft.formatVersion = 1;
    });
    await expectRvft(
      () => loadModel(dir),
      'RVFT_ERR_MODEL_CORRUPT',
      /userDefinedMetadata\.rvft\.inputScaler is present in a format-1 model/,
    );
  });

  it('widths that disagree with the topology, and fields of the wrong type, are refused', async () => {
    const dir = await goodModel('meta');
    const original = readFileSync(join(dir, 'model.json'), 'utf8');
    const cases: [(m: Json) => void, string, RegExp][] = [
      [(m) => (m.inputDim = 5), 'CORRUPT', /rvft\.inputDim is 5, but the topology gives 4/],
      [(m) => (m.embeddingDim = 7), 'CORRUPT', /rvft\.embeddingDim is 7, but the topology gives 8/],
      [(m) => (m.outputDim = 3), 'CORRUPT', /rvft\.outputDim is 3, but the topology gives 2/],
      [
        (m) => (m.outputDim = 5_000_001),
        'TOO_LARGE',
        /rvft\.outputDim is 5000001, over MAX_CLASSES/,
      ],
      [
        (m) => (m.formatVersion = '1'),
        'CORRUPT',
        /rvft\.formatVersion must be an integer >= 1, got "1"/,
      ],
      [(m) => (m.trunkFrozen = 'yes'), 'CORRUPT', /rvft\.trunkFrozen must be true or false/],
      [(m) => (m.frozenBatchNorm = 'never'), 'CORRUPT', /rvft\.frozenBatchNorm must be one of/],
      [(m) => (m.architecture = [1]), 'CORRUPT', /rvft\.architecture must be an object/],
    ];
    for (const [edit, code, message] of cases) {
      writeFileSync(join(dir, 'model.json'), original);
      editJson(dir, (j) => edit(j.userDefinedMetadata.rvft));
      await expectRvft(
        () => loadModel(dir),
        code === 'CORRUPT' ? 'RVFT_ERR_MODEL_CORRUPT' : 'RVFT_ERR_DATA_TOO_LARGE',
        message,
      );
    }
    writeFileSync(join(dir, 'model.json'), original);
    editJson(dir, (j) => {
      delete j.userDefinedMetadata;
    });
    await expectRvft(
      () => loadModel(dir),
      'RVFT_ERR_MODEL_INCOMPATIBLE',
      /not an rvft model \(no rvft metadata in model\.json\)/,
    );
  });

  it('model.json that is not JSON, or not UTF-8, is corrupt', async () => {
    const dir = await goodModel('not-json');
    writeFileSync(join(dir, 'model.json'), '{"modelTopology": ');
    await expectRvft(() => loadModel(dir), 'RVFT_ERR_MODEL_CORRUPT', /model\.json: not valid JSON/);
    writeFileSync(join(dir, 'model.json'), Buffer.from([0x7b, 0xff, 0x7d]));
    await expectRvft(
      () => loadModel(dir),
      'RVFT_ERR_MODEL_CORRUPT',
      /model\.json: not valid UTF-8/,
    );
  });
});

describe('model construction is capped too', () => {
  it('createMlp with a label set of 5,000,001 classes refuses before allocating', async () => {
    expect(MAX_CLASSES).toBe(10_000);
    await allocatesNothing(() =>
      expectRvft(
        () => createMlp({ inputDim: 20, hiddenDims: [128, 64], outputDim: 5_000_001, seed: 1 }),
        'RVFT_ERR_DATA_TOO_LARGE',
        /^createMlp: outputDim 5000001 is over MAX_CLASSES \(10000\); nothing was allocated$/,
      ),
    );
  });

  it('createMlp over MAX_PARAMETERS refuses before allocating', async () => {
    expect(MAX_PARAMETERS).toBe(2 ** 24);
    await allocatesNothing(() =>
      expectRvft(
        () => createMlp({ inputDim: 20, hiddenDims: [1e8], outputDim: 2, seed: 1 }),
        'RVFT_ERR_DATA_TOO_LARGE',
        /createMlp: inputDim 20, hiddenDims \[100000000\] and outputDim 2 make \d+ weight values, over MAX_PARAMETERS \(16777216\)/,
      ),
    );
  });

  it('expandHead past MAX_CLASSES refuses and leaves the model as it was', async () => {
    const m = createMlp({ inputDim: 4, hiddenDims: [8], outputDim: 2, seed: 1 });
    const before = m.snapshot();
    await allocatesNothing(() =>
      expectRvft(
        () => m.expandHead(5_000_000),
        'RVFT_ERR_DATA_TOO_LARGE',
        /^expandHead: a head of 5000002 classes is over MAX_CLASSES \(10000\); nothing was allocated$/,
      ),
    );
    expect(m.snapshot()).toEqual(before);
    // right up to the cap is fine, one more is not
    m.expandHead(MAX_CLASSES - 2);
    expect(m.outputDim).toBe(MAX_CLASSES);
    await expectRvft(() => m.expandHead(1), 'RVFT_ERR_DATA_TOO_LARGE', /10001 classes/);
    await expectRvft(
      () => m.expandHead(0.5),
      'RVFT_ERR_INVALID_ARGUMENT',
      /nNew must be an integer/,
    );
    m.dispose();
  });

  it('restore refuses a snapshot with an absurd head, or values that do not fill a shape, changing nothing', async () => {
    const m = createMlp({ inputDim: 4, hiddenDims: [8], outputDim: 2, seed: 1 });
    const good = m.snapshot();
    m.reinitialize(2);
    const before = m.snapshot();
    const huge = {
      trunk: good.trunk,
      head: [
        { name: 'k', shape: [8, 5_000_001], values: new Float32Array(0) },
        { name: 'b', shape: [5_000_001], values: new Float32Array(0) },
      ],
    };
    await allocatesNothing(() =>
      expectRvft(
        () => m.restore(huge),
        'RVFT_ERR_DATA_TOO_LARGE',
        /^restore: a head of 5000001 classes is over MAX_CLASSES/,
      ),
    );
    const short = {
      trunk: good.trunk.map((w, i) => (i === 1 ? { ...w, values: w.values.subarray(1) } : w)),
      head: good.head,
    };
    await expectRvft(
      () => m.restore(short),
      'RVFT_ERR_INVALID_ARGUMENT',
      /restore: trunk weight 1 \(.*\) must hold 8 values for shape \[8\], got 7/,
    );
    const wide = {
      trunk: good.trunk,
      head: [
        { ...good.head[0]!, shape: [8, 3] },
        { ...good.head[1]!, shape: [3] },
      ],
    };
    await expectRvft(
      () => m.restore(wide),
      'RVFT_ERR_INVALID_ARGUMENT',
      /restore: head weight 0 \(.*\) must hold 24 values for shape \[8, 3\], got 16/,
    );
    expect(m.snapshot()).toEqual(before);
    expect(m.outputDim).toBe(2);
    m.restore(good);
    expect(m.snapshot()).toEqual(good);
    m.dispose();
  });

  it('a model of MAX_CLASSES outputs saves, loads bit-identically and clones', async () => {
    const m = createMlp({ inputDim: 3, hiddenDims: [4], outputDim: MAX_CLASSES, seed: 2 });
    const dir = join(root, 'max-classes');
    await saveModel(m, dir);
    const loaded = await loadModel(dir);
    expect(loaded.snapshot()).toEqual(m.snapshot());
    const copy = await cloneModel(loaded);
    expect(copy.outputDim).toBe(MAX_CLASSES);
    for (const model of [m, loaded, copy]) model.dispose();
  });
});
