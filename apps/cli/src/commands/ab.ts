import { type AbReport, abReport } from '@rvft/monitor';

export interface AbReportCliOptions {
  log: string;
  includeRotated?: boolean;
  plannedPerArm?: number;
  alpha?: number;
  json?: boolean;
}

const pct = (x: number | null | undefined) => (x == null ? '–' : `${(x * 100).toFixed(1)} %`);

/**
 * `rvft ab report`: the arms of the model service's prediction log compared on the labels that
 * came back — canary against champion as an A/B test (not called before --planned-per-arm),
 * shadow against champion as a paired comparison on the same requests.
 */
export async function abReportCommand(opts: AbReportCliOptions): Promise<void> {
  const r: AbReport = await abReport(opts.log, {
    ...(opts.includeRotated ? { includeRotated: true } : {}),
    ...(opts.plannedPerArm !== undefined ? { plannedPerArm: opts.plannedPerArm } : {}),
    ...(opts.alpha !== undefined ? { alpha: opts.alpha } : {}),
  });
  if (opts.json) {
    console.log(JSON.stringify(r, null, 2));
    return;
  }
  const lines = ['arm        versions  labelled  correct  accuracy'];
  for (const a of r.arms) {
    lines.push(
      `${a.arm.padEnd(10)} ${a.versions.join(',').padStart(8)}  ${String(a.labelled).padStart(8)}  ${String(a.correct).padStart(7)}  ${pct(a.accuracy).padStart(8)}`,
    );
  }
  if (r.arms.length === 0) lines.push('(no prediction has its label yet)');
  if (r.canary) {
    const c = r.canary;
    lines.push(
      '',
      `canary − champion (A/B, two independent arms): ${(c.lift * 100).toFixed(2)} points [${(c.interval.lower * 100).toFixed(2)}, ${(c.interval.upper * 100).toFixed(2)}], p = ${c.pValue.toPrecision(3)}: ${c.verdict}`,
    );
  }
  if (r.shadow) {
    const s = r.shadow;
    lines.push(
      '',
      `shadow − champion (paired, ${s.n} shared requests): ${(s.difference * 100).toFixed(2)} points [${(s.lower * 100).toFixed(2)}, ${(s.upper * 100).toFixed(2)}], McNemar p = ${s.pValue.toPrecision(3)}`,
    );
  }
  lines.push(
    '',
    `${r.unlabelled} predictions without a label; ${r.stats.torn} torn and ${r.stats.invalid} invalid lines skipped`,
  );
  console.log(lines.join('\n'));
}
