import { checkOneOf, RvftError } from '@rvft/errors';
import * as tf from '@tensorflow/tfjs-core';
import { installWasmSpeedups } from './speedups';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

export interface BackendInfo {
  /** The tfjs backend now active. */
  name: BackendName;
  /** Why this one: forced by RVFT_BACKEND, or the first that loaded. */
  reason: string;
  /** WebAssembly SIMD in use (wasm only). */
  simd?: boolean;
  /** WebAssembly threads in use (wasm only). */
  threads?: boolean;
  /** Backends tried before this one, with the error each gave. */
  skipped: { name: BackendName; error: string }[];
}

const ORDER: readonly BackendName[] = ['tensorflow', 'wasm', 'cpu'];
let current: BackendInfo | undefined;

async function load(name: BackendName): Promise<void> {
  switch (name) {
    case 'tensorflow':
      // Optional peer: present only when the user installed it (its install downloads
      // libtensorflow, which these machines cannot do). A variable specifier keeps bundlers
      // from trying to resolve it at build time.
      await import(/* @vite-ignore */ ['@tensorflow', 'tfjs-node'].join('/'));
      break;
    case 'wasm':
      await import('@tensorflow/tfjs-backend-wasm');
      break;
    case 'cpu':
      await import('@tensorflow/tfjs-backend-cpu');
      break;
  }
  if (!(await tf.setBackend(name))) {
    throw new RvftError('RVFT_ERR_INTERNAL', `tf.setBackend('${name}') returned false`);
  }
  await tf.ready();
}

function parseForced(value: string | undefined): BackendName | undefined {
  if (value === undefined || value === '') return undefined;
  return checkOneOf('useBestBackend', 'RVFT_BACKEND', value, ORDER);
}

/**
 * Picks the fastest backend that loads: `tensorflow` (the optional peer
 * `@tensorflow/tfjs-node`), else `wasm` (shipped inside its npm package, no download), else
 * the pure-JS `cpu`. `RVFT_BACKEND=wasm|cpu|tensorflow` forces one and fails loudly if it
 * cannot load. Idempotent: later calls return the backend already chosen.
 *
 * @example
 * const backend = await useBestBackend();
 * ['tensorflow', 'wasm', 'cpu'].includes(backend.name); // → true
 * console.log(`training on ${describeBackend(backend)}`);
 */
export async function useBestBackend(
  opts: { force?: BackendName; env?: Record<string, string | undefined> } = {},
): Promise<BackendInfo> {
  const forced = opts.force ?? parseForced((opts.env ?? process.env)['RVFT_BACKEND']);
  if (current && (!forced || current.name === forced)) return current;
  const skipped: BackendInfo['skipped'] = [];
  const candidates = forced ? [forced] : ORDER;
  for (const name of candidates) {
    try {
      await load(name);
      const info: BackendInfo = {
        name,
        reason: forced
          ? 'forced by RVFT_BACKEND'
          : skipped.length
            ? 'first backend that loaded'
            : 'fastest available',
        skipped,
      };
      if (name === 'wasm') {
        if ((opts.env ?? process.env)['RVFT_WASM_SPEEDUPS'] !== '0') installWasmSpeedups();
        info.simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
        info.threads = Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'));
      }
      current = info;
      return info;
    } catch (e) {
      const error = e instanceof Error ? e.message.split('\n')[0]! : String(e);
      // the user asked for this backend: a setting to fix, not a bug
      if (forced) {
        throw new RvftError(
          'RVFT_ERR_INVALID_ARGUMENT',
          `RVFT_BACKEND=${name}: the backend failed to load: ${error}`,
          { cause: e },
        );
      }
      skipped.push({ name, error });
    }
  }
  // wasm and cpu ship inside their npm packages: failing both is a broken install
  throw new RvftError(
    'RVFT_ERR_INTERNAL',
    `no TensorFlow.js backend could be loaded: ${skipped.map((s) => `${s.name} (${s.error})`).join('; ')}`,
  );
}

/** The backend chosen by `useBestBackend`, or undefined before it ran. */
export function backendInfo(): BackendInfo | undefined {
  return current;
}

/**
 * One line for logs and reports, e.g. `wasm (simd, 1 thread)`.
 *
 * @example
 * describeBackend({ name: 'wasm', reason: 'fastest available', simd: true, threads: false, skipped: [] });
 * // → 'wasm (simd, 1 thread)'
 * describeBackend({ name: 'cpu', reason: 'forced by RVFT_BACKEND', skipped: [] }); // → 'cpu'
 */
export function describeBackend(info: BackendInfo | undefined = current): string {
  if (!info) return `${tf.getBackend() ?? 'none'} (not chosen by useBestBackend)`;
  if (info.name !== 'wasm') return info.name;
  return `wasm (${info.simd ? 'simd' : 'no simd'}, ${info.threads ? 'threads' : '1 thread'})`;
}
