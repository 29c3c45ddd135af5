import {
  type Dataset,
  distributionShiftScenario,
  domainTransferScenario,
  newClassScenario,
  newDataScenario,
} from '@rvft/data';
import { createMlp, type ModelSnapshot, type TrunkHeadModel } from '@rvft/model';
import {
  evaluate,
  FineTuneMode,
  fineTune,
  RetrainMode,
  retrain,
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
}

export interface ScenarioRun {
  id: ScenarioId;
  title: string;
  test: string;
  rows: Row[];
}

export interface RunContext {
  seed: number;
  config: ScenarioConfig;
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
  private snapshot: ModelSnapshot | undefined;

  constructor(
    readonly id: ScenarioId,
    readonly model: TrunkHeadModel,
    readonly test: Dataset,
    readonly ctx: RunContext,
    readonly classes: { oldClasses?: number[]; newClasses?: number[] } = {},
  ) {}

  /** Training options of a row: its hyper-parameters and the scenario's seed for batches. */
  opts(rowId: string, extra: { initSeed?: number } = {}) {
    const t = this.ctx.config.training[rowId] as StepConfig;
    return { ...t, seed: this.ctx.seed, ...extra };
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
    this.rows.push(row);
    this.ctx.onRow?.(this.id, rowId);
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
  const run = new ScenarioRunner('A', model, s.test, ctx);
  try {
    await run.champion('champion', null, s.initial);
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
  return { id: 'A', ...SCENARIO_TITLES.A, rows: run.rows };
}

export async function scenarioB(ctx: RunContext): Promise<ScenarioRun> {
  const s = distributionShiftScenario({ ...ctx.config.data, seed: ctx.seed });
  const model = mlp(ctx, s.options.nFeatures, s.nClasses);
  const run = new ScenarioRunner('B', model, s.shiftedTest, ctx);
  try {
    await run.champion('champion', null, s.originalTrain);
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
  return { id: 'B', ...SCENARIO_TITLES.B, rows: run.rows };
}

export async function scenarioC(ctx: RunContext): Promise<ScenarioRun> {
  const s = newClassScenario({ ...ctx.config.data, seed: ctx.seed });
  const model = mlp(ctx, s.options.nFeatures, s.options.nOldClasses);
  const classes = { oldClasses: s.oldClasses, newClasses: s.newClasses };
  const run = new ScenarioRunner('C', model, s.testAll, ctx, classes);
  const nNew = s.options.nNewClasses;
  try {
    await run.champion('champion', null, s.originalTrain);
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
  return { id: 'C', ...SCENARIO_TITLES.C, rows: run.rows };
}

export async function scenarioD(ctx: RunContext): Promise<ScenarioRun> {
  const s = domainTransferScenario({ ...ctx.config.data, seed: ctx.seed });
  const model = mlp(ctx, s.options.nFeatures, s.nClasses);
  const run = new ScenarioRunner('D', model, s.targetTest, ctx);
  try {
    await run.champion('source', null, s.sourceTrain);
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
  return { id: 'D', ...SCENARIO_TITLES.D, rows: run.rows };
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
