import { RvftError } from './error';

/**
 * Argument checks for package boundaries. They throw RVFT_ERR_INVALID_ARGUMENT with one message
 * shape everywhere — `<where>: <name> must be <rule>, got <value>` — so a NaN option is refused
 * the same way by a detector, a metric or the training loop.
 */

export interface NumberRule {
  integer?: boolean;
  /** Inclusive lower bound. */
  min?: number;
  /** Inclusive upper bound. */
  max?: number;
  /** Exclusive lower bound (e.g. a probability that must be > 0). */
  above?: number;
  /** Exclusive upper bound. */
  below?: number;
}

/**
 * Shows a value the way a user wrote it: strings quoted, NaN and ±Infinity by name.
 *
 * @example
 * showValue('cat'); // → '"cat"'
 * showValue(Number.NaN); // → 'NaN'
 * showValue([1, 2, 3]); // → 'an array of 3'
 */
export function showValue(value: unknown): string {
  if (typeof value === 'string')
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (
    typeof value === 'number' ||
    typeof value === 'boolean' ||
    value === null ||
    value === undefined
  ) {
    return String(value);
  }
  if (Array.isArray(value)) return `an array of ${value.length}`;
  return typeof value;
}

/**
 * @example
 * invalidArgument('psi', 'bins', 'a whole number >= 2', 1.5);
 * // → { code: 'RVFT_ERR_INVALID_ARGUMENT', message: 'psi: bins must be a whole number >= 2, got 1.5' }
 */
export function invalidArgument(
  where: string,
  name: string,
  rule: string,
  value: unknown,
): RvftError {
  return new RvftError(
    'RVFT_ERR_INVALID_ARGUMENT',
    `${where}: ${name} must be ${rule}, got ${showValue(value)}`,
    { details: { where, name, rule } },
  );
}

function describe(rule: NumberRule): string {
  const parts: string[] = [rule.integer ? 'an integer' : 'a finite number'];
  if (rule.min !== undefined) parts.push(`>= ${rule.min}`);
  if (rule.above !== undefined) parts.push(`> ${rule.above}`);
  if (rule.max !== undefined) parts.push(`<= ${rule.max}`);
  if (rule.below !== undefined) parts.push(`< ${rule.below}`);
  return parts.join(' ');
}

/**
 * Returns `value` when it is a finite number obeying `rule`; throws otherwise.
 *
 * @example
 * ```ts
 * checkNumber('Ddm', 'minInstances', 30, { integer: true, min: 1 }); // → 30
 * checkNumber('Ddm', 'minInstances', Number.NaN, { min: 1 });
 * // → throws { code: 'RVFT_ERR_INVALID_ARGUMENT',
 * //   message: 'Ddm: minInstances must be a finite number, got NaN' }
 * ```
 */
export function checkNumber(
  where: string,
  name: string,
  value: unknown,
  rule: NumberRule = {},
): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw invalidArgument(where, name, rule.integer ? 'an integer' : 'a finite number', value);
  }
  const ok =
    (!rule.integer || Number.isInteger(value)) &&
    (rule.min === undefined || value >= rule.min) &&
    (rule.max === undefined || value <= rule.max) &&
    (rule.above === undefined || value > rule.above) &&
    (rule.below === undefined || value < rule.below);
  if (!ok) throw invalidArgument(where, name, describe(rule), value);
  return value;
}

/**
 * Returns `value` when it is one of `allowed`; throws listing them otherwise.
 *
 * @example
 * checkOneOf('PageHinkley', 'mode', 'up', ['up', 'down', 'both']); // → 'up'
 * checkOneOf('PageHinkley', 'mode', 'sideways', ['up', 'down', 'both']);
 * // → throws "PageHinkley: mode must be one of 'up', 'down', 'both', got \"sideways\""
 */
export function checkOneOf<T extends string>(
  where: string,
  name: string,
  value: unknown,
  allowed: readonly T[],
): T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value))
    return value as T;
  throw invalidArgument(where, name, `one of ${allowed.map((a) => `'${a}'`).join(', ')}`, value);
}

/**
 * Checks that every entry of a numeric array is finite (and obeys `rule`); the message names the
 * first bad index. Typed arrays are accepted.
 *
 * @example
 * checkNumbers('psi', 'reference', new Float64Array([0.1, Number.NaN]));
 * // → throws 'psi: reference[1] must be a finite number, got NaN'
 */
export function checkNumbers(
  where: string,
  name: string,
  values: ArrayLike<number>,
  rule: NumberRule = {},
): void {
  for (let i = 0; i < values.length; i++) {
    checkNumber(where, `${name}[${i}]`, values[i], rule);
  }
}
