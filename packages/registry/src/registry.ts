import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { type ErrorCode, RvftError, type RvftErrorOptions } from '@rvft/errors';
import { evaluationGate, type GateResult, type GateThresholds } from '@rvft/metrics';
import {
  describeBackend,
  loadModel,
  MODEL_JSON,
  saveModel,
  type TrunkHeadModel,
  WEIGHTS_BIN,
} from '@rvft/model';
import lockfile from 'proper-lockfile';
import { z } from 'zod';
import { appendLine, atomicWrite, fsyncDir, sha256Bytes, sha256File } from './fsutil';
import {
  AliasName,
  AliasState,
  AuditEntry,
  MAX_CARD_BYTES,
  type ModelCard,
  ModelName,
  REGISTRY_FORMAT_VERSION,
  RegisterOptions,
  RegistryInfo,
  Version,
  VersionMeta,
  Who,
} from './schema';

/**
 * A registry call that cannot be honoured. The code says why: not found, conflict (moved
 * champion, aliased version), corrupt files, unsafe paths; bad names are invalid arguments.
 */
export class RegistryError extends RvftError {
  constructor(
    message: string,
    code: ErrorCode = 'RVFT_ERR_INVALID_ARGUMENT',
    options?: RvftErrorOptions,
  ) {
    super(code, message, options);
    this.name = 'RegistryError';
  }
}

const REGISTRY_JSON = 'registry.json';
const META_JSON = 'meta.json';
const ALIASES_JSON = 'aliases.json';
const AUDIT_LOG = 'audit.log';
const ARTIFACTS = [MODEL_JSON, WEIGHTS_BIN];
const CARD_JSON = 'card.json';
const CARD_MD = 'card.md';
/** The alias a reviewed candidate carries until `approve` or `reject`. */
const CANDIDATE = 'candidate';
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
/** A version being written by `register` (renamed into place when complete). */
const TMP_DIR = new RegExp(`^\\.tmp-${UUID}$`);
/** A version being deleted: renamed out of sight before it is removed. */
const TRASH_DIR = new RegExp(`^\\.trash-([1-9]\\d*)-${UUID}$`);
/** A delete's record (why, who, when); kept once done so the number is never reused. */
const DELETE_RECORD = /^\.delete-([1-9]\d*)\.json$/;
/** A file being replaced by `atomicWrite`. */
const ATOMIC_TMP = new RegExp(`^\\..+\\.tmp-${UUID}$`);
const deleteRecordName = (version: number) => `.delete-${version}.json`;

const DeleteRecord = z.strictObject({
  version: Version,
  why: z.string(),
  who: z.string(),
  at: z.string(),
});
type DeleteRecord = z.infer<typeof DeleteRecord>;

const Why = z.string().min(1, 'must not be empty');

function check<S extends z.ZodType>(schema: S, value: unknown, field: string): z.output<S> {
  const r = schema.safeParse(value);
  if (!r.success) {
    throw new RegistryError(
      `${field}: ${r.error.issues.map((i) => i.message).join('; ')} (got ${JSON.stringify(value)})`,
    );
  }
  return r.data;
}

export interface PromoteResult {
  promoted: boolean;
  /** The champion before the call (null when there was none). */
  from: number | null;
  to: number;
  /** The recorded-metrics gate's result; null when there was no champion or a verdict was given. */
  gate: GateResult | null;
}

/** A promotion decision reached above the registry (the policy lives there, not here). */
export interface PromotionVerdict {
  passed: boolean;
  /** Names of the failed checks, for the audit log. */
  failed: readonly string[];
}

export interface ModelSummary {
  name: string;
  versions: number;
  latest: number | null;
  aliases: Record<string, number>;
}

/** What `gc` did; paths are relative to the registry directory. */
export interface GcResult {
  /** Temporary and trash directories (and torn temporary files) removed. */
  removed: string[];
  /** Temporary entries younger than the grace period, left for a writer that may own them. */
  kept: string[];
  /** Deletes a killed process had committed (version out of sight) and gc finished. */
  finishedDeletes: { name: string; version: number }[];
}

export interface RegistryOptions {
  /** Who is acting, for the audit log (default: user@host-pid). */
  actor?: string;
  /** How long to wait for another process's lock, ms (default 30 s). */
  lockTimeoutMs?: number;
}

