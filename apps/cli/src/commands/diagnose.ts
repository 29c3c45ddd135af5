import { summary } from '@rvft/decision';
import { diagnoseRows, holdOut } from '@rvft/pipeline';
import { checkRows, type SplitOptions } from './prepare';
import { openChampionData, pct } from './shared';

/** "72.00% [60.1%, 81.5%] on 50 rows" */
function withInterval(a: { estimate: number; lower: number; upper: number; n: number }): string {
  return `${pct(a.estimate)} [${(a.lower * 100).toFixed(1)}%, ${(a.upper * 100).toFixed(1)}%] on ${a.n} rows`;
}

export interface DiagnoseCliOptions extends SplitOptions {
  champion: string;
  new: string;
  old?: string;
  label?: string;
  replacesOld?: boolean;
  json?: boolean;
}

/** `rvft diagnose`: measure every signal from the champion and the files, then decide. */
export async function diagnoseCommand(opts: DiagnoseCliOptions): Promise<void> {
  const cd = await openChampionData(opts);
  checkRows(cd);
  const p = holdOut(cd.newData, cd.oldData, opts);
  const champion = await cd.registry.load(cd.ref.name, { version: cd.version });
  try {
    const r = await diagnoseRows(champion, cd.meta, p, {
      seed: opts.seed,
      replacesOld: opts.replacesOld ?? false,
    });
    if (opts.json) {
      console.log(
        JSON.stringify({ champion: { name: cd.ref.name, version: cd.version }, ...r }, null, 2),
      );
      return;
    }
    const s = r.signals;
    const e = r.evidence;
    const names = cd.newData.classNames;
    const old = e.accuracyOnOldData;
    const drop = e.accuracyDrop;
    const lines = [
      `Champion ${cd.ref.name} v${cd.version} (${champion.outputDim} classes, ${champion.countParams()} parameters)`,
      '',
      'Measured signals (accuracies: value [95 % interval] on n rows)',
      `  new samples          ${s.data.nNewSamples}${s.data.nHistoricalSamples ? ` (history: ${s.data.nHistoricalSamples})` : ''}`,
      `  new classes          ${s.data.nNewClasses ?? 0}${e.newLabels.length ? ` (${e.newLabels.map((l) => names?.[l] ?? String(l)).join(', ')})` : ''}`,
      `  class imbalance      ${s.data.classImbalance?.toFixed(2) ?? '-'}`,
      `  accuracy on old data ${old ? `${withInterval(old)}${old.source === 'recorded' ? ' (recorded when it was registered)' : ''}` : '-'}`,
      `  accuracy on new data ${withInterval(e.accuracyOnNewData)}${e.accuracyOnKnownClasses ? ` (known classes only: ${withInterval(e.accuracyOnKnownClasses)})` : ''}`,
      ...(drop
        ? [
            `  accuracy drop        ${pct(drop.estimate)} [${pct(drop.lower)}, ${pct(drop.upper)}]: ${drop.significant ? `significant → ${e.severityFromAccuracy} drift` : 'not significant (too few rows to tell) → no drift from accuracy'}`,
          ]
        : []),
      `  transfer quality     ${withInterval({ ...e.probe.interval })} · head-only probe (${e.probe.folds > 1 ? `${e.probe.folds}-fold cross-validated` : 'held-out split'})${e.relativeTransfer !== undefined ? `, ${pct(e.relativeTransfer)} of the champion's own accuracy` : ''}`,
      `  drift                ${s.drift?.driftSeverity ?? 'none'}${e.featureDrift ? ` · ${(e.featureDrift.driftShare * 100).toFixed(0)}% of features drifted (raw features; max PSI ${e.featureDrift.psiMax.toFixed(3)}, min KS p ${e.featureDrift.ksMinP.toExponential(2)})` : ''}`,
      ...(e.undertrained
        ? [`  undertrained         ${e.undertrained.value ? 'yes' : 'no'}: ${e.undertrained.why}`]
        : []),
      '',
      summary(r.decision),
    ];
    console.log(lines.join('\n'));
  } finally {
    champion.dispose();
  }
}
