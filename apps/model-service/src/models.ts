import type { TrunkHeadModel } from '@rvft/model';
import { type Registry, RegistryError } from '@rvft/registry';

/** A loaded version with what it reads and answers. Immutable once served. */
export class Served {
  private refs = 1;
  constructor(
    readonly version: number,
    readonly model: TrunkHeadModel,
    readonly featureNames: readonly string[],
    readonly classNames: readonly string[],
    readonly loadedAt: string,
  ) {}

  /** Takes a reference: the model stays alive until every holder has released it. */
  acquire(): this {
    this.refs++;
    return this;
  }

  /** Drops a reference; the last one disposes the model's weights. */
  release(): void {
    if (--this.refs === 0) this.model.dispose();
  }

  /** Class probabilities of rows already in this version's feature order (row-major). */
  predict(rows: Float32Array, n: number): number[][] {
    const flat = this.model.probabilities(rows);
    const k = this.classNames.length;
    const out: number[][] = [];
    for (let i = 0; i < n; i++) out.push(Array.from(flat.subarray(i * k, (i + 1) * k)));
    return out;
  }
}

async function loadVersion(registry: Registry, name: string, version: number): Promise<Served> {
  const meta = await registry.meta(name, version);
  if (!meta.dataSchema) {
    throw new Error(
      `model '${name}' v${version} was registered without a data schema: the service cannot name its features`,
    );
  }
  // `load` checks every file's size and sha256 against meta.json before reading the weights:
  // a version is served whole or not at all.
  const model = await registry.load(name, { version });
  const { featureNames, classNames } = meta.dataSchema;
  if (model.inputDim !== featureNames.length || model.outputDim !== classNames.length) {
    model.dispose();
    throw new Error(
      `model '${name}' v${version}: the schema names ${featureNames.length} features and ${classNames.length} classes, the model has ${model.inputDim} inputs and ${model.outputDim} outputs`,
    );
  }
  return new Served(version, model, featureNames, classNames, new Date().toISOString());
}

export interface ModelHolderOptions {
  registry: Registry;
  name: string;
  /** Also load the `candidate` alias (for shadow or canary). */
  withCandidate: boolean;
  /** How often `aliases.json` is read for a move, ms (default 500). */
  pollMs?: number;
  onError?: (message: string, error: unknown) => void;
  onSwap?: (arm: 'champion' | 'candidate', from: number | null, to: number | null) => void;
}

/**
 * Holds the champion (and the candidate) and follows their aliases: every `pollMs` it reads
 * the model's alias state (one small file, replaced atomically by the registry) and when an
 * alias has moved loads the new version completely — files verified, weights in memory —
 * before swapping it in with one assignment. A request takes a reference to the version it
 * started with (`acquire`), so it finishes on that version; the old version's weights are
 * freed once the last request holding it lets go. A version that fails to load is reported
 * and the old one keeps serving; the next poll tries again.
 */
export class ModelHolder {
  private champion: Served | null = null;
  private candidate: Served | null = null;
  private timer: NodeJS.Timeout | null = null;
  private polling: Promise<void> | null = null;
  private lastError = '';

  constructor(private readonly opts: ModelHolderOptions) {}

  /** Loads the champion (RVFT_ERR_NOT_FOUND when there is none) and starts following. */
  async start(): Promise<void> {
    const state = await this.opts.registry.aliasState(this.opts.name);
    const champion = state.aliases['champion'];
    if (champion === undefined) {
      throw new RegistryError(
        `model '${this.opts.name}' has no champion to serve (promote a version first)`,
        'RVFT_ERR_NOT_FOUND',
      );
    }
    await this.sync();
    if (!this.champion) throw new Error(this.lastError || 'the champion did not load');
    const pollMs = this.opts.pollMs ?? 500;
    this.timer = setInterval(() => void this.poll(), pollMs);
    this.timer.unref();
  }

  /** Reads the aliases now and swaps in what moved; resolves when done. */
  poll(): Promise<void> {
    if (!this.polling) {
      this.polling = this.sync().finally(() => {
        this.polling = null;
      });
    }
    return this.polling;
  }

  private async sync(): Promise<void> {
    const { registry, name } = this.opts;
    let aliases: Record<string, number>;
    try {
      aliases = (await registry.aliasState(name)).aliases;
    } catch (e) {
      this.report(`reading the aliases of '${name}' failed; still serving what is loaded`, e);
      return;
    }
    await this.follow('champion', aliases['champion']);
    if (this.opts.withCandidate) await this.follow('candidate', aliases['candidate']);
  }

  private async follow(arm: 'champion' | 'candidate', version: number | undefined): Promise<void> {
    const current = arm === 'champion' ? this.champion : this.candidate;
    const want = version ?? null;
    if ((current?.version ?? null) === want) return;
    // A champion alias is never removed from under a serving model: keep the last one.
    if (want === null && arm === 'champion') return;
    let next: Served | null = null;
    if (want !== null) {
      try {
        next = await loadVersion(this.opts.registry, this.opts.name, want);
      } catch (e) {
        this.report(
          `loading '${this.opts.name}' v${want} (${arm}) failed; still serving v${current?.version ?? '-'}`,
          e,
        );
        return;
      }
    }
    if (arm === 'champion') this.champion = next;
    else this.candidate = next;
    this.lastError = '';
    this.opts.onSwap?.(arm, current?.version ?? null, want);
    current?.release();
  }

  private report(message: string, e: unknown): void {
    const text = `${message}: ${(e as Error)?.message ?? String(e)}`;
    if (text === this.lastError) return; // once per distinct failure, not once per poll
    this.lastError = text;
    this.opts.onError?.(message, e);
  }

  /** The champion and candidate now, each with a reference the caller must release. */
  acquire(): { champion: Served; candidate: Served | null } {
    if (!this.champion) throw new Error('the model service is not started');
    return { champion: this.champion.acquire(), candidate: this.candidate?.acquire() ?? null };
  }

  /** What serves now, without a reference (for reporting only). */
  peek(): { champion: Served | null; candidate: Served | null } {
    return { champion: this.champion, candidate: this.candidate };
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.polling;
    this.champion?.release();
    this.candidate?.release();
    this.champion = null;
    this.candidate = null;
  }
}