/**
 * An embedded model registry: a directory on disk, no server. Versions are immutable and
 * become visible only once complete; aliases (`champion`, `challenger`, any name) move
 * atomically and every move is in an append-only audit log. Concurrent processes are
 * serialised per model name with a lock file. Versions can be deleted (never while an alias
 * points at them) and `gc` clears what killed writes left behind; review actions (`approve`,
 * `reject`) and model cards are stored here, while the policy deciding them lives above.
 *
 * @example
 * import { createMlp } from '@rvft/model';
 * const reg = await openRegistry('models');
 * const model = createMlp({ inputDim: 4, hiddenDims: [8], outputDim: 2, seed: 1 });
 * const metrics = { newTaskAccuracy: 0.9, oldTaskAccuracy: 0.9 };
 * const v1 = await reg.register('churn', model, { metrics }); // → 1
 * // the first champion needs no gate
 * await reg.promote('churn', v1); // → { promoted: true, from: null, to: 1 }
 * // v2 gains on the new task but forgets 0.10 of the old one (the gate allows 0.05)
 * const v2 = await reg.register('churn', model, {
 *   metrics: { newTaskAccuracy: 0.95, oldTaskAccuracy: 0.8 },
 * });
 * await reg.promote('churn', v2); // → { promoted: false, gate: { failed: ['forgetting'] } }
 * await reg.aliasState('churn'); // → { aliases: { champion: 1 } }
 * const champion = await reg.load('churn', { alias: 'champion' });
 * champion.outputDim; // → 2
 * (await reg.auditLog('churn')).map((e) => e.action);
 * // → ['register', 'promote', 'register', 'promote-refused']
 */
export class Registry {
  readonly dir: string;
  private readonly actor: string;
  private readonly lockTimeoutMs: number;

  constructor(dir: string, opts: RegistryOptions = {}) {
    this.dir = dir;
    this.actor = opts.actor ?? `${userInfo().username}-pid${process.pid}`;
    this.lockTimeoutMs = opts.lockTimeoutMs ?? 30_000;
  }

  private modelDir(name: string): string {
    return join(this.dir, 'models', check(ModelName, name, 'name'));
  }

  private versionDir(name: string, version: number): string {
    return join(this.modelDir(name), 'versions', String(version));
  }

  /**
   * Runs `fn` holding the model's lock; waits for other processes. First finishes any delete
   * a killed process committed but did not complete (`finishDeletes`), so every write sees a
   * championHistory and audit log that agree with the versions on disk.
   */
  private async locked<T>(name: string, fn: () => Promise<T>, recover = true): Promise<T> {
    const dir = this.modelDir(name);
    await mkdir(join(dir, 'versions'), { recursive: true });
    const retries = Math.ceil(this.lockTimeoutMs / 50);
    let release: () => Promise<void>;
    try {
      release = await lockfile.lock(dir, {
        // A process killed with -9 leaves its lock behind; after `stale` ms it is taken over.
        stale: 5_000,
        update: 1_000,
        retries: { retries, factor: 1, minTimeout: 20, maxTimeout: 50, randomize: true },
        realpath: false,
      });
    } catch (e) {
      throw new RegistryError(`could not lock model '${name}': ${(e as Error).message}`);
    }
    try {
      if (recover) await this.finishDeletes(name);
      return await fn();
    } finally {
      await release().catch(() => undefined);
    }
  }

  /** Version numbers of a model, ascending; only complete versions are listed. */
  async versions(name: string): Promise<number[]> {
    const entries = await readdir(join(this.modelDir(name), 'versions')).catch(
      () => [] as string[],
    );
    return entries
      .filter((e) => /^[1-9]\d*$/.test(e))
      .map(Number)
      .sort((a, b) => a - b);
  }

  /** The highest version number a model has ever had, deleted ones included (0: none). */
  private async highestVersionEver(name: string): Promise<number> {
    const entries = await readdir(join(this.modelDir(name), 'versions')).catch(
      () => [] as string[],
    );
    let max = 0;
    for (const e of entries) {
      const n = /^[1-9]\d*$/.test(e)
        ? Number(e)
        : Number(DELETE_RECORD.exec(e)?.[1] ?? TRASH_DIR.exec(e)?.[1] ?? 0);
      if (n > max) max = n;
    }
    return max;
  }

  /** The audit identity: the caller's `who`, validated, or the registry's actor. */
  private who(who: string | undefined): string {
    return who === undefined ? this.actor : check(Who, who, 'who');
  }

