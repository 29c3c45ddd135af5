import {
  type Dataset,
  distributionShiftScenario,
  domainTransferScenario,
  newClassScenario,
  newDataScenario,
} from '@rvft/data';
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
import type { ScenarioConfig, ScenarioId, StepConfig } from './config';

export interface Row {
  id: string;
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
  onRow?: (scenario: ScenarioId, rowId: string) => void;
}

export const SCENARIO_TITLES: Record<ScenarioId, { title: string; test: string }> = {
  A: { title: 'new data, same distribution', test: 'same distribution' },
  B: { title: 'distribution shift', test: 'shifted distribution only' },
  C: { title: 'new classes', test: 'all classes' },
  D: { title: 'domain transfer', test: 'target domain' },
};

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
  opts(rowId: string, extra: { initSeed?: number } = {}) {
    const t = this.ctx.config.training[rowId] as StepConfig;
    // the article's fixed epochs, whatever the data size: what the benchmark reproduces
    return { ...t, seed: this.ctx.seed, profile: 'article' as const, ...extra };
  }

  async champion(rowId: string, label: string | null, data: Dataset): Promise<void> {
    const r = await trainFromScratch(
      this.model,
      data,
      this.opts(rowId, { initSeed: this.ctx.seed }),
    );
    this.snapshot = this.model.snapshot();
    if (label !== null) this.record(rowId, label, r);
    else this.ctx.onRow?.(this.id, rowId);
  }

  async update(rowId: string, label: string, fn: (m: TrunkHeadModel) => Promise<UpdateResult>) {
    this.model.restore(this.snapshot as ModelSnapshot);
    this.record(rowId, label, await fn(this.model));
  }

  private record(rowId: string, label: string, r: UpdateResult | null): void {
    const rep = evaluate(this.model, this.test, this.classes);
    const row: Row = {
      id: rowId,
      label,
      accuracy: rep.accuracy,
      macroF1: rep.macroF1,
      ece: rep.ece,
      trainS: r?.wallS ?? 0,
    };
    if (rep.oldClassAccuracy !== undefined) row.oldClassAccuracy = rep.oldClassAccuracy;
    if (rep.newClassAccuracy !== undefined) row.newClassAccuracy = rep.newClassAccuracy;
    if (r && rowId !== 'champion' && rowId !== 'source') {
      row.strategy = strategyRun(r, this.nNew);
      row.compute = r.paramsTrained * r.samples * r.epochs;
      row.correct = rowPredictions(this.model, this.test).correct;
    }
    this.rows.push(row);
    this.ctx.onRow?.(this.id, rowId);
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
  championRow(rowId: string, label: string): void {
    this.model.restore(this.snapshot as ModelSnapshot);
    this.record(rowId, label, null);
  }
}

function mlp(ctx: RunContext, inputDim: number, outputDim: number): TrunkHeadModel {
  return createMlp({ inputDim, hiddenDims: ctx.config.hiddenDims, outputDim, seed: ctx.seed });
}

export async function scenarioA(ctx: RunContext): Promise<ScenarioRun> {
  const s = newDataScenario({ ...ctx.config.data, seed: ctx.seed });
  const model = mlp(ctx, s.options.nFeatures, s.nClasses);
  const run = new ScenarioRunner('A', model, s.test, ctx, s.new.nRows);
  try {
    await run.champion('champion', null, s.initial);
    await run.decide({ oldData: s.initial, oldTest: s.test, newData: s.new });
    run.championRow('champion', 'champion (no update)');
    await run.update('ft_head', 'fine-tune head-only', (m) =>
      fineTune(m, s.new, run.opts('ft_head')),
    );
    await run.update('ft_full', 'fine-tune full', (m) =>
      fineTune(m, s.new, { ...run.opts('ft_full'), mode: FineTuneMode.FullNetwork }),
    );
    await run.update('rt_warm_new', 'retrain warm new-only', (m) =>
      retrain(m, s.new, { ...run.opts('rt_warm_new'), mode: RetrainMode.WarmNewOnly }),
    );
    await run.update('rt_warm_combined', 'retrain warm combined', (m) =>
      retrain(m, s.new, {
        ...run.opts('rt_warm_combined'),
        mode: RetrainMode.WarmCombined,
        oldData: s.initial,
      }),
    );
    await run.update('rt_cold_combined', 'retrain cold combined', (m) =>
      retrain(m, s.new, {
        ...run.opts('rt_cold_combined', { initSeed: ctx.seed + 1 }),
        mode: RetrainMode.ColdCombined,
        oldData: s.initial,
      }),
    );
    await run.update('scratch', 'scratch (combined)', (m) =>
      trainFromScratch(m, s.combined, run.opts('scratch', { initSeed: ctx.seed + 2 })),
    );
  } finally {
    model.dispose();
  }
  return {
    id: 'A',
    ...SCENARIO_TITLES.A,
    rows: run.rows,
    ...(run.decision ? { decision: run.decision } : {}),
  };
}

