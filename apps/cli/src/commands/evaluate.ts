import { evaluateVersion } from '@rvft/pipeline';
import { openRegistry } from '@rvft/registry';
import { parseModelRef } from '../champion-ref';
import { loadForModel } from '../tables';
import { pct } from './shared';

/**
 * `rvft evaluate --model <dir>:<name>[@ref] --data <file>`: a version's scores on a file,
 * read the way that version reads data. Registers and moves nothing.
 */
export async function evaluateCommand(opts: {
  model: string;
  data: string;
  label?: string;
  json?: boolean;
}): Promise<void> {
  const ref = parseModelRef(opts.model);
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
  const r = await evaluateVersion(registry, ref.name, { version }, data);
  if (opts.json) {
    console.log(JSON.stringify(r, null, 2));
    return;
  }
  const a = r.accuracy;
  console.log(
    [
      `${r.name} v${r.version} on ${opts.data} (${r.rows} rows)`,
      `  accuracy  ${pct(a.estimate)} [${(a.lower * 100).toFixed(1)}%, ${(a.upper * 100).toFixed(1)}%] (95 % Wilson)`,
      `  macro F1  ${r.macroF1.toFixed(4)}`,
      `  ECE       ${r.ece.toFixed(4)}`,
      '  recall by class:',
      ...r.perClass.map(
        (c) => `    ${c.name.padEnd(20)} ${pct(c.recall).padStart(8)}  (${c.rows} rows)`,
      ),
    ].join('\n'),
  );
}
