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
export { type ChartSpec, renderReport, reportCharts } from './report';
export {
  type AggregateRow,
  aggregate,
  articleCostModel,
  type BenchOptions,
  type BenchResult,
  type DecisionCheck,
  runBench,
} from './run';
export {
  measuredWinner,
  type Row,
  rowCount,
  SCENARIOS,
  type ScenarioDecision,
} from './scenarios';
