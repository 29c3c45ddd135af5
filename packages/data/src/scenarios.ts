import { checkNumber } from '@rvft/errors';
import { Dataset } from './dataset';
import { DEFAULT_SEED, Rng, type Seed } from './rng';

interface GaussianSpec {
  /** Examples per class, index = label. */
  perClass: readonly number[];
  nFeatures: number;
  /** Mean of every feature for class c: c · separation + shift. */
  separation: number;
  shift: number;
  /** Standard deviation of every feature. */
  scale: number;
  /** Label of the first class (new classes continue the numbering). */
  firstLabel?: number;
}

/**
 * Isotropic Gaussian classes: class c has mean `c·separation + shift` in every feature and
 * standard deviation `scale`. Rows come out in a seeded random order.
 */
export function gaussianClasses(rng: Rng, spec: GaussianSpec): Dataset {
  const n = spec.perClass.reduce((s, k) => s + k, 0);
  const d = spec.nFeatures;
  const features = new Float32Array(n * d);
  const labels = new Int32Array(n);
  let row = 0;
  spec.perClass.forEach((count, k) => {
    const label = (spec.firstLabel ?? 0) + k;
    const mean = label * spec.separation + spec.shift;
    for (let i = 0; i < count; i++, row++) {
      labels[row] = label;
      for (let j = 0; j < d; j++) features[row * d + j] = mean + spec.scale * rng.normal();
    }
  });
  return new Dataset({ features, labels, nFeatures: d }).subset(rng.permutation(n));
}

/**
 * `n` examples over `k` classes, as even as possible (the first classes take the remainder).
 *
 * @example
 * balanced(10, 3); // → [4, 3, 3]
 */
export function balanced(n: number, k: number): number[] {
  return Array.from({ length: k }, (_, c) => Math.floor(n / k) + (c < n % k ? 1 : 0));
}

function checkSizes(opts: object, names: string[]): void {
  for (const name of names) {
    checkNumber('scenario', name, (opts as Record<string, unknown>)[name], {
      integer: true,
      min: 1,
    });
  }
}

// ---- A: new data, same distribution ---------------------------------------------------

export interface NewDataOptions {
  seed: Seed;
  nFeatures: number;
  nClasses: number;
  classSeparation: number;
  nInitial: number;
  nNew: number;
  nTest: number;
}

export const NEW_DATA_DEFAULTS: NewDataOptions = {
  seed: DEFAULT_SEED,
  nFeatures: 20,
  nClasses: 2,
  classSeparation: 1.0,
  nInitial: 1000,
  nNew: 500,
  nTest: 400,
};

export interface NewDataScenario {
  initial: Dataset;
  new: Dataset;
  /** initial followed by new. */
  combined: Dataset;
  test: Dataset;
  nClasses: number;
  options: NewDataOptions;
}

/**
 * Scenario A: more data from the distribution the champion already knows.
 *
 * @example
 * const s = newDataScenario({ seed: 1 });
 * // more rows of the same two-class distribution
 * [s.initial.nRows, s.new.nRows, s.combined.nRows, s.nClasses]; // → [1000, 500, 1500, 2]
 */
export function newDataScenario(opts: Partial<NewDataOptions> = {}): NewDataScenario {
  const o = { ...NEW_DATA_DEFAULTS, ...opts };
  checkSizes(o, ['nFeatures', 'nClasses', 'nInitial', 'nNew', 'nTest']);
  const rng = new Rng(o.seed);
  const spec = { nFeatures: o.nFeatures, separation: o.classSeparation, shift: 0, scale: 1 };
  const initial = gaussianClasses(rng, { ...spec, perClass: balanced(o.nInitial, o.nClasses) });
  const fresh = gaussianClasses(rng, { ...spec, perClass: balanced(o.nNew, o.nClasses) });
  const test = gaussianClasses(rng, { ...spec, perClass: balanced(o.nTest, o.nClasses) });
  return {
    initial,
    new: fresh,
    combined: initial.concat(fresh),
    test,
    nClasses: o.nClasses,
    options: o,
  };
}

// ---- B: distribution shift ------------------------------------------------------------

