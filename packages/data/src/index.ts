export { type Batch, BatchIterator, type BatchOptions, epochOrder } from './batches';
export {
  Dataset,
  DatasetError,
  type DatasetInit,
  type FeatureStatistics,
  MAX_CLASSES,
} from './dataset';
export { loadCsv, loadJsonl, loadTable, parseCsv, parseJsonl, tableFormat } from './io';
export { canonicalLabel } from './labels';
export { DEFAULT_SEED, Rng, type Seed } from './rng';
export {
  balanced,
  DISTRIBUTION_SHIFT_DEFAULTS,
  type DistributionShiftOptions,
  type DistributionShiftScenario,
  DOMAIN_TRANSFER_DEFAULTS,
  type DomainTransferOptions,
  type DomainTransferScenario,
  distributionShiftScenario,
  domainTransferScenario,
  gaussianClasses,
  NEW_CLASS_DEFAULTS,
  NEW_DATA_DEFAULTS,
  type NewClassOptions,
  type NewClassScenario,
  type NewDataOptions,
  type NewDataScenario,
  newClassScenario,
  newDataScenario,
} from './scenarios';
export {
  type DataSchema,
  loadForModel,
  type ModelShape,
  type ModelTableOptions,
  tableOptionsForModel,
} from './schema';
export {
  keptColumns,
  MAX_RECORD_BYTES,
  MAX_TABLE_BYTES,
  MAX_TABLE_ROWS,
  type TableOptions,
} from './table';
