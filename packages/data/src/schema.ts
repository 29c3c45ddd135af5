import { checkNumber } from '@rvft/errors';
import { type Dataset, DatasetError } from './dataset';
import { loadTable } from './io';
import type { TableOptions } from './table';

/**
 * What a model reads and what it answers, as plain data (a registry stores it with each
 * version): the feature columns in input order, the label column, and the class name of
 * every output, index = output.
 */
export interface DataSchema {
  labelColumn: string;
  featureNames: readonly string[];
  classNames: readonly string[];
}

/** The model a file is read for: its data schema, if it was registered with one, and its widths. */
export interface ModelShape {
  schema?: DataSchema | undefined;
  /** Features the model reads. */
  inputDim: number;
  /** Outputs (classes) the model answers. */
  outputDim: number;
}

/** Options of `loadForModel`: the table limits and notices, and the label column. */
export interface ModelTableOptions
  extends Omit<
    TableOptions,
    'labelColumn' | 'featureColumns' | 'ignoreColumns' | 'classNames' | 'unknownClasses'
  > {
  /**
   * The label column: required when the model has no schema; otherwise it may be left out,
   * and must be the schema's when given.
   */
  labelColumn?: string | undefined;
}

/**
 * The table options that read a file the way a model sees data: its feature columns in its
 * order, its classes at its output indices, labels it has never seen appended as new classes
 * (so its existing outputs keep their meaning). A model registered without a schema answered
 * with output k for the label "k", so its classes are `'0'…'outputDim−1'`.
 *
 * @example
 * const schema = { labelColumn: 'species', featureNames: ['petal', 'sepal'], classNames: ['a', 'b'] };
 * tableOptionsForModel({ schema, inputDim: 2, outputDim: 2 });
 * // → { labelColumn: 'species', featureColumns: ['petal', 'sepal'], classNames: ['a', 'b'],
 * //     unknownClasses: 'append' }
 * // registered without a schema: classes '0'…'outputDim−1', and the label column must be given
 * tableOptionsForModel({ inputDim: 4, outputDim: 3 }, { labelColumn: 'y' });
 * // → { labelColumn: 'y', classNames: ['0', '1', '2'], unknownClasses: 'append' }
 */
export function tableOptionsForModel(
  model: ModelShape,
  opts: ModelTableOptions = {},
): TableOptions {
  const { labelColumn, ...rest } = opts;
  const { schema } = model;
  if (!schema) {
    checkNumber('loadForModel', 'outputDim', model.outputDim, { integer: true, min: 1 });
    if (!labelColumn) {
      throw new DatasetError(
        'labelColumn: required (the model was registered without a data schema to take it from)',
        'RVFT_ERR_INVALID_ARGUMENT',
      );
    }
    return {
      ...rest,
      labelColumn,
      classNames: Array.from({ length: model.outputDim }, (_, k) => String(k)),
      unknownClasses: 'append',
    };
  }
  if (labelColumn && labelColumn !== schema.labelColumn) {
    throw new DatasetError(
      `labelColumn: the model was trained with label column '${schema.labelColumn}', not '${labelColumn}'`,
      'RVFT_ERR_DATA_SCHEMA',
    );
  }
  return {
    ...rest,
    labelColumn: schema.labelColumn,
    featureColumns: schema.featureNames,
    classNames: schema.classNames,
    unknownClasses: 'append',
  };
}

/**
 * Reads a CSV or JSON Lines file (by extension) the way this version of a model reads data
 * (`tableOptionsForModel`), streaming. A file whose feature count is not the model's input
 * width is refused (`RVFT_ERR_DATA_SCHEMA`), naming the file.
 *
 * @example
 * import { writeFileSync } from 'node:fs';
 * // a registered version's `meta` gives these: { schema: meta.dataSchema, inputDim, outputDim }
 * const schema = { labelColumn: 'label', featureNames: ['x1', 'x2'], classNames: ['b', 'a'] };
 * writeFileSync('new.csv', 'x2,x1,label\n0.2,0.1,a\n0.4,0.3,c\n');
 * const data = await loadForModel('new.csv', { schema, inputDim: 2, outputDim: 2 });
 * [...data.features]; // → [0.1, 0.2, 0.3, 0.4] — in the model's column order
 * data.classNames; // → ['b', 'a', 'c'] — a label it has never seen is appended
 * [...data.labels]; // → [1, 2]
 * await loadForModel('new.csv', { schema, inputDim: 3, outputDim: 2 });
 * // → throws { code: 'RVFT_ERR_DATA_SCHEMA' }
 */
export async function loadForModel(
  path: string,
  model: ModelShape,
  opts: ModelTableOptions = {},
): Promise<Dataset> {
  checkNumber('loadForModel', 'inputDim', model.inputDim, { integer: true, min: 1 });
  const data = await loadTable(path, tableOptionsForModel(model, opts));
  if (data.nFeatures !== model.inputDim) {
    throw new DatasetError(
      `${path}: ${data.nFeatures} feature columns, but the model reads ${model.inputDim}`,
      'RVFT_ERR_DATA_SCHEMA',
      { details: { file: path } },
    );
  }
  return data;
}
