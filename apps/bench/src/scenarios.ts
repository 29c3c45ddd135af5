import type { Dataset } from '@rvft/data';
import { STRATEGIES_BY_COST, type StrategyId } from '@rvft/decision';
import { RvftError } from '@rvft/errors';
import { cheapestNotWorse } from '@rvft/metrics';
import { createMlp, type ModelSnapshot, type TrunkHeadModel } from '@rvft/model';
import {
  type DiagnoseOptions,
  evaluate,
  FineTuneMode,
  fineTune,
  RetrainMode,
  recommend,
  retrain,
  rowPredictions,
  strategyRun,
  trainFromScratch,
  type UpdateResult,
} from '@rvft/strategies';
import type { ScenarioConfig } from './config';
import {
  type BenchStrategy,
  type RowId,
  type RowSpec,
  rowId,
  SCENARIO_TABLE,
  type ScenarioData,
  type ScenarioId,
  type ScenarioSpec,
  type TrainsOn,
} from './table';

export interface Row {
  /** The row's one name: see `RowId`. */
  id: RowId;
  /** What it trained on, in the scenario's words (`no update` for the champion). */
  label: string;
  accuracy: number;
  macroF1: number;
  ece: number;
  trainS: number;
  oldClassAccuracy?: number;
  newClassAccuracy?: number;
  /** The strategy this row's computation is (see `strategyRun`); absent on champion rows. */
  strategy?: StrategyId;
  /** Parameter updates it ran: trainable parameters × training examples × epochs. */
  compute?: number;
  /** Per test row, 1 where it was right (strategy rows): what paired comparisons use. */
  correct?: Uint8Array;
}

/** What the engine recommended from this scenario's raw data, right after the champion. */
export interface ScenarioDecision {
  recommended: StrategyId;
  confidence: string;
  rules: string[];
  signals: {
    nNewSamples: number;
    nHistoricalSamples: number;
    nNewClasses: number;
    currentAccuracy?: number;
    accuracyOnNewData?: number;
    transferQuality?: number;
    driftSeverity: string;
    featureDriftShare?: number;
    retainPriorPerformance: boolean;
  };
}

export interface ScenarioRun {
  id: ScenarioId;
  title: string;
  test: string;
  rows: Row[];
  decision?: ScenarioDecision;
}

export interface RunContext {
  seed: number;
  config: ScenarioConfig;
  /** Diagnose the champion on the scenario's data and record the engine's recommendation. */
  validateDecisions?: boolean;
  /** Called as each row finishes (progress bars). */
  onRow?: (scenario: ScenarioId, rowId: RowId) => void;
}

/** Rows of one scenario: each update starts from the same champion snapshot. */
class ScenarioRunner {
  readonly rows: Row[] = [];
  decision: ScenarioDecision | undefined;
  private snapshot: ModelSnapshot | undefined;

  constructor(
    readonly id: ScenarioId,
    readonly model: TrunkHeadModel,
    readonly test: Dataset,
    readonly ctx: RunContext,
    /** Examples in the scenario's new data: more than this in a run means old + new. */
    readonly nNew: number,
    readonly classes: { oldClasses?: number[]; newClasses?: number[] } = {},
  ) {}

  /** Training options of a row: its hyper-parameters and the scenario's seed for batches. */
  opts(id: RowId) {
    const t = this.ctx.config.training[id];
    if (!t) {
      throw new RvftError(
        'RVFT_ERR_INTERNAL',
        `scenario ${this.id}: no hyper-parameters for row ${id} in the bench config`,
      );
    }
    // the article's fixed epochs, whatever the data size: what the benchmark reproduces
    return { ...t, seed: this.ctx.seed, profile: 'article' as const };
  }

  async champion(data: Dataset): Promise<void> {
    await trainFromScratch(this.model, data, {
      ...this.opts('champion'),
      initSeed: this.ctx.seed,
    });
    this.snapshot = this.model.snapshot();
    this.ctx.onRow?.(this.id, 'champion');
  }

  async update(spec: RowSpec, label: string, fn: (m: TrunkHeadModel) => Promise<UpdateResult>) {
    this.model.restore(this.snapshot as ModelSnapshot);
    const r = await fn(this.model);
    const id = rowId(spec);
    const ran = strategyRun(r, this.nNew);
    // the id says what ran: a table row whose run is another strategy would mislabel the results
    if (ran !== spec.strategy) {
      throw new RvftError(
        'RVFT_ERR_INTERNAL',
        `scenario ${this.id}: row ${id} ran ${ran}; its id must name the strategy it runs`,
      );
    }
    this.record(id, label, r, ran);
  }

