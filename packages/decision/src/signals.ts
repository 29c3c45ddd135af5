import { z } from 'zod';

const count = z.number().int('must be a whole number').nonnegative('must be >= 0');
const probability = z.number().min(0, 'must be in [0, 1]').max(1, 'must be in [0, 1]');

export const DriftSeverity = z.enum(['none', 'mild', 'moderate', 'severe']);
export type DriftSeverity = z.infer<typeof DriftSeverity>;

/** What arrived: how much new data, how much history, whether the label space grew. */
export const DataSignals = z
  .strictObject({
    nNewSamples: count.describe('labelled samples in the new window'),
    nHistoricalSamples: count.default(0).describe('labelled samples the champion was trained on'),
    newClassesAdded: z
      .boolean()
      .optional()
      .describe('labels the champion cannot output appear; defaults to nNewClasses > 0'),
    nNewClasses: count.default(0).describe('how many new labels appeared'),
    labelNoise: probability.default(0).describe('estimated share of wrong labels in the new data'),
    classImbalance: z
      .number()
      .min(1, 'must be >= 1 (majority count / minority count)')
      .default(1)
      .describe('majority class count divided by minority class count in the new data'),
  })
  .superRefine((d, ctx) => {
    if (d.newClassesAdded === false && d.nNewClasses > 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['newClassesAdded'],
        message: `is false but nNewClasses is ${d.nNewClasses}`,
      });
    }
  });
export type DataSignals = z.output<typeof DataSignals>;

/** The measured signals whose reliability depends on how many rows they were measured on. */
export const SIGNAL_COUNT_KEYS = [
  'currentAccuracy',
  'accuracyOnNewData',
  'transferQuality',
] as const;
export type SignalCountKey = (typeof SIGNAL_COUNT_KEYS)[number];

/**
 * How many rows each measured accuracy rests on. Optional: without counts the engine takes
 * the numbers as exact; with them it lowers its confidence when a deciding signal rests on
 * fewer than `Thresholds.minSignalRows` rows, and says so.
 */
export const SignalCounts = z.strictObject({
  currentAccuracy: count.optional().describe('held-out rows behind currentAccuracy'),
  accuracyOnNewData: count.optional().describe('rows behind accuracyOnNewData'),
  transferQuality: count.optional().describe('held-out rows behind transferQuality'),
});

/** How the current champion behaves. Accuracies are on held-out data. */
export const ModelSignals = z.strictObject({
  currentAccuracy: probability.optional().describe('champion accuracy on its own distribution'),
  accuracyOnNewData: probability.optional().describe('champion accuracy on the new data'),
  architectureFits: z
    .boolean()
    .default(true)
    .describe('the output layer already covers every label in the new data'),
  isUndertrained: z.boolean().default(false).describe('the champion had not converged'),
  transferQuality: probability
    .optional()
    .describe(
      'accuracy of head-only training on the frozen trunk, on held-out new rows (a probe); the rules compare it with currentAccuracy when that is known',
    ),
  counts: SignalCounts.optional().describe('rows each measured accuracy rests on'),
});
export type ModelSignals = z.output<typeof ModelSignals>;

export const DriftSignals = z
  .strictObject({
    driftDetected: z.boolean().optional().describe('defaults to driftSeverity != none'),
    driftSeverity: DriftSeverity.default('none'),
    newTask: z.boolean().default(false).describe('the new data is a different task, not a shift'),
    accuracyDropSignificant: z
      .boolean()
      .optional()
      .describe(
        'whether currentAccuracy − accuracyOnNewData is statistically significant; false: the drop implies no drift (too few rows to tell)',
      ),
    taskIdKnown: z.boolean().default(false).describe('inputs come with a task id at serving time'),
  })
  .superRefine((d, ctx) => {
    if (d.driftDetected === false && d.driftSeverity !== 'none') {
      ctx.addIssue({
        code: 'custom',
        path: ['driftDetected'],
        message: `is false but driftSeverity is '${d.driftSeverity}'`,
      });
    }
  });
export type DriftSignals = z.output<typeof DriftSignals>;

export const ConstraintSignals = z.strictObject({
  canStoreHistorical: z.boolean().default(true).describe('historical data may be kept and reused'),
  maxTrainingBudgetS: z
    .number()
    .positive('must be > 0')
    .optional()
    .describe('wall-clock budget for one update, seconds'),
  scratchTrainingS: z
    .number()
    .positive('must be > 0')
    .optional()
    .describe('measured seconds of one from-scratch training on the new data (budget estimates)'),
  latencyCritical: z.boolean().default(false).describe('the update must ship as fast as possible'),
  catastrophicForgettingForbidden: z.boolean().default(false),
  retainPriorPerformance: z
    .boolean()
    .default(true)
    .describe(
      'the updated model must still serve the old distribution; false when the new replaces it',
    ),
});
export type ConstraintSignals = z.output<typeof ConstraintSignals>;

/**
 * The whole input of `DecisionEngine.decide`. Only `data.nNewSamples` is required.
 *
 * @example
 * const signals = DecisionInput.parse({ data: { nNewSamples: 10 } });
 * signals.constraints.retainPriorPerformance; // → true — the defaults are filled in
 */
export const DecisionInput = z.strictObject({
  data: DataSignals,
  model: ModelSignals.prefault({}),
  drift: DriftSignals.prefault({}),
  constraints: ConstraintSignals.prefault({}),
});
export type DecisionInput = z.input<typeof DecisionInput>;
export type Signals = z.output<typeof DecisionInput>;

/**
 * JSON Schema (draft 2020-12) of what `decide` accepts.
 *
 * @example
 * decisionInputJsonSchema().required; // → ['data']
 */
export function decisionInputJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(DecisionInput, { io: 'input' }) as Record<string, unknown>;
}
