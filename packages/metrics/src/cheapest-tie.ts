import { checkNumber, invalidArgument } from '@rvft/errors';
import { pairedComparison } from './paired';
import type { Correctness } from './wilson';

/** A candidate scored on the same rows as the others: its per-row correctness and its cost. */
export interface TieCandidate<K> {
  id: K;
  /** Per-row correctness (`1`/`true` right) on the rows every candidate shares. */
  correct: Correctness;
  /** What the candidate costs (any unit; lower is cheaper). */
  cost: number;
}

export interface CheapestTie<K> {
  /** The most accurate candidate (the first of equals). */
  best: K;
  /** The pick: the cheapest candidate that ties the best (ties on cost: the earliest). */
  picked: K;
  /** Every candidate that ties the best, in the input order. */
  tied: K[];
  /** Each candidate's accuracy and its exact McNemar p-value against the best (1 for the best). */
  scores: { id: K; accuracy: number; pValue: number; tied: boolean }[];
}

const correctCount = (c: Correctness): number => {
  let s = 0;
  for (let i = 0; i < c.length; i++) s += c[i] ? 1 : 0;
  return s;
};

/**
 * The measured decision rule of the race and the benchmarks: among candidates scored on the
 * same rows, the cheapest one **not significantly worse than the best** — exact McNemar
 * ({@link pairedComparison}) at `alpha`, or within `margin` accuracy of it. Ties on cost go
 * to the earlier candidate, so callers pass candidates in their preferred order (the engine's).
 * With `tieBreak: 'order'` cost is ignored and the earliest tie wins — what to do when the rows
 * are too few for a tie to mean "as good".
 *
 * Pooling seeds: concatenate each candidate's per-row correctness over the seeds (every
 * candidate in the same seed order); the exact test on the pooled pairs is the pooled verdict.
 *
 * @example
 * // 10 rows: b is right on 9, a on 8 (a's misses include b's one), a is cheaper.
 * const tie = cheapestNotWorse([
 *   { id: 'a', cost: 1, correct: [1, 1, 1, 1, 1, 1, 1, 1, 0, 0] },
 *   { id: 'b', cost: 5, correct: [1, 1, 1, 1, 1, 1, 1, 1, 1, 0] },
 * ]);
 * tie.best; // → 'b'
 * tie.picked; // → 'a'
 * tie.scores[0].pValue; // → 1 — one discordant row
 */
export function cheapestNotWorse<K>(
  candidates: readonly TieCandidate<K>[],
  opts: { alpha?: number; margin?: number; tieBreak?: 'cost' | 'order' } = {},
): CheapestTie<K> {
  const where = 'cheapestNotWorse';
  const alpha = checkNumber(where, 'alpha', opts.alpha ?? 0.05, { above: 0, below: 1 });
  const margin = checkNumber(where, 'margin', opts.margin ?? 0, { min: 0, max: 1 });
  if (candidates.length === 0) throw invalidArgument(where, 'candidates', 'non-empty', candidates);
  candidates.forEach((c, i) => {
    checkNumber(where, `candidates[${i}].cost`, c.cost, { min: 0 });
  });
  const counts = candidates.map((c) => correctCount(c.correct));
  let bestIndex = 0;
  counts.forEach((k, i) => {
    if (k > (counts[bestIndex] as number)) bestIndex = i;
  });
  const best = candidates[bestIndex] as TieCandidate<K>;
  const scores = candidates.map((c, i) => {
    const n = c.correct.length;
    if (i === bestIndex)
      return { id: c.id, accuracy: (counts[i] as number) / n, pValue: 1, tied: true };
    // pairedComparison checks equal lengths and 0/1 values, naming the argument
    const p = pairedComparison(best.correct, c.correct);
    const tied = p.pValue >= alpha || p.difference <= margin;
    return { id: c.id, accuracy: p.accuracyB, pValue: p.pValue, tied };
  });
  const tiedIdx = scores.flatMap((s, i) => (s.tied ? [i] : []));
  let pick = tiedIdx[0] as number;
  if ((opts.tieBreak ?? 'cost') === 'cost') {
    for (const i of tiedIdx) {
      if ((candidates[i] as TieCandidate<K>).cost < (candidates[pick] as TieCandidate<K>).cost)
        pick = i;
    }
  }
  return {
    best: best.id,
    picked: (candidates[pick] as TieCandidate<K>).id,
    tied: tiedIdx.map((i) => (candidates[i] as TieCandidate<K>).id),
    scores,
  };
}
