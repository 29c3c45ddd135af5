import type { ScenarioId } from './config';
import type { AggregateRow, BenchResult } from './run';
import type { RowId } from './table';

export interface Finding {
  scenario: ScenarioId;
  claim: string;
  holds: boolean;
  detail: string;
}

const f4 = (x: number | undefined) => (x === undefined ? '-' : x.toFixed(4));

/**
 * The article's findings (shared/reference/README.md, section 2), checked on a bench result.
 * Each claim is checked on the mean over seeds.
 */
export function checkFindings(result: Pick<BenchResult, 'scenarios'>): Finding[] {
  const out: Finding[] = [];
  const rows = (id: ScenarioId) =>
    Object.fromEntries((result.scenarios[id]?.rows ?? []).map((r) => [r.id, r])) as Partial<
      Record<RowId, AggregateRow>
    >;
  const acc = (r: AggregateRow | undefined) => r?.accuracy ?? Number.NaN;

  if (result.scenarios.A) {
    const r = rows('A');
    const champion = acc(r.champion);
    const worst = Object.values(r).reduce<number>(
      (w, x) => Math.max(w, Math.abs(x.accuracy - champion)),
      0,
    );
    out.push({
      scenario: 'A',
      claim: 'every strategy within about 2 points of the champion',
      holds: worst <= 0.03,
      detail: `largest gap to the champion ${f4(worst)}`,
    });
  }
  if (result.scenarios.B) {
    const r = rows('B');
    const updates = (
      [
        'fine_tune_head_only',
        'fine_tune_full_network',
        'retrain_warm_combined',
        'train_from_scratch',
      ] as const
    ).map((id) => acc(r[id]));
    out.push({
      scenario: 'B',
      claim: 'the champion is at chance',
      holds: acc(r.champion) <= 0.6,
      detail: `champion ${f4(acc(r.champion))}`,
    });
    out.push({
      scenario: 'B',
      claim: 'head-only and full fine-tuning recover to ≥ 0.95',
      holds: acc(r.fine_tune_head_only) >= 0.95 && acc(r.fine_tune_full_network) >= 0.95,
      detail: `head-only ${f4(acc(r.fine_tune_head_only))}, full ${f4(acc(r.fine_tune_full_network))}`,
    });
    const warm = acc(r.retrain_warm_combined);
    const others = updates.filter((_, i) => i !== 2);
    out.push({
      scenario: 'B',
      claim: 'warm combined retraining is clearly the worst update',
      holds: others.every((a) => a - warm >= 0.05),
      detail: `warm combined ${f4(warm)} vs the others ${others.map(f4).join(', ')}`,
    });
  }
  if (result.scenarios.C) {
    const r = rows('C');
    const head = r.fine_tune_head_only;
    out.push({
      scenario: 'C',
      claim: 'head-only expansion on new-class data forgets the old classes, learns the new',
      holds: (head?.oldClassAccuracy ?? 1) <= 0.05 && (head?.newClassAccuracy ?? 0) >= 0.95,
      detail: `old ${f4(head?.oldClassAccuracy)}, new ${f4(head?.newClassAccuracy)}`,
    });
    const combined = (
      [
        'retrain_warm_combined@fine_tune_full_network',
        'retrain_warm_combined',
        'train_from_scratch',
      ] as const
    ).map((id) => acc(r[id]));
    out.push({
      scenario: 'C',
      claim: 'every strategy trained on combined data reaches ≥ 0.95',
      holds: combined.every((a) => a >= 0.95),
      detail: combined.map(f4).join(', '),
    });
  }
  if (result.scenarios.D) {
    const r = rows('D');
    out.push({
      scenario: 'D',
      claim: 'the source model is at chance on the target domain',
      holds: acc(r.champion) <= 0.45,
      detail: `source ${f4(acc(r.champion))}`,
    });
    const gap = acc(r.fine_tune_head_only) - acc(r.train_from_scratch);
    out.push({
      scenario: 'D',
      claim: 'head-only fine-tuning beats scratch on the same data by ≥ 5 points',
      holds: gap >= 0.05,
      detail: `head-only ${f4(acc(r.fine_tune_head_only))} − scratch ${f4(acc(r.train_from_scratch))} = ${f4(gap)}`,
    });
    out.push({
      scenario: 'D',
      claim: 'head-only fine-tuning is better calibrated than scratch',
      holds: (r.fine_tune_head_only?.ece ?? 1) < (r.train_from_scratch?.ece ?? 0),
      detail: `ECE ${f4(r.fine_tune_head_only?.ece)} vs ${f4(r.train_from_scratch?.ece)}`,
    });
  }
  return out;
}
