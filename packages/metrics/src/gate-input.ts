import { RvftError } from '@rvft/errors';
/** Which model's evidence an invalid gate input came from. */
export type GateSide = 'champion' | 'challenger';

/**
 * A gate was handed a value it cannot decide on: an accuracy outside [0, 1] or not finite, a
 * negative or non-finite ECE, per-row arrays that are empty, differ in length between champion
 * and challenger, or hold something other than 0/1/true/false. Thrown by
 * {@link evaluationGate} and {@link statisticalGate} instead of letting such a value pass (an
 * accuracy of 5, or a champion at −Infinity, would otherwise beat any limit).
 *
 * An `RvftError` with code `RVFT_ERR_GATE_INPUT` (category input): branch on `code`. Invalid
 * gate OPTIONS (a policy or threshold) are `RVFT_ERR_INVALID_ARGUMENT` instead.
 *
 * @example
 * evaluationGate({ newTaskAccuracy: 5 }, { newTaskAccuracy: 0.9 });
 * // → throws { name: 'GateInputError', code: 'RVFT_ERR_GATE_INPUT', side: 'challenger',
 * //   field: 'newTaskAccuracy', value: 5 }
 */
export class GateInputError extends RvftError {
  override readonly name = 'GateInputError';

  constructor(
    /** The model whose input is invalid (for a length mismatch: the challenger). */
    readonly side: GateSide,
    /** The field, with the row index for a bad per-row value (`newCorrect[17]`). */
    readonly field: string,
    /** The offending value (for a length problem: the length). */
    readonly value: unknown,
    /** Why it is refused, e.g. "is not an accuracy in [0, 1]". */
    reason: string,
  ) {
    super('RVFT_ERR_GATE_INPUT', `${side}.${field}: ${reason}, got ${describe(value)}`, {
      details: { side, field },
    });
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' && Object.is(value, -0)) return '-0';
  return String(value);
}

/** Throws a {@link GateInputError} unless `value` is a finite number in [min, max]. Internal. */
export function checkGateNumber(
  side: GateSide,
  field: string,
  value: unknown,
  min: number,
  max: number,
  what: string,
): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new GateInputError(side, field, value, `is not ${what}`);
  }
  return value;
}
