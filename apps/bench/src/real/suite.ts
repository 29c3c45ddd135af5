import { type Dataset, parseCsv } from '@rvft/data';
import { CostModel, STRATEGY_IDS, type StrategyId } from '@rvft/decision';
import { cheapestNotWorse, pairedComparison } from '@rvft/metrics';
import { createMlp, type InputScaler, type TrunkHeadModel, useBestBackend } from '@rvft/model';
import { classWeightsFor, type Objective, raceStrategies, rowPredictions } from '@rvft/pipeline';
import {
  applyStrategy,
  evaluate,
  recommend,
  trainFromScratch,
  type UpdateResult,
} from '@rvft/strategies';
import { type RealSituation, situationCsv } from './situations';

/** One strategy's outcome in one situation × seed. */
export interface StrategyOutcome {
  strategy: StrategyId;
  /** Accuracy on the held-out rows of the new distribution: what the update must serve. */
  accuracy: number;
  /** Macro F1 on the same rows (every class weighs the same). */
  macroF1: number;
  /** Accuracy on held-out rows of the old distribution (forgetting). */
  oldAccuracy: number;
  /** Relative compute at this situation's sizes (CostModel; head-only = 1). */
  cost: number;
  steps: number;
  epochs: number;
  wallS: number;
  /** Why its training stopped. */
  stopDetail: string;
}

export interface RealRun {
  situation: string;
  kind: string;
  seed: number;
  sizes: { oldTrain: number; oldTest: number; newTrain: number; newTest: number };
  champion: {
    accuracyOld: number;
    accuracyNew: number;
    macroF1New: number;
    steps: number;
    epochs: number;
  };
  /** Whether the loss was class-weighted (objective macro F1 and an imbalanced file). */
  classWeighted: boolean;
  signals: {
    currentAccuracy?: number;
    accuracyOnNewData?: number;
    transferQuality?: number;
    relativeTransfer?: number;
    accuracyDropSignificant?: boolean;
    driftSeverity: string;
    /** The rows each measured accuracy rests on (what the engine weighs them by). */
    counts: { currentAccuracy?: number; accuracyOnNewData?: number; transferQuality?: number };
    nNewClasses: number;
    classImbalance: number;
    isUndertrained: boolean;
  };
  recommended: StrategyId;
  confidence: string;
  rules: string[];
  outcomes: StrategyOutcome[];
  best: { strategy: StrategyId; accuracy: number };
  /** The cheapest strategy not significantly worse than the best (exact McNemar, α = 0.05). */
  winner: { strategy: StrategyId; accuracy: number };
  /** winner − recommended accuracy (positive: the recommendation lost that much). */
  regret: number;
  /**
   * What `rvft update` ships with the default race (shortlist): the picked strategy, its
   * accuracy on the same held-out new rows, its regret, and the race's training time against
   * the primary's alone.
   */
  raced: {
    strategy: StrategyId;
    accuracy: number;
    regret: number;
    candidates: number;
    wallS: number;
    primaryWallS: number;
  };
  /** The recommended strategy's paired comparison with the best: p-value of exact McNemar. */
  recommendedVsBestP: number;
}

export interface RealSuiteOptions {
  seeds: readonly number[];
  /** Default accuracy. */
  objective?: Objective;
  /** Held-out share of the old rows (the champion's own test set). Default 0.2. */
  oldHoldout?: number;
  hiddenDims?: number[];
  /** Significance level of "not significantly worse than the best". Default 0.05. */
  alpha?: number;
  onRun?: (run: RealRun) => void;
}

/** The situation's old and new rows as datasets, read the way the CLI reads a user's files. */
function datasets(s: RealSituation): { old: Dataset; pool: Dataset; nOldClasses: number } {
  const columns = [...s.features, s.label];
  const table = { labelColumn: s.label, featureColumns: s.features };
  const first = parseCsv(situationCsv(s.old, columns), table, `${s.id}/old.csv`);
  const pool = parseCsv(
    situationCsv(s.newPool, columns),
    { ...table, classNames: first.classNames ?? [], unknownClasses: 'append' },
    `${s.id}/new.csv`,
  );
  // the old file again with every class name, so both share label indices
  const old = parseCsv(
    situationCsv(s.old, columns),
    { ...table, classNames: pool.classNames ?? [] },
    `${s.id}/old.csv`,
  );
  return { old, pool, nOldClasses: first.classNames?.length ?? first.nClasses };
}

/** A stratified sample of `n` rows of `data` and the rest. */
function sample(data: Dataset, n: number, seed: string): { taken: Dataset; rest: Dataset } {
  const { first, second } = data.split(n / data.nRows, seed, { stratify: true });
  return { taken: first, rest: second };
}

const autoWeights = (data: Dataset, objective: Objective) =>
  classWeightsFor('auto', data, objective).weights;
const correctness = (model: TrunkHeadModel, data: Dataset) => rowPredictions(model, data).correct;

