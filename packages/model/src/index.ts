export {
  type BackendInfo,
  type BackendName,
  backendInfo,
  describeBackend,
  useBestBackend,
} from './backend';
export { fanOut, initialValue, kaimingNormal, weightSeed } from './init';
export {
  cloneModel,
  type FileSystemIO,
  fileSystemIO,
  loadModel,
  MODEL_JSON,
  RVFT_FORMAT_VERSION,
  type RvftMetadata,
  readMetadata,
  saveModel,
  WEIGHTS_BIN,
} from './io';
export {
  MAX_CLASSES,
  MAX_LAYERS,
  MAX_MODEL_JSON_BYTES,
  MAX_PARAMETERS,
  MAX_WEIGHT_FILES,
} from './limits';
export { createMlp, type MlpOptions } from './mlp';
export {
  type Features,
  FrozenBatchNorm,
  type ModelSnapshot,
  TrunkHeadModel,
  type TrunkHeadOptions,
  type WeightValue,
} from './model';
export {
  type InputScaler,
  type InputScalerInit,
  type ScalerFit,
  type ScalerFromStatisticsOptions,
  scalerFromStatistics,
} from './scaler';
export { installWasmSpeedups } from './speedups';
export { SUPPORTED_LAYERS } from './topology';
