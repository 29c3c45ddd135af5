import { type Dataset, DEFAULT_SEED } from '@rvft/data';
import {
  COMBINED_STRATEGIES,
  CostModel,
  type DecisionResult,
  STRATEGY_IDS,
  type StrategyId,
} from '@rvft/decision';
import { checkNumber } from '@rvft/errors';
import { cheapestNotWorse, pairedComparison, wilsonInterval } from '@rvft/metrics';
import { cloneModel, type TrunkHeadModel } from '@rvft/model';
import {
  applyStrategy,
  PRODUCTION_BUDGET,
  type ProductionBudget,
  rowPredictions,
  type StrategyOptions,
  type UpdateResult,
} from '@rvft/strategies';
import { type CalibrationReport, calibrateModel } from './calibrate';

/**
 * Which strategies a race trains: `off` runs the engine's primary alone (today's single
 * strategy), `shortlist` the primary and the alternatives the rules did not rule out, `all`
 * every strategy not ruled out.
 */
export type RaceMode = 'off' | 'shortlist' | 'all';

export interface RaceOptions {
  /** The model in use. It is not modified: every candidate trains on a copy. */
  champion: TrunkHeadModel;
  /** The engine's decision on these data (`recommend`): the shortlist and what is ruled out. */
  decision: DecisionResult;
  /** The new rows an update may learn from — never the rows the final gate will judge on. */
  newData: Dataset;
  /** History, for the combined strategies (and for measuring forgetting). */
  oldData?: Dataset;
  /** Default `shortlist`. */
  race?: RaceMode;
  /** Share of the new (and old) rows held out to score the candidates (default 0.2, stratified). */
  validationShare?: number;
  /** Significance level of "not significantly worse than the best" (default 0.05). */
  alpha?: number;
  /** A practical margin: a candidate within this of the best's accuracy ties it too (default 0). */
  margin?: number;
  /**
   * Below this many validation rows a tie means "cannot tell", not "as good": among the
   * candidates that tie the best, the engine's order decides (its first tied candidate ships)
   * instead of the cost. Default 100 — on the real-data suite, picking the cheapest tie on
   * 8–40 validation rows shipped head-only where it was 2–6 points worse on the test rows.
   */
  minRowsForCost?: number;
  /** At most this many candidates, in the engine's order (default: all of the shortlist). */
  maxCandidates?: number;
  /**
   * The old distribution must still be served: a candidate that significantly loses more than
   * this on the old validation rows (paired, against the champion) cannot be picked while
   * another can. Default 0.05; `null` lets the new rows alone decide.
   */
  maxForgetting?: number | null;
  seed?: number;
  /** Passed to every candidate's training (profile, budget, classWeights, signal…). */
  train?: Omit<StrategyOptions, 'seed' | 'onEpochEnd'>;
  /**
   * Train the picked strategy again on every new (and old) row once the race has chosen it
   * (default true): the race's candidates saw only 1 − validationShare of the rows, and on a
   * small window that fifth matters. The race table keeps the candidates' validation scores.
   */
  refit?: boolean;
  /**
   * Successive halving (Jamieson & Talwalkar 2016, as in Hyperband's inner loop): train every
   * candidate on a brief budget (a fraction `1/eta` of the production budget's step limits),
   * score them on the validation rows, and train only the best `ceil(n/eta)` in full — from the
   * champion again, so the full runs are exactly what a race without halving trains. `true`
   * means `eta` 3. Applies when more than two candidates race; off by default.
   */
  halving?: boolean | { eta?: number };
  /**
   * Temperature-scale the shipped model (default false; `updateChampion` turns it on): T is
   * fitted on the validation rows with the picked candidate — which never trained on them —
   * and set on the shipped model (after the refit too: the refit differs from the candidate
   * only by those rows), so calibration costs no training row.
   */
  calibrate?: boolean;
  /** Called before each candidate trains, and with its epochs (progress bars). */
  onCandidate?: (strategy: StrategyId, index: number, total: number) => void;
  onEpochEnd?: StrategyOptions['onEpochEnd'];
}

