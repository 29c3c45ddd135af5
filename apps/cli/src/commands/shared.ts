import type { Dataset } from '@rvft/data';
import type { TrunkHeadModel } from '@rvft/model';
import { type DataSchema, openRegistry, type Registry, type VersionMeta } from '@rvft/registry';
import { evaluate } from '@rvft/strategies';
import { type ModelRef, parseModelRef } from '../champion-ref';
import { loadForModel } from '../tables';

export interface ChampionData {
  ref: ModelRef;
  registry: Registry;
  version: number;
  meta: VersionMeta;
  schema: DataSchema | undefined;
  newData: Dataset;
  oldData?: Dataset;
}

/** Opens the registry, resolves the champion, and reads the data the way it sees data. */
export async function openChampionData(opts: {
  champion: string;
  new: string;
  old?: string;
  label?: string;
  /** Columns kept as raw text beside the new data (`--slice` columns). */
  keepColumns?: readonly string[];
}): Promise<ChampionData> {
  const ref = parseModelRef(opts.champion);
  const registry = await openRegistry(ref.registryDir);
  const version = await registry.resolve(ref.name, ref.ref);
  const meta = await registry.meta(ref.name, version);
  const newData = await loadForModel(
    opts.new,
    meta.dataSchema,
    opts.label,
    meta.inputDim,
    meta.outputDim,
    opts.keepColumns,
  );
  const out: ChampionData = { ref, registry, version, meta, schema: meta.dataSchema, newData };
  if (opts.old) {
    // the old file is read with the classes the new one added, so indices agree
    const schema = meta.dataSchema && {
      ...meta.dataSchema,
      classNames: [...(newData.classNames ?? meta.dataSchema.classNames)],
    };
    out.oldData = await loadForModel(opts.old, schema, opts.label, meta.inputDim, meta.outputDim);
  }
  return out;
}

/** Accuracy as a fixed-width percentage. */
export const pct = (x: number | undefined) => (x === undefined ? '-' : `${(x * 100).toFixed(2)}%`);

/**
 * The gate's metrics of one model on evaluation rows: accuracy (and F1, ECE) on the new
 * data, accuracy on the old. Champion and challenger must be measured on the same rows.
 */
export function gateMetrics(
  model: TrunkHeadModel,
  newTest: Dataset,
  oldTest?: Dataset,
): Record<string, number> {
  const onNew = evaluate(model, newTest);
  const out: Record<string, number> = {
    newTaskAccuracy: onNew.accuracy,
    newTaskMacroF1: onNew.macroF1,
    newTaskEce: onNew.ece,
  };
  if (oldTest) out['oldTaskAccuracy'] = evaluate(model, oldTest).accuracy;
  return out;
}
