export { type AbReport, type ArmScore, abReport } from './ab-report';
export {
  emptyStats,
  type FeedbackRecord,
  type LogRecord,
  type LogStats,
  type PredictionRecord,
  parseRecord,
  type ReadLogOptions,
  readLog,
} from './log';
export {
  type EventKind,
  type Evidence,
  ksAsymptotic,
  Monitor,
  type MonitorEvent,
  type MonitorOptions,
  type WindowInfo,
  type WindowReport,
} from './monitor';
export {
  buildProfile,
  type FeatureProfile,
  PROFILE_FORMAT,
  type ProfileOptions,
  type ProfileRows,
  parseProfile,
  type ReferenceProfile,
} from './profile';
export { type WatchOptions, type WatchResult, watchLog } from './run';
export {
  DEFAULT_POLICY,
  emptyState,
  type Incident,
  loadState,
  ruleFor,
  saveState,
  Triage,
  type TriageAction,
  type TriageOptions,
  type TriageRule,
  type TriageState,
  type Urgency,
} from './triage';
