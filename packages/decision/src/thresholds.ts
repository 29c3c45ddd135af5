import { z } from 'zod';
import type { DriftSeverity } from './signals';

const fraction = z.number().min(0, 'must be in [0, 1]').max(1, 'must be in [0, 1]');

/**
 * Every number the rules compare against. Defaults follow the source article.
 *
 * @example
 * const t = Thresholds.parse({ fewShotSamples: 200 });
 * [t.fewShotSamples, t.dataRichSamples]; // → [200, 5000]
 * Thresholds.parse({ fewShotSamples: 9000 }); // → throws 'must be <= dataRichSamples'
 */
export const Thresholds = z
  .strictObject({
    /** Fewer new samples than this is few-shot: only the head can be trained safely. */
    fewShotSamples: z.number().int().positive().default(500),
    /** At least this many new samples can support training a network from scratch. */
    dataRichSamples: z.number().int().positive().default(5_000),
    /**
     * Probe accuracy at or above which the trunk's features transfer well — when the
     * champion's own accuracy is unknown. Otherwise the relative thresholds below apply.
     */
    goodTransfer: fraction.default(0.7),
    /** Probe accuracy below which the trunk's features do not transfer (absolute). */
    poorTransfer: fraction.default(0.55),
    /**
     * Probe accuracy / the champion's own accuracy at or above which head-only training
     * nearly matches what the champion did on its own data: features transfer. A probe of
     * 0.83 under a 0.98 champion (0.85) is not good transfer — head-only then lost 16–21
     * points on real data; scenario D's 0.92 under 0.98 (0.94) is, and head-only wins there.
     */
    goodRelativeTransfer: fraction.default(0.9),
    /** Probe accuracy / the champion's own accuracy below which features do not transfer. */
    poorRelativeTransfer: fraction.default(0.75),
    /**
     * A measured accuracy resting on fewer rows than this is too uncertain to decide on
     * alone (its 95 % Wilson interval is wider than about ±10 points near 0.5): a decision
     * that rests on it gets its confidence lowered.
     */
    minSignalRows: z.number().int().positive().default(100),
    /** Accuracy drop on the new data that counts as mild drift (absolute). */
    mildDrop: fraction.default(0.05),
    /** Accuracy drop at or above which drift is severe (absolute). */
    severeDrop: fraction.default(0.15),
    /** A drop no larger than this means the champion already serves the new data. */
    noGainTolerance: fraction.default(0.02),
    /**
     * Champion accuracy at or above which more rows of the same distribution have nothing
     * left to teach it. Below it, new rows of an unchanged distribution are more training
     * data: on the real-data suite warm combined retraining then beat head-only by up to 2
     * points (zip codes at 88–91 %, Seattle weather at 85–89 %); at the article's 98 % every
     * update is within a point of the champion.
     */
    saturatedAccuracy: fraction.default(0.95),
    /** Estimated label noise above which every recommendation is downgraded. */
    labelNoiseWarning: fraction.default(0.2),
    /** Majority/minority ratio above which imbalance is flagged. */
    classImbalanceWarning: z.number().min(1).default(10),
  })
  .refine((t) => t.poorTransfer <= t.goodTransfer, {
    path: ['poorTransfer'],
    message: 'must be <= goodTransfer',
  })
  .refine((t) => t.poorRelativeTransfer <= t.goodRelativeTransfer, {
    path: ['poorRelativeTransfer'],
    message: 'must be <= goodRelativeTransfer',
  })
  .refine((t) => t.fewShotSamples <= t.dataRichSamples, {
    path: ['fewShotSamples'],
    message: 'must be <= dataRichSamples',
  })
  .refine((t) => t.mildDrop <= t.severeDrop, {
    path: ['mildDrop'],
    message: 'must be <= severeDrop',
  });

export type Thresholds = z.output<typeof Thresholds>;
export type ThresholdsInput = z.input<typeof Thresholds>;

/**
 * Severity of drift implied by an absolute accuracy drop: within the no-gain tolerance
 * is none, below `mildDrop` mild, below `severeDrop` moderate, else severe.
 *
 * @example
 * const t = Thresholds.parse({});
 * severityFromAccuracyDrop(0.01, t); // → 'none'
 * severityFromAccuracyDrop(0.1, t); // → 'moderate'
 * severityFromAccuracyDrop(0.2, t); // → 'severe'
 */
export function severityFromAccuracyDrop(drop: number, t: Thresholds): DriftSeverity {
  if (drop <= t.noGainTolerance) return 'none';
  if (drop < t.mildDrop) return 'mild';
  if (drop < t.severeDrop) return 'moderate';
  return 'severe';
}

export const SEVERITY_RANK: Readonly<Record<DriftSeverity, number>> = {
  none: 0,
  mild: 1,
  moderate: 2,
  severe: 3,
};