  /**
   * Stores a new immutable version (1, 2, 3, … per name; a deleted version's number is never
   * given again). Files go to a temporary directory, are fsynced with their sha256 recorded,
   * and the directory is renamed into place: a version is visible complete or not at all.
   * A `card` (`card.json` + `card.md`, at most `MAX_CARD_BYTES`) is written in that same
   * directory, so it is covered by the `files` map and verified like the model.
   */
  async register(name: string, model: TrunkHeadModel, opts: RegisterOptions = {}): Promise<number> {
    const o = RegisterOptions.safeParse(opts);
    if (!o.success) {
      throw new RegistryError(
        `register options: ${o.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      );
    }
    const who = this.who(o.data.who);
    const card = o.data.card ? cardFiles(o.data.card) : null;
    const versionsDir = join(this.modelDir(name), 'versions');
    return this.locked(name, async () => {
      const existing = await this.versions(name);
      const version = (await this.highestVersionEver(name)) + 1;
      if (
        o.data.lineage.parentVersion !== undefined &&
        !existing.includes(o.data.lineage.parentVersion)
      ) {
        throw new RegistryError(
          `lineage.parentVersion: version ${o.data.lineage.parentVersion} of '${name}' does not exist`,
        );
      }
      const tmp = join(versionsDir, `.tmp-${randomUUID()}`);
      try {
        await saveModel(model, tmp);
        if (card) {
          await atomicWrite(join(tmp, CARD_JSON), card.json);
          await atomicWrite(join(tmp, CARD_MD), card.markdown);
        }
        const files: Record<string, string> = {};
        for (const f of card ? [...ARTIFACTS, CARD_JSON, CARD_MD] : ARTIFACTS) {
          files[f] = await sha256File(join(tmp, f));
        }
        const meta: VersionMeta = {
          formatVersion: REGISTRY_FORMAT_VERSION,
          name,
          version,
          createdAt: new Date().toISOString(),
          backend: describeBackend(),
          architecture: model.architecture,
          inputDim: model.inputDim,
          outputDim: model.outputDim,
          params: model.countParams(),
          metrics: o.data.metrics,
          tags: o.data.tags,
          lineage: o.data.lineage,
          ...(o.data.dataSchema ? { dataSchema: o.data.dataSchema } : {}),
          ...(o.data.training ? { training: o.data.training } : {}),
          files,
        };
        await atomicWrite(join(tmp, META_JSON), JSON.stringify(meta, null, 2));
        await fsyncDir(tmp);
        await rename(tmp, join(versionsDir, String(version)));
        await fsyncDir(versionsDir);
      } catch (e) {
        await rm(tmp, { recursive: true, force: true });
        throw e;
      }
      await this.audit(name, {
        action: 'register',
        to: version,
        why: o.data.lineage.strategy ?? 'registered',
        who,
      });
      return version;
    });
  }

  /** A version's metadata, validated. */
  async meta(name: string, version: number): Promise<VersionMeta> {
    check(Version, version, 'version');
    const file = join(this.versionDir(name, version), META_JSON);
    let raw: string;
    try {
      raw = await readFile(file, 'utf8');
    } catch {
      throw new RegistryError(`model '${name}' has no version ${version}`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch (e) {
      throw new RegistryError(`${file} is corrupted: ${(e as Error).message}`);
    }
    const meta = VersionMeta.safeParse(parsed);
    if (!meta.success) {
      throw new RegistryError(
        `${file} is invalid: ${meta.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      );
    }
    if (meta.data.formatVersion > REGISTRY_FORMAT_VERSION) {
      throw new RegistryError(
        `${file} was written by a newer rvft registry (format ${meta.data.formatVersion}); upgrade @rvft/registry`,
      );
    }
    return meta.data;
  }

  /** Checks every artifact of a version against its recorded sha256. */
  async verify(name: string, version: number): Promise<VersionMeta> {
    const meta = await this.meta(name, version);
    const dir = this.versionDir(name, version);
    for (const [file, expected] of Object.entries(meta.files)) {
      const path = join(dir, file);
      const actual = await sha256File(path).catch(() => null);
      if (actual === null) throw new RegistryError(`${path} is missing`);
      if (actual !== expected) {
        throw new RegistryError(
          `${path} is corrupted: sha256 ${actual} does not match the recorded ${expected}`,
        );
      }
    }
    return meta;
  }

  /**
   * A version's model card, checked against the sha256 recorded at register; `undefined`
   * when it was registered without one. A tampered or missing card file is a RegistryError.
   */
  async card(name: string, version: number): Promise<ModelCard | undefined> {
    const meta = await this.meta(name, version);
    const jsonSha = meta.files[CARD_JSON];
    const mdSha = meta.files[CARD_MD];
    if (jsonSha === undefined && mdSha === undefined) return undefined;
    const dir = this.versionDir(name, version);
    const read = async (file: string, expected: string | undefined): Promise<string> => {
      const path = join(dir, file);
      if (expected === undefined) {
        throw new RegistryError(`${join(dir, META_JSON)} records no sha256 for ${file}`);
      }
      const bytes = await readFile(path).catch(() => null);
      if (bytes === null) throw new RegistryError(`${path} is missing`);
      const actual = sha256Bytes(bytes);
      if (actual !== expected) {
        throw new RegistryError(
          `${path} is corrupted: sha256 ${actual} does not match the recorded ${expected}`,
        );
      }
      return bytes.toString('utf8');
    };
    const jsonText = await read(CARD_JSON, jsonSha);
    const markdown = await read(CARD_MD, mdSha);
    let json: unknown;
    try {
      json = JSON.parse(jsonText);
    } catch (e) {
      throw new RegistryError(`${join(dir, CARD_JSON)} is corrupted: ${(e as Error).message}`);
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json)) {
      throw new RegistryError(`${join(dir, CARD_JSON)} is corrupted: not a JSON object`);
    }
    return { json: json as Record<string, unknown>, markdown };
  }

