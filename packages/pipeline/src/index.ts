// per-row predictions live with evaluate() in @rvft/strategies; re-exported for one import
export { type RowPredictions, rowPredictions } from '@rvft/strategies';
export {
  CALIBRATION_SHARE,
  type CalibrationReport,
  calibrateModel,
  calibrationSplit,
  describeCalibration,
  type HeldOutCalibration,
  MIN_CALIBRATION_ROWS,
  productionValidation,
} from './calibrate';
export { calibrationLines, sliceLines, updateCard } from './card';
export { type GateRows, gateOnRows, modelEvidence, type PromotionPolicy } from './gate';
export { profileCard, versionProfile, withProfile } from './profile';
export {
  type RaceCandidate,
  type RaceMode,
  type RaceOptions,
  type RaceOutcome,
  type RaceResult,
  raceCandidates,
  raceStrategies,
  type Verdict,
} from './race';
export { type TrainChampionOptions, type TrainReport, trainChampion } from './train';
export {
  diagnoseRows,
  type EvaluationReport,
  evaluateVersion,
  type HeldOut,
  holdOut,
  raceLineage,
  requireChampion,
  trainingRecordOf,
  type UpdateChampionOptions,
  type UpdateReport,
  updateChampion,
  versionMetrics,
} from './update';
export { type ClassWeightsChoice, classWeightsFor, type Objective } from './weights';
