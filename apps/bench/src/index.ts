export {
  type BenchConfig,
  defaultConfig,
  resolveConfig,
  SCENARIO_IDS,
  type ScenarioId,
  TRAINING_DEFAULTS,
} from './config';
export { checkFindings, type Finding } from './findings';
export { formatReport } from './format';
export {
  type AggregateRow,
  aggregate,
  articleCostModel,
  type BenchOptions,
  type BenchResult,
  runBench,
} from './run';
export { type Row, rowCount, SCENARIOS } from './scenarios';
