import { z } from 'zod';

/** Bumped when the on-disk layout changes incompatibly; newer registries are refused. */
export const REGISTRY_FORMAT_VERSION = 1;

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'must be a sha256 hex digest');

/** Model names: no path separators, no `..`, bounded, so nothing escapes the registry. */
export const ModelName = z
  .string()
  .min(1, 'must not be empty')
  .max(128, 'must be at most 128 characters')
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]*$/,
    'may contain only letters, digits, ".", "_" and "-", starting with a letter or digit',
  )
  .refine((n) => !n.includes('..'), 'must not contain ".."');

export const AliasName = z
  .string()
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters')
  .regex(
    /^[a-z][a-z0-9_-]*$/,
    'may contain only lower-case letters, digits, "_" and "-", starting with a letter',
  );

export const Version = z.number().int('must be a whole number').positive('must be >= 1');

export const Lineage = z.strictObject({
  parentVersion: Version.optional(),
  strategy: z.string().optional(),
  mode: z.string().optional(),
  hyperParameters: z
    .record(z.string(), z.union([z.number(), z.string(), z.boolean(), z.null()]))
    .optional(),
  /** The race that chose the strategy: one flat record per candidate (at most 32). */
  race: z
    .array(z.record(z.string(), z.union([z.number(), z.string(), z.boolean(), z.null()])))
    .max(32)
    .optional(),
  /** sha256 of the training data (`fingerprintDataset`). */
  dataFingerprint: sha256.optional(),
  notes: z.string().optional(),
});
export type Lineage = z.infer<typeof Lineage>;

/**
 * What a model reads and what it answers, so data loaded later lines up with it: the
 * feature columns in input order, the label column, and the class name of every output.
 */
export const DataSchema = z.strictObject({
  labelColumn: z.string().min(1, 'must not be empty'),
  featureNames: z
    .array(z.string().min(1, 'must not be empty'))
    .min(1, 'must name at least one feature'),
  classNames: z.array(z.string()).min(1, 'must name at least one class'),
});
export type DataSchema = z.infer<typeof DataSchema>;

const finite = z.number().refine(Number.isFinite, 'must be a finite number');

/**
 * How a version was trained, so a later diagnosis can tell whether it had converged
 * (`undertrained` in @rvft/strategies): steps, epochs, why training stopped, and the loss
 * curves (at most 10,000 epochs each).
 */
export const TrainingRecord = z.strictObject({
  steps: z.number().int().nonnegative(),
  epochs: z.number().int().nonnegative(),
  stopped: z.enum(['completed', 'early-stopping', 'aborted']),
  losses: z.array(finite).max(10_000).optional(),
  valLosses: z.array(finite).max(10_000).optional(),
});
export type TrainingRecord = z.infer<typeof TrainingRecord>;

/** Who acted, for the audit log: a person or a service, non-empty, bounded. */
export const Who = z
  .string()
  .min(1, 'must not be empty')
  .max(256, 'must be at most 256 characters');

/**
 * A model card, produced by the caller (the registry only stores it): a JSON document and
 * its Markdown rendering, kept as `card.json` and `card.md` in the version directory and
 * covered by its sha256 `files` map. At most `MAX_CARD_BYTES` together.
 */
export const ModelCard = z.strictObject({
  json: z.record(z.string(), z.unknown()),
  markdown: z.string(),
});
export type ModelCard = z.infer<typeof ModelCard>;

/** The most a card (card.json as stored plus card.md, UTF-8 bytes) may take: 1 MiB. */
export const MAX_CARD_BYTES = 1024 * 1024;

export const RegisterOptions = z.strictObject({
  metrics: z.record(z.string(), z.number()).default({}),
  lineage: Lineage.default({}),
  tags: z.record(z.string(), z.string()).default({}),
  dataSchema: DataSchema.optional(),
  training: TrainingRecord.optional(),
  /** Stored beside the artifacts, in the same atomic write. */
  card: ModelCard.optional(),
  /** Who registers, for the audit log (default: the registry's actor). */
  who: Who.optional(),
});
export type RegisterOptions = z.input<typeof RegisterOptions>;

export const VersionMeta = z.strictObject({
  formatVersion: z.number().int(),
  name: ModelName,
  version: Version,
  createdAt: z.string(),
  backend: z.string(),
  architecture: z.record(z.string(), z.unknown()),
  inputDim: z.number().int(),
  outputDim: z.number().int(),
  params: z.number().int(),
  metrics: z.record(z.string(), z.number()),
  tags: z.record(z.string(), z.string()),
  lineage: Lineage,
  /** Absent on versions registered without one. */
  dataSchema: DataSchema.optional(),
  /** How it was trained; absent on versions registered without one. */
  training: TrainingRecord.optional(),
  /** sha256 of every file of the version (artifacts, card), checked at load. */
  files: z.record(z.string(), sha256),
  /** Byte size of every file in `files`, checked before a byte is hashed (absent on old versions). */
  sizes: z.record(z.string(), z.number().int().nonnegative()).optional(),
  /** Who registered it: the register audit entry is rebuilt from this if a crash lost it. */
  registeredBy: Who.optional(),
});
export type VersionMeta = z.infer<typeof VersionMeta>;

export const AuditEntry = z.strictObject({
  at: z.string(),
  who: z.string(),
  action: z.enum([
    'register',
    'set-alias',
    'promote',
    'promote-refused',
    'rollback',
    /** A version deleted (`from`: the version). */
    'delete',
    /** An alias removed (`alias`, `from`: the version it pointed at). */
    'delete-alias',
    /** A reviewed candidate made champion (`from`: the old champion, `to`: the candidate). */
    'approve',
    /** A reviewed candidate turned down (`alias`: candidate, `from`: the version). */
    'reject',
  ]),
  alias: z.string().optional(),
  from: Version.nullable().optional(),
  to: Version.nullable().optional(),
  why: z.string(),
  failedGates: z.array(z.string()).optional(),
  /** Unique per entry: how recovery tells whether a pending entry reached the log. */
  id: z.string().max(64).optional(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

export const AliasState = z.strictObject({
  aliases: z.record(AliasName, Version),
  /** Every champion in order, the current one last: what rollback walks back through. */
  championHistory: z.array(Version),
  /**
   * The audit entry for the move that produced this state, written in the same atomic write
   * (write-ahead): if the process dies, or the disk fills, before the entry reaches
   * `audit.log`, readers still see it and the next write appends it. Absent on older files.
   */
  pending: AuditEntry.optional(),
});
export type AliasState = z.infer<typeof AliasState>;

export const RegistryInfo = z.object({ formatVersion: z.number().int().positive() });
