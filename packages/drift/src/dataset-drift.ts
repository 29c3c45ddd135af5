import { checkNumber, checkOneOf, invalidArgument } from '@rvft/errors';
import { type KsResult, ksTwoSample } from './ks';
import { type PsiResult, psi } from './psi';

export interface FeatureDrift {
  feature: number;
  name?: string;
  ks: KsResult;
  psi: PsiResult;
  drifted: boolean;
}

export interface DatasetDrift {
  features: FeatureDrift[];
  /** Share of features that drifted. */
  driftShare: number;
  /** The dataset verdict: at least `shareThreshold` of the features drifted. */
  drifted: boolean;
}

export interface TableLike {
  features: ArrayLike<number>;
  nFeatures: number;
  featureNames?: readonly string[] | undefined;
}

export interface DatasetDriftOptions {
  /** KS significance level: a feature drifted when p ≤ alpha (default 0.05). */
  alpha?: number;
  /** Which test decides a feature: `'ks'` (default) or `'psi'`. */
  by?: 'ks' | 'psi';
  /** With `by: 'psi'`: a feature drifted when PSI ≥ this (default 0.1). */
  psiThreshold?: number;
  /** The dataset drifted when at least this share of features did (default 0.5). */
  shareThreshold?: number;
}

/** Checks a table's shape and returns its row count. */
function rows(t: unknown, name: string): number {
  const where = 'datasetDrift';
  if (t === null || typeof t !== 'object') throw invalidArgument(where, name, 'a table', t);
  const table = t as TableLike;
  const width = checkNumber(where, `${name}.nFeatures`, table.nFeatures, {
    integer: true,
    min: 1,
  });
  const values = table.features;
  if (values === null || typeof values !== 'object' || typeof values.length !== 'number') {
    throw invalidArgument(where, `${name}.features`, 'an array of numbers', values);
  }
  // A length that is not a multiple of the width means the rows are misaligned: reading it
  // anyway would silently drop the tail and shift nothing into place.
  if (values.length % width !== 0) {
    throw invalidArgument(
      where,
      `${name}.features`,
      `a whole number of rows of ${width} features (length a multiple of ${width})`,
      values.length,
    );
  }
  if (values.length === 0) throw invalidArgument(where, `${name}.features`, 'non-empty', 0);
  return values.length / width;
}

function column(t: TableLike, nRows: number, j: number): Float64Array {
  const out = new Float64Array(nRows);
  for (let i = 0; i < nRows; i++) out[i] = t.features[i * t.nFeatures + j] as number;
  return out;
}

/**
 * Per-feature KS and PSI between two tables, and the dataset verdict, with Evidently's rules:
 * a feature drifted when its KS p-value is at or below `alpha` (default 0.05), or with
 * `by: 'psi'` when its PSI is at or above `psiThreshold` (default 0.1); the dataset drifted
 * when at least `shareThreshold` (default 0.5) of its features did. A NaN or ±Infinity in a
 * column is refused (naming the column and row), as is a feature array whose length is not a
 * whole number of rows.
 *
 * @example
 * const t = (xs: number[]) => ({ features: Float32Array.from(xs), nFeatures: 1 });
 * const r = datasetDrift(t([1, 2, 3, 4, 5, 6]), t([11, 12, 13, 14, 15, 16]));
 * r.drifted; // → true
 * r.features[0].ks; // → { statistic: 1, pValue: 0.0022, method: 'exact' }
 */
export function datasetDrift(
  reference: TableLike,
  current: TableLike,
  opts: DatasetDriftOptions = {},
): DatasetDrift {
  const where = 'datasetDrift';
  if (opts === null || typeof opts !== 'object') {
    throw invalidArgument(where, 'opts', 'an options object', opts);
  }
  const nRef = rows(reference, 'reference');
  const nCur = rows(current, 'current');
  if (reference.nFeatures !== current.nFeatures) {
    throw invalidArgument(
      where,
      'current.nFeatures',
      `equal to reference.nFeatures (${reference.nFeatures})`,
      current.nFeatures,
    );
  }
  const by = checkOneOf(where, 'by', opts.by ?? 'ks', ['ks', 'psi']);
  const alpha = checkNumber(where, 'alpha', opts.alpha ?? 0.05, { above: 0, below: 1 });
  const psiThreshold = checkNumber(where, 'psiThreshold', opts.psiThreshold ?? 0.1, { min: 0 });
  const shareThreshold = checkNumber(where, 'shareThreshold', opts.shareThreshold ?? 0.5, {
    above: 0,
    max: 1,
  });
  const features: FeatureDrift[] = [];
  for (let j = 0; j < reference.nFeatures; j++) {
    const r = column(reference, nRef, j);
    const c = column(current, nCur, j);
    for (const [name, col] of [
      ['reference', r],
      ['current', c],
    ] as const) {
      for (let i = 0; i < col.length; i++) {
        if (!Number.isFinite(col[i])) {
          throw invalidArgument(where, `${name} row ${i}, feature ${j}`, 'a finite number', col[i]);
        }
      }
    }
    const ks = ksTwoSample(r, c);
    const p = psi(r, c);
    const drifted = by === 'psi' ? p.psi >= psiThreshold : ks.pValue <= alpha;
    const name = reference.featureNames?.[j];
    features.push({ feature: j, ...(name ? { name } : {}), ks, psi: p, drifted });
  }
  const driftShare = features.filter((f) => f.drifted).length / features.length;
  return { features, driftShare, drifted: driftShare >= shareThreshold };
}