  private record(id: RowId, label: string, r: UpdateResult | null, strategy?: StrategyId): void {
    const rep = evaluate(this.model, this.test, this.classes);
    const row: Row = {
      id,
      label,
      accuracy: rep.accuracy,
      macroF1: rep.macroF1,
      ece: rep.ece,
      trainS: r?.wallS ?? 0,
    };
    if (rep.oldClassAccuracy !== undefined) row.oldClassAccuracy = rep.oldClassAccuracy;
    if (rep.newClassAccuracy !== undefined) row.newClassAccuracy = rep.newClassAccuracy;
    if (r && strategy) {
      row.strategy = strategy;
      row.compute = r.paramsTrained * r.samples * r.epochs;
      row.correct = rowPredictions(this.model, this.test).correct;
    }
    this.rows.push(row);
    this.ctx.onRow?.(this.id, id);
  }

  /** Diagnoses the freshly trained champion from raw data alone and asks the engine. */
  async decide(opts: Omit<DiagnoseOptions, 'champion' | 'seed'>): Promise<void> {
    if (!this.ctx.validateDecisions) return;
    this.model.restore(this.snapshot as ModelSnapshot);
    // the probe trains head-only under the production budget: the article's 10 epochs on a
    // 60-row target are 10 optimiser steps, too few to say what the head can learn
    const r = await recommend({ ...opts, champion: this.model, seed: this.ctx.seed });
    const m = r.signals.model ?? {};
    this.decision = {
      recommended: r.decision.primary.strategy,
      confidence: r.decision.primary.confidence,
      rules: r.decision.primary.rules,
      signals: {
        nNewSamples: r.signals.data.nNewSamples,
        nHistoricalSamples: r.signals.data.nHistoricalSamples ?? 0,
        nNewClasses: r.signals.data.nNewClasses ?? 0,
        ...(m.currentAccuracy !== undefined ? { currentAccuracy: m.currentAccuracy } : {}),
        ...(m.accuracyOnNewData !== undefined ? { accuracyOnNewData: m.accuracyOnNewData } : {}),
        ...(m.transferQuality !== undefined ? { transferQuality: m.transferQuality } : {}),
        driftSeverity: r.signals.drift?.driftSeverity ?? 'none',
        ...(r.evidence.featureDrift
          ? { featureDriftShare: r.evidence.featureDrift.driftShare }
          : {}),
        retainPriorPerformance: r.signals.constraints?.retainPriorPerformance ?? true,
      },
    };
  }

  /** The champion as it is, without an update, as a row. */
  championRow(label: string): void {
    this.model.restore(this.snapshot as ModelSnapshot);
    this.record('champion', label, null);
  }
}

/** The dataset a single-dataset recipe trains on. */
function trainingSet(on: TrainsOn, data: ScenarioData): Dataset {
  if (on === 'new') return data.fresh;
  if (!data.combined) {
    throw new RvftError(
      'RVFT_ERR_INTERNAL',
      'a row trains on old + new through a single-dataset recipe, and its scenario has no combined set',
    );
  }
  return data.combined;
}

/** How each recipe calls its strategy. */
const RECIPES: Record<
  BenchStrategy,
  (
    m: TrunkHeadModel,
    on: TrainsOn,
    data: ScenarioData,
    opts: ReturnType<ScenarioRunner['opts']>,
  ) => Promise<UpdateResult>
> = {
  fine_tune_head_only: (m, on, d, o) => fineTune(m, trainingSet(on, d), o),
  fine_tune_full_network: (m, on, d, o) =>
    fineTune(m, trainingSet(on, d), { ...o, mode: FineTuneMode.FullNetwork }),
  retrain_warm_new_only: (m, on, d, o) =>
    retrain(m, trainingSet(on, d), { ...o, mode: RetrainMode.WarmNewOnly }),
  // the combined retrainings take the new data and replay the old (their own batching)
  retrain_warm_combined: (m, _on, d, o) =>
    retrain(m, d.fresh, { ...o, mode: RetrainMode.WarmCombined, oldData: d.old }),
  // cold starts draw their own initial weights, not the champion's (seed) or each other's
  retrain_cold_combined: (m, _on, d, o) =>
    retrain(m, d.fresh, {
      ...o,
      initSeed: o.seed + 1,
      mode: RetrainMode.ColdCombined,
      oldData: d.old,
    }),
  train_from_scratch: (m, on, d, o) =>
    trainFromScratch(m, trainingSet(on, d), { ...o, initSeed: o.seed + 2 }),
};

