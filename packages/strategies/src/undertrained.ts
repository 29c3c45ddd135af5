import type { StopReason } from './train';

/** How a model was trained, as recorded with it (a registry version keeps one). */
export interface TrainingRecord {
  steps: number;
  epochs: number;
  stopped: StopReason;
  /** Training loss per epoch. */
  losses?: readonly number[];
  /** Validation loss per epoch, when training had a validation split. */
  valLosses?: readonly number[];
}

export interface UndertrainedOptions {
  /** Fewer optimiser steps than this is undertrained whatever the curves say (default 100). */
  minSteps?: number;
  /** The share of the last epochs that must still improve on the rest (default 0.25). */
  tailShare?: number;
  /** Relative improvement of the validation loss in that tail that counts (default 0.01). */
  valImprovement?: number;
  /** The same for the training loss, when there is no validation curve (default 0.05). */
  trainImprovement?: number;
}

/**
 * Whether a model's training stopped before it converged, from its training record:
 *
 * 1. fewer than `minSteps` optimiser steps — too few to converge on any data;
 * 2. stopped by early stopping — it had converged (the validation loss stopped improving);
 * 3. ran out of planned epochs while the best validation loss of the last quarter of epochs
 *    was still more than 1 % below the best before it — it was still learning;
 * 4. without a validation curve, the same test on the training loss at 5 %.
 *
 * @example
 * undertrained({ steps: 20, epochs: 10, stopped: 'completed' });
 * // → { value: true, why: 'trained only 20 optimiser steps (< 100)' }
 */
export function undertrained(
  record: TrainingRecord,
  opts: UndertrainedOptions = {},
): { value: boolean; why: string } {
  const minSteps = opts.minSteps ?? 100;
  if (record.steps < minSteps) {
    return { value: true, why: `trained only ${record.steps} optimiser steps (< ${minSteps})` };
  }
  if (record.stopped === 'early-stopping') {
    return {
      value: false,
      why: 'early stopping ended its training: the validation loss had converged',
    };
  }
  const tail = (curve: readonly number[], threshold: number, what: string) => {
    if (curve.length < 4) return undefined;
    const k = Math.max(1, Math.round(curve.length * (opts.tailShare ?? 0.25)));
    const before = Math.min(...curve.slice(0, -k));
    const last = Math.min(...curve.slice(-k));
    const gain = (before - last) / Math.max(Math.abs(before), 1e-12);
    return gain > threshold
      ? {
          value: true,
          why: `its ${what} loss still fell by ${(gain * 100).toFixed(1)} % over the last ${k} of ${curve.length} epochs when the epoch budget ran out`,
        }
      : {
          value: false,
          why: `its ${what} loss had levelled off (${(gain * 100).toFixed(1)} % over the last ${k} of ${curve.length} epochs)`,
        };
  };
  return (
    (record.valLosses && tail(record.valLosses, opts.valImprovement ?? 0.01, 'validation')) ||
    (record.losses && tail(record.losses, opts.trainImprovement ?? 0.05, 'training')) || {
      value: false,
      why: 'no loss curve recorded: assumed converged',
    }
  );
}
