/**
 * Class labels are names, never output indices: `1`, `1.0` and `"1.00"` must be one class
 * (pandas writes `1.0` once a column has held a missing value), and labels 2…9 must give
 * eight classes, not ten outputs of which two are never trained.
 */

import { DECIMAL } from './columns';

/**
 * The canonical name of a label: a decimal number becomes `String(Number(x))`, anything else
 * its trimmed text (JSON booleans become `'true'` / `'false'`). Compare stored class names
 * through this, never as they were written.
 *
 * A decimal that does not fit a double (`1e400`) keeps its text: it is a name, not a number.
 * Integers beyond 2^53 lose digits exactly as JSON numbers do, so CSV and JSON Lines agree;
 * the loaders refuse a numeric label of more than 15 significant digits for that reason
 * (`9007199254740993` would become the class `'9007199254740992'`).
 *
 * @example
 * canonicalLabel('1.0'); // → '1'
 * canonicalLabel(' -2.50 '); // → '-2.5'
 * canonicalLabel(true); // → 'true'
 * canonicalLabel(' cat '); // → 'cat'
 */
export function canonicalLabel(raw: string | number | boolean): string {
  if (typeof raw === 'number') return String(raw);
  if (typeof raw === 'boolean') return raw ? 'true' : 'false';
  const text = raw.trim();
  if (!DECIMAL.test(text)) return text;
  const value = Number(text);
  return Number.isFinite(value) ? String(value) : text;
}

/**
 * Significant digits of a decimal numeral (`DECIMAL`): `-0.00120e5` has 2. A double keeps 15
 * (DBL_DIG): decimals of at most 15 significant digits that differ stay different as
 * numbers, longer ones may not (`9007199254740993` reads as `9007199254740992`).
 */
export function significantDigits(text: string): number {
  const mantissa = text
    .replace(/^[+-]/, '')
    .replace(/[eE].*$/, '')
    .replace('.', '');
  return mantissa.replace(/^0+/, '').replace(/0+$/, '').length;
}

/** Digits a double is guaranteed to keep. */
export const DOUBLE_DIGITS = 15;

/** Whether a canonical name is a number (so classes sort 2, 9, 10 rather than 10, 2, 9). */
function isNumericName(name: string): boolean {
  return DECIMAL.test(name) && Number.isFinite(Number(name));
}

/**
 * Code-point order. `Array.prototype.sort` compares UTF-16 code units, which puts an emoji
 * before U+FF01; `localeCompare` depends on the machine's locale. Class order decides output
 * indices, so it must be the same everywhere.
 */
export function compareCodePoints(a: string, b: string): number {
  let i = 0;
  let k = 0;
  while (i < a.length && k < b.length) {
    const x = a.codePointAt(i) as number;
    const y = b.codePointAt(k) as number;
    if (x !== y) return x - y;
    i += x > 0xffff ? 2 : 1;
    k += y > 0xffff ? 2 : 1;
  }
  return a.length - i - (b.length - k);
}

/** Unique canonical names in a stable order: numeric when every one is a number, else by code point. */
export function sortClassNames(names: Iterable<string>): string[] {
  const out = [...new Set(names)];
  if (out.every(isNumericName)) return out.sort((a, b) => Number(a) - Number(b));
  return out.sort(compareCodePoints);
}
