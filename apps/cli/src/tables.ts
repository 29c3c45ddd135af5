import {
  type DataSchema,
  type Dataset,
  loadForModel as loadDataForModel,
  loadTable as loadDataTable,
  type TableOptions,
} from '@rvft/data';
import { InputError } from './errors';

/** What the loader notices (an index column dropped, a column of row numbers) goes to stderr. */
const notice = (m: string) => console.error(`rvft: note: ${m}`);

/** Reads a CSV or JSON Lines file (by extension; CSV otherwise), notes on stderr. */
export function loadTable(path: string, opts: TableOptions): Promise<Dataset> {
  return loadDataTable(path, { onNotice: notice, ...opts });
}

/**
 * Reads a file the way a registered model sees data (`loadForModel` in @rvft/data): its
 * feature columns in its order, its classes at its output indices, labels it has never seen
 * appended as new classes. `--label` is needed only for a model registered without a schema.
 */
export function loadForModel(
  path: string,
  schema: DataSchema | undefined,
  labelColumn: string | undefined,
  inputDim: number,
  outputDim: number,
  keepColumns?: readonly string[],
): Promise<Dataset> {
  // the library names its option; a user of the command knows the flag
  if (!schema && !labelColumn) {
    throw new InputError(
      '--label: required (the model was registered without a data schema to take it from)',
    );
  }
  return loadDataForModel(
    path,
    { schema, inputDim, outputDim },
    { labelColumn, onNotice: notice, ...(keepColumns?.length ? { keepColumns } : {}) },
  );
}
