export {
  buildModelService,
  canaryBucket,
  type ErrorBody,
  type FieldIssue,
  MODEL_SERVICE_DEFAULTS,
  type ModelService,
  type ModelServiceOptions,
  type RowPrediction,
} from './app';
export {
  type Arm,
  type FeedbackRecord,
  type LogRecord,
  PredictionLog,
  type PredictionLogOptions,
  type PredictionRecord,
} from './log';
export { ModelHolder, type ModelHolderOptions, Served } from './models';
export { type RunningModelService, type StartOptions, startModelService } from './start';
