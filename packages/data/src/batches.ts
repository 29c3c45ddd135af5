import { checkNumber } from '@rvft/errors';
import type { Dataset } from './dataset';
import { Rng, type Seed } from './rng';

export interface BatchOptions {
  batchSize: number;
  /** Seeds the per-epoch shuffle; the same seed gives the same order for every strategy. */
  seed: Seed;
  /** Shuffle every epoch (default true). */
  shuffle?: boolean;
  /** Drop a last batch smaller than `batchSize` (default false). */
  dropLast?: boolean;
}

export interface Batch {
  /** `size × nFeatures`, row-major. A view valid until the next epoch begins. */
  features: Float32Array;
  labels: Int32Array;
  size: number;
}

/**
 * The row order of one epoch. Derived from (seed, epoch) only, so it does not depend on how
 * many random numbers anything else drew: two strategies trained with the same seed see
 * exactly the same batches.
 *
 * @example
 * // a permutation of the rows, fixed by (seed, epoch)
 * [...epochOrder(5, 42, 0)].sort(); // → [0, 1, 2, 3, 4]
 * [...epochOrder(5, 42, 0)]; // → [0, 2, 3, 4, 1]
 */
export function epochOrder(nRows: number, seed: Seed, epoch: number): Int32Array {
  return new Rng(seed).fork(`epoch-${epoch}`).permutation(nRows);
}

/**
 * Seeded mini-batches over a dataset.
 *
 * @example
 * const train = new Dataset({ features: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], labels: [0, 1, 0, 1, 0, 1, 0, 1, 0, 1], nFeatures: 1 });
 * const it = new BatchIterator(train, { batchSize: 4, seed: 42 });
 * [...it.epoch(0)].map((b) => b.labels.length); // → [4, 4, 2]
 */
export class BatchIterator {
  readonly dataset: Dataset;
  readonly batchSize: number;
  readonly seed: Seed;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  // One buffer per iterator: each epoch gathers the rows once, batches are views into it.
  private readonly featureBuffer: Float32Array;
  private readonly labelBuffer: Int32Array;

  constructor(dataset: Dataset, opts: BatchOptions) {
    checkNumber('BatchIterator', 'batchSize', opts.batchSize, { integer: true, min: 1 });
    this.dataset = dataset;
    this.batchSize = opts.batchSize;
    this.seed = opts.seed;
    this.shuffle = opts.shuffle ?? true;
    this.dropLast = opts.dropLast ?? false;
    this.featureBuffer = new Float32Array(dataset.features.length);
    this.labelBuffer = new Int32Array(dataset.nRows);
  }

  /** Batches per epoch. */
  get length(): number {
    const n = this.dataset.nRows / this.batchSize;
    return this.dropLast ? Math.floor(n) : Math.ceil(n);
  }

  *epoch(epoch: number): Generator<Batch> {
    const { dataset, batchSize } = this;
    const d = dataset.nFeatures;
    if (this.shuffle) {
      const order = epochOrder(dataset.nRows, this.seed, epoch);
      for (let k = 0; k < order.length; k++) {
        const i = order[k] as number;
        this.featureBuffer.set(dataset.features.subarray(i * d, (i + 1) * d), k * d);
        this.labelBuffer[k] = dataset.labels[i] as number;
      }
    } else {
      this.featureBuffer.set(dataset.features);
      this.labelBuffer.set(dataset.labels);
    }
    for (let start = 0; start < dataset.nRows; start += batchSize) {
      const size = Math.min(batchSize, dataset.nRows - start);
      if (size < batchSize && this.dropLast) return;
      yield {
        features: this.featureBuffer.subarray(start * d, (start + size) * d),
        labels: this.labelBuffer.subarray(start, start + size),
        size,
      };
    }
  }
}
