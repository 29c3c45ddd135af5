import type { Dataset } from '@rvft/data';

/**
 * How long a strategy trains.
 *
 * - `article`: the source article's fixed epochs (`STRATEGY_DEFAULTS`), whatever the data
 *   size — what `pnpm bench` reproduces. On 119 rows that is 20 optimiser steps.
 * - `production` (the default of the library and the CLI): a validation split carved from
 *   the training rows, a plan of at least `minSteps` optimiser steps (so small data gets
 *   hundreds of steps, not twenty) and at most `maxSteps`, early stopping with patience, and
 *   the weights of the best validation epoch restored at the end.
 */
export const TrainingProfile = {
  Article: 'article',
  Production: 'production',
} as const;
export type TrainingProfile = (typeof TrainingProfile)[keyof typeof TrainingProfile];

export interface ProductionBudget {
  /** Fewest optimiser steps a run plans for, whatever the data size. */
  minSteps: number;
  /** Most optimiser steps a run may take. */
  maxSteps: number;
  /** The plan is at least this many times the article's epochs (early stopping cuts it). */
  epochFactor: number;
  /** Share of the training rows held out to choose the epoch (stratified). */
  validationFraction: number;
  /** Below this many validation rows there is no validation split: the plan runs in full. */
  minValidationRows: number;
  /** Early stopping waits this many optimiser steps without improvement (at least 3 epochs). */
  patienceSteps: number;
  /** A run that took fewer optimiser steps than this says so in its warnings. */
  warnBelowSteps: number;
}

/** The production profile's defaults; every field can be overridden per call. */
export const PRODUCTION_BUDGET: Readonly<ProductionBudget> = {
  minSteps: 300,
  maxSteps: 10_000,
  epochFactor: 3,
  validationFraction: 0.15,
  minValidationRows: 20,
  patienceSteps: 100,
  warnBelowSteps: 100,
};

/**
 * Optimiser steps in one epoch: the loop skips a last batch of one example.
 *
 * @example
 * stepsPerEpoch(130, 64); // → 3 — 64 + 64 + 2
 * stepsPerEpoch(129, 64); // → 2 — a last batch of one example is skipped
 */
export function stepsPerEpoch(nRows: number, batchSize: number): number {
  const full = Math.floor(nRows / batchSize);
  const rest = nRows - full * batchSize;
  return Math.max(1, full + (rest >= 2 ? 1 : 0));
}

export interface BudgetPlan {
  profile: TrainingProfile;
  train: Dataset;
  validation?: Dataset;
  /** Epochs planned (the most the run may take). */
  epochs: number;
  /** Early-stopping patience in epochs; absent when there is no validation split. */
  patience?: number;
  stepsPerEpoch: number;
}

/**
 * Old + new rows with the new ones repeated until both sides weigh about the same (the
 * remainder drawn without replacement, seeded): replay at a 1:1 ratio. Plain concatenation
 * lets a large history drown a small new window — the update then barely serves the
 * distribution it was made for.
 *
 * @example
 * import { Dataset } from '@rvft/data';
 * const old = new Dataset({ features: Array(10).fill(0), labels: Array(10).fill(0), nFeatures: 1 });
 * const fresh = new Dataset({ features: [1, 1, 1], labels: [1, 1, 1], nFeatures: 1 });
 * // the 3 new rows three times over, plus 1 drawn: 10 new next to the 10 old
 * balancedReplay(old, fresh, 'seed').classCounts(); // → [10, 10]
 */
export function balancedReplay(old: Dataset, fresh: Dataset, seed: string): Dataset {
  if (fresh.nRows >= old.nRows) return old.concat(fresh);
  const copies = Math.floor(old.nRows / fresh.nRows);
  const rest = old.nRows - copies * fresh.nRows;
  const parts = Array.from({ length: copies }, () => fresh);
  if (rest > 0)
    parts.push(fresh.shuffle(`${seed}/replay`).subset(Array.from({ length: rest }, (_, i) => i)));
  return old.concat(...parts);
}

/** What a production run trains on: one dataset, or history and new rows to replay together. */
export type TrainingRows =
  | Dataset
  | { old: Dataset; fresh: Dataset; replay: 'balanced' | 'proportional' };

/**
 * The production plan for training on `rows`: carve the validation split (from each side
 * separately when history is replayed, so no repeated row lands on both sides), then size
 * the epochs so the run takes between `minSteps` and `maxSteps` optimiser steps. An explicit
 * `epochs` is taken as the plan (still with early stopping).
 */
export function planProduction(
  rows: TrainingRows,
  opts: {
    articleEpochs: number;
    batchSize: number;
    seed: string;
    epochs?: number;
    budget?: Partial<ProductionBudget>;
  },
): BudgetPlan {
  const b = { ...PRODUCTION_BUDGET, ...opts.budget };
  const carve = (
    data: Dataset,
    tag: string,
    force = false,
  ): { train: Dataset; validation?: Dataset } => {
    const enough = Math.floor(data.nRows * b.validationFraction) >= b.minValidationRows;
    // a replayed side too small for a split of its own still gives its share (if it can)
    if (!enough && !(force && data.nRows >= 4)) return { train: data };
    const s = data.split(1 - b.validationFraction, `${opts.seed}/validation${tag}`, {
      stratify: true,
    });
    return { train: s.first, validation: s.second };
  };
  let train: Dataset;
  let validation: Dataset | undefined;
  if (rows instanceof Object && 'fresh' in rows) {
    const all = rows.old.nRows + rows.fresh.nRows;
    const share = Math.floor(all * b.validationFraction) >= b.minValidationRows;
    // both sides are judged: each gives its share of validation rows
    const o = share ? carve(rows.old, '/old', true) : { train: rows.old };
    const f = share ? carve(rows.fresh, '/new', true) : { train: rows.fresh };
    const join = (a: Dataset, c: Dataset, tag: string) =>
      rows.replay === 'balanced' ? balancedReplay(a, c, `${opts.seed}${tag}`) : a.concat(c);
    train = join(o.train, f.train, '/train');
    if (o.validation && f.validation) validation = join(o.validation, f.validation, '/val');
    else validation = o.validation ?? f.validation;
  } else {
    ({ train, validation } = carve(rows, ''));
  }
  const spe = stepsPerEpoch(train.nRows, opts.batchSize);
  const wanted =
    opts.epochs ?? Math.max(opts.articleEpochs * b.epochFactor, Math.ceil(b.minSteps / spe));
  const epochs = Math.max(1, Math.min(wanted, Math.floor(b.maxSteps / spe)));
  return {
    profile: TrainingProfile.Production,
    train,
    ...(validation ? { validation, patience: Math.max(3, Math.ceil(b.patienceSteps / spe)) } : {}),
    epochs,
    stepsPerEpoch: spe,
  };
}