  /** Resolves `{ version }` or `{ alias }` to a version number. */
  async resolve(name: string, ref: { version: number } | { alias: string }): Promise<number> {
    if ('version' in ref) return check(Version, ref.version, 'version');
    const alias = check(AliasName, ref.alias, 'alias');
    const v = (await this.aliasState(name)).aliases[alias];
    if (v === undefined) throw new RegistryError(`model '${name}' has no alias '${alias}'`);
    return v;
  }

  /** Loads a version after checking its files' sha256. */
  async load(name: string, ref: { version: number } | { alias: string }): Promise<TrunkHeadModel> {
    const version = await this.resolve(name, ref);
    await this.verify(name, version);
    return loadModel(this.versionDir(name, version));
  }

  async aliasState(name: string): Promise<AliasState> {
    const file = join(this.modelDir(name), ALIASES_JSON);
    const raw = await readFile(file, 'utf8').catch(() => null);
    if (raw === null) return { aliases: {}, championHistory: [] };
    const parsed = AliasState.safeParse(JSON.parse(raw));
    if (!parsed.success) throw new RegistryError(`${file} is invalid`);
    return parsed.data;
  }

  private async writeAliases(name: string, state: AliasState): Promise<void> {
    await atomicWrite(join(this.modelDir(name), ALIASES_JSON), JSON.stringify(state, null, 2));
  }

  /** Appends to the audit log; `who` defaults to the registry's actor, `at` to now. */
  private async audit(
    name: string,
    entry: Omit<AuditEntry, 'at' | 'who'> & { at?: string; who?: string },
  ): Promise<void> {
    const { at, who, ...rest } = entry;
    const full: AuditEntry = {
      at: at ?? new Date().toISOString(),
      who: who ?? this.actor,
      ...rest,
    };
    await appendLine(join(this.modelDir(name), AUDIT_LOG), JSON.stringify(full));
  }

  /** The audit log, oldest first. A line torn by a crash mid-append is skipped. */
  async auditLog(name: string): Promise<AuditEntry[]> {
    const raw = await readFile(join(this.modelDir(name), AUDIT_LOG), 'utf8').catch(() => '');
    const out: AuditEntry[] = [];
    for (const line of raw.split('\n')) {
      if (!line) continue;
      try {
        const e = AuditEntry.safeParse(JSON.parse(line));
        if (e.success) out.push(e.data);
      } catch {
        // torn last line
      }
    }
    return out;
  }

  /**
   * Points an alias at a version (any alias name; `champion` moves are also tracked for
   * rollback). `opts.who` names who acted in the audit log (default: the registry's actor).
   */
  async setAlias(
    name: string,
    alias: string,
    version: number,
    why = 'set by hand',
    opts: { who?: string } = {},
  ): Promise<void> {
    const a = check(AliasName, alias, 'alias');
    check(Version, version, 'version');
    const who = this.who(opts.who);
    await this.locked(name, async () => {
      await this.meta(name, version);
      const state = await this.aliasState(name);
      const from = state.aliases[a] ?? null;
      state.aliases[a] = version;
      if (a === 'champion') state.championHistory.push(version);
      await this.writeAliases(name, state);
      await this.audit(name, { action: 'set-alias', alias: a, from, to: version, why, who });
    });
  }