const mean = (xs: Uint8Array) => xs.reduce((a, x) => a + x, 0) / Math.max(1, xs.length);

/**
 * One situation × seed, the way a user runs rvft on their own files: train the champion on
 * the old rows (production profile, standardised), diagnose it on the new training rows and
 * ask the engine, then run every strategy from the same champion and score each on the same
 * held-out new rows. The measured winner is the cheapest strategy not significantly worse
 * than the best on those rows (paired, exact McNemar).
 */
export async function runSituation(
  s: RealSituation,
  seed: number,
  opts: Omit<RealSuiteOptions, 'seeds' | 'onRun'> = {},
): Promise<RealRun> {
  const { old, pool, nOldClasses } = datasets(s);
  const oldSplit = old.split(1 - (opts.oldHoldout ?? 0.2), `${seed}/old-holdout`, {
    stratify: true,
  });
  const oldTrain = oldSplit.first;
  const oldTest = oldSplit.second;
  const { taken: newTrain, rest: newTest } = sample(pool, s.nNewTrain, `${seed}/new-train`);

  const model = createMlp({
    inputDim: old.nFeatures,
    hiddenDims: opts.hiddenDims ?? [128, 64],
    // the classes of the old rows only: the new ones are new to the champion
    outputDim: nOldClasses,
    seed,
  });
  try {
    const objective = opts.objective ?? 'accuracy';
    const weights = autoWeights(oldTrain, objective);
    const champ = await trainFromScratch(model, oldTrain, {
      seed,
      standardize: true,
      ...(weights ? { classWeights: weights } : {}),
    });
    const snapshot = model.snapshot();
    const scaler = model.inputScaler as InputScaler;
    const rec = await recommend({
      champion: model,
      newData: newTrain,
      oldData: oldTrain,
      oldTest,
      championTraining: champ,
      seed,
    });
    const champion = {
      accuracyOld: mean(correctness(model, oldTest)),
      accuracyNew: mean(correctness(model, newTest)),
      macroF1New: evaluate(model, newTest).macroF1,
      steps: champ.steps,
      epochs: champ.epochs,
    };
    const costs = new CostModel({
      nNewSamples: newTrain.nRows,
      nHistoricalSamples: oldTrain.nRows,
      nParamsTotal: model.countParams(),
      nParamsHead: (model.embeddingDim + 1) * Math.max(model.outputDim, pool.nClasses),
    });
    const newWeights = autoWeights(newTrain, objective);
    const outcomes: (StrategyOutcome & { correct: Uint8Array })[] = [];
    for (const strategy of STRATEGY_IDS) {
      model.restore(snapshot);
      model.setInputScaler(scaler);
      const r: UpdateResult = await applyStrategy(strategy, model, newTrain, {
        oldData: oldTrain,
        seed,
        ...(newWeights ? { classWeights: newWeights } : {}),
      });
      const correct = correctness(model, newTest);
      outcomes.push({
        strategy,
        accuracy: mean(correct),
        macroF1: evaluate(model, newTest).macroF1,
        oldAccuracy: mean(correctness(model, oldTest)),
        cost: costs.estimate(strategy).relativeCompute,
        steps: r.steps,
        epochs: r.epochs,
        wallS: r.wallS,
        stopDetail: r.stopDetail,
        correct,
      });
    }
    model.restore(snapshot);
    model.setInputScaler(scaler);
    const race = await raceStrategies({
      champion: model,
      decision: rec.decision,
      newData: newTrain,
      oldData: oldTrain,
      seed,
      ...(newWeights ? { train: { classWeights: newWeights } } : {}),
    });
    const racedAccuracy = mean(correctness(race.model, newTest));
    race.model.dispose();
    const raceWall = race.result.extraWallS + race.result.run.wallS;
    const primaryWall =
      race.result.candidates.find((c) => c.strategy === rec.decision.primary.strategy)?.wallS ??
      race.result.run.wallS;
    const alpha = opts.alpha ?? 0.05;
    const winner = cheapestNotWorse(
      outcomes.map((o) => ({ id: o, correct: o.correct, cost: o.cost })),
      { alpha },
    ).picked;
    const best = outcomes.reduce((a, b) => (b.accuracy > a.accuracy ? b : a));
    const picked = outcomes.find((o) => o.strategy === rec.decision.primary.strategy)!;
    const m = rec.signals.model ?? {};
    return {
      situation: s.id,
      kind: s.kind,
      seed,
      sizes: {
        oldTrain: oldTrain.nRows,
        oldTest: oldTest.nRows,
        newTrain: newTrain.nRows,
        newTest: newTest.nRows,
      },
      champion,
      classWeighted: newWeights !== undefined || weights !== undefined,
      signals: {
        ...(m.currentAccuracy !== undefined ? { currentAccuracy: m.currentAccuracy } : {}),
        ...(m.accuracyOnNewData !== undefined ? { accuracyOnNewData: m.accuracyOnNewData } : {}),
        ...(m.transferQuality !== undefined ? { transferQuality: m.transferQuality } : {}),
        ...(rec.evidence.relativeTransfer !== undefined
          ? { relativeTransfer: rec.evidence.relativeTransfer }
          : {}),
        ...(rec.evidence.accuracyDrop
          ? { accuracyDropSignificant: rec.evidence.accuracyDrop.significant }
          : {}),
        driftSeverity: rec.signals.drift?.driftSeverity ?? 'none',
        counts: { ...m.counts },
        nNewClasses: rec.signals.data.nNewClasses ?? 0,
        classImbalance: rec.signals.data.classImbalance ?? 1,
        isUndertrained: m.isUndertrained ?? false,
      },
      recommended: rec.decision.primary.strategy,
      confidence: rec.decision.primary.confidence,
      rules: rec.decision.primary.rules,
      outcomes: outcomes.map(({ correct: _c, ...o }) => o),
      best: { strategy: best.strategy, accuracy: best.accuracy },
      winner: { strategy: winner.strategy, accuracy: winner.accuracy },
      regret: winner.accuracy - picked.accuracy,
      raced: {
        strategy: race.result.picked,
        accuracy: racedAccuracy,
        regret: winner.accuracy - racedAccuracy,
        candidates: Math.max(1, race.result.candidates.length),
        wallS: raceWall,
        primaryWallS: primaryWall,
      },
      recommendedVsBestP: pairedComparison(best.correct, picked.correct).pValue,
    };
  } finally {
    model.dispose();
  }
}

