export { type ApplyStrategyOptions, applyStrategy } from './apply';
export {
  type BudgetPlan,
  balancedReplay,
  PRODUCTION_BUDGET,
  type ProductionBudget,
  planProduction,
  stepsPerEpoch,
  TrainingProfile,
  type TrainingRows,
} from './budget';
export { strategyRun } from './classify';
export { STRATEGY_DEFAULTS, type StrategyDefaults } from './defaults';
export {
  type DiagnoseOptions,
  type Diagnosis,
  type DiagnosisEvidence,
  diagnose,
  type MeasuredAccuracy,
  recommend,
} from './diagnose';
export { evaluate, type RowPredictions, rowPredictions } from './evaluate';
export {
  type LrFindOptions,
  type LrFindPoint,
  type LrFindResult,
  lrFind,
} from './lr-find';
export { Adam, type AdamOptions } from './optimizer';
export {
  type HeadOnlyProbeOptions,
  type HeadOnlyProbeResult,
  headOnlyProbe,
  type LinearProbeOptions,
  type LinearProbeResult,
  linearProbe,
} from './probe';
export {
  FineTuneMode,
  type FineTuneOptions,
  fineTune,
  RetrainMode,
  type RetrainOptions,
  refitScaler,
  retrain,
  type StrategyOptions,
  trainFromScratch,
  type UpdateMode,
  type UpdateResult,
} from './strategies';
export {
  type ClassWeights,
  DEFAULT_BATCH_SIZE,
  discriminativeScales,
  type EpochInfo,
  type LrDecay,
  type LrSchedule,
  learningRateAt,
  lossAndAccuracy,
  resolveClassWeights,
  type StopReason,
  type TrainOptions,
  type TrainResult,
  TrainStep,
  type TrainStepOptions,
  trainLoop,
} from './train';
export { type TrainingRecord, type UndertrainedOptions, undertrained } from './undertrained';