  /**
   * Makes a version the champion if it passes the evaluation gate against the current
   * champion's recorded metrics. The first champion needs no gate. On failure nothing moves
   * and every failed gate is returned (and logged).
   */
  async promote(
    name: string,
    challengerVersion: number,
    opts: {
      gate?: Partial<GateThresholds>;
      why?: string;
      /**
       * The champion's metrics measured on the same data as the challenger's (what a fair
       * gate compares). Default: the metrics recorded when the champion was registered.
       */
      championMetrics?: Record<string, number>;
      /** The challenger's metrics on those same rows. Default: its recorded metrics. */
      challengerMetrics?: Record<string, number>;
      /**
       * A verdict reached by the caller's policy (e.g. a statistical gate on rows measured
       * now): used instead of the recorded-metrics gate.
       */
      verdict?: PromotionVerdict;
      /**
       * The champion the verdict was measured against: when the champion has moved since,
       * nothing moves and a RegistryError says so (a gate against the wrong model is no gate).
       */
      expectedChampion?: number | null;
      /** Who acted, for the audit log (default: the registry's actor). */
      who?: string;
    } = {},
  ): Promise<PromoteResult> {
    check(Version, challengerVersion, 'challengerVersion');
    const who = this.who(opts.who);
    return this.locked(name, async () => {
      const challenger = await this.meta(name, challengerVersion);
      const state = await this.aliasState(name);
      const from = state.aliases['champion'] ?? null;
      if (opts.expectedChampion !== undefined && opts.expectedChampion !== from) {
        throw new RegistryError(
          `promote: '${name}' v${challengerVersion} was measured against v${opts.expectedChampion ?? 'none'}, but the champion is ${from === null ? 'none' : `v${from}`} now: measure it against the current champion`,
        );
      }
      let gate: GateResult | null = null;
      if (opts.verdict && from !== null) {
        if (!opts.verdict.passed) {
          await this.audit(name, {
            action: 'promote-refused',
            alias: 'champion',
            from,
            to: challengerVersion,
            why: opts.why ?? 'promotion gate failed',
            failedGates: [...opts.verdict.failed],
            who,
          });
          return { promoted: false, from, to: challengerVersion, gate: null };
        }
      } else if (from !== null) {
        const champion = await this.meta(name, from);
        gate = evaluationGate(
          opts.challengerMetrics ?? challenger.metrics,
          opts.championMetrics ?? champion.metrics,
          opts.gate,
        );
        if (!gate.passed) {
          await this.audit(name, {
            action: 'promote-refused',
            alias: 'champion',
            from,
            to: challengerVersion,
            why: opts.why ?? 'evaluation gate failed',
            failedGates: gate.failed,
            who,
          });
          return { promoted: false, from, to: challengerVersion, gate };
        }
      }
      state.aliases['champion'] = challengerVersion;
      state.championHistory.push(challengerVersion);
      await this.writeAliases(name, state);
      await this.audit(name, {
        action: 'promote',
        alias: 'champion',
        from,
        to: challengerVersion,
        why:
          opts.why ??
          (gate || (opts.verdict && from !== null) ? 'evaluation gate passed' : 'first champion'),
        who,
      });
      return { promoted: true, from, to: challengerVersion, gate };
    });
  }

  /**
   * Moves the champion back to the previous champion (deleted versions are no longer in the
   * history, so they are skipped). `opts.who` names who acted in the audit log.
   *
   * @example
   * import { createMlp } from '@rvft/model';
   * const reg = await openRegistry('models');
   * const model = createMlp({ inputDim: 4, hiddenDims: [8], outputDim: 2, seed: 1 });
   * for (const newTaskAccuracy of [0.9, 0.92]) {
   *   await reg.promote('churn', await reg.register('churn', model, { metrics: { newTaskAccuracy } }));
   * }
   * await reg.rollback('churn', 'v2 misbehaves in production'); // → { from: 2, to: 1 }
   * await reg.rollback('churn'); // → throws 'has no previous champion to roll back to'
   */
  async rollback(
    name: string,
    why = 'rollback',
    opts: { who?: string } = {},
  ): Promise<{ from: number; to: number }> {
    const who = this.who(opts.who);
    return this.locked(name, async () => {
      const state = await this.aliasState(name);
      const from = state.aliases['champion'];
      if (from === undefined || state.championHistory.length < 2) {
        throw new RegistryError(`model '${name}' has no previous champion to roll back to`);
      }
      state.championHistory.pop();
      const to = state.championHistory.at(-1) as number;
      state.aliases['champion'] = to;
      await this.writeAliases(name, state);
      await this.audit(name, { action: 'rollback', alias: 'champion', from, to, why, who });
      return { from, to };
    });
  }

