import type { Dataset } from '@rvft/data';
import type { DecisionInput } from '@rvft/decision';
import type { TrunkHeadModel } from '@rvft/model';
import { recommend } from '@rvft/strategies';
import { InputError } from '../errors';
import type { ChampionData } from './shared';

export interface SplitOptions {
  /** Share of each file held out for evaluation (stratified by class). */
  holdout: number;
  seed: number;
}

export interface Prepared {
  newTrain: Dataset;
  newTest: Dataset;
  oldTrain?: Dataset;
  oldTest?: Dataset;
}

function split(data: Dataset, o: SplitOptions, what: string): { train: Dataset; test: Dataset } {
  if (data.nRows < 4) throw new InputError(`${what}: needs at least 4 rows, has ${data.nRows}`);
  const { first, second } = data.split(1 - o.holdout, o.seed, { stratify: true });
  return { train: first, test: second };
}

/**
 * Holds out part of every file, once, so the diagnosis, the challenger and the champion are
 * all judged on rows none of them trained on — and on the same rows.
 */
export function prepare(cd: ChampionData, o: SplitOptions): Prepared {
  const n = split(cd.newData, o, '--new');
  const out: Prepared = { newTrain: n.train, newTest: n.test };
  if (cd.oldData) {
    const old = split(cd.oldData, o, '--old');
    out.oldTrain = old.train;
    out.oldTest = old.test;
  }
  return out;
}

/** The constraints the command line knows: history kept or not, old distribution kept or not. */
export function constraintsOf(
  cd: ChampionData,
  opts: { replacesOld?: boolean },
): DecisionInput['constraints'] {
  return {
    // without --old there is no history to combine with
    canStoreHistorical: cd.oldData !== undefined,
    retainPriorPerformance: !opts.replacesOld,
  };
}

/**
 * The champion's accuracy as recorded at registration (`correct` of `n` held-out rows), when
 * it recorded both: its own accuracy when no old rows are given.
 */
function recordedAccuracy(cd: ChampionData): { correct: number; n: number } | undefined {
  const acc = cd.meta.metrics['newTaskAccuracy'];
  const n = cd.meta.metrics['newTaskRows'];
  if (acc === undefined || n === undefined || !(n >= 1) || !(acc >= 0 && acc <= 1))
    return undefined;
  return { correct: Math.round(acc * n), n: Math.round(n) };
}

/** Diagnoses the champion on the training part of the files and asks the engine. */
export function recommendFor(
  cd: ChampionData,
  p: Prepared,
  champion: TrunkHeadModel,
  opts: { replacesOld?: boolean; seed: number },
) {
  const recorded = recordedAccuracy(cd);
  return recommend({
    champion,
    newData: p.newTrain,
    ...(p.oldTrain ? { oldData: p.oldTrain } : {}),
    ...(p.oldTest ? { oldTest: p.oldTest } : {}),
    ...(recorded ? { championAccuracy: recorded } : {}),
    ...(cd.meta.training ? { championTraining: cd.meta.training } : {}),
    constraints: constraintsOf(cd, opts),
    seed: opts.seed,
  });
}