/** Rows a scenario reports as it runs (progress bars): the champion's training, then each row. */
export function rowCount(id: ScenarioId): number {
  const spec = SCENARIO_TABLE[id];
  return 1 + (spec.champion.label !== null ? 1 : 0) + spec.rows.length;
}

/**
 * Runs one scenario (a `SCENARIO_TABLE` entry): trains the champion on the old data, asks the
 * engine (with `validateDecisions`), then runs every row from the champion's snapshot.
 */
export async function runScenario(spec: ScenarioSpec, ctx: RunContext): Promise<ScenarioRun> {
  const id = spec.id;
  const data = spec.generate(ctx.config.data, ctx.seed);
  const model = createMlp({
    inputDim: data.nFeatures,
    hiddenDims: ctx.config.hiddenDims,
    outputDim: data.nClasses,
    seed: ctx.seed,
  });
  const run = new ScenarioRunner(id, model, data.test, ctx, data.fresh.nRows, data.classes);
  try {
    await run.champion(data.old);
    await run.decide({
      oldData: data.old,
      oldTest: data.oldTest,
      newData: data.fresh,
      ...(spec.replacesOld ? { constraints: { retainPriorPerformance: false } } : {}),
    });
    if (spec.champion.label !== null) run.championRow(spec.champion.label);
    for (const row of spec.rows) {
      await run.update(row, spec.trainedOn(row.on, data), (m) =>
        RECIPES[row.recipe ?? row.strategy](
          // new classes: the head grows first, its old rows kept exactly
          data.nNewClasses ? m.expandHead(data.nNewClasses, { seed: ctx.seed }) : m,
          row.on,
          data,
          run.opts(rowId(row)),
        ),
      );
    }
  } finally {
    model.dispose();
  }
  return {
    id,
    title: spec.title,
    test: spec.test,
    rows: run.rows,
    ...(run.decision ? { decision: run.decision } : {}),
  };
}

/**
 * The measured winner, as the race and the real-data suite measure it: the cheapest strategy
 * (fewest parameter updates, mean over seeds; ties by the CostModel's order) **not
 * significantly worse than the best** on the paired per-row predictions, pooled over seeds
 * (each seed's test rows concatenated; exact McNemar at `alpha`). Pass one seed's rows as
 * `[rows]`. Row `i` must be the same computation in every seed (the scenarios guarantee it).
 */
export function measuredWinner(
  perSeed: readonly (readonly Row[])[],
  alpha = 0.05,
): { strategy: StrategyId; accuracy: number; best: number; pValue: number } {
  const first = perSeed[0] ?? [];
  const idx = first.flatMap((r, i) => (r.strategy !== undefined ? [i] : []));
  if (idx.length === 0) {
    throw new RvftError('RVFT_ERR_INVALID_ARGUMENT', 'measuredWinner: no row ran a strategy');
  }
  const pooled = (i: number): Uint8Array => {
    const parts = perSeed.map((rows) => {
      const c = rows[i]?.correct;
      if (!c) {
        throw new RvftError(
          'RVFT_ERR_INVALID_ARGUMENT',
          `measuredWinner: row ${rows[i]?.id ?? i} has no per-row predictions`,
        );
      }
      return c;
    });
    const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  };
  const order = (i: number) => STRATEGIES_BY_COST.indexOf(first[i]?.strategy as StrategyId);
  // candidates in the CostModel's order, so equal compute goes to the cheaper kind
  const cands = [...idx]
    .sort((a, b) => order(a) - order(b))
    .map((i) => ({
      id: i,
      correct: pooled(i),
      cost: perSeed.reduce((a, rows) => a + (rows[i]?.compute ?? 0), 0) / perSeed.length,
    }));
  const v = cheapestNotWorse(cands, { alpha });
  const score = (i: number) => v.scores.find((x) => x.id === i) as (typeof v.scores)[number];
  return {
    strategy: first[v.picked]?.strategy as StrategyId,
    accuracy: score(v.picked).accuracy,
    best: score(v.best).accuracy,
    pValue: score(v.picked).pValue,
  };
}