export interface DistributionShiftOptions {
  seed: Seed;
  nFeatures: number;
  nClasses: number;
  classSeparation: number;
  /** Added to every feature's mean in the shifted window. */
  shiftMagnitude: number;
  nOriginal: number;
  nShifted: number;
  nTest: number;
}

export const DISTRIBUTION_SHIFT_DEFAULTS: DistributionShiftOptions = {
  seed: DEFAULT_SEED,
  nFeatures: 20,
  nClasses: 2,
  classSeparation: 1.0,
  shiftMagnitude: 1.5,
  nOriginal: 1000,
  nShifted: 500,
  nTest: 400,
};

export interface DistributionShiftScenario {
  originalTrain: Dataset;
  originalTest: Dataset;
  shiftedTrain: Dataset;
  /** The benchmark's test set: the shifted distribution only. */
  shiftedTest: Dataset;
  /** originalTrain followed by shiftedTrain: what combined retraining sees. */
  mixed: Dataset;
  nClasses: number;
  options: DistributionShiftOptions;
}

/**
 * Scenario B: every feature's mean moves by `shiftMagnitude` in the new window.
 *
 * @example
 * const s = distributionShiftScenario({ seed: 1 });
 * [s.originalTrain.nRows, s.shiftedTrain.nRows, s.mixed.nRows]; // → [1000, 500, 1500]
 */
export function distributionShiftScenario(
  opts: Partial<DistributionShiftOptions> = {},
): DistributionShiftScenario {
  const o = { ...DISTRIBUTION_SHIFT_DEFAULTS, ...opts };
  checkSizes(o, ['nFeatures', 'nClasses', 'nOriginal', 'nShifted', 'nTest']);
  const rng = new Rng(o.seed);
  const base = { nFeatures: o.nFeatures, separation: o.classSeparation, scale: 1 };
  const originalTrain = gaussianClasses(rng, {
    ...base,
    shift: 0,
    perClass: balanced(o.nOriginal, o.nClasses),
  });
  const shiftedTrain = gaussianClasses(rng, {
    ...base,
    shift: o.shiftMagnitude,
    perClass: balanced(o.nShifted, o.nClasses),
  });
  const shiftedTest = gaussianClasses(rng, {
    ...base,
    shift: o.shiftMagnitude,
    perClass: balanced(o.nTest, o.nClasses),
  });
  const originalTest = gaussianClasses(rng, {
    ...base,
    shift: 0,
    perClass: balanced(o.nTest, o.nClasses),
  });
  return {
    originalTrain,
    originalTest,
    shiftedTrain,
    shiftedTest,
    mixed: originalTrain.concat(shiftedTrain),
    nClasses: o.nClasses,
    options: o,
  };
}

// ---- C: new classes -------------------------------------------------------------------

export interface NewClassOptions {
  seed: Seed;
  nFeatures: number;
  nOldClasses: number;
  nNewClasses: number;
  classSeparation: number;
  nTrainPerClass: number;
  nTestPerClass: number;
}

export const NEW_CLASS_DEFAULTS: NewClassOptions = {
  seed: DEFAULT_SEED,
  nFeatures: 20,
  nOldClasses: 3,
  nNewClasses: 2,
  classSeparation: 1.2,
  nTrainPerClass: 300,
  nTestPerClass: 100,
};

export interface NewClassScenario {
  /** Classes 0…nOldClasses−1. */
  originalTrain: Dataset;
  /** Classes nOldClasses…nOldClasses+nNewClasses−1 only. */
  newTrain: Dataset;
  combinedTrain: Dataset;
  /** Every class. */
  testAll: Dataset;
  testOld: Dataset;
  testNew: Dataset;
  oldClasses: number[];
  newClasses: number[];
  nClasses: number;
  options: NewClassOptions;
}

/**
 * Scenario C: labels the champion cannot output appear.
 *
 * @example
 * const s = newClassScenario({ seed: 7 });
 * // 3 old classes, then a window of the 2 new ones only
 * [s.originalTrain.nClasses, s.newTrain.classCounts()]; // → [3, [0, 0, 0, 300, 300]]
 */
