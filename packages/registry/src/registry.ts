import { randomUUID } from 'node:crypto';
import { lstat, mkdir, open, readdir, rm, stat } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { isRvftError } from '@rvft/errors';
import { evaluationGate, type GateResult, type GateThresholds } from '@rvft/metrics';
import { describeBackend, loadModel, saveModel, type TrunkHeadModel } from '@rvft/model';
import lockfile from 'proper-lockfile';
import { z } from 'zod';
import { type AuditRead, parseAuditLog, type SkippedLine } from './audit';
import { RegistryError } from './error';
import {
  appendLine,
  atomicWrite,
  fsyncDir,
  hashRegular,
  isNoSpace,
  readRegular,
  removeEntry,
  renameEntry,
} from './fsutil';
import { safePath } from './paths';
import {
  AliasName,
  AliasState,
  type AuditEntry,
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
import {
  ARTIFACTS,
  CARD_JSON,
  CARD_MD,
  expectedFiles,
  META_JSON,
  readVerified,
  verifyVersionDir,
} from './verify';

const REGISTRY_JSON = 'registry.json';
const ALIASES_JSON = 'aliases.json';
const AUDIT_LOG = 'audit.log';
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
const VERSION_DIR = /^[1-9]\d*$/;
const deleteRecordName = (version: number) => `.delete-${version}.json`;

/** Read limits for the registry's own files, checked before a byte is read. */
const MAX_META_BYTES = 16 * 1024 * 1024;
const MAX_ALIASES_BYTES = 16 * 1024 * 1024;
const MAX_AUDIT_BYTES = 1024 * 1024 * 1024;
const MAX_SMALL_BYTES = 64 * 1024;

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

/** A full disk becomes RVFT_ERR_NO_SPACE; callers use it only where nothing changed. */
function noSpaceOr(e: unknown, what: string): unknown {
  return isNoSpace(e)
    ? new RegistryError(`${what}: the disk is full; nothing was changed`, 'RVFT_ERR_NO_SPACE', {
        cause: e,
      })
    : e;
}

/** The version an alias points at, by own property only (`constructor` is not an alias). */
function aliasOf(state: AliasState, alias: string): number | undefined {
  return Object.hasOwn(state.aliases, alias) ? state.aliases[alias] : undefined;
}

export interface PromoteResult {
  promoted: boolean;
  /** The champion before the call (null when there was none). */
  from: number | null;
  to: number;
  /** The recorded-metrics gate's result; null when there was no champion or a verdict was given. */
  gate: GateResult | null;
  /**
   * True when the champion moved but its audit entry could not be appended yet (a full disk):
   * it is kept in `aliases.json` beside the move, shown by `auditLog`, and appended by the next
   * write to the model. Absent otherwise.
   */
  auditPending?: true;
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
  /** Set when the model's files could not be read (e.g. a torn `aliases.json`): what and why. */
  error?: { code: string; message: string };
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

/** The audit log as `readAudit` returns it. */
export interface AuditReport {
  /** Every entry, oldest first — those a crash kept out of the file included (`recovered`). */
  entries: AuditEntry[];
  /** Lines of the file that are not entries (torn by a crash or a full disk), with why. */
  skipped: SkippedLine[];
  /** Entries the file lacks that the registry still knows (see `readAudit`); appended by the next write. */
  recovered: AuditEntry[];
}

export interface RegistryOptions {
  /** Who is acting, for the audit log (default: user@host-pid). */
  actor?: string;
  /** How long to wait for another process's lock, ms (default 30 s). */
  lockTimeoutMs?: number;
}

/** An audit entry before the registry stamps it (`at`, `who` and `id` are filled in). */
type NewEntry = Omit<AuditEntry, 'at' | 'who' | 'id'> & { at?: string; who?: string };

/**
 * An embedded model registry: a directory on disk, no server. Versions are immutable and
 * become visible only once complete; aliases (`champion`, `challenger`, any name) move
 * atomically and every move is in an append-only audit log. Concurrent processes are
 * serialised per model name with a lock file. Versions can be deleted (never while an alias
 * points at them) and `gc` clears what killed writes left behind; review actions (`approve`,
 * `reject`) and model cards are stored here, while the policy deciding them lives above.
 *
 * Alias moves and their audit entries cannot disagree: each move writes `aliases.json` with
 * its audit entry inside (write-ahead), then appends the entry to `audit.log`. A kill -9 or a
 * full disk between the two leaves the entry in `aliases.json`, where `auditLog` reads it and
 * the next write appends it. Nothing below the registry directory may be a symlink.
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

  /** A path under a model's directory, after the name check and the symlink check. */
  private modelPath(name: string, ...rest: string[]): Promise<string> {
    return safePath(this.dir, 'models', check(ModelName, name, 'name'), ...rest);
  }

  private versionPath(name: string, version: number, ...rest: string[]): Promise<string> {
    return this.modelPath(name, 'versions', String(version), ...rest);
  }

  /**
   * Creates the registry on its first write (never on a read: `registry list typo` must not
   * leave a registry behind): the directory, `models/` and `registry.json`.
   */
  private async create(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await mkdirHere(await safePath(this.dir, 'models'));
    const file = await safePath(this.dir, REGISTRY_JSON);
    if ((await lstat(file).catch(() => null)) === null) {
      // wx: of two processes creating a registry at once, exactly one writes the file
      await atomicWriteExclusive(
        file,
        JSON.stringify({ formatVersion: REGISTRY_FORMAT_VERSION }),
      ).catch((e) => {
        throw noSpaceOr(e, `creating the registry ${this.dir}`);
      });
    }
  }

  /**
   * Runs `fn` holding the model's lock; waits for other processes. First recovers what a
   * killed process (or a full disk) left half-done — audit entries that did not reach the log,
   * deletes committed but not finished — so every write starts from a registry whose aliases,
   * history and audit log agree with the versions on disk.
   */
  private async locked<T>(name: string, fn: () => Promise<T>, recover = true): Promise<T> {
    await this.create();
    const dir = await this.modelPath(name);
    await mkdirHere(dir);
    await mkdirHere(await this.modelPath(name, 'versions'));
    // the lock is a directory beside the model's; a link there is refused like any other
    await safePath(this.dir, 'models', `${name}.lock`);
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
      throw new RegistryError(
        `could not lock model '${name}': ${(e as Error).message}`,
        'RVFT_ERR_REGISTRY_CONFLICT',
        { cause: e },
      );
    }
    try {
      if (recover) await this.recover(name);
      return await fn();
    } finally {
      await release().catch(() => undefined);
    }
  }

  /** Appends the audit entries a crash kept out of the log, then finishes committed deletes. */
  private async recover(name: string): Promise<number[]> {
    const { recovered } = await this.readAudit(name);
    const file = await this.modelPath(name, AUDIT_LOG);
    for (const e of recovered) {
      try {
        await appendLine(file, JSON.stringify(e));
      } catch (err) {
        throw noSpaceOr(err, `model '${name}': appending a recovered audit entry`);
      }
    }
    return this.finishDeletes(name);
  }

  /**
   * Version numbers of a model, ascending; only complete versions are listed — and only real
   * directories: a symlink named like a version is not one.
   */
  async versions(name: string): Promise<number[]> {
    const dir = await this.modelPath(name, 'versions');
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    return entries
      .filter((e) => e.isDirectory() && VERSION_DIR.test(e.name))
      .map((e) => Number(e.name))
      .sort((a, b) => a - b);
  }

  /** The highest version number a model has ever had, deleted ones included (0: none). */
  private async highestVersionEver(name: string): Promise<number> {
    const entries = await readdir(await this.modelPath(name, 'versions')).catch(
      () => [] as string[],
    );
    let max = 0;
    for (const e of entries) {
      // any entry named like a version counts, a symlink too: its number is never handed out
      const n = VERSION_DIR.test(e)
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

  /** Stamps an entry with when, who and a unique id. */
  private entry(e: NewEntry): AuditEntry {
    const { at, who, ...rest } = e;
    return {
      at: at ?? new Date().toISOString(),
      who: who ?? this.actor,
      ...rest,
      id: randomUUID(),
    };
  }

  /**
   * Stores a new immutable version (1, 2, 3, … per name; a deleted version's number is never
   * given again). Files go to a temporary directory, are fsynced with their sha256 and size
   * recorded, and the directory is renamed into place: a version is visible complete or not
   * at all. A `card` (`card.json` + `card.md`, at most `MAX_CARD_BYTES`) is written in that same
   * directory, so it is covered by the `files` map and verified like the model. On a full disk
   * before the rename, nothing is left and RVFT_ERR_NO_SPACE is thrown; after it, the version
   * is registered and returned, and its `register` audit entry (rebuilt from `meta.json`) is
   * appended by the next write if the log was full.
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
    return this.locked(name, async () => {
      const versionsDir = await this.modelPath(name, 'versions');
      const existing = await this.versions(name);
      const version = (await this.highestVersionEver(name)) + 1;
      if (
        o.data.lineage.parentVersion !== undefined &&
        !existing.includes(o.data.lineage.parentVersion)
      ) {
        throw new RegistryError(
          `lineage.parentVersion: version ${o.data.lineage.parentVersion} of '${name}' does not exist`,
          'RVFT_ERR_NOT_FOUND',
        );
      }
      const tmp = join(versionsDir, `.tmp-${randomUUID()}`);
      let meta: VersionMeta;
      try {
        await saveModel(model, tmp);
        if (card) {
          await atomicWrite(join(tmp, CARD_JSON), card.json);
          await atomicWrite(join(tmp, CARD_MD), card.markdown);
        }
        const files: Record<string, string> = {};
        const sizes: Record<string, number> = {};
        for (const f of card ? [...ARTIFACTS, CARD_JSON, CARD_MD] : ARTIFACTS) {
          const h = await hashRegular(join(tmp, f), Number.MAX_SAFE_INTEGER);
          if (h === null)
            throw new RegistryError(`register: ${f} was not written`, 'RVFT_ERR_INTERNAL');
          files[f] = h.sha256;
          sizes[f] = h.size;
        }
        meta = {
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
          sizes,
          registeredBy: who,
        };
        await atomicWrite(join(tmp, META_JSON), JSON.stringify(meta, null, 2));
        await fsyncDir(tmp);
        await renameEntry(tmp, join(versionsDir, String(version)));
      } catch (e) {
        await rm(tmp, { recursive: true, force: true });
        throw noSpaceOr(e, `register '${name}'`);
      }
      // committed: from here on the version exists, whatever fails
      await fsyncDir(versionsDir).catch(() => undefined);
      await this.appendCommitted(name, registerEntry(name, version, meta));
      return version;
    });
  }

  /**
   * A version's metadata, validated: it must parse, match its schema, and name the model and
   * version whose directory it is in. RVFT_ERR_NOT_FOUND when there is no such version,
   * RVFT_ERR_REGISTRY_CORRUPT (naming the file) when it is damaged.
   */
  async meta(name: string, version: number): Promise<VersionMeta> {
    check(Version, version, 'version');
    const file = await this.versionPath(name, version, META_JSON);
    const raw = await readRegular(file, MAX_META_BYTES, 'RVFT_ERR_REGISTRY_CORRUPT');
    if (raw === null) {
      throw new RegistryError(`model '${name}' has no version ${version}`, 'RVFT_ERR_NOT_FOUND');
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw.toString('utf8'));
    } catch (e) {
      throw corruptFile(file, `is not valid JSON (torn or truncated?): ${(e as Error).message}`);
    }
    const meta = VersionMeta.safeParse(parsed);
    if (!meta.success) {
      throw corruptFile(
        file,
        `is invalid: ${meta.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      );
    }
    if (meta.data.formatVersion > REGISTRY_FORMAT_VERSION) {
      throw new RegistryError(
        `${file} was written by a newer rvft registry (format ${meta.data.formatVersion}); upgrade @rvft/registry`,
        'RVFT_ERR_MODEL_INCOMPATIBLE',
      );
    }
    if (meta.data.name !== name || meta.data.version !== version) {
      throw corruptFile(
        file,
        `says it is '${meta.data.name}' v${meta.data.version}, but it is in the directory of '${name}' v${version}`,
      );
    }
    return meta.data;
  }

  /**
   * Checks a version's files against its `meta.json` before anything trusts them: the `files`
   * map must name exactly the artifacts (and both card files when there is a card), the
   * directory must hold nothing else, and each file must be a regular file (no symlink, no
   * device) whose size — checked before hashing — and sha256 match. RVFT_ERR_MODEL_CORRUPT or
   * RVFT_ERR_PATH_UNSAFE, naming the file.
   */
  async verify(name: string, version: number): Promise<VersionMeta> {
    const meta = await this.meta(name, version);
    await verifyVersionDir(await this.versionPath(name, version), meta);
    return meta;
  }

  /**
   * A version's model card, checked against the sha256 (and size) recorded at register;
   * `undefined` when it was registered without one. A tampered or missing card file is a
   * RegistryError (RVFT_ERR_MODEL_CORRUPT).
   */
  async card(name: string, version: number): Promise<ModelCard | undefined> {
    const meta = await this.meta(name, version);
    const dir = await this.versionPath(name, version);
    const files = expectedFiles(meta, join(dir, META_JSON));
    if (!files.includes(CARD_JSON)) return undefined;
    const jsonText = (await readVerified(dir, meta, CARD_JSON)).toString('utf8');
    const markdown = (await readVerified(dir, meta, CARD_MD)).toString('utf8');
    let json: unknown;
    try {
      json = JSON.parse(jsonText);
    } catch (e) {
      throw new RegistryError(
        `${join(dir, CARD_JSON)} is corrupted: ${(e as Error).message}`,
        'RVFT_ERR_MODEL_CORRUPT',
      );
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json)) {
      throw new RegistryError(
        `${join(dir, CARD_JSON)} is corrupted: not a JSON object`,
        'RVFT_ERR_MODEL_CORRUPT',
      );
    }
    return { json: json as Record<string, unknown>, markdown };
  }

  /** Resolves `{ version }` or `{ alias }` to a version number. */
  async resolve(name: string, ref: { version: number } | { alias: string }): Promise<number> {
    if ('version' in ref) return check(Version, ref.version, 'version');
    const alias = check(AliasName, ref.alias, 'alias');
    const v = aliasOf(await this.aliasState(name), alias);
    if (v === undefined) {
      throw new RegistryError(`model '${name}' has no alias '${alias}'`, 'RVFT_ERR_NOT_FOUND');
    }
    return v;
  }

  /** Loads a version after checking its files (see `verify`). */
  async load(name: string, ref: { version: number } | { alias: string }): Promise<TrunkHeadModel> {
    const version = await this.resolve(name, ref);
    await this.verify(name, version);
    return loadModel(await this.versionPath(name, version));
  }

  /**
   * The model's aliases and champion history (empty when it has none). A torn or invalid
   * `aliases.json` is RVFT_ERR_REGISTRY_CORRUPT naming the file; alias names are own keys only.
   */
  async aliasState(name: string): Promise<AliasState> {
    const file = await this.modelPath(name, ALIASES_JSON);
    const raw = await readRegular(file, MAX_ALIASES_BYTES, 'RVFT_ERR_REGISTRY_CORRUPT');
    if (raw === null) return { aliases: {}, championHistory: [] };
    let json: unknown;
    try {
      json = JSON.parse(raw.toString('utf8'));
    } catch (e) {
      throw corruptFile(file, `is not valid JSON (torn or truncated?): ${(e as Error).message}`);
    }
    const parsed = AliasState.safeParse(json);
    if (!parsed.success) {
      throw corruptFile(
        file,
        `is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; ')}`,
      );
    }
    return parsed.data;
  }

  /**
   * Moves aliases and records why, as one: writes `aliases.json` with the audit entry inside
   * (the commit point — a rename), then appends the entry to `audit.log`. A full disk before
   * the rename changes nothing (RVFT_ERR_NO_SPACE); after it, the move stands and is reported
   * (`auditPending`), the entry staying in `aliases.json` until the next write appends it.
   */
  private async commit(
    name: string,
    state: Pick<AliasState, 'aliases' | 'championHistory'>,
    e: NewEntry,
  ): Promise<{ auditPending: boolean }> {
    const full = this.entry(e);
    const next: AliasState = {
      aliases: state.aliases,
      championHistory: state.championHistory,
      pending: full,
    };
    try {
      await atomicWrite(await this.modelPath(name, ALIASES_JSON), JSON.stringify(next, null, 2));
    } catch (err) {
      throw noSpaceOr(err, `${e.action} '${name}'`);
    }
    return { auditPending: !(await this.appendCommitted(name, full)) };
  }

  /**
   * Appends the audit entry of a change already committed elsewhere (a version directory, an
   * `aliases.json` carrying the entry). A failure here must not be reported as the change
   * failing — it happened — and loses nothing: recovery rebuilds the entry. False if it failed.
   */
  private async appendCommitted(name: string, entry: AuditEntry): Promise<boolean> {
    try {
      await appendLine(await this.modelPath(name, AUDIT_LOG), JSON.stringify(entry));
      return true;
    } catch {
      return false;
    }
  }

  /** Appends an entry that records no change (a refusal); a full disk is RVFT_ERR_NO_SPACE. */
  private async audit(name: string, e: NewEntry): Promise<void> {
    try {
      await appendLine(await this.modelPath(name, AUDIT_LOG), JSON.stringify(this.entry(e)));
    } catch (err) {
      throw noSpaceOr(err, `${e.action} '${name}'`);
    }
  }

  /** The audit log, oldest first (see `readAudit`: torn lines skipped, lost entries restored). */
  async auditLog(name: string): Promise<AuditEntry[]> {
    return (await this.readAudit(name)).entries;
  }

  /**
   * The audit log with what reading it found. Lines torn by a crash or a full disk are skipped
   * and reported (`skipped`: line number and why). Entries the file lacks but the registry
   * still knows are restored (`recovered`) and included in `entries`: the entry of the last
   * alias move, kept in `aliases.json` until it reaches the log, and the `register` entry of a
   * version whose process died after the version was committed (rebuilt from its `meta.json`).
   * So `championFromAudit(entries)` always equals the champion in `aliases.json`.
   */
  async readAudit(name: string): Promise<AuditReport> {
    const file = await this.modelPath(name, AUDIT_LOG);
    const raw = await readRegular(file, MAX_AUDIT_BYTES, 'RVFT_ERR_REGISTRY_CORRUPT');
    const read: AuditRead = parseAuditLog(raw === null ? '' : raw.toString('utf8'));
    const recovered: AuditEntry[] = [];
    const registered = new Set(
      read.entries.filter((e) => e.action === 'register').map((e) => e.to),
    );
    for (const v of await this.versions(name)) {
      if (registered.has(v)) continue;
      const meta = await this.meta(name, v).catch(() => null);
      // a version whose meta.json is damaged is reported by verify/load, not invented here
      if (meta !== null) recovered.push(registerEntry(name, v, meta));
    }
    const pending = (await this.aliasState(name)).pending;
    if (pending !== undefined && !read.entries.some((e) => e.id === pending.id)) {
      recovered.push(pending);
    }
    return { entries: [...read.entries, ...recovered], skipped: read.skipped, recovered };
  }

  /**
   * Points an alias at a version (any alias name; `champion` moves are also tracked for
   * rollback — pointing it at the version it already points at adds nothing to the history).
   * `opts.who` names who acted in the audit log (default: the registry's actor).
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
      const from = aliasOf(state, a) ?? null;
      const history =
        a === 'champion' && from !== version
          ? [...state.championHistory, version]
          : state.championHistory;
      await this.commit(
        name,
        { aliases: { ...state.aliases, [a]: version }, championHistory: history },
        { action: 'set-alias', alias: a, from, to: version, why, who },
      );
    });
  }

  /**
   * Makes a version the champion if it passes the evaluation gate against the current
   * champion — the model it replaces, read under the lock, so the comparison is with what is
   * actually replaced. The first champion needs no gate. On failure nothing moves and every
   * failed gate is returned (and logged).
   *
   * Refused with RVFT_ERR_REGISTRY_CONFLICT, nothing moved: when `expectedChampion` is given and
   * the champion is another version (the verdict or metrics were measured against a model that
   * is no longer the one replaced), and when the version already is the champion (promoting it
   * again would leave a "v2 → v2" step for rollback).
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
       * The champion the verdict (or `championMetrics`) was measured against: when the
       * champion is another version now, nothing moves and a RegistryError
       * (RVFT_ERR_REGISTRY_CONFLICT) says so — a gate against the wrong model is no gate.
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
      const from = aliasOf(state, 'champion') ?? null;
      if (opts.expectedChampion !== undefined && opts.expectedChampion !== from) {
        throw new RegistryError(
          `promote: '${name}' v${challengerVersion} was measured against ${opts.expectedChampion === null ? 'no champion' : `v${opts.expectedChampion}`}, but the champion is ${from === null ? 'none' : `v${from}`} now: measure it against the current champion`,
          'RVFT_ERR_REGISTRY_CONFLICT',
          { details: { expectedChampion: opts.expectedChampion, champion: from } },
        );
      }
      if (from === challengerVersion) {
        throw new RegistryError(
          `promote: '${name}' v${challengerVersion} already is the champion; nothing to promote`,
          'RVFT_ERR_REGISTRY_CONFLICT',
          { details: { champion: from } },
        );
      }
      let gate: GateResult | null = null;
      let failed: readonly string[] | null = null;
      if (opts.verdict && from !== null) {
        if (!opts.verdict.passed) failed = opts.verdict.failed;
      } else if (from !== null) {
        const champion = await this.meta(name, from);
        gate = evaluationGate(
          opts.challengerMetrics ?? challenger.metrics,
          opts.championMetrics ?? champion.metrics,
          opts.gate,
        );
        if (!gate.passed) failed = gate.failed;
      }
      if (failed !== null) {
        await this.audit(name, {
          action: 'promote-refused',
          alias: 'champion',
          from,
          to: challengerVersion,
          why: opts.why ?? (gate ? 'evaluation gate failed' : 'promotion gate failed'),
          failedGates: [...failed],
          who,
        });
        return { promoted: false, from, to: challengerVersion, gate };
      }
      const { auditPending } = await this.commit(
        name,
        {
          aliases: { ...state.aliases, champion: challengerVersion },
          championHistory: [...state.championHistory, challengerVersion],
        },
        {
          action: 'promote',
          alias: 'champion',
          from,
          to: challengerVersion,
          why: opts.why ?? (from !== null ? 'evaluation gate passed' : 'first champion'),
          who,
        },
      );
      return {
        promoted: true,
        from,
        to: challengerVersion,
        gate,
        ...(auditPending ? { auditPending: true as const } : {}),
      };
    });
  }

  /**
   * Moves the champion back to the previous champion (deleted versions are no longer in the
   * history, so they are skipped, and so is a repeat of the current champion an older file may
   * hold). RVFT_ERR_REGISTRY_CONFLICT when there is none. `opts.who` names who acted.
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
      const from = aliasOf(state, 'champion');
      const history = [...state.championHistory];
      while (from !== undefined && history.at(-1) === from) history.pop();
      const to = history.at(-1);
      if (from === undefined || to === undefined) {
        throw new RegistryError(
          `model '${name}' has no previous champion to roll back to`,
          'RVFT_ERR_REGISTRY_CONFLICT',
        );
      }
      await this.commit(
        name,
        { aliases: { ...state.aliases, champion: to }, championHistory: history },
        { action: 'rollback', alias: 'champion', from, to, why, who },
      );
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
        throw new RegistryError(`model '${name}' has no version ${version}`, 'RVFT_ERR_NOT_FOUND');
      }
      const state = await this.aliasState(name);
      const aliases = Object.keys(state.aliases)
        .filter((a) => aliasOf(state, a) === version)
        .sort();
      if (aliases.length > 0) {
        throw new RegistryError(
          `deleteVersion: '${name}' v${version} is what alias${aliases.length > 1 ? 'es' : ''} ${aliases.map((a) => `'${a}'`).join(', ')} point${aliases.length > 1 ? '' : 's'} at: move or delete ${aliases.length > 1 ? 'them' : 'it'} first (deleteAlias; the champion moves with promote, approve or rollback)`,
          'RVFT_ERR_REGISTRY_CONFLICT',
        );
      }
      const versionsDir = await this.modelPath(name, 'versions');
      const record: DeleteRecord = { version, why: w, who, at: new Date().toISOString() };
      const recordPath = join(versionsDir, deleteRecordName(version));
      const trash = `.trash-${version}-${randomUUID()}`;
      try {
        await atomicWrite(recordPath, JSON.stringify(record));
        await renameEntry(join(versionsDir, String(version)), join(versionsDir, trash));
      } catch (e) {
        await rm(recordPath, { force: true });
        throw noSpaceOr(e, `deleteVersion '${name}' v${version}`);
      }
      // committed: the version is gone; what is left is idempotent and redone by recovery
      // (the next write, or gc) if it fails here, e.g. on a full disk
      try {
        await fsyncDir(versionsDir);
        await this.finishDelete(name, record, trash, false);
      } catch {
        // the trash directory stays, and with it the work for recovery
      }
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
    const entry: NewEntry = {
      at: record.at,
      who: record.who,
      action: 'delete',
      from: version,
      to: null,
      why: record.why,
    };
    const audited =
      checkAudit &&
      (await this.auditLog(name)).some((e) => e.action === 'delete' && e.from === version);
    if (history.length !== state.championHistory.length) {
      // the history change and its entry in one write, like every alias move
      // (an entry that misses the log stays in aliases.json; recovery appends it)
      await this.commit(name, { aliases: state.aliases, championHistory: history }, entry);
    } else if (!audited) {
      await this.audit(name, entry);
    }
    const versionsDir = await this.modelPath(name, 'versions');
    await removeEntry(join(versionsDir, trash));
    await fsyncDir(versionsDir);
  }

  /**
   * Finishes the deletes a killed process committed (trash directory present) and drops the
   * records of deletes it never committed (version still there). Runs under the lock.
   * Returns the versions whose delete it finished.
   */
  private async finishDeletes(name: string): Promise<number[]> {
    const versionsDir = await this.modelPath(name, 'versions');
    const entries = await readdir(versionsDir).catch(() => [] as string[]);
    const live = new Set(entries.filter((e) => VERSION_DIR.test(e)));
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
        'RVFT_ERR_REGISTRY_CONFLICT',
      );
    }
    await this.locked(name, async () => {
      const state = await this.aliasState(name);
      const from = aliasOf(state, a);
      if (from === undefined) {
        throw new RegistryError(`model '${name}' has no alias '${a}'`, 'RVFT_ERR_NOT_FOUND');
      }
      await this.commit(
        name,
        { aliases: withoutKey(state.aliases, a), championHistory: state.championHistory },
        { action: 'delete-alias', alias: a, from, to: null, why: w, who },
      );
    });
  }

  private requireCandidate(action: string, name: string, version: number, state: AliasState) {
    const candidate = aliasOf(state, CANDIDATE);
    if (candidate !== version) {
      throw new RegistryError(
        `${action}: '${name}' v${version} is not the candidate (${candidate === undefined ? `'${name}' has no '${CANDIDATE}' alias` : `the '${CANDIDATE}' alias points at v${candidate}`})`,
        'RVFT_ERR_REGISTRY_CONFLICT',
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
      const from = aliasOf(state, 'champion') ?? null;
      if (opts.expectedChampion !== undefined && opts.expectedChampion !== from) {
        throw new RegistryError(
          `approve: '${name}' v${version} was reviewed against v${opts.expectedChampion ?? 'none'}, but the champion is ${from === null ? 'none' : `v${from}`} now: review it against the current champion`,
          'RVFT_ERR_REGISTRY_CONFLICT',
        );
      }
      const aliases = { ...withoutKey(state.aliases, CANDIDATE), champion: version };
      const championHistory =
        from === version ? state.championHistory : [...state.championHistory, version];
      await this.commit(
        name,
        { aliases, championHistory },
        { action: 'approve', alias: 'champion', from, to: version, why, who },
      );
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
      await this.commit(
        name,
        { aliases: withoutKey(state.aliases, CANDIDATE), championHistory: state.championHistory },
        { action: 'reject', alias: CANDIDATE, from: version, to: null, why, who },
      );
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
    const names = await readdir(await safePath(this.dir, 'models')).catch(() => [] as string[]);
    for (const name of names.sort()) {
      if (!ModelName.safeParse(name).success) continue;
      // a model has versions/; a lock directory beside it does not; a symlink is never a model
      const modelDir = await lstat(join(this.dir, 'models', name)).catch(() => null);
      const versionsDir = await lstat(join(this.dir, 'models', name, 'versions')).catch(() => null);
      if (!modelDir?.isDirectory() || !versionsDir?.isDirectory()) continue;
      await this.locked(
        name,
        async () => {
          for (const version of await this.recover(name)) {
            result.finishedDeletes.push({ name, version });
          }
          const now = Date.now();
          const sweep = async (rel: string, isTemp: (e: string) => boolean, noGrace = false) => {
            const entries = await readdir(join(this.dir, rel)).catch(() => [] as string[]);
            for (const e of entries.sort()) {
              if (!isTemp(e)) continue;
              const path = join(this.dir, rel, e);
              // lstat: a link named like a temp entry is removed, never followed
              const s = await lstat(path).catch(() => null);
              if (s === null) continue;
              if (!noGrace && graceMs > 0 && now - s.mtimeMs < graceMs) {
                result.kept.push(join(rel, e));
                continue;
              }
              await removeEntry(path);
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
        aliases: Object.keys(state.aliases).filter((a) => aliasOf(state, a) === v),
      });
    }
    return out;
  }

  /**
   * Every model in the registry. A model whose files cannot be read (a torn `aliases.json`, a
   * symlinked directory) is still listed, with `error` saying what and why, so one broken
   * model does not hide the others. RVFT_ERR_NOT_FOUND when there is no registry at `dir`
   * (nothing is created by reading).
   */
  async list(): Promise<ModelSummary[]> {
    const models = await safePath(this.dir, 'models');
    const names = await readdir(models).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e;
      return null;
    });
    if (names === null) {
      const exists = await lstat(this.dir).then(
        () => true,
        () => false,
      );
      if (!exists) {
        throw new RegistryError(`no registry at ${this.dir}`, 'RVFT_ERR_NOT_FOUND', {
          details: { path: this.dir },
        });
      }
      return [];
    }
    const out: ModelSummary[] = [];
    for (const name of names.sort()) {
      if (!ModelName.safeParse(name).success) continue;
      // a model directory has versions/ (a lock directory beside it does not); a link named
      // like a model is listed, and marked, by the checks below
      const s = await lstat(join(models, name)).catch(() => null);
      const hasVersions = await lstat(join(models, name, 'versions')).then(
        (v) => v.isDirectory() || v.isSymbolicLink(),
        () => false,
      );
      if (s === null || (!s.isSymbolicLink() && !(s.isDirectory() && hasVersions))) continue;
      let versions: number[] = [];
      try {
        versions = await this.versions(name);
        const state = await this.aliasState(name);
        out.push({
          name,
          versions: versions.length,
          latest: versions.at(-1) ?? null,
          aliases: { ...state.aliases },
        });
      } catch (e) {
        if (!isRvftError(e)) throw e;
        out.push({
          name,
          versions: versions.length,
          latest: versions.at(-1) ?? null,
          aliases: {},
          error: { code: e.code, message: e.message },
        });
      }
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

function corruptFile(file: string, problem: string): RegistryError {
  return new RegistryError(`${file} ${problem}`, 'RVFT_ERR_REGISTRY_CORRUPT', {
    details: { path: file },
  });
}

/**
 * A version's `register` audit entry, from its `meta.json`: what `register` appends, and what
 * recovery appends when a kill -9 or a full disk kept it out of the log after the version was
 * committed. The id is fixed per version (numbers are never reused), so it is appended once.
 */
function registerEntry(name: string, version: number, meta: VersionMeta): AuditEntry {
  return {
    at: meta.createdAt,
    who: meta.registeredBy ?? 'unknown (recovered)',
    action: 'register',
    to: version,
    why: meta.lineage.strategy ?? 'registered',
    id: `register-${name}-${version}`.slice(0, 64),
  };
}

/** mkdir of one directory (its parent exists); an existing one is fine. */
async function mkdirHere(path: string): Promise<void> {
  await mkdir(path).catch((e: NodeJS.ErrnoException) => {
    if (e.code !== 'EEXIST') throw noSpaceOr(e, `creating ${path}`);
  });
}

/** Writes a small file only if it does not exist yet (O_EXCL); losing that race is fine. */
async function atomicWriteExclusive(path: string, data: string): Promise<void> {
  const fd = await open(path, 'wx').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'EEXIST') return null;
    throw e;
  });
  if (fd === null) return;
  try {
    await fd.writeFile(data);
    await fd.sync();
  } catch (e) {
    await fd.close();
    await rm(path, { force: true });
    throw e;
  }
  await fd.close();
}

async function readDeleteRecord(path: string, version: number): Promise<DeleteRecord | null> {
  try {
    const raw = await readRegular(path, MAX_SMALL_BYTES, 'RVFT_ERR_REGISTRY_CORRUPT');
    if (raw === null) return null;
    const r = DeleteRecord.safeParse(JSON.parse(raw.toString('utf8')));
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
      'RVFT_ERR_DATA_TOO_LARGE',
    );
  }
  return { json, markdown: card.markdown };
}

