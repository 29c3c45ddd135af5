export { fingerprintDataset } from './fingerprint';
export {
  type ModelSummary,
  openRegistry,
  type PromoteResult,
  type PromotionVerdict,
  Registry,
  RegistryError,
  type RegistryOptions,
} from './registry';
export {
  AliasName,
  AliasState,
  AuditEntry,
  DataSchema,
  Lineage,
  ModelName,
  REGISTRY_FORMAT_VERSION,
  RegisterOptions,
  TrainingRecord,
  VersionMeta,
} from './schema';