  /**
   * Deletes a version (model, card, metadata). Refused — a RegistryError naming them — while
   * any alias points at it, `champion` included: move or delete those aliases first. A
   * version that was champion earlier (it is in `championHistory`) but that no alias points
   * at now is removed from the history too, so `rollback` skips it; neighbours the removal
   * leaves equal are merged (no rollback from v2 to v2). Later versions' lineage may still
   * name it. Its number is never given to a later version. Audited as `delete`.
   *
   * Crash-safe: a record of the delete (why, who, when) is written first, then the version's
   * directory is renamed to a hidden trash name. That rename is the commit point: from then
   * on the version is never listed or loaded. Then the history is updated, the delete
   * audited, and the trash removed. A process killed after the rename leaves a delete that
   * the next write to the model, or `gc`, finishes (history, audit entry with the recorded
   * why and who, trash); killed before it, nothing was deleted.
   */
  async deleteVersion(
    name: string,
    version: number,
    why: string,
    opts: { who?: string } = {},
  ): Promise<void> {
    check(Version, version, 'version');
    const w = check(Why, why, 'why');
    const who = this.who(opts.who);
    await this.locked(name, async () => {
      if (!(await this.versions(name)).includes(version)) {
        throw new RegistryError(`model '${name}' has no version ${version}`);
      }
      const state = await this.aliasState(name);
      const aliases = Object.keys(state.aliases)
        .filter((a) => state.aliases[a] === version)
        .sort();
      if (aliases.length > 0) {
        throw new RegistryError(
          `deleteVersion: '${name}' v${version} is what alias${aliases.length > 1 ? 'es' : ''} ${aliases.map((a) => `'${a}'`).join(', ')} point${aliases.length > 1 ? '' : 's'} at: move or delete ${aliases.length > 1 ? 'them' : 'it'} first (deleteAlias; the champion moves with promote, approve or rollback)`,
        );
      }
      const versionsDir = join(this.modelDir(name), 'versions');
      const record: DeleteRecord = { version, why: w, who, at: new Date().toISOString() };
      const recordPath = join(versionsDir, deleteRecordName(version));
      await atomicWrite(recordPath, JSON.stringify(record));
      const trash = `.trash-${version}-${randomUUID()}`;
      try {
        await rename(join(versionsDir, String(version)), join(versionsDir, trash));
      } catch (e) {
        await rm(recordPath, { force: true });
        throw e;
      }
      await fsyncDir(versionsDir);
      await this.finishDelete(name, record, trash, false);
    });
  }

  /** The steps after a delete's commit point; each is idempotent, so recovery can redo them. */
  private async finishDelete(
    name: string,
    record: DeleteRecord,
    trash: string,
    checkAudit: boolean,
  ): Promise<void> {
    const { version } = record;
    const state = await this.aliasState(name);
    const history = withoutVersion(state.championHistory, version);
    if (history.length !== state.championHistory.length) {
      await this.writeAliases(name, { ...state, championHistory: history });
    }
    const audited =
      checkAudit &&
      (await this.auditLog(name)).some((e) => e.action === 'delete' && e.from === version);
    if (!audited) {
      await this.audit(name, {
        at: record.at,
        who: record.who,
        action: 'delete',
        from: version,
        to: null,
        why: record.why,
      });
    }
    const versionsDir = join(this.modelDir(name), 'versions');
    await rm(join(versionsDir, trash), { recursive: true, force: true });
    await fsyncDir(versionsDir);
  }

  /**
   * Finishes the deletes a killed process committed (trash directory present) and drops the
   * records of deletes it never committed (version still there). Runs under the lock.
   * Returns the versions whose delete it finished.
   */
  private async finishDeletes(name: string): Promise<number[]> {
    const versionsDir = join(this.modelDir(name), 'versions');
    const entries = await readdir(versionsDir).catch(() => [] as string[]);
    const live = new Set(entries.filter((e) => /^[1-9]\d*$/.test(e)));
    for (const e of entries) {
      const m = DELETE_RECORD.exec(e);
      // killed before the rename: the version is intact, nothing was deleted
      if (m && live.has(m[1]!)) await rm(join(versionsDir, e), { force: true });
    }
    const finished: number[] = [];
    for (const e of entries) {
      const m = TRASH_DIR.exec(e);
      if (!m || live.has(m[1]!)) continue; // trash beside a live version: not a delete; gc removes it
      const version = Number(m[1]);
      const recordPath = join(versionsDir, deleteRecordName(version));
      let record = await readDeleteRecord(recordPath, version);
      if (record === null) {
        record = {
          version,
          why: 'an interrupted delete, finished without its record',
          who: this.actor,
          at: new Date().toISOString(),
        };
        await atomicWrite(recordPath, JSON.stringify(record));
      }
      await this.finishDelete(name, record, e, true);
      finished.push(version);
    }
    return finished;
  }

  /**
   * Removes an alias; the version stays. Audited as `delete-alias`. `champion` is refused
   * (it moves with promote, approve or rollback), and so is an alias the model does not have.
   */
  async deleteAlias(
    name: string,
    alias: string,
    why: string,
    opts: { who?: string } = {},
  ): Promise<void> {
    const a = check(AliasName, alias, 'alias');
    const w = check(Why, why, 'why');
    const who = this.who(opts.who);
    if (a === 'champion') {
      throw new RegistryError(
        `deleteAlias: '${name}' 'champion' cannot be deleted: use rollback or promote to move it`,
      );
    }
    await this.locked(name, async () => {
      const state = await this.aliasState(name);
      const from = state.aliases[a];
      if (from === undefined) throw new RegistryError(`model '${name}' has no alias '${a}'`);
      await this.writeAliases(name, { ...state, aliases: withoutKey(state.aliases, a) });
      await this.audit(name, { action: 'delete-alias', alias: a, from, to: null, why: w, who });
    });
  }