export async function scenarioB(ctx: RunContext): Promise<ScenarioRun> {
  const s = distributionShiftScenario({ ...ctx.config.data, seed: ctx.seed });
  const model = mlp(ctx, s.options.nFeatures, s.nClasses);
  const run = new ScenarioRunner('B', model, s.shiftedTest, ctx, s.shiftedTrain.nRows);
  try {
    await run.champion('champion', null, s.originalTrain);
    // B is scored on the shifted distribution only: it replaces the old one
    await run.decide({
      oldData: s.originalTrain,
      oldTest: s.originalTest,
      newData: s.shiftedTrain,
      constraints: { retainPriorPerformance: false },
    });
    run.championRow('champion', 'champion (no update)');
    await run.update('ft_head', 'fine-tune head-only', (m) =>
      fineTune(m, s.shiftedTrain, run.opts('ft_head')),
    );
    await run.update('ft_full', 'fine-tune full', (m) =>
      fineTune(m, s.shiftedTrain, { ...run.opts('ft_full'), mode: FineTuneMode.FullNetwork }),
    );
    await run.update('rt_warm_combined', 'retrain warm combined', (m) =>
      retrain(m, s.shiftedTrain, {
        ...run.opts('rt_warm_combined'),
        mode: RetrainMode.WarmCombined,
        oldData: s.originalTrain,
      }),
    );
    await run.update('scratch', 'scratch (shifted data)', (m) =>
      trainFromScratch(m, s.shiftedTrain, run.opts('scratch', { initSeed: ctx.seed + 2 })),
    );
  } finally {
    model.dispose();
  }
  return {
    id: 'B',
    ...SCENARIO_TITLES.B,
    rows: run.rows,
    ...(run.decision ? { decision: run.decision } : {}),
  };
}

export async function scenarioC(ctx: RunContext): Promise<ScenarioRun> {
  const s = newClassScenario({ ...ctx.config.data, seed: ctx.seed });
  const model = mlp(ctx, s.options.nFeatures, s.options.nOldClasses);
  const classes = { oldClasses: s.oldClasses, newClasses: s.newClasses };
  const run = new ScenarioRunner('C', model, s.testAll, ctx, s.newTrain.nRows, classes);
  const nNew = s.options.nNewClasses;
  try {
    await run.champion('champion', null, s.originalTrain);
    await run.decide({ oldData: s.originalTrain, oldTest: s.testOld, newData: s.newTrain });
    await run.update('expand_ft_head', 'expand + head-only (new classes)', (m) =>
      fineTune(m.expandHead(nNew, { seed: ctx.seed }), s.newTrain, run.opts('expand_ft_head')),
    );
    await run.update('expand_ft_full', 'expand + full FT (combined)', (m) =>
      fineTune(m.expandHead(nNew, { seed: ctx.seed }), s.combinedTrain, {
        ...run.opts('expand_ft_full'),
        mode: FineTuneMode.FullNetwork,
      }),
    );
    await run.update('rt_warm_combined', 'expand + retrain warm combined', (m) =>
      retrain(m.expandHead(nNew, { seed: ctx.seed }), s.newTrain, {
        ...run.opts('rt_warm_combined'),
        mode: RetrainMode.WarmCombined,
        oldData: s.originalTrain,
      }),
    );
    await run.update('scratch', `scratch (all ${s.nClasses})`, (m) =>
      trainFromScratch(
        m.expandHead(nNew),
        s.combinedTrain,
        run.opts('scratch', { initSeed: ctx.seed + 2 }),
      ),
    );
  } finally {
    model.dispose();
  }
  return {
    id: 'C',
    ...SCENARIO_TITLES.C,
    rows: run.rows,
    ...(run.decision ? { decision: run.decision } : {}),
  };
}

export async function scenarioD(ctx: RunContext): Promise<ScenarioRun> {
  const s = domainTransferScenario({ ...ctx.config.data, seed: ctx.seed });
  const model = mlp(ctx, s.options.nFeatures, s.nClasses);
  const run = new ScenarioRunner('D', model, s.targetTest, ctx, s.targetTrain.nRows);
  try {
    await run.champion('source', null, s.sourceTrain);
    // D is scored on the target domain only: it replaces the source
    await run.decide({
      oldData: s.sourceTrain,
      oldTest: s.sourceTest,
      newData: s.targetTrain,
      constraints: { retainPriorPerformance: false },
    });
    run.championRow('source', 'source model (no FT)');
    await run.update('ft_head', 'fine-tune head-only', (m) =>
      fineTune(m, s.targetTrain, run.opts('ft_head')),
    );
    await run.update('ft_full', 'fine-tune full', (m) =>
      fineTune(m, s.targetTrain, { ...run.opts('ft_full'), mode: FineTuneMode.FullNetwork }),
    );
    await run.update('scratch', `scratch (${s.targetTrain.nRows} target)`, (m) =>
      trainFromScratch(m, s.targetTrain, run.opts('scratch', { initSeed: ctx.seed + 2 })),
    );
  } finally {
    model.dispose();
  }
  return {
    id: 'D',
    ...SCENARIO_TITLES.D,
    rows: run.rows,
    ...(run.decision ? { decision: run.decision } : {}),
  };
}

export const SCENARIOS: Record<ScenarioId, (ctx: RunContext) => Promise<ScenarioRun>> = {
  A: scenarioA,
  B: scenarioB,
  C: scenarioC,
  D: scenarioD,
};

/** Rows each scenario produces, for progress bars. */
export function rowCount(id: ScenarioId): number {
  return { A: 8, B: 6, C: 5, D: 5 }[id];
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