/** `dropped`: successive halving stopped it after its brief run (its scores are the brief run's). */
export type Verdict = 'picked' | 'tied' | 'worse' | 'forgets' | 'dropped';

/** One line of the race table. Plain JSON. */
export interface RaceCandidate {
  strategy: StrategyId;
  /** Accuracy on the new validation rows, with its 95 % Wilson interval. */
  accuracy: number;
  lower: number;
  upper: number;
  n: number;
  /** Exact McNemar p-value against the best candidate (1 for the best itself). */
  pValueVsBest: number;
  /** Accuracy on the old validation rows, and the champion's there. */
  oldAccuracy?: number;
  /** Relative compute at this update's sizes (CostModel; head-only = 1). */
  cost: number;
  wallS: number;
  steps: number;
  epochs: number;
  verdict: Verdict;
  why: string;
}

export interface RaceResult {
  mode: RaceMode;
  picked: StrategyId;
  candidates: RaceCandidate[];
  /** With `calibrate`: the temperature fitted on the validation rows (T, ECE/NLL before and after). */
  calibration?: CalibrationReport & { fitted: true };
  /** With successive halving: its rate and the brief run's step cap. */
  halving?: { eta: number; briefSteps: number };
  /** How ties were broken: by cost, or by the engine's order on too few validation rows. */
  tieBreak: 'cost' | 'engine-order';
  /** The champion's accuracy on the same validation rows, for reference. */
  champion?: { accuracy: number; oldAccuracy?: number };
  validationRows: number;
  trainRows: number;
  alpha: number;
  margin: number;
  /** Seconds spent on training beyond one run of the picked strategy: what the race cost. */
  extraWallS: number;
  /** Whether the picked strategy was trained again on every row (`refit`). */
  refit: boolean;
  /** The shipped model's training run (the refit's, when refitted). */
  run: UpdateResult;
}

/** The trained challenger and the race that chose it. The caller owns (and disposes) `model`. */
export interface RaceOutcome {
  model: TrunkHeadModel;
  result: RaceResult;
}

const correctness = (model: TrunkHeadModel, data: Dataset) => rowPredictions(model, data).correct;
const sum = (xs: Uint8Array) => xs.reduce((a, x) => a + x, 0);

/**
 * The strategies a race trains, in the engine's order, without the ruled-out ones.
 *
 * @example
 * import { DecisionEngine } from '@rvft/decision';
 * const decision = new DecisionEngine().decide({
 *   data: { nNewSamples: 1000, nHistoricalSamples: 1000 },
 *   drift: { driftSeverity: 'moderate' },
 * });
 * raceCandidates(decision, 'off', { hasHistory: true }); // → ['retrain_warm_combined']
 * raceCandidates(decision, 'shortlist', { hasHistory: true });
 * // → ['retrain_warm_combined', 'retrain_cold_combined']
 */
export function raceCandidates(
  decision: DecisionResult,
  mode: RaceMode,
  opts: { hasHistory: boolean; maxCandidates?: number },
): StrategyId[] {
  const out = new Set(decision.ruledOut.map((r) => r.strategy));
  const usable = (s: StrategyId) =>
    !out.has(s) && (opts.hasHistory || !COMBINED_STRATEGIES.includes(s));
  const ordered =
    mode === 'off'
      ? [decision.primary.strategy]
      : mode === 'shortlist'
        ? [decision.primary.strategy, ...decision.alternatives.map((a) => a.strategy)]
        : [
            decision.primary.strategy,
            ...decision.alternatives.map((a) => a.strategy),
            ...STRATEGY_IDS,
          ];
  const list = [...new Set(ordered)].filter(usable);
  return list.slice(0, Math.max(1, opts.maxCandidates ?? list.length));
}

