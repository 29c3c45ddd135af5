import type { ScenarioId } from './config';
import type { AggregateRow, BenchResult, Metric } from './run';

function cell(row: AggregateRow, metric: Metric, digits: number): string {
  const v = row[metric];
  if (v === undefined) return '';
  const s = row.sd?.[metric];
  return s === undefined ? v.toFixed(digits) : `${v.toFixed(digits)}±${s.toFixed(digits)}`;
}

/** A plain-text table: numbers right-aligned, the text columns (`text`, by index) left. */
function table(headers: string[], rows: string[][], text: readonly number[] = [0]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (text.includes(i) ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** A scenario's table: headers and cells, shared by the text and the HTML report. */
export function scenarioTable(s: NonNullable<BenchResult['scenarios'][ScenarioId]>): {
  headers: string[];
  rows: string[][];
} {
  const withClasses = s.rows.some((r) => r.oldClassAccuracy !== undefined);
  return {
    headers: [
      'strategy',
      'ACC',
      'F1',
      'ECE',
      'train s',
      ...(withClasses ? ['old acc', 'new acc'] : []),
      'trained on',
    ],
    rows: s.rows.map((r) => [
      r.id,
      cell(r, 'accuracy', 4),
      cell(r, 'macroF1', 4),
      cell(r, 'ece', 4),
      cell(r, 'trainS', 2),
      ...(withClasses ? [cell(r, 'oldClassAccuracy', 3), cell(r, 'newClassAccuracy', 3)] : []),
      r.label,
    ]),
  };
}

export function formatScenario(
  id: ScenarioId,
  s: NonNullable<BenchResult['scenarios'][ScenarioId]>,
): string {
  const t = scenarioTable(s);
  // the id and what it trained on are words; the rest are figures
  const text = [0, t.headers.length - 1];
  return `Scenario ${id} — ${s.title} (test: ${s.test})\n${table(t.headers, t.rows, text)}`;
}

/** The cost table: headers and cells, shared by the text and the HTML report. */
export function costModelTable(result: BenchResult): { headers: string[]; rows: string[][] } {
  return {
    headers: ['strategy', 'compute', 'samples', 'forgetting risk'],
    rows: result.costModel.map((c) => [
      c.strategy,
      `${c.relativeCompute.toFixed(1)}x`,
      String(c.samplesRequired),
      c.forgettingRisk,
    ]),
  };
}

export function formatCostModel(result: BenchResult): string {
  const t = costModelTable(result);
  return `Cost model (relative compute, head-only = 1; 267,000 params, 512 in the head, 500 new, 1,000 old, 10 epochs)\n${table(
    t.headers,
    t.rows,
  )}`;
}

export function formatFindings(result: BenchResult): string {
  const lines = result.findings.map(
    (f) => `  ${f.holds ? 'PASS' : 'FAIL'}  ${f.scenario}: ${f.claim} — ${f.detail}`,
  );
  return `Findings (the article's, checked on the ${result.seeds.length > 1 ? `mean of ${result.seeds.length} seeds` : `seed ${result.seed}`}):\n${lines.join('\n')}`;
}

export const DECISION_HEADERS = [
  'scenario',
  'measured signals',
  'recommended',
  'measured winner',
  'agree',
];

/** The decision-validation table's cells, shared by the text and the HTML report. */
export function decisionRows(result: BenchResult): string[][] {
  return (result.decisionValidation ?? []).map((c) => {
    const s = c.signals;
    const measured = [
      `new ${s.nNewSamples}`,
      `hist ${s.nHistoricalSamples}`,
      s.nNewClasses ? `+${s.nNewClasses} classes` : '',
      s.currentAccuracy !== undefined ? `acc ${s.currentAccuracy.toFixed(2)}` : '',
      s.accuracyOnNewData !== undefined ? `on new ${s.accuracyOnNewData.toFixed(2)}` : '',
      s.transferQuality !== undefined ? `probe ${s.transferQuality.toFixed(2)}` : '',
      `drift ${s.driftSeverity}`,
      s.featureDriftShare !== undefined
        ? `features drifted ${(s.featureDriftShare * 100).toFixed(0)}%`
        : '',
      s.retainPriorPerformance ? '' : 'replaces old',
    ]
      .filter(Boolean)
      .join(', ');
    const seeds =
      c.agreeBySeed.length > 1
        ? ` (${c.agreeBySeed.filter(Boolean).length}/${c.agreeBySeed.length} seeds)`
        : '';
    return [
      c.scenario,
      measured,
      `${c.recommended} (${c.confidence})`,
      `${c.measuredWinner} (${c.winnerAccuracy.toFixed(4)}; best ${c.bestAccuracy.toFixed(4)})`,
      `${c.agree ? 'yes' : 'NO'}${seeds}`,
    ];
  });
}

export function formatDecisionValidation(result: BenchResult): string {
  return `Decisions checked against outcomes (measured winner: fewest parameter updates not significantly worse than the best — exact McNemar on the per-row predictions pooled over seeds, α = 0.05)\n${table(
    DECISION_HEADERS,
    decisionRows(result),
  )}`;
}

export function formatReport(result: BenchResult): string {
  const parts: string[] = [];
  for (const id of ['A', 'B', 'C', 'D'] as const) {
    const s = result.scenarios[id];
    if (s) parts.push(formatScenario(id, s));
  }
  parts.push(formatCostModel(result), formatFindings(result));
  if (result.decisionValidation) parts.push(formatDecisionValidation(result));
  parts.push(
    `backend: ${result.backend} · seeds: ${result.seeds.join(', ')} · total runtime: ${result.totalRuntimeS.toFixed(2)} s`,
  );
  return parts.join('\n\n');
}
