import { type Dataset, gaussianClasses, Rng } from '@rvft/data';
import { createMlp, useBestBackend } from '@rvft/model';
import { evaluate, trainFromScratch } from '@rvft/strategies';

/** How the loss of one run was weighted. */
export type Weighting = 'none' | 'balanced';

/** One seed × weighting: scores on the balanced test set. */
export interface ImbalanceRow {
  seed: number;
  weighting: Weighting;
  accuracy: number;
  macroF1: number;
  /** Mean recall of the minority classes (every class but the largest in training). */
  minorityRecall: number;
}

export interface ImbalanceResult {
  description: string;
  /** Training rows per class, index = label. */
  classCounts: number[];
  rows: ImbalanceRow[];
  mean: Record<Weighting, { accuracy: number; macroF1: number; minorityRecall: number }>;
}

/**
 * The problem: three isotropic Gaussian classes in 10 features, class c with mean c·0.8 in
 * every feature and unit variance (neighbouring means 0.8·√10 ≈ 2.5 standard deviations
 * apart, so class 1 overlaps both others), trained on 1,200 / 90 / 60 rows (20:1 at the
 * extreme) and tested on 300 rows of every class.
 */
export const IMBALANCE_DESIGN = {
  nFeatures: 10,
  separation: 0.8,
  trainPerClass: [1200, 90, 60],
  testPerClass: [300, 300, 300],
  hiddenDims: [64, 32],
} as const;

const WEIGHTINGS: readonly Weighting[] = ['none', 'balanced'];

/** The seed's training and test sets, both drawn from the same class-conditional Gaussians. */
export function imbalanceData(seed: number): { train: Dataset; test: Dataset } {
  const rng = new Rng(`imbalance/${seed}`);
  const spec = {
    nFeatures: IMBALANCE_DESIGN.nFeatures,
    separation: IMBALANCE_DESIGN.separation,
    shift: 0,
    scale: 1,
  };
  const train = gaussianClasses(rng.fork('train'), {
    ...spec,
    perClass: IMBALANCE_DESIGN.trainPerClass,
  });
  const test = gaussianClasses(rng.fork('test'), {
    ...spec,
    perClass: IMBALANCE_DESIGN.testPerClass,
  });
  return { train, test };
}

const average = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length);

/**
 * Class weighting on an imbalanced problem: for every seed, an MLP trained from scratch
 * (production profile, standardised inputs) once with an unweighted loss and once with
 * `classWeights: 'balanced'` (n / (k · n_c)), both scored on the same balanced test set.
 */
export async function runImbalanceSuite(opts: {
  seeds: readonly number[];
}): Promise<ImbalanceResult> {
  await useBestBackend();
  const design = IMBALANCE_DESIGN;
  const nClasses = design.trainPerClass.length;
  const classCounts: number[] = [...design.trainPerClass];
  const largest = Math.max(...classCounts);
  const minority = classCounts.flatMap((c, k) => (c < largest ? [k] : []));
  const rows: ImbalanceRow[] = [];
  for (const seed of opts.seeds) {
    const { train, test } = imbalanceData(seed);
    for (const weighting of WEIGHTINGS) {
      const model = createMlp({
        inputDim: design.nFeatures,
        hiddenDims: design.hiddenDims,
        outputDim: nClasses,
        seed,
      });
      try {
        await trainFromScratch(model, train, {
          seed,
          standardize: true,
          ...(weighting === 'balanced' ? { classWeights: 'balanced' as const } : {}),
        });
        const report = evaluate(model, test);
        const recall = (k: number) => report.perClass.find((c) => c.label === k)?.recall ?? 0;
        rows.push({
          seed,
          weighting,
          accuracy: report.accuracy,
          macroF1: report.macroF1,
          minorityRecall: average(minority.map(recall)),
        });
      } finally {
        model.dispose();
      }
    }
  }
  const meanOf = (w: Weighting) => {
    const mine = rows.filter((r) => r.weighting === w);
    return {
      accuracy: average(mine.map((r) => r.accuracy)),
      macroF1: average(mine.map((r) => r.macroF1)),
      minorityRecall: average(mine.map((r) => r.minorityRecall)),
    };
  };
  const test = design.testPerClass;
  return {
    description:
      `${nClasses} Gaussian classes in ${design.nFeatures} features (class c: mean c·${design.separation} ` +
      `per feature, unit variance; neighbouring classes overlap, the middle one both sides), ` +
      `trained on ${classCounts.join(' / ')} rows (${(largest / Math.min(...classCounts)).toFixed(0)}:1), ` +
      `tested on a balanced ${test.join(' / ')} so every class weighs the same in accuracy, macro F1 ` +
      `and the minority recall (mean recall of classes ${minority.join(', ')}). ` +
      `MLP [${design.hiddenDims.join(', ')}] from scratch, production profile, once with an ` +
      `unweighted loss and once with balanced class weights n / (k · n_c).`,
    classCounts,
    rows,
    mean: { none: meanOf('none'), balanced: meanOf('balanced') },
  };
}

const pct = (x: number) => (x * 100).toFixed(1);

/** One line per seed × weighting, then the means and the balanced − none difference. */
export function formatImbalance(r: ImbalanceResult): string {
  const header = `${'seed'.padEnd(8)} ${'weighting'.padEnd(10)} ${'accuracy'.padStart(8)} ${'macro F1'.padStart(8)} ${'min. recall'.padStart(11)}`;
  const line = (seed: string, w: string, m: Omit<ImbalanceRow, 'seed' | 'weighting'>) =>
    `${seed.padEnd(8)} ${w.padEnd(10)} ${pct(m.accuracy).padStart(8)} ${pct(m.macroF1).padStart(8)} ${pct(m.minorityRecall).padStart(11)}`;
  const { none, balanced } = r.mean;
  const delta = (x: number) => `${x >= 0 ? '+' : ''}${pct(x)}`;
  return [
    r.description,
    `training class counts: ${r.classCounts.join(' / ')}`,
    '',
    header,
    ...r.rows.map((row) => line(String(row.seed), row.weighting, row)),
    '',
    line('mean', 'none', none),
    line('mean', 'balanced', balanced),
    `${'balanced − none'.padEnd(19)} ${delta(balanced.accuracy - none.accuracy).padStart(8)} ${delta(balanced.macroF1 - none.macroF1).padStart(8)} ${delta(balanced.minorityRecall - none.minorityRecall).padStart(11)}`,
  ].join('\n');
}
