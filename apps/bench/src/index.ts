export {
  type BenchConfig,
  defaultConfig,
  type ResolveConfigOptions,
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
  runScenario,
  type ScenarioDecision,
  type ScenarioRun,
} from './scenarios';
export {
  type BenchStrategy,
  type RowId,
  type RowSpec,
  rowId,
  SCENARIO_TABLE,
  type ScenarioData,
  type ScenarioSpec,
  type TrainsOn,
} from './table';
