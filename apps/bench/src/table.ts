/**
 * The article's benchmark as data: its four scenarios and their rows, one runner
 * (`runScenario` in ./scenarios) for all of them.
 */
import {
  type Dataset,
  distributionShiftScenario,
  domainTransferScenario,
  newClassScenario,
  newDataScenario,
} from '@rvft/data';
import type { StrategyId } from '@rvft/decision';

export type ScenarioId = 'A' | 'B' | 'C' | 'D';
export const SCENARIO_IDS: readonly ScenarioId[] = ['A', 'B', 'C', 'D'];

export interface StepConfig {
  epochs: number;
  learningRate: number;
  batchSize: number;
}

const step = (epochs: number, learningRate: number, batchSize = 64): StepConfig => ({
  epochs,
  learningRate,
  batchSize,
});

/**
 * A bench row's id, the one name a row has (tables, JSON, `--config`, findings):
 *
 * - `champion`: the model before any update (in D, the source-domain model);
 * - a strategy id: the strategy the row's run **is**, as `strategyRun` classifies it (the
 *   runner checks this on every run, so an id cannot drift from what ran);
 * - `<strategy>@<recipe>`, both strategy ids, only where a row reached `strategy` by running
 *   another strategy's recipe (its function and hyper-parameters): C's
 *   `retrain_warm_combined@fine_tune_full_network` is the article's "expand + full FT" row —
 *   full fine-tuning's call at its lr 0.001, on old + new data from the champion's weights,
 *   which is warm combined retraining — next to C's own `retrain_warm_combined`.
 */
export type RowId = 'champion' | StrategyId | `${StrategyId}@${StrategyId}`;

/** The strategies whose recipes the bench runs: the article's six. */
export type BenchStrategy = Exclude<StrategyId, 'fine_tune_gradual_unfreeze'>;

/** What a row trains on: the new data alone, or old + new. */
export type TrainsOn = 'new' | 'old+new';

export interface RowSpec {
  /** The strategy the run is (what `strategyRun` says): the id. */
  strategy: BenchStrategy;
  /** The strategy whose recipe runs it, where that is not `strategy` itself: the id's suffix. */
  recipe?: BenchStrategy;
  /** Combined retraining recipes always train on old + new (the old data replayed). */
  on: TrainsOn;
  /** The reference hyper-parameters (shared/reference/README.md, section 1). */
  defaults: StepConfig;
  /** The row's id before one vocabulary: still read from `--config` files, with a notice. */
  formerId: string;
}

/** A scenario's data, in the runner's terms. */
export interface ScenarioData {
  nFeatures: number;
  /** The champion's outputs; with `nNewClasses`, every update first expands the head. */
  nClasses: number;
  nNewClasses?: number;
  /** What the champion trains on; the historical data of combined updates. */
  old: Dataset;
  /** The new data. A run on more rows than this trained on old + new (`strategyRun`). */
  fresh: Dataset;
  /** Old + new as one dataset, for single-dataset recipes that train on both. */
  combined?: Dataset;
  test: Dataset;
  /** The old distribution's test set, for `decide()`'s diagnosis of the champion. */
  oldTest: Dataset;
  classes?: { oldClasses: number[]; newClasses: number[] };
}

export interface ScenarioSpec {
  id: ScenarioId;
  title: string;
  /** What the test set is. */
  test: string;
  generate(options: Record<string, number>, seed: number): ScenarioData;
  /** The new data replaces the old (scored on it alone): `decide()`'s `retainPriorPerformance: false`. */
  replacesOld: boolean;
  champion: {
    defaults: StepConfig;
    /** Its label as a row; null: no champion row (C's champion cannot predict the new classes). */
    label: string | null;
    formerId?: string;
  };
  /** How the scenario words each training set in the tables' "trained on" column. */
  trainedOn(on: TrainsOn, data: ScenarioData): string;
  rows: readonly RowSpec[];
}

export function rowId(row: Pick<RowSpec, 'strategy' | 'recipe'>): RowId {
  return row.recipe ? `${row.strategy}@${row.recipe}` : row.strategy;
}

