export {
  type DatasetDrift,
  datasetDrift,
  type FeatureDrift,
  type KsResult,
  kolmogorovQ,
  ksTwoSample,
  type PsiBand,
  type PsiResult,
  psi,
  type Sample,
  type TableLike,
} from './batch';
export { Adwin, Ddm, type DriftDetector, PageHinkley } from './streaming';
