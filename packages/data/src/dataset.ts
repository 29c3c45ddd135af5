import { type ErrorCode, invalidArgument, RvftError, type RvftErrorOptions } from '@rvft/errors';
import { Rng, type Seed } from './rng';

/**
 * Malformed data or a dataset call that cannot be honoured (`RVFT_ERR_DATA_PARSE` by default).
 *
 * @example
 * new Dataset({ features: [1, 2, 3], labels: [0], nFeatures: 2 });
 * // → throws { name: 'DatasetError', code: 'RVFT_ERR_DATA_PARSE' }
 */
export class DatasetError extends RvftError {
  constructor(
    message: string,
    code: ErrorCode = 'RVFT_ERR_DATA_PARSE',
    options?: RvftErrorOptions,
  ) {
    super(code, message, options);
    this.name = 'DatasetError';
  }
}

/**
 * The most classes a dataset may have: 10,000. Labels are output indices, so a label `k` means
 * a model with at least `k + 1` outputs; one stray `5000000` would otherwise ask for a
 * 5,000,001-unit head (gigabytes) before anything fails. Loaders refuse the 10,001st distinct
 * label with the file and line where it appears (`RVFT_ERR_DATA_TOO_LARGE`).
 */
export const MAX_CLASSES = 10_000;

export interface DatasetInit {
  /** Row-major features, `nRows × nFeatures`. */
  features: Float32Array | ArrayLike<number>;
  labels: Int32Array | ArrayLike<number>;
  nFeatures: number;
  featureNames?: readonly string[];
  /** Names of the classes, index = label; every label must be below its length. */
  classNames?: readonly string[];
}

/** Per-feature summary from `Dataset.featureStatistics()`; index = feature. */
export interface FeatureStatistics {
  mean: Float64Array;
  /** Population standard deviation (divides by n, as a scaler fitted on all rows does). */
  std: Float64Array;
  /** Features whose std is at most 1e-12 · max(1, |mean|): constant up to float rounding. */
  constant: number[];
}

/** Relative spread below which a feature counts as constant (Float32 data rounds at ~1e-7). */
const CONSTANT_TOLERANCE = 1e-12;

/**
 * A labelled table held as one row-major Float32Array and one Int32Array: cheap to slice
 * into tensors, cheap to copy. Validated on construction, immutable by convention.
 *
 * @example
 * const ds = new Dataset({ features: [0, 1, 2, 3], labels: [0, 1], nFeatures: 2 });
 * ds.nRows; // → 2
 * ds.classCounts(); // → [1, 1]
 */
export class Dataset {
  readonly features: Float32Array;
  readonly labels: Int32Array;
  readonly nFeatures: number;
  readonly nRows: number;
  readonly featureNames: readonly string[] | undefined;
  readonly classNames: readonly string[] | undefined;

  constructor(init: DatasetInit) {
    const { nFeatures } = init;
    if (!Number.isInteger(nFeatures) || nFeatures < 1) {
      throw new DatasetError(`nFeatures: must be a whole number >= 1, got ${nFeatures}`);
    }
    const nLabels = init.labels.length;
    if (nLabels === 0) throw new DatasetError('labels: the dataset has zero rows');
    if (init.features.length !== nLabels * nFeatures) {
      throw new DatasetError(
        `features: length ${init.features.length} does not match ${nLabels} labels × ${nFeatures} features = ${nLabels * nFeatures}`,
      );
    }
    const features =
      init.features instanceof Float32Array ? init.features : Float32Array.from(init.features);
    for (let i = 0; i < features.length; i++) {
      if (!Number.isFinite(features[i])) {
        const row = Math.floor(i / nFeatures);
        const col = i % nFeatures;
        const name = init.featureNames?.[col];
        throw new DatasetError(
          `features: row ${row}, column ${name ? `'${name}'` : col} is ${features[i]} (must be finite)`,
        );
      }
    }
    // labels index outputs: refuse one past MAX_CLASSES before a model sizes its head from it
    const labels = init.labels instanceof Int32Array ? init.labels : new Int32Array(nLabels);
    for (let i = 0; i < nLabels; i++) {
      const v = init.labels[i] as number;
      if (!Number.isInteger(v) || v < 0) throw badLabel(i, v);
      if (v >= MAX_CLASSES) {
        throw new DatasetError(
          `labels: row ${i} has label ${v}; labels are output indices below MAX_CLASSES (${MAX_CLASSES}): read files with loadCsv/loadJsonl, which number the class names`,
          'RVFT_ERR_DATA_TOO_LARGE',
        );
      }
      labels[i] = v;
    }
    if (init.featureNames && init.featureNames.length !== nFeatures) {
      throw new DatasetError(
        `featureNames: ${init.featureNames.length} names for ${nFeatures} features`,
      );
    }
    this.features = features;
    this.labels = labels;
    this.nFeatures = nFeatures;
    this.nRows = nLabels;
    this.featureNames = init.featureNames;
    this.classNames = init.classNames;
  }