/**
 * Measured decisions: trains each candidate strategy from a copy of the champion on most of
 * the new rows, scores all of them on the same held-out new rows, and picks the cheapest
 * candidate not significantly worse than the best (exact McNemar on the paired predictions
 * at `alpha`, or within `margin`), by the CostModel's relative compute. Candidates that
 * significantly forget the old distribution beyond `maxForgetting` are passed over while
 * another candidate is admissible. The rules still explain, rule out and order; the race
 * measures. `race: 'off'` trains the primary on every new row and scores nothing.
 *
 * @example
 * import { newClassScenario } from '@rvft/data';
 * import { createMlp } from '@rvft/model';
 * import { recommend, trainFromScratch } from '@rvft/strategies';
 * const zoo = newClassScenario({ seed: 7, nFeatures: 6, nTrainPerClass: 60 });
 * const champion = createMlp({ inputDim: 6, hiddenDims: [16], outputDim: 3, seed: 1 });
 * await trainFromScratch(champion, zoo.originalTrain);
 * const rows = { newData: zoo.newTrain, oldData: zoo.originalTrain };
 * const { decision } = await recommend({ champion, ...rows });
 * // the decision's shortlist is trained and scored on held-out new rows; the champion is kept
 * const { model, result } = await raceStrategies({ champion, decision, ...rows });
 * result.picked; // → 'retrain_warm_combined'
 * [model.outputDim, champion.outputDim]; // → [5, 3]
 */