  private requireCandidate(action: string, name: string, version: number, state: AliasState) {
    const candidate = state.aliases[CANDIDATE];
    if (candidate !== version) {
      throw new RegistryError(
        `${action}: '${name}' v${version} is not the candidate (${candidate === undefined ? `'${name}' has no '${CANDIDATE}' alias` : `the '${CANDIDATE}' alias points at v${candidate}`})`,
      );
    }
  }

  /**
   * A reviewer approves the version the `candidate` alias points at: it becomes the champion
   * with no gate (the human decided; whether review is needed is policy, above the registry),
   * enters `championHistory` (unless it already is the champion), and the `candidate` alias
   * is removed — one atomic write — then an `approve` entry (`from`: the old champion, `to`:
   * the version) is audited. Refused when the candidate alias does not point at `version`,
   * and, like promote, when `expectedChampion` is given and the champion has moved since.
   */
  async approve(
    name: string,
    version: number,
    opts: { why: string; who?: string; expectedChampion?: number | null },
  ): Promise<{ from: number | null; to: number }> {
    check(Version, version, 'version');
    const why = check(Why, opts?.why, 'why');
    const who = this.who(opts.who);
    return this.locked(name, async () => {
      await this.meta(name, version);
      const state = await this.aliasState(name);
      this.requireCandidate('approve', name, version, state);
      const from = state.aliases['champion'] ?? null;
      if (opts.expectedChampion !== undefined && opts.expectedChampion !== from) {
        throw new RegistryError(
          `approve: '${name}' v${version} was reviewed against v${opts.expectedChampion ?? 'none'}, but the champion is ${from === null ? 'none' : `v${from}`} now: review it against the current champion`,
        );
      }
      const aliases = { ...withoutKey(state.aliases, CANDIDATE), champion: version };
      const championHistory =
        from === version ? state.championHistory : [...state.championHistory, version];
      await this.writeAliases(name, { aliases, championHistory });
      await this.audit(name, { action: 'approve', alias: 'champion', from, to: version, why, who });
      return { from, to: version };
    });
  }

  /**
   * A reviewer rejects the version the `candidate` alias points at: the alias is removed, the
   * version stays registered (delete it with deleteVersion if wanted), and a `reject` entry
   * (`alias`: candidate, `from`: the version) is audited. Refused when the candidate alias
   * does not point at `version`.
   */
  async reject(name: string, version: number, opts: { why: string; who?: string }): Promise<void> {
    check(Version, version, 'version');
    const why = check(Why, opts?.why, 'why');
    const who = this.who(opts.who);
    await this.locked(name, async () => {
      const state = await this.aliasState(name);
      this.requireCandidate('reject', name, version, state);
      await this.writeAliases(name, { ...state, aliases: withoutKey(state.aliases, CANDIDATE) });
      await this.audit(name, {
        action: 'reject',
        alias: CANDIDATE,
        from: version,
        to: null,
        why,
        who,
      });
    });
  }

  /**
   * Removes what killed writes and deletes left behind, model by model under each model's
   * lock (so it is safe while other processes write): `.tmp-*` directories of unfinished
   * registers and torn `atomicWrite` temporary files — only those older than `graceMs`
   * (default 60 s; a writer whose lock went stale may still be using a younger one) — and
   * trash directories of deletes, finishing a committed delete first (history, audit). Never
   * touches a live version, nor the records that keep deleted numbers from being reused.
   */
  async gc(opts: { graceMs?: number } = {}): Promise<GcResult> {
    const graceMs = check(
      z.number().nonnegative('must be >= 0'),
      opts.graceMs ?? 60_000,
      'graceMs',
    );
    const result: GcResult = { removed: [], kept: [], finishedDeletes: [] };
    const names = await readdir(join(this.dir, 'models')).catch(() => [] as string[]);
    for (const name of names.sort()) {
      if (!ModelName.safeParse(name).success) continue;
      const modelDir = join(this.dir, 'models', name);
      // a model has versions/; a lock directory beside it does not
      const isModel = await stat(join(modelDir, 'versions')).then(
        (s) => s.isDirectory(),
        () => false,
      );
      if (!isModel) continue;
      await this.locked(
        name,
        async () => {
          for (const version of await this.finishDeletes(name)) {
            result.finishedDeletes.push({ name, version });
          }
          const now = Date.now();
          const sweep = async (rel: string, isTemp: (e: string) => boolean, noGrace = false) => {
            const entries = await readdir(join(this.dir, rel)).catch(() => [] as string[]);
            for (const e of entries.sort()) {
              if (!isTemp(e)) continue;
              const path = join(this.dir, rel, e);
              const s = await stat(path).catch(() => null);
              if (s === null) continue;
              if (!noGrace && graceMs > 0 && now - s.mtimeMs < graceMs) {
                result.kept.push(join(rel, e));
                continue;
              }
              await rm(path, { recursive: true, force: true });
              result.removed.push(join(rel, e));
            }
          };
          const versionsRel = join('models', name, 'versions');
          await sweep(versionsRel, (e) => TRASH_DIR.test(e), true);
          await sweep(versionsRel, (e) => TMP_DIR.test(e) || ATOMIC_TMP.test(e));
          await sweep(join('models', name), (e) => ATOMIC_TMP.test(e));
          await fsyncDir(join(this.dir, versionsRel));
        },
        false,
      );
    }
    return result;
  }

