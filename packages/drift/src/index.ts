export { Adwin } from './adwin';
export {
  type DatasetDrift,
  type DatasetDriftOptions,
  datasetDrift,
  type FeatureDrift,
  type TableLike,
} from './dataset-drift';
export { Ddm, type DdmOptions } from './ddm';
export type { DriftDetector } from './detector';
export { KS_EXACT_MAX_N, type KsResult, kolmogorovQ, ksTwoSample } from './ks';
export { PageHinkley, type PageHinkleyMode, type PageHinkleyOptions } from './page-hinkley';
export {
  PSI_MAX_CATEGORIES,
  type PsiBand,
  type PsiBinning,
  type PsiOptions,
  type PsiResult,
  psi,
} from './psi';
export type { Sample } from './sample';
