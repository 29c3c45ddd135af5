export {
  CostModel,
  CostModelInput,
  type ForgettingRisk,
  type LifetimeCost,
  relativeWallTime,
  STRATEGIES_BY_COST,
  type StrategyCost,
} from './cost-model';
export {
  type Decision,
  DecisionEngine,
  type DecisionResult,
  type RuledOut,
  summary,
} from './engine';
export { type FieldIssue, parseOrThrow, SignalValidationError } from './errors';
export {
  type AbTestPlan,
  AbTestPlanInput,
  planAbTest,
  planningJsonSchemas,
  RoiInput,
  type RoiResult,
  roi,
  UPDATE_COST_DEFAULTS,
  type UpdateCost,
  UpdateCostInput,
  updateCost,
} from './planning';
export {
  type Confidence,
  type Recommendation,
  RULES,
  type Rule,
  type RuleContext,
  type RuleOutcome,
} from './rules';
export {
  ConstraintSignals,
  DataSignals,
  DecisionInput,
  DriftSeverity,
  DriftSignals,
  decisionInputJsonSchema,
  ModelSignals,
  SIGNAL_COUNT_KEYS,
  type SignalCountKey,
  type Signals,
} from './signals';
export { normalQuantile } from './stats';
export {
  ARTICLE_STRATEGY_IDS,
  COMBINED_STRATEGIES,
  STRATEGY_DESCRIPTIONS,
  STRATEGY_IDS,
  Strategy,
  type StrategyId,
} from './strategy';
export {
  SEVERITY_RANK,
  severityFromAccuracyDrop,
  Thresholds,
  type ThresholdsInput,
} from './thresholds';
