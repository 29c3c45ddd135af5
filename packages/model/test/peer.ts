/**
 * Whether the optional peer `@tensorflow/tfjs-node` loads here. It is not installed in this
 * repository's CI (its install downloads libtensorflow), but a user may install it: the
 * backend tests assert the right behaviour for either case instead of assuming one.
 */
export async function tfjsNode(): Promise<{ loads: true } | { loads: false; error: string }> {
  try {
    // a variable specifier, as in src/backend.ts: vite must not resolve it at transform time
    await import(/* @vite-ignore */ ['@tensorflow', 'tfjs-node'].join('/'));
    return { loads: true };
  } catch (e) {
    return { loads: false, error: e instanceof Error ? e.message : String(e) };
  }
}
