import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
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
import type { z } from 'zod';
import { appendLine, atomicWrite, fsyncDir, sha256File } from './fsutil';
import {
  AliasName,
  AliasState,
  AuditEntry,
  ModelName,
  REGISTRY_FORMAT_VERSION,
  RegisterOptions,
  RegistryInfo,
  Version,
  VersionMeta,
} from './schema';

export class RegistryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RegistryError';
  }
}

const REGISTRY_JSON = 'registry.json';
const META_JSON = 'meta.json';
const ALIASES_JSON = 'aliases.json';
const AUDIT_LOG = 'audit.log';
const ARTIFACTS = [MODEL_JSON, WEIGHTS_BIN];

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
 * serialised per model name with a lock file.
 *
 * @example
 * const reg = await openRegistry('models');
 * const v = await reg.register('churn', model, { metrics: { newTaskAccuracy: 0.95 } });
 * const r = await reg.promote('churn', v);        // behind the evaluation gate
 * const champion = await reg.load('churn', { alias: 'champion' });
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

  /** Runs `fn` holding the model's lock; waits for other processes. */
  private async locked<T>(name: string, fn: () => Promise<T>): Promise<T> {
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

  /**
   * Stores a new immutable version (1, 2, 3, … per name). Files go to a temporary directory,
   * are fsynced with their sha256 recorded, and the directory is renamed into place: a
   * version is visible complete or not at all.
   */
  async register(name: string, model: TrunkHeadModel, opts: RegisterOptions = {}): Promise<number> {
    const o = RegisterOptions.safeParse(opts);
    if (!o.success) {
      throw new RegistryError(
        `register options: ${o.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      );
    }
    const versionsDir = join(this.modelDir(name), 'versions');
    return this.locked(name, async () => {
      const existing = await this.versions(name);
      const version = (existing.at(-1) ?? 0) + 1;
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
        const files: Record<string, string> = {};
        for (const f of ARTIFACTS) files[f] = await sha256File(join(tmp, f));
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

  private async audit(name: string, entry: Omit<AuditEntry, 'at' | 'who'>): Promise<void> {
    const full: AuditEntry = { at: new Date().toISOString(), who: this.actor, ...entry };
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

  /** Points an alias at a version (any alias name; `champion` moves are also tracked for rollback). */
  async setAlias(name: string, alias: string, version: number, why = 'set by hand'): Promise<void> {
    const a = check(AliasName, alias, 'alias');
    check(Version, version, 'version');
    await this.locked(name, async () => {
      await this.meta(name, version);
      const state = await this.aliasState(name);
      const from = state.aliases[a] ?? null;
      state.aliases[a] = version;
      if (a === 'champion') state.championHistory.push(version);
      await this.writeAliases(name, state);
      await this.audit(name, { action: 'set-alias', alias: a, from, to: version, why });
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
    } = {},
  ): Promise<PromoteResult> {
    check(Version, challengerVersion, 'challengerVersion');
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
      });
      return { promoted: true, from, to: challengerVersion, gate };
    });
  }

  /** Moves the champion back to the previous champion. */
  async rollback(name: string, why = 'rollback'): Promise<{ from: number; to: number }> {
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
      await this.audit(name, { action: 'rollback', alias: 'champion', from, to, why });
      return { from, to };
    });
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

/** Opens (creating if needed) a registry directory; refuses one written by a newer format. */
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
