export { type AuditRead, championFromAudit, parseAuditLog, type SkippedLine } from './audit';
export { RegistryError } from './error';
export { fingerprintDataset } from './fingerprint';
export { type IoHook, type IoStep, setIoHook } from './fsutil';
export {
  type AuditReport,
  type GcResult,
  type ModelSummary,
  openRegistry,
  type PromoteResult,
  type PromotionVerdict,
  Registry,
  type RegistryOptions,
} from './registry';
export {
  AliasName,
  AliasState,
  AuditEntry,
  DataSchema,
  Lineage,
  MAX_CARD_BYTES,
  ModelCard,
  ModelName,
  REGISTRY_FORMAT_VERSION,
  RegisterOptions,
  TrainingRecord,
  VersionMeta,
  Who,
} from './schema';