  /** Every version's metadata, oldest first, with the aliases pointing at it. */
  async history(name: string): Promise<(VersionMeta & { aliases: string[] })[]> {
    const state = await this.aliasState(name);
    const out = [];
    for (const v of await this.versions(name)) {
      const meta = await this.meta(name, v);
      out.push({
        ...meta,
        aliases: Object.keys(state.aliases).filter((a) => state.aliases[a] === v),
      });
    }
    return out;
  }

  /** Every model in the registry. */
  async list(): Promise<ModelSummary[]> {
    const names = await readdir(join(this.dir, 'models')).catch(() => [] as string[]);
    const out: ModelSummary[] = [];
    for (const name of names.sort()) {
      if (!ModelName.safeParse(name).success) continue;
      const versions = await this.versions(name);
      out.push({
        name,
        versions: versions.length,
        latest: versions.at(-1) ?? null,
        aliases: (await this.aliasState(name)).aliases,
      });
    }
    return out;
  }
}

/** `history` without `version`; neighbours the removal leaves equal are merged. */
function withoutVersion(history: readonly number[], version: number): number[] {
  const out: number[] = [];
  let removed = false;
  for (const v of history) {
    if (v === version) {
      removed = true;
      continue;
    }
    if (!(removed && out.at(-1) === v)) out.push(v);
    removed = false;
  }
  return out;
}

function withoutKey(record: Record<string, number>, key: string): Record<string, number> {
  return Object.fromEntries(Object.entries(record).filter(([k]) => k !== key));
}

async function readDeleteRecord(path: string, version: number): Promise<DeleteRecord | null> {
  try {
    const r = DeleteRecord.safeParse(JSON.parse(await readFile(path, 'utf8')));
    return r.success && r.data.version === version ? r.data : null;
  } catch {
    return null;
  }
}

/** The card's two files as stored; refuses one that is not JSON-able or over the size limit. */
function cardFiles(card: ModelCard): { json: string; markdown: string } {
  let json: string;
  try {
    json = JSON.stringify(card.json, null, 2);
  } catch (e) {
    throw new RegistryError(`card.json: cannot be stored as JSON: ${(e as Error).message}`);
  }
  const jsonBytes = Buffer.byteLength(json, 'utf8');
  const mdBytes = Buffer.byteLength(card.markdown, 'utf8');
  if (jsonBytes + mdBytes > MAX_CARD_BYTES) {
    throw new RegistryError(
      `card: ${jsonBytes + mdBytes} bytes (card.json ${jsonBytes} + card.md ${mdBytes}) is over the ${MAX_CARD_BYTES}-byte (1 MiB) limit: keep large reports outside the registry and link them from the card`,
    );
  }
  return { json, markdown: card.markdown };
}

/**
 * Opens (creating if needed) a registry directory; refuses one written by a newer format.
 *
 * @example
 * const reg = await openRegistry('models');
 * await reg.list(); // → [] — a new, empty registry
 */
export async function openRegistry(dir: string, opts: RegistryOptions = {}): Promise<Registry> {
  await mkdir(join(dir, 'models'), { recursive: true });
  const file = join(dir, REGISTRY_JSON);
  const raw = await readFile(file, 'utf8').catch(() => null);
  if (raw === null) {
    const exists = await stat(file).then(
      () => true,
      () => false,
    );
    if (!exists) {
      // wx: of two processes creating a registry at once, exactly one writes the file
      await writeFile(file, JSON.stringify({ formatVersion: REGISTRY_FORMAT_VERSION }), {
        flag: 'wx',
      }).catch(() => undefined);
    }
  } else {
    let info: { formatVersion: number };
    try {
      info = RegistryInfo.parse(JSON.parse(raw));
    } catch {
      throw new RegistryError(`${file} is not a valid rvft registry file`);
    }
    if (info.formatVersion > REGISTRY_FORMAT_VERSION) {
      throw new RegistryError(
        `${dir} was written by a newer rvft registry (format ${info.formatVersion}; this @rvft/registry reads up to ${REGISTRY_FORMAT_VERSION}): upgrade @rvft/registry`,
      );
    }
  }
  return new Registry(dir, opts);
}