  /** Largest label + 1 (or the number of class names, if larger). */
  get nClasses(): number {
    let max = -1;
    for (let i = 0; i < this.nRows; i++)
      if ((this.labels[i] as number) > max) max = this.labels[i] as number;
    return Math.max(max + 1, this.classNames?.length ?? 0);
  }

  /** Examples per class, index = label, over 0…max(nClasses, this.nClasses)−1. */
  classCounts(nClasses = this.nClasses): number[] {
    const counts = new Array<number>(Math.max(nClasses, this.nClasses)).fill(0);
    for (let i = 0; i < this.nRows; i++) counts[this.labels[i] as number]! += 1;
    return counts;
  }

  /** Majority count / minority count over the classes present. */
  classImbalance(): number {
    const present = this.classCounts().filter((c) => c > 0);
    return Math.max(...present) / Math.min(...present);
  }

  /** One row's features (a view, not a copy). */
  row(i: number): Float32Array {
    if (!Number.isInteger(i) || i < 0 || i >= this.nRows) {
      throw invalidArgument('Dataset.row', 'i', `an integer in 0…${this.nRows - 1}`, i);
    }
    return this.features.subarray(i * this.nFeatures, (i + 1) * this.nFeatures);
  }

  /** The rows at `indices`, in that order (copies). */
  subset(indices: ArrayLike<number>): Dataset {
    const n = indices.length;
    const f = new Float32Array(n * this.nFeatures);
    const l = new Int32Array(n);
    for (let k = 0; k < n; k++) {
      const i = indices[k] as number;
      if (!Number.isInteger(i) || i < 0 || i >= this.nRows) {
        throw invalidArgument(
          'Dataset.subset',
          `indices[${k}]`,
          `an integer in 0…${this.nRows - 1}`,
          i,
        );
      }
      f.set(
        this.features.subarray(i * this.nFeatures, (i + 1) * this.nFeatures),
        k * this.nFeatures,
      );
      l[k] = this.labels[i] as number;
    }
    return this.derive(f, l);
  }

  /** Rows whose label satisfies `keep`. */
  filterLabels(keep: (label: number) => boolean): Dataset {
    const idx: number[] = [];
    for (let i = 0; i < this.nRows; i++) if (keep(this.labels[i] as number)) idx.push(i);
    return this.subset(idx);
  }

  /**
   * A seeded random split: `fraction` of the rows (rounded, at least one on each side) go
   * to `first`, the rest to `second`. With `stratify`, each class is split separately.
   */
  split(
    fraction: number,
    seed: Seed,
    opts: { stratify?: boolean } = {},
  ): { first: Dataset; second: Dataset } {
    const { first, second } = this.splitIndices(fraction, seed, opts);
    return { first: this.subset(first), second: this.subset(second) };
  }

  /**
   * The row indices `split` puts on each side, in their order there, for data that travels
   * beside the dataset (a column kept for slicing): `split(...).second` row k is row
   * `splitIndices(...).second[k]` of this dataset.
   */
  splitIndices(
    fraction: number,
    seed: Seed,
    opts: { stratify?: boolean } = {},
  ): { first: number[]; second: number[] } {
    if (!(fraction > 0 && fraction < 1)) {
      throw invalidArgument('Dataset.split', 'fraction', 'strictly between 0 and 1', fraction);
    }
    if (this.nRows < 2) throw new DatasetError('split: needs at least 2 rows');
    const rng = new Rng(seed);
    let first: number[] = [];
    let second: number[] = [];
    if (opts.stratify) {
      const byClass = new Map<number, number[]>();
      for (let i = 0; i < this.nRows; i++) {
        const l = this.labels[i] as number;
        const list = byClass.get(l) ?? [];
        list.push(i);
        byClass.set(l, list);
      }
      for (const label of [...byClass.keys()].sort((a, b) => a - b)) {
        const rows = byClass.get(label) as number[];
        const perm = rng.permutation(rows.length);
        const k = Math.round(rows.length * fraction);
        perm.forEach((p, j) => {
          (j < k ? first : second).push(rows[p] as number);
        });
      }
      first = shuffleWith(first, rng);
      second = shuffleWith(second, rng);
    } else {
      const perm = rng.permutation(this.nRows);
      const k = Math.min(this.nRows - 1, Math.max(1, Math.round(this.nRows * fraction)));
      first = Array.from(perm.subarray(0, k));
      second = Array.from(perm.subarray(k));
    }
    if (first.length === 0 || second.length === 0) {
      throw new DatasetError(`split: fraction ${fraction} leaves one side empty`);
    }
    return { first, second };
  }