export const SCENARIO_TABLE: Readonly<Record<ScenarioId, ScenarioSpec>> = {
  A: {
    id: 'A',
    title: 'new data, same distribution',
    test: 'same distribution',
    generate(options, seed) {
      const s = newDataScenario({ ...options, seed });
      return {
        nFeatures: s.options.nFeatures,
        nClasses: s.nClasses,
        old: s.initial,
        fresh: s.new,
        combined: s.combined,
        test: s.test,
        oldTest: s.test,
      };
    },
    replacesOld: false,
    champion: { defaults: step(15, 0.01), label: 'old data, no update' },
    trainedOn: (on) => (on === 'new' ? 'new data' : 'old + new'),
    rows: [
      { strategy: 'fine_tune_head_only', on: 'new', defaults: step(10, 0.01), formerId: 'ft_head' },
      {
        strategy: 'fine_tune_full_network',
        on: 'new',
        defaults: step(10, 0.001),
        formerId: 'ft_full',
      },
      {
        strategy: 'retrain_warm_new_only',
        on: 'new',
        defaults: step(10, 0.005),
        formerId: 'rt_warm_new',
      },
      {
        strategy: 'retrain_warm_combined',
        on: 'old+new',
        defaults: step(10, 0.005),
        formerId: 'rt_warm_combined',
      },
      {
        strategy: 'retrain_cold_combined',
        on: 'old+new',
        defaults: step(15, 0.01),
        formerId: 'rt_cold_combined',
      },
      {
        strategy: 'train_from_scratch',
        on: 'old+new',
        defaults: step(15, 0.01),
        formerId: 'scratch',
      },
    ],
  },
  B: {
    id: 'B',
    title: 'distribution shift',
    test: 'shifted distribution only',
    generate(options, seed) {
      const s = distributionShiftScenario({ ...options, seed });
      return {
        nFeatures: s.options.nFeatures,
        nClasses: s.nClasses,
        old: s.originalTrain,
        fresh: s.shiftedTrain,
        test: s.shiftedTest,
        oldTest: s.originalTest,
      };
    },
    // scored on the shifted distribution only: it replaces the old one
    replacesOld: true,
    champion: { defaults: step(15, 0.01), label: 'old data, no update' },
    trainedOn: (on) => (on === 'new' ? 'shifted data' : 'old + shifted'),
    rows: [
      { strategy: 'fine_tune_head_only', on: 'new', defaults: step(10, 0.01), formerId: 'ft_head' },
      {
        strategy: 'fine_tune_full_network',
        on: 'new',
        defaults: step(10, 0.001),
        formerId: 'ft_full',
      },
      {
        strategy: 'retrain_warm_combined',
        on: 'old+new',
        defaults: step(10, 0.005),
        formerId: 'rt_warm_combined',
      },
      { strategy: 'train_from_scratch', on: 'new', defaults: step(15, 0.01), formerId: 'scratch' },
    ],
  },
  C: {
    id: 'C',
    title: 'new classes',
    test: 'all classes',
    generate(options, seed) {
      const s = newClassScenario({ ...options, seed });
      return {
        nFeatures: s.options.nFeatures,
        nClasses: s.options.nOldClasses,
        nNewClasses: s.options.nNewClasses,
        old: s.originalTrain,
        fresh: s.newTrain,
        combined: s.combinedTrain,
        test: s.testAll,
        oldTest: s.testOld,
        classes: { oldClasses: s.oldClasses, newClasses: s.newClasses },
      };
    },
    replacesOld: false,
    champion: { defaults: step(15, 0.01), label: null },
    trainedOn: (on) => (on === 'new' ? 'new classes only' : 'old + new classes'),
    rows: [
      {
        strategy: 'fine_tune_head_only',
        on: 'new',
        defaults: step(12, 0.01),
        formerId: 'expand_ft_head',
      },
      {
        strategy: 'retrain_warm_combined',
        recipe: 'fine_tune_full_network',
        on: 'old+new',
        defaults: step(12, 0.001),
        formerId: 'expand_ft_full',
      },
      {
        strategy: 'retrain_warm_combined',
        on: 'old+new',
        defaults: step(12, 0.005),
        formerId: 'rt_warm_combined',
      },
      {
        strategy: 'train_from_scratch',
        on: 'old+new',
        defaults: step(20, 0.01),
        formerId: 'scratch',
      },
    ],
  },
  D: {
    id: 'D',
    title: 'domain transfer',
    test: 'target domain',
    generate(options, seed) {
      const s = domainTransferScenario({ ...options, seed });
      return {
        nFeatures: s.options.nFeatures,
        nClasses: s.nClasses,
        old: s.sourceTrain,
        fresh: s.targetTrain,
        test: s.targetTest,
        oldTest: s.sourceTest,
      };
    },
    // scored on the target domain only: it replaces the source
    replacesOld: true,
    champion: {
      defaults: step(15, 0.01),
      label: 'source domain, no update',
      formerId: 'source',
    },
    trainedOn: (on, d) =>
      on === 'new' ? `${d.fresh.nRows} target samples` : 'source + target samples',
    rows: [
      {
        strategy: 'fine_tune_head_only',
        on: 'new',
        defaults: step(15, 0.01, 32),
        formerId: 'ft_head',
      },
      {
        strategy: 'fine_tune_full_network',
        on: 'new',
        defaults: step(15, 0.001, 32),
        formerId: 'ft_full',
      },
      {
        strategy: 'train_from_scratch',
        on: 'new',
        defaults: step(20, 0.01, 32),
        formerId: 'scratch',
      },
    ],
  },
};

/** Every row id of a scenario with its former id: `champion` first. */
export function scenarioRowIds(id: ScenarioId): { id: RowId; formerId?: string }[] {
  const spec = SCENARIO_TABLE[id];
  return [
    {
      id: 'champion',
      ...(spec.champion.formerId ? { formerId: spec.champion.formerId } : {}),
    },
    ...spec.rows.map((r) => ({ id: rowId(r), formerId: r.formerId })),
  ];
}
