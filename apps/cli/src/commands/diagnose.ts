import { summary } from '@rvft/decision';
import { prepare, recommendFor, type SplitOptions } from './prepare';
import { openChampionData, pct } from './shared';

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
  const p = prepare(cd, opts);
  const champion = await cd.registry.load(cd.ref.name, { version: cd.version });
  try {
    const r = await recommendFor(cd, p, champion, opts);
    if (opts.json) {
      console.log(
        JSON.stringify({ champion: { name: cd.ref.name, version: cd.version }, ...r }, null, 2),
      );
      return;
    }
    const s = r.signals;
    const e = r.evidence;
    const names = cd.newData.classNames;
    const lines = [
      `Champion ${cd.ref.name} v${cd.version} (${champion.outputDim} classes, ${champion.countParams()} parameters)`,
      '',
      'Measured signals',
      `  new samples          ${s.data.nNewSamples}${s.data.nHistoricalSamples ? ` (history: ${s.data.nHistoricalSamples})` : ''}`,
      `  new classes          ${s.data.nNewClasses ?? 0}${e.newLabels.length ? ` (${e.newLabels.map((l) => names?.[l] ?? String(l)).join(', ')})` : ''}`,
      `  class imbalance      ${s.data.classImbalance?.toFixed(2) ?? '-'}`,
      `  accuracy on old data ${pct(e.accuracyOnOldData)}`,
      `  accuracy on new data ${pct(e.accuracyOnNewData)}${e.accuracyOnKnownClasses !== undefined ? ` (known classes only: ${pct(e.accuracyOnKnownClasses)})` : ''}`,
      `  transfer quality     ${e.linearProbe.accuracy.toFixed(3)} (linear probe on the frozen trunk)`,
      `  drift                ${s.drift?.driftSeverity ?? 'none'}${e.featureDrift ? ` · ${(e.featureDrift.driftShare * 100).toFixed(0)}% of features drifted (max PSI ${e.featureDrift.psiMax.toFixed(3)}, min KS p ${e.featureDrift.ksMinP.toExponential(2)})` : ''}`,
      '',
      summary(r.decision),
    ];
    console.log(lines.join('\n'));
  } finally {
    champion.dispose();
  }
}
