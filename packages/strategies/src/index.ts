export { type ApplyStrategyOptions, applyStrategy } from './apply';
export {
  type DiagnoseOptions,
  type Diagnosis,
  type DiagnosisEvidence,
  diagnose,
  recommend,
} from './diagnose';
export { evaluate } from './evaluate';
export { Adam, type AdamOptions } from './optimizer';
export { type LinearProbeOptions, type LinearProbeResult, linearProbe } from './probe';
export {
  FineTuneMode,
  type FineTuneOptions,
  fineTune,
  RetrainMode,
  type RetrainOptions,
  retrain,
  type StrategyOptions,
  trainFromScratch,
  type UpdateResult,
} from './strategies';
export {
  DEFAULT_BATCH_SIZE,
  type EpochInfo,
  lossAndAccuracy,
  type StopReason,
  type TrainOptions,
  type TrainResult,
  TrainStep,
  type TrainStepOptions,
  trainLoop,
} from './train';
