import type { StatisticalGateResult } from '@rvft/metrics';
import type { ModelCard } from '@rvft/registry';
import { type CalibrationReport, describeCalibration } from './calibrate';
import type { UpdateReport } from './update';

const pct = (x: number | undefined) => (x === undefined ? '–' : `${(x * 100).toFixed(1)} %`);
const interval = (a: { estimate: number; lower: number; upper: number; n: number }) =>
  `${pct(a.estimate)} [${pct(a.lower)}, ${pct(a.upper)}] on ${a.n} rows`;
const signed = (x: number | null | undefined) =>
  x === null || x === undefined ? '–' : `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}`;

/**
 * The card of a version an update registered, from its report and the fingerprints of the data
 * it saw: row counts, signals with their intervals, the decision and the rules behind it, the
 * race, the gate's checks with their intervals, hyper-parameters and budget, backend and times.
 * Stored beside the artifacts (`card.json`, `card.md`); `rvft registry show` prints it.
 */
export function updateCard(
  report: Omit<UpdateReport, 'challenger' | 'promoted' | 'review'>,
  extra: { dataFingerprint?: string; createdAt?: string } = {},
): ModelCard {
  const e = report.evidence;
  const t = report.training;
  const json: Record<string, unknown> = {
    name: report.name,
    // the version number is the directory the card lives in: register assigns it under its lock
    parentVersion: report.champion,
    createdAt: extra.createdAt ?? new Date().toISOString(),
    strategy: report.strategy,
    recommended: report.recommended,
    data: {
      rows: report.rows,
      ...(extra.dataFingerprint ? { fingerprint: extra.dataFingerprint } : {}),
    },
    signals: report.signals,
    evidence: {
      accuracyOnNewData: e.accuracyOnNewData,
      ...(e.accuracyOnOldData ? { accuracyOnOldData: e.accuracyOnOldData } : {}),
      ...(e.accuracyDrop ? { accuracyDrop: e.accuracyDrop } : {}),
      probe: e.probe,
      ...(e.relativeTransfer !== undefined ? { relativeTransfer: e.relativeTransfer } : {}),
      ...(e.featureDrift ? { featureDrift: e.featureDrift } : {}),
      ...(e.undertrained ? { undertrained: e.undertrained } : {}),
    },
    decision: {
      primary: report.decision.primary,
      alternatives: report.decision.alternatives.map((a) => a.strategy),
      ruledOut: report.decision.ruledOut,
      firedRules: report.decision.firedRules,
    },
    race: report.race,
    gate: report.gate,
    training: {
      profile: t.profile,
      epochs: t.epochs,
      plannedEpochs: t.plannedEpochs,
      steps: t.steps,
      learningRate: t.learningRate,
      batchSize: t.batchSize,
      samples: t.samples,
      validationRows: t.validationRows,
      stopDetail: t.stopDetail,
      scaler: t.scaler,
      ...(t.classWeights ? { classWeights: t.classWeights } : {}),
      warnings: t.warnings,
      backend: t.backend,
      wallS: t.wallS,
    },
    metrics: report.metrics,
    calibration: report.calibration,
  };
  const lines = [
    `# ${report.name}: an update of v${report.champion}`,
    '',
    `\`${report.strategy}\` from v${report.champion} (the engine recommended \`${report.recommended}\`); the gate ${report.gate.passed ? 'passed' : `failed (${report.gate.failed.join(', ')})`} — the audit log says whether it was promoted.`,
    '',
    '## Data',
    '',
    `- new rows: ${report.rows.newTrain} to learn from, ${report.rows.newTest} held out for the gate`,
    ...(report.rows.oldTrain !== undefined
      ? [`- old rows: ${report.rows.oldTrain} to learn from, ${report.rows.oldTest} held out`]
      : ['- old rows: none given']),
    ...(extra.dataFingerprint ? [`- training data sha256: \`${extra.dataFingerprint}\``] : []),
    '',
    '## Signals',
    '',
    `- champion on new rows: ${interval(e.accuracyOnNewData)}`,
    ...(e.accuracyOnOldData
      ? [
          `- champion on its own rows (${e.accuracyOnOldData.source}): ${interval(e.accuracyOnOldData)}`,
        ]
      : []),
    ...(e.accuracyDrop
      ? [
          `- accuracy drop: ${pct(e.accuracyDrop.estimate)} [${pct(e.accuracyDrop.lower)}, ${pct(e.accuracyDrop.upper)}] — ${e.accuracyDrop.significant ? 'significant' : 'not significant'}`,
        ]
      : []),
    `- head-only probe: ${interval(e.probe.interval)}${e.relativeTransfer !== undefined ? ` (${pct(e.relativeTransfer)} of the champion's own accuracy)` : ''}`,
    `- drift: ${report.signals.drift?.driftSeverity ?? 'none'}${e.featureDrift ? `, ${pct(e.featureDrift.driftShare)} of features drifted` : ''}`,
    ...(e.undertrained
      ? [`- undertrained: ${e.undertrained.value ? 'yes' : 'no'} — ${e.undertrained.why}`]
      : []),
    '',
    '## Decision',
    '',
    `${report.decision.primary.rationale} (rules: ${report.decision.primary.rules.join(', ')}; confidence ${report.decision.primary.confidence})`,
    '',
    ...(report.race.candidates.length > 0
      ? [
          '## Race',
          '',
          `On ${report.race.validationRows} held-out new rows, α = ${report.race.alpha}, ties broken by ${report.race.tieBreak}:`,
          '',
          '| strategy | accuracy | 95 % interval | p vs best | old rows | cost | seconds | verdict |',
          '|---|---|---|---|---|---|---|---|',
          ...report.race.candidates.map(
            (c) =>
              `| ${c.strategy} | ${pct(c.accuracy)} | ${pct(c.lower)} – ${pct(c.upper)} | ${c.pValueVsBest.toFixed(3)} | ${pct(c.oldAccuracy)} | ${c.cost.toFixed(1)}× | ${c.wallS.toFixed(2)} | ${c.verdict} |`,
          ),
          '',
        ]
      : []),
    '## Gate',
    '',
    '| check | status | estimate | interval | n |',
    '|---|---|---|---|---|',
    ...report.gate.checks.map(
      (c) =>
        `| ${c.name} | ${c.status} | ${signed(c.estimate)} | ${c.lower !== undefined && c.upper !== undefined ? `${signed(c.lower)} … ${signed(c.upper)}` : '–'} | ${c.n} |`,
    ),
    '',
    ...sliceLines(report.gate),
    ...calibrationLines(report.calibration),
    '## Training',
    '',
    `${t.profile} profile: ${t.stopDetail}; learning rate ${t.learningRate}, batch ${t.batchSize}, ${t.samples} rows (+ ${t.validationRows} validation); inputs ${t.scaler === 'none' ? 'raw' : `standardised (scaler ${t.scaler})`}; ${t.wallS.toFixed(2)} s on ${t.backend}.`,
    ...t.warnings.map((w) => `- warning: ${w}`),
    '',
  ];
  return { json, markdown: lines.join('\n') };
}

/**
 * The card's slice table, when the gate checked slices: every tested slice, champion and
 * challenger side by side, so a segment the aggregate hides is on the card whatever the verdict.
 */
export function sliceLines(gate: StatisticalGateResult): string[] {
  const check = gate.checks.find((c) => c.name === 'slices');
  if (!check) return [];
  const lines = ['## Slices', '', check.message, ''];
  if (!check.slices || check.slices.length === 0) return lines;
  const confidence = Number(((1 - gate.policy.alpha) * 100).toPrecision(10));
  lines.push(
    `| slice | rows | champion | challenger | challenger − champion | ${confidence} % paired interval | verdict |`,
    '|---|---|---|---|---|---|---|',
    ...check.slices.map(
      (s) =>
        `| ${s.name} | ${s.n} | ${pct(s.championAccuracy)} | ${pct(s.challengerAccuracy)} | ${signed(s.difference)} | ${signed(s.lower)} … ${signed(s.upper)} | ${s.regressed ? 'regressed' : 'ok'} |`,
    ),
    '',
  );
  return lines;
}

/** The card's calibration section: T, ECE and NLL before → after, the reliability table. */
export function calibrationLines(c: CalibrationReport): string[] {
  const lines = ['## Calibration', '', describeCalibration(c), ''];
  if (!c.fitted) return lines;
  const f = (x: number | null) => (x === null ? '–' : x.toFixed(3));
  lines.push(
    `On the ${c.rows} calibration rows (accuracy ${pct(c.accuracy)} before and after): ECE ${c.ece.before.toFixed(4)} → ${c.ece.after.toFixed(4)}, NLL ${c.nll.before.toFixed(4)} → ${c.nll.after.toFixed(4)}.`,
    '',
    '| confidence bin | rows before | confidence | accuracy | rows after | confidence | accuracy |',
    '|---|---|---|---|---|---|---|',
  );
  c.reliability.before.forEach((b, i) => {
    const a = c.reliability.after[i];
    if (!a || (b.count === 0 && a.count === 0)) return;
    lines.push(
      `| (${b.lo.toFixed(2)}, ${b.hi.toFixed(2)}] | ${b.count} | ${f(b.confidence)} | ${f(b.accuracy)} | ${a.count} | ${f(a.confidence)} | ${f(a.accuracy)} |`,
    );
  });
  lines.push('');
  return lines;
}