export function newClassScenario(opts: Partial<NewClassOptions> = {}): NewClassScenario {
  const o = { ...NEW_CLASS_DEFAULTS, ...opts };
  checkSizes(o, ['nFeatures', 'nOldClasses', 'nNewClasses', 'nTrainPerClass', 'nTestPerClass']);
  const rng = new Rng(o.seed);
  const base = { nFeatures: o.nFeatures, separation: o.classSeparation, shift: 0, scale: 1 };
  const originalTrain = gaussianClasses(rng, {
    ...base,
    perClass: new Array(o.nOldClasses).fill(o.nTrainPerClass),
  });
  const newTrain = gaussianClasses(rng, {
    ...base,
    firstLabel: o.nOldClasses,
    perClass: new Array(o.nNewClasses).fill(o.nTrainPerClass),
  });
  const nClasses = o.nOldClasses + o.nNewClasses;
  const testAll = gaussianClasses(rng, {
    ...base,
    perClass: new Array(nClasses).fill(o.nTestPerClass),
  });
  const oldClasses = Array.from({ length: o.nOldClasses }, (_, k) => k);
  const newClasses = Array.from({ length: o.nNewClasses }, (_, k) => o.nOldClasses + k);
  return {
    originalTrain,
    newTrain,
    combinedTrain: originalTrain.concat(newTrain).shuffle(`${o.seed}/combined`),
    testAll,
    testOld: testAll.filterLabels((l) => l < o.nOldClasses),
    testNew: testAll.filterLabels((l) => l >= o.nOldClasses),
    oldClasses,
    newClasses,
    nClasses,
    options: o,
  };
}

// ---- D: domain transfer ---------------------------------------------------------------

export interface DomainTransferOptions {
  seed: Seed;
  nFeatures: number;
  nClasses: number;
  classSeparation: number;
  nSourceTrain: number;
  nSourceTest: number;
  nTargetTrain: number;
  nTargetTest: number;
  /** Added to every feature's mean in the target domain. */
  targetShift: number;
  /** Standard deviation of the target domain's features. */
  targetScale: number;
}

export const DOMAIN_TRANSFER_DEFAULTS: DomainTransferOptions = {
  seed: DEFAULT_SEED,
  nFeatures: 20,
  nClasses: 3,
  classSeparation: 1.0,
  nSourceTrain: 2000,
  nSourceTest: 400,
  nTargetTrain: 200,
  nTargetTest: 400,
  targetShift: 2.0,
  targetScale: 1.3,
};

export interface DomainTransferScenario {
  sourceTrain: Dataset;
  sourceTest: Dataset;
  targetTrain: Dataset;
  targetTest: Dataset;
  nClasses: number;
  options: DomainTransferOptions;
}

/**
 * Scenario D: a large source domain, a small shifted and wider target domain.
 *
 * @example
 * const s = domainTransferScenario({ seed: 1 });
 * // a large source domain, a small target one
 * [s.sourceTrain.nRows, s.targetTrain.nRows, s.nClasses]; // → [2000, 200, 3]
 */
export function domainTransferScenario(
  opts: Partial<DomainTransferOptions> = {},
): DomainTransferScenario {
  const o = { ...DOMAIN_TRANSFER_DEFAULTS, ...opts };
  checkSizes(o, [
    'nFeatures',
    'nClasses',
    'nSourceTrain',
    'nSourceTest',
    'nTargetTrain',
    'nTargetTest',
  ]);
  checkNumber('domainTransferScenario', 'targetScale', o.targetScale, { above: 0 });
  const rng = new Rng(o.seed);
  const src = { nFeatures: o.nFeatures, separation: o.classSeparation, shift: 0, scale: 1 };
  const tgt = {
    nFeatures: o.nFeatures,
    separation: o.classSeparation,
    shift: o.targetShift,
    scale: o.targetScale,
  };
  const sourceTrain = gaussianClasses(rng, {
    ...src,
    perClass: balanced(o.nSourceTrain, o.nClasses),
  });
  const targetTrain = gaussianClasses(rng, {
    ...tgt,
    perClass: balanced(o.nTargetTrain, o.nClasses),
  });
  const targetTest = gaussianClasses(rng, {
    ...tgt,
    perClass: balanced(o.nTargetTest, o.nClasses),
  });
  const sourceTest = gaussianClasses(rng, {
    ...src,
    perClass: balanced(o.nSourceTest, o.nClasses),
  });
  return { sourceTrain, sourceTest, targetTrain, targetTest, nClasses: o.nClasses, options: o };
}