export async function raceStrategies(opts: RaceOptions): Promise<RaceOutcome> {
  const mode = opts.race ?? 'shortlist';
  const seed = opts.seed ?? DEFAULT_SEED;
  const alpha = opts.alpha ?? 0.05;
  const margin = opts.margin ?? 0;
  const maxForgetting = opts.maxForgetting === undefined ? 0.05 : opts.maxForgetting;
  const strategies = raceCandidates(opts.decision, mode, {
    hasHistory: opts.oldData !== undefined,
    ...(opts.maxCandidates !== undefined ? { maxCandidates: opts.maxCandidates } : {}),
  });
  const share = opts.validationShare ?? 0.2;
  const racing = mode !== 'off' && strategies.length > 1;
  const split = (d: Dataset, tag: string) =>
    d.split(1 - share, `${seed}/race-${tag}`, { stratify: true });
  const n = racing ? split(opts.newData, 'new') : { first: opts.newData, second: undefined };
  const o =
    racing && opts.oldData
      ? split(opts.oldData, 'old')
      : { first: opts.oldData, second: undefined };
  const costs = new CostModel({
    nNewSamples: n.first.nRows,
    nHistoricalSamples: o.first?.nRows ?? 0,
    nParamsTotal: opts.champion.countParams(),
    nParamsHead: (opts.champion.embeddingDim + 1) * opts.champion.outputDim,
  });

  type Trained = { strategy: StrategyId; model: TrunkHeadModel; run: UpdateResult };
  const trained: Trained[] = [];
  let keep: TrunkHeadModel | undefined;
  const halving = halvingPlan(opts.halving, opts.train?.budget);
  const rungs = racing && n.second && halving && strategies.length > 2 ? 2 : 1;
  const total =
    strategies.length + (rungs === 2 ? Math.ceil(strategies.length / (halving?.eta ?? 1)) : 0);
  let started = 0;
  const train = async (strategy: StrategyId, budget?: Partial<ProductionBudget>) => {
    opts.onCandidate?.(strategy, started++, total);
    const model = await cloneModel(opts.champion);
    const t: Trained = { strategy, model, run: undefined as unknown as UpdateResult };
    trained.push(t);
    t.run = await applyStrategy(strategy, model, n.first, {
      ...opts.train,
      ...(budget ? { budget } : {}),
      ...(o.first ? { oldData: o.first } : {}),
      ...(opts.onEpochEnd ? { onEpochEnd: opts.onEpochEnd } : {}),
      seed,
    });
    return t;
  };
  try {
    // successive halving: every candidate briefly, then only the most promising in full
    let roster = strategies;
    const dropped: RaceCandidate[] = [];
    let briefWallS = 0;
    if (rungs === 2 && halving && n.second) {
      const valNew = n.second;
      const quick: Trained[] = [];
      for (const s of strategies) quick.push(await train(s, halving.budget));
      const right = quick.map((q) => correctness(q.model, valNew));
      const acc = right.map((r) => sum(r) / valNew.nRows);
      const keepN = Math.max(1, Math.ceil(strategies.length / halving.eta));
      // the most accurate after the brief run; equal scores keep the engine's order
      const order = quick
        .map((q, i) => ({ q, a: acc[i] as number, i }))
        .sort((x, y) => y.a - x.a || x.i - y.i);
      const survivors = new Set(order.slice(0, keepN).map((x) => x.q.strategy));
      const briefBest = right[(order[0] as { i: number }).i] as Uint8Array;
      roster = strategies.filter((s) => survivors.has(s));
      for (const [i, q] of quick.entries()) {
        briefWallS += q.run.wallS;
        if (!survivors.has(q.strategy)) {
          const w = wilsonInterval(Math.round((acc[i] as number) * valNew.nRows), valNew.nRows);
          dropped.push({
            strategy: q.strategy,
            accuracy: w.estimate,
            lower: w.lower,
            upper: w.upper,
            n: valNew.nRows,
            // against the best brief run, on the same rows
            pValueVsBest: pairedComparison(briefBest, right[i] as Uint8Array).pValue,
            cost: costs.estimate(q.strategy).relativeCompute,
            wallS: q.run.wallS,
            steps: q.run.steps,
            epochs: q.run.epochs,
            verdict: 'dropped',
            why: `among the ${strategies.length - keepN} least accurate after a brief run (${q.run.steps} steps): not trained further`,
          });
        }
        q.model.dispose();
      }
      trained.length = 0;
    }
    for (const strategy of roster) await train(strategy);
    const first = trained[0] as Trained;
    if (!racing || !n.second) {
      keep = first.model;
      return {
        model: first.model,
        result: {
          mode,
          picked: first.strategy,
          tieBreak: 'engine-order',
          candidates: [],
          validationRows: 0,
          trainRows: n.first.nRows,
          alpha,
          margin,
          extraWallS: 0,
          refit: false,
          run: first.run,
        },
      };
    }
    const valNew = n.second;
    const valOld = o.second;
    const championNew = correctness(opts.champion, valNew);
    const championOld = valOld ? correctness(opts.champion, valOld) : undefined;
    const scored = trained.map((t) => {
      const correct = correctness(t.model, valNew);
      const old = valOld ? correctness(t.model, valOld) : undefined;
      const forgets =
        maxForgetting !== null &&
        old !== undefined &&
        championOld !== undefined &&
        // champion − candidate on the old rows, significantly above the allowed loss
        -pairedComparison(old, championOld).upper > maxForgetting;
      return { ...t, correct, old, forgets, cost: costs.estimate(t.strategy).relativeCompute };
    });
    const admissible = scored.some((s) => !s.forgets) ? scored.filter((s) => !s.forgets) : scored;
    const byCost = valNew.nRows >= (opts.minRowsForCost ?? 100);
    // candidates keep the engine's order (they were trained in it): it breaks ties
    const verdict = cheapestNotWorse(
      admissible.map((s) => ({ id: s, correct: s.correct, cost: s.cost })),
      { alpha, margin, tieBreak: byCost ? 'cost' : 'order' },
    );
    const best = verdict.best;
    const picked = verdict.picked;
    const ties = (s: (typeof scored)[number]) => {
      const own = verdict.scores.find((v) => v.id === s);
      return own
        ? { tie: own.tied, p: own.pValue }
        : { tie: false, p: pairedComparison(best.correct, s.correct).pValue };
    };
    const candidates: RaceCandidate[] = scored.map((s) => {
      const w = wilsonInterval(sum(s.correct), valNew.nRows);
      const t = ties(s);
      const verdict: Verdict =
        s === picked
          ? 'picked'
          : s.forgets && admissible !== scored
            ? 'forgets'
            : t.tie
              ? 'tied'
              : 'worse';
      return {
        strategy: s.strategy,
        accuracy: w.estimate,
        lower: w.lower,
        upper: w.upper,
        n: valNew.nRows,
        pValueVsBest: t.p,
        ...(s.old ? { oldAccuracy: sum(s.old) / s.old.length } : {}),
        cost: s.cost,
        wallS: s.run.wallS,
        steps: s.run.steps,
        epochs: s.run.epochs,
        verdict,
        why:
          verdict === 'picked'
            ? !byCost
              ? `ties the best and comes first in the engine's order (${valNew.nRows} validation rows are too few for a tie to mean "as good")`
              : s === best
                ? 'the best on the validation rows, and the cheapest of those that tie it'
                : `not significantly worse than the best (${best.strategy}, p = ${t.p.toFixed(3)}) and cheaper`
            : verdict === 'forgets'
              ? `loses significantly more than ${(maxForgetting ?? 0) * 100} points on the old validation rows`
              : verdict === 'tied'
                ? byCost
                  ? `ties the best (p = ${t.p.toFixed(3)}) but costs more`
                  : `ties the best (p = ${t.p.toFixed(3)}), later in the engine's order`
                : `significantly worse than ${best.strategy} (p = ${t.p.toFixed(3)})`,
      };
    });
    // the picked candidate never trained on the validation rows: fit its temperature there
    const calibration = opts.calibrate ? calibrateModel(picked.model, valNew) : undefined;
    let shipped = { model: picked.model, run: picked.run };
    const refit = opts.refit ?? true;
    if (refit) {
      opts.onCandidate?.(picked.strategy, strategies.length, strategies.length + 1);
      const model = await cloneModel(opts.champion);
      trained.push({ strategy: picked.strategy, model, run: picked.run });
      shipped = {
        model,
        run: await applyStrategy(picked.strategy, model, opts.newData, {
          ...opts.train,
          ...(opts.oldData ? { oldData: opts.oldData } : {}),
          ...(opts.onEpochEnd ? { onEpochEnd: opts.onEpochEnd } : {}),
          seed,
        }),
      };
      if (calibration) shipped.model.setTemperature(calibration.temperature);
    }
    const spent =
      briefWallS + scored.reduce((a, s) => a + s.run.wallS, 0) + (refit ? shipped.run.wallS : 0);
    keep = shipped.model;
    return {
      model: shipped.model,
      result: {
        mode,
        picked: picked.strategy,
        tieBreak: byCost ? 'cost' : 'engine-order',
        candidates: [...candidates, ...dropped],
        ...(calibration ? { calibration } : {}),
        champion: {
          accuracy: sum(championNew) / valNew.nRows,
          ...(championOld ? { oldAccuracy: sum(championOld) / championOld.length } : {}),
        },
        validationRows: valNew.nRows,
        trainRows: n.first.nRows,
        alpha,
        margin,
        extraWallS: spent - shipped.run.wallS,
        ...(rungs === 2
          ? { halving: { eta: halving?.eta ?? 3, briefSteps: halving?.budget.maxSteps ?? 0 } }
          : {}),
        refit,
        run: shipped.run,
      },
    };
  } finally {
    // every candidate but the one handed back (all of them when something threw)
    for (const t of trained) if (t.model !== keep) t.model.dispose();
  }
}

/** The brief budget of successive halving's first rung, or undefined when halving is off. */
function halvingPlan(
  halving: RaceOptions['halving'],
  budget: Partial<ProductionBudget> | undefined,
): { eta: number; budget: Partial<ProductionBudget> } | undefined {
  if (!halving) return undefined;
  const eta = checkNumber(
    'raceStrategies',
    'halving.eta',
    halving === true ? 3 : (halving.eta ?? 3),
    { min: 2 },
  );
  const full = { ...PRODUCTION_BUDGET, ...budget };
  const brief = (x: number) => Math.max(1, Math.round(x / eta));
  return {
    eta,
    budget: {
      ...budget,
      minSteps: brief(full.minSteps),
      maxSteps: brief(full.maxSteps),
      patienceSteps: brief(full.patienceSteps),
      // a brief run is short on purpose: no "too few steps" warning
      warnBelowSteps: 0,
    },
  };
}