export async function runRealSuite(
  situations: readonly RealSituation[],
  opts: RealSuiteOptions,
): Promise<RealRun[]> {
  await useBestBackend();
  const runs: RealRun[] = [];
  for (const s of situations) {
    for (const seed of opts.seeds) {
      const run = await runSituation(s, seed, opts);
      runs.push(run);
      opts.onRun?.(run);
    }
  }
  return runs;
}

const pct = (x: number) => (x * 100).toFixed(1);

/** The suite's table: one line per situation × seed, then the agreement summary. */
export function formatRealSuite(runs: readonly RealRun[]): string {
  const short: Record<StrategyId, string> = {
    train_from_scratch: 'scratch',
    fine_tune_head_only: 'head',
    fine_tune_full_network: 'full',
    fine_tune_gradual_unfreeze: 'gradual',
    retrain_warm_new_only: 'warm-new',
    retrain_warm_combined: 'warm-comb',
    retrain_cold_combined: 'cold-comb',
  };
  const lines = [
    `situation × seed                     champ  ${STRATEGY_IDS.map((s) => short[s].padStart(9)).join(' ')}  recommended (rules)            winner      regret  raced      regret`,
  ];
  for (const r of runs) {
    const acc = (s: StrategyId) => pct(r.outcomes.find((o) => o.strategy === s)!.accuracy);
    lines.push(
      `${`${r.situation} ${r.seed}`.padEnd(36)} ${pct(r.champion.accuracyNew).padStart(5)}  ${STRATEGY_IDS.map((s) => acc(s).padStart(9)).join(' ')}  ${`${short[r.recommended]} (${r.rules.join(',')})`.padEnd(30).slice(0, 30)} ${short[r.winner.strategy].padEnd(10)} ${pct(r.regret).padStart(6)}  ${short[r.raced.strategy].padEnd(9)} ${pct(r.raced.regret).padStart(6)}`,
    );
  }
  const within1 = runs.filter((r) => r.regret <= 0.01 + 1e-9).length;
  const over3 = runs.filter((r) => r.regret > 0.03 + 1e-9).length;
  const worst = Math.max(...runs.map((r) => r.regret));
  const raced = runs.map((r) => r.raced.regret);
  const raceMean = raced.reduce((a, x) => a + x, 0) / Math.max(1, raced.length);
  const raceWall = runs.reduce((a, r) => a + r.raced.wallS, 0);
  const primaryWall = runs.reduce((a, r) => a + r.raced.primaryWallS, 0);
  lines.push(
    '',
    `rules' primary within 1 point of the measured winner: ${within1} of ${runs.length} (${pct(within1 / runs.length)} %); more than 3 points below: ${over3}; worst regret ${pct(worst)} points`,
    `raced pick (default shortlist): mean regret ${pct(raceMean)} points, within 1 point ${raced.filter((x) => x <= 0.01 + 1e-9).length} of ${runs.length}, more than 3 points below ${raced.filter((x) => x > 0.03 + 1e-9).length}, worst ${pct(Math.max(...raced))}; training time ${raceWall.toFixed(1)} s against ${primaryWall.toFixed(1)} s for the primary alone (${(raceWall / Math.max(1e-9, primaryWall)).toFixed(1)}×)`,
  );
  return lines.join('\n');
}
