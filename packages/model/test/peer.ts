import * as tf from '@tensorflow/tfjs-core';

/**
 * Whether the optional peer `@tensorflow/tfjs-node` loads here and registers its backend. It
 * is not installed in this repository's CI (its install downloads libtensorflow), but a user
 * may install it: the backend tests assert the right behaviour for either case instead of
 * assuming one.
 */
export async function tfjsNode(): Promise<
  { loads: true } | { loads: false; importFailed: boolean; error: string }
> {
  try {
    // a variable specifier, as in src/backend.ts: vite must not resolve it at transform time
    await import(/* @vite-ignore */ ['@tensorflow', 'tfjs-node'].join('/'));
  } catch (e) {
    return { loads: false, importFailed: true, error: e instanceof Error ? e.message : String(e) };
  }
  return tf.findBackendFactory('tensorflow')
    ? { loads: true }
    : { loads: false, importFailed: false, error: 'no tensorflow backend registered' };
}
