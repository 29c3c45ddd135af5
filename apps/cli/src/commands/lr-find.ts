import { openRegistry } from '@rvft/registry';
import { type LrFindResult, lrFind } from '@rvft/strategies';
import { parseModelRef } from '../champion-ref';
import { loadForModel } from '../tables';

const fmt = (x: number) => x.toExponential(2);

/** About `n` points of the curve, evenly spaced over the steps taken (the first and last kept). */
function sample(r: LrFindResult, n: number): LrFindResult['points'] {
  const k = r.points.length;
  if (k <= n) return r.points;
  const idx = new Set(Array.from({ length: n }, (_, i) => Math.round((i * (k - 1)) / (n - 1))));
  return [...idx].map((i) => r.points[i]!);
}

/**
 * `rvft lr-find --champion <dir>:<name>[@ref] --data <file>`: the learning-rate range test on
 * a version, the data read the way that version reads data. The model is put back after the
 * sweep; nothing is registered or moved.
 */
export async function lrFindCommand(opts: {
  champion: string;
  data: string;
  label?: string;
  headOnly?: boolean;
  steps?: number;
  startLr?: number;
  endLr?: number;
  seed?: number;
  json?: boolean;
}): Promise<void> {
  const ref = parseModelRef(opts.champion);
  const registry = await openRegistry(ref.registryDir);
  const version = await registry.resolve(ref.name, ref.ref);
  const meta = await registry.meta(ref.name, version);
  const data = await loadForModel(
    opts.data,
    meta.dataSchema,
    opts.label,
    meta.inputDim,
    meta.outputDim,
  );
  const model = await registry.load(ref.name, { version });
  let r: LrFindResult;
  try {
    // classes the version has not seen get new head rows, as an update would give them
    // (this copy only: the registry is not touched)
    const nClasses = Math.max(data.nClasses, model.outputDim);
    if (nClasses > model.outputDim)
      model.expandHead(nClasses - model.outputDim, { seed: opts.seed ?? 42 });
    // head-only fine-tuning trains the head alone: size its rate with the trunk frozen
    if (opts.headOnly) model.freezeTrunk();
    r = await lrFind(model, data, {
      ...(opts.steps !== undefined ? { steps: opts.steps } : {}),
      ...(opts.startLr !== undefined ? { startLr: opts.startLr } : {}),
      ...(opts.endLr !== undefined ? { endLr: opts.endLr } : {}),
      ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
      // full-network fine-tuning clips at 1.0; head-only does not (the reference's)
      clipNorm: opts.headOnly ? null : 1,
    });
  } finally {
    model.dispose();
  }
  if (opts.json) {
    console.log(
      JSON.stringify(
        { name: ref.name, version, rows: data.nRows, headOnly: opts.headOnly ?? false, ...r },
        null,
        2,
      ),
    );
    return;
  }
  console.log(
    [
      `${ref.name} v${version} on ${opts.data} (${data.nRows} rows), ${opts.headOnly ? 'head only' : 'whole network'}: ${r.points.length} steps, ${r.stopped}`,
      `  suggested learning rate  ${fmt(r.suggestedLr)} (${r.valleyLr === null ? 'minimum / 10: the loss never fell' : 'half-way down the longest fall of the smoothed loss'})`,
      `  steepest fall at         ${r.steepestLr === null ? '—' : fmt(r.steepestLr)}`,
      `  minimum loss at          ${fmt(r.minLossLr)} (minimum / 10: ${fmt(r.minOver10Lr)})`,
      '  lr          loss     smoothed',
      ...sample(r, 12).map(
        (p) =>
          `  ${fmt(p.lr).padEnd(10)}  ${p.loss.toFixed(4).padStart(7)}  ${p.smoothedLoss.toFixed(4).padStart(8)}`,
      ),
    ].join('\n'),
  );
}
