import type { Row } from './io';

/** A finite number from a JSON number or a numeric CSV string; else undefined. */
export function num(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && value.trim() !== '') {
    const x = Number(value);
    return Number.isFinite(x) ? x : undefined;
  }
  return undefined;
}

/** A non-empty string (numbers written as strings); else undefined. */
export function str(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() === '' ? undefined : value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/** The row when every part is present, undefined when any is missing or non-numeric. */
export function complete(parts: Record<string, number | string | undefined>): Row | undefined {
  for (const value of Object.values(parts)) if (value === undefined) return undefined;
  return parts as Row;
}

/** Records mapped to rows; records that map to undefined are dropped and counted. */
export function rowsOf<T>(
  records: readonly T[],
  toRow: (record: T) => Row | undefined,
): { rows: Row[]; dropped: number } {
  const rows: Row[] = [];
  for (const record of records) {
    const row = toRow(record);
    if (row !== undefined) rows.push(row);
  }
  return { rows, dropped: records.length - rows.length };
}

export function classCounts(rows: readonly Row[], label: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const row of rows) {
    const c = String(row[label]);
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  return counts;
}

/**
 * Drops the classes with fewer than `min` rows on either side (absent counts as 0): too few
 * to learn from or to score on. Not for situations whose point is a class on one side only.
 */
export function dropRareClasses(
  old: Row[],
  newPool: Row[],
  label: string,
  min: number,
): { old: Row[]; newPool: Row[]; dropped: string[] } {
  const o = classCounts(old, label);
  const n = classCounts(newPool, label);
  const dropped = [...new Set([...o.keys(), ...n.keys()])]
    .filter((c) => (o.get(c) ?? 0) < min || (n.get(c) ?? 0) < min)
    .sort();
  const keep = (row: Row) => !dropped.includes(String(row[label]));
  return { old: old.filter(keep), newPool: newPool.filter(keep), dropped };
}

/**
 * At most `cap` rows, evenly spaced through `rows` in file order (row ⌊i·n/cap⌋ for
 * i < cap): deterministic and spread over the whole file.
 */
export function capEvenly(rows: readonly Row[], cap: number): Row[] {
  const n = rows.length;
  if (n <= cap) return [...rows];
  return Array.from({ length: cap }, (_, i) => rows[Math.floor((i * n) / cap)]!);
}
