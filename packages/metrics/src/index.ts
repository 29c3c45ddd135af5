export {
  type AbArm,
  type AbTestAnalysis,
  type AbVerdict,
  analyzeAbTest,
  normalUpperTail,
} from './ab-test';
export { CalibrationError } from './calibration';
export { type CheapestTie, cheapestNotWorse, type TieCandidate } from './cheapest-tie';
export {
  accuracy,
  type ClassificationReport,
  classificationReport,
  confusionMatrix,
  expectedCalibrationError,
  macroF1,
  meanClassAccuracy,
  perClassAccuracy,
  perClassScores,
} from './classification';
export { type ClassScores, ConfusionMatrix } from './confusion';
export { type ContinualMetrics, continualMetrics, forgetting } from './continual';
export { type CostEntry, CostTracker } from './cost-tracker';
export {
  DEFAULT_GATE_THRESHOLDS,
  evaluationGate,
  type GateCheck,
  type GateMetrics,
  type GateName,
  type GateResult,
  type GateThresholds,
} from './gate';
export { GateInputError, type GateSide } from './gate-input';
export { argmax, type Labels, type Probabilities } from './labels';
export { mcnemarExact } from './mcnemar';
export { type DifferenceInterval, newcombeDifference } from './newcombe';
export { newcombePairedDifference, type PairedCounts } from './newcombe-paired';
export { normalQuantile } from './normal-quantile';
export { nonInferior, type PairedComparison, pairedComparison } from './paired';
export {
  describeSliceSpec,
  parseSliceSpec,
  type Slice,
  type SliceClassRecall,
  type SliceComparison,
  type SliceModelMetrics,
  type SliceOperator,
  type SliceReport,
  type SliceSide,
  type SliceSpec,
  sliceMetrics,
  sliceRows,
} from './slices';
export {
  type ClassRecallComparison,
  DEFAULT_GATE_POLICY,
  DEFAULT_MIN_SLICE_ROWS,
  type GatePolicy,
  type ImprovementRule,
  type ModelEvidence,
  type SliceGateOptions,
  type StatisticalCheck,
  type StatisticalCheckName,
  type StatisticalGateResult,
  statisticalGate,
} from './statistical-gate';
export {
  fitTemperature,
  type Logits,
  negativeLogLikelihood,
  type ReliabilityBin,
  reliabilityDiagram,
  softmaxWithTemperature,
  TEMPERATURE_RANGE,
  type TemperatureFit,
  type TemperatureScaling,
  temperatureScaling,
} from './temperature';
export {
  accuracyInterval,
  type Correctness,
  type ProportionInterval,
  wilsonInterval,
} from './wilson';
