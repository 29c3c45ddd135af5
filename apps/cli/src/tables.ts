import { extname } from 'node:path';
import { type Dataset, loadCsv, loadJsonl, type TableOptions } from '@rvft/data';
import type { DataSchema } from '@rvft/registry';
import { InputError } from './errors';

/**
 * Reads a CSV or JSON Lines file (by extension; CSV otherwise). What the loader notices
 * (an index column dropped, a column that looks like row numbers) goes to stderr.
 */
export async function loadTable(path: string, opts: TableOptions): Promise<Dataset> {
  const ext = extname(path).toLowerCase();
  const o: TableOptions = { onNotice: (m) => console.error(`rvft: note: ${m}`), ...opts };
  return ext === '.jsonl' || ext === '.ndjson' ? loadJsonl(path, o) : loadCsv(path, o);
}

/**
 * Reads a file the way a registered model sees data: its feature columns in its order, its
 * classes at its output indices, labels it has never seen appended as new classes.
 */
export async function loadForModel(
  path: string,
  schema: DataSchema | undefined,
  labelColumn: string | undefined,
  inputDim: number,
  outputDim: number,
): Promise<Dataset> {
  if (!schema) {
    if (!labelColumn) {
      throw new InputError(
        '--label: required (the model was registered without a data schema to take it from)',
      );
    }
    // a model without a schema answered with output k for the label "k"
    const data = await loadTable(path, {
      labelColumn,
      classNames: Array.from({ length: outputDim }, (_, k) => String(k)),
      unknownClasses: 'append',
    });
    if (data.nFeatures !== inputDim) {
      throw new InputError(
        `${path}: ${data.nFeatures} feature columns, but the model reads ${inputDim}`,
      );
    }
    return data;
  }
  if (labelColumn && labelColumn !== schema.labelColumn) {
    throw new InputError(
      `--label: the model was trained with label column '${schema.labelColumn}', not '${labelColumn}'`,
    );
  }
  return loadTable(path, {
    labelColumn: schema.labelColumn,
    featureColumns: schema.featureNames,
    classNames: schema.classNames,
    unknownClasses: 'append',
  });
}