  /** Rows in a seeded random order. */
  shuffle(seed: Seed): Dataset {
    return this.subset(new Rng(seed).permutation(this.nRows));
  }

  /** This dataset's rows followed by the others'. Feature counts must agree. */
  concat(...others: Dataset[]): Dataset {
    return Dataset.concat([this, ...others]);
  }

  static concat(parts: readonly Dataset[]): Dataset {
    const [head] = parts;
    if (!head) throw new DatasetError('concat: nothing to concatenate');
    let rows = 0;
    for (const [k, p] of parts.entries()) {
      if (p.nFeatures !== head.nFeatures) {
        throw new DatasetError(
          `concat: part ${k} has ${p.nFeatures} features, part 0 has ${head.nFeatures}`,
        );
      }
      rows += p.nRows;
    }
    const f = new Float32Array(rows * head.nFeatures);
    const l = new Int32Array(rows);
    let at = 0;
    for (const p of parts) {
      f.set(p.features, at * head.nFeatures);
      l.set(p.labels, at);
      at += p.nRows;
    }
    return head.derive(f, l);
  }

  /** Mean of each feature over the rows (Float64 accumulation). */
  featureMeans(): Float64Array {
    const m = new Float64Array(this.nFeatures);
    for (let i = 0; i < this.nRows; i++) {
      for (let j = 0; j < this.nFeatures; j++)
        m[j]! += this.features[i * this.nFeatures + j] as number;
    }
    for (let j = 0; j < this.nFeatures; j++) m[j]! /= this.nRows;
    return m;
  }

  /**
   * Per-feature mean and population standard deviation, for a standardising scaler, and the
   * features that do not vary (a scaler must not divide by their ~0 std). Float64 throughout
   * and two passes (mean, then deviations from it, with the pass-two rounding error
   * subtracted), so a large offset does not swamp a small spread as `E[x²] − E[x]²` would.
   *
   * @example
   * const ds = new Dataset({ features: [1, 10, 3, 10, 5, 10], labels: [0, 1, 0], nFeatures: 2 });
   * // population statistics; feature 1 never varies
   * ds.featureStatistics(); // → { mean: [3, 10], std: [1.633, 0], constant: [1] }
   */
  featureStatistics(): FeatureStatistics {
    const d = this.nFeatures;
    const n = this.nRows;
    const mean = this.featureMeans();
    const sumDev = new Float64Array(d);
    const sumSq = new Float64Array(d);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) {
        const e = (this.features[i * d + j] as number) - (mean[j] as number);
        sumDev[j]! += e;
        sumSq[j]! += e * e;
      }
    }
    const std = new Float64Array(d);
    const constant: number[] = [];
    for (let j = 0; j < d; j++) {
      // sumDev is 0 in exact arithmetic; what is left is the mean's rounding error
      const s = sumDev[j] as number;
      std[j] = Math.sqrt(Math.max(0, ((sumSq[j] as number) - (s * s) / n) / n));
      if ((std[j] as number) <= CONSTANT_TOLERANCE * Math.max(1, Math.abs(mean[j] as number))) {
        constant.push(j);
      }
    }
    return { mean, std, constant };
  }

  /** One feature column as a Float64Array (for drift tests and summaries). */
  column(j: number): Float64Array {
    if (!Number.isInteger(j) || j < 0 || j >= this.nFeatures) {
      throw invalidArgument('Dataset.column', 'j', `an integer in 0…${this.nFeatures - 1}`, j);
    }
    const out = new Float64Array(this.nRows);
    for (let i = 0; i < this.nRows; i++) out[i] = this.features[i * this.nFeatures + j] as number;
    return out;
  }

  private derive(features: Float32Array, labels: Int32Array): Dataset {
    return new Dataset({
      features,
      labels,
      nFeatures: this.nFeatures,
      ...(this.featureNames ? { featureNames: this.featureNames } : {}),
      ...(this.classNames ? { classNames: this.classNames } : {}),
    });
  }
}

function badLabel(i: number, v: number): DatasetError {
  return new DatasetError(`labels: row ${i} has label ${v} (must be an integer >= 0)`);
}

function shuffleWith(list: number[], rng: Rng): number[] {
  const perm = rng.permutation(list.length);
  return Array.from(perm, (p) => list[p] as number);
}