/**
 * Opens a registry directory; refuses one written by a newer format or whose `registry.json`
 * is damaged or a symlink. Creates nothing: a registry that does not exist yet is created by
 * its first write (`register` …), so a mistyped directory given to a read leaves no trace.
 *
 * @example
 * import { existsSync } from 'node:fs';
 * import { createMlp } from '@rvft/model';
 * const reg = await openRegistry('models'); // no such directory yet
 * await reg.list(); // → throws { code: 'RVFT_ERR_NOT_FOUND' }
 * existsSync('models'); // → false — opening and reading create nothing
 * const model = createMlp({ inputDim: 4, hiddenDims: [8], outputDim: 2, seed: 1 });
 * await reg.register('churn', model, { metrics: { newTaskAccuracy: 0.9 } }); // → 1
 * (await reg.list()).map((m) => m.name); // → ['churn']
 */
export async function openRegistry(dir: string, opts: RegistryOptions = {}): Promise<Registry> {
  const root = await lstat(dir).catch(() => null);
  if (root !== null) {
    // the root may be a link (the user chose it); nothing below it may
    const s = root.isSymbolicLink() ? await stat(dir) : root;
    if (!s.isDirectory()) {
      throw new RegistryError(`${dir} is not a directory`, 'RVFT_ERR_INVALID_ARGUMENT', {
        details: { path: dir },
      });
    }
    const file = await safePath(dir, REGISTRY_JSON);
    const raw = await readRegular(file, MAX_SMALL_BYTES, 'RVFT_ERR_REGISTRY_CORRUPT');
    if (raw !== null) {
      let info: { formatVersion: number };
      try {
        info = RegistryInfo.parse(JSON.parse(raw.toString('utf8')));
      } catch {
        throw corruptFile(file, 'is not a valid rvft registry file');
      }
      if (info.formatVersion > REGISTRY_FORMAT_VERSION) {
        throw new RegistryError(
          `${dir} was written by a newer rvft registry (format ${info.formatVersion}; this @rvft/registry reads up to ${REGISTRY_FORMAT_VERSION}): upgrade @rvft/registry`,
          'RVFT_ERR_MODEL_INCOMPATIBLE',
        );
      }
    }
  }
  return new Registry(dir, opts);
}
