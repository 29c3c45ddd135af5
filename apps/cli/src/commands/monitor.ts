import { Dataset } from '@rvft/data';
import { summary } from '@rvft/decision';
import { type Incident, type Monitor, parseProfile, watchLog } from '@rvft/monitor';
import { diagnoseRows, holdOut, updateChampion } from '@rvft/pipeline';
import { openRegistry } from '@rvft/registry';
import { parseModelRef } from '../champion-ref';
import { InputError } from '../errors';

export interface MonitorCliOptions {
  log: string;
  champion: string;
  follow?: boolean;
  onTrigger?: 'diagnose' | 'update';
  /** With `--on-trigger update`: the new distribution replaces the old (forgetting allowed). */
  replacesOld?: boolean;
  state?: string;
  json?: boolean;
  windowSize?: number;
  windowMinutes?: number;
  cooldownHours?: number;
  includeRotated?: boolean;
  seed?: number;
}

/** Incidents whose action calls for a diagnosis when `--on-trigger diagnose` is given. */
const DIAGNOSE_ON = new Set(['diagnose', 'retrain', 'evaluate', 'schedule-update']);
/**
 * Incidents whose action is an update when `--on-trigger update` is given — only these: the
 * policy decides, and the update still goes through the pipeline's gate (and review policy).
 * The others are diagnosed.
 */
const UPDATE_ON = new Set(['retrain', 'schedule-update']);

/**
 * `rvft monitor`: streams the prediction log against the champion's reference profile (stored
 * in its model card at training time), prints one line per incident (JSON Lines with --json),
 * keeps the triage state in --state, and with `--on-trigger diagnose` runs the pipeline's
 * diagnosis on the labelled rows the log joined, the decision attached to the incident.
 */
export async function monitorCommand(opts: MonitorCliOptions): Promise<void> {
  const ref = parseModelRef(opts.champion);
  const registry = await openRegistry(ref.registryDir);
  const version = await registry.resolve(ref.name, ref.ref);
  const card = await registry.card(ref.name, version);
  const stored = card?.json['profile'];
  if (stored === undefined) {
    throw new InputError(
      `${ref.name} v${version} has no reference profile in its model card (registered before issue 16): retrain or update it to get one`,
    );
  }
  const profile = parseProfile(stored, `${ref.name} v${version} card.json profile`);
  const ac = new AbortController();
  const stop = () => ac.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const keepLabelled = opts.onTrigger ? 5000 : 0;
  try {
    const res = await watchLog({
      log: opts.log,
      profile,
      follow: opts.follow ?? false,
      includeRotated: opts.includeRotated ?? false,
      signal: ac.signal,
      keepLabelled,
      ...(opts.state ? { statePath: opts.state } : {}),
      ...(opts.windowSize ? { windowSize: opts.windowSize } : {}),
      ...(opts.windowMinutes ? { windowMs: opts.windowMinutes * 60_000 } : {}),
      ...(opts.cooldownHours !== undefined ? { cooldownHours: opts.cooldownHours } : {}),
      onIncident: async (inc, monitor) => {
        const update =
          opts.onTrigger === 'update' && UPDATE_ON.has(inc.action)
            ? await runUpdate(monitor, inc)
            : undefined;
        const diagnosis =
          opts.onTrigger !== undefined && !update && DIAGNOSE_ON.has(inc.action)
            ? await diagnose(monitor, inc)
            : undefined;
        if (opts.json) {
          const { text: _t, ...u } = update ?? { text: '' };
          console.log(
            JSON.stringify({
              type: 'incident',
              ...inc,
              ...(diagnosis ? { diagnosis } : {}),
              ...(update ? { update: u } : {}),
            }),
          );
        } else {
          console.log(describe(inc));
          if (diagnosis) console.log(diagnosis.text);
          if (update) console.log(update.text);
        }
      },
    });
    const end = {
      type: 'summary',
      champion: { name: ref.name, version },
      ...res.stats,
      predictions: res.counts.predictions,
      labelsJoined: res.counts.joined,
      windows: res.windows,
      incidents: res.incidents.length,
    };
    if (opts.json) console.log(JSON.stringify(end));
    else
      console.error(
        `${res.stats.records} records (${res.counts.predictions} predictions, ${res.counts.joined} labels joined) in ${res.windows} windows; ${res.incidents.length} incident(s)${res.stats.torn ? `; ${res.stats.torn} torn line(s) skipped` : ''}${res.stats.invalid ? `; ${res.stats.invalid} invalid line(s) skipped` : ''}`,
      );
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }

  /** The labelled rows the log joined so far, as a Dataset of the champion's classes. */
  function labelled(monitor: Monitor): Dataset | number {
    const rows = monitor.labelledRows();
    const names = profile.classNames;
    const index = new Map(names.map((c, i) => [c, i]));
    const known = rows.filter((r) => index.has(r.label));
    if (known.length < 20) return known.length;
    const d = profile.features.length;
    const features = new Float32Array(known.length * d);
    for (let i = 0; i < known.length; i++)
      features.set((known[i] as (typeof known)[number]).features, i * d);
    return new Dataset({
      features,
      labels: Int32Array.from(known, (r) => index.get(r.label) as number),
      nFeatures: d,
      featureNames: profile.features.map((f) => f.name),
      classNames: names,
    });
  }

  /** `--on-trigger update`: the pipeline's update on the joined rows, through its gate. */
  async function runUpdate(monitor: Monitor, inc: Incident) {
    const data = labelled(monitor);
    if (typeof data === 'number') {
      return {
        incident: inc.id,
        skipped: `only ${data} labelled rows joined so far (20 needed)`,
        text: `  update skipped: ${data} labelled rows joined (20 needed)`,
      };
    }
    const r = await updateChampion({
      registry,
      name: ref.name,
      version,
      newData: data,
      ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
      policy: { replacesOld: opts.replacesOld ?? false },
    });
    return {
      incident: inc.id,
      rows: data.nRows,
      strategy: r.strategy,
      challenger: r.challenger,
      gate: { passed: r.gate.passed },
      promoted: r.promoted,
      text: `  update on the last ${data.nRows} labelled rows: ${r.strategy} → v${r.challenger}, gate ${r.gate.passed ? 'passed' : 'refused'}${r.promoted ? ', promoted' : ', not promoted'}`,
    };
  }

  async function diagnose(monitor: Monitor, inc: Incident) {
    const data = labelled(monitor);
    if (typeof data === 'number') {
      return {
        skipped: `only ${data} labelled rows joined so far (20 needed)`,
        text: `  diagnosis skipped: ${data} labelled rows joined (20 needed)`,
      };
    }
    const known = { length: data.nRows };
    const meta = await registry.meta(ref.name, version);
    const champion = await registry.load(ref.name, { version });
    try {
      const r = await diagnoseRows(champion, meta, holdOut(data, undefined, { seed: opts.seed }), {
        ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
      });
      return {
        incident: inc.id,
        rows: known.length,
        signals: r.signals,
        decision: r.decision,
        text: `  diagnosis on the last ${known.length} labelled rows:\n${summary(r.decision)
          .split('\n')
          .map((l) => `    ${l}`)
          .join('\n')}`,
      };
    } finally {
      champion.dispose();
    }
  }
}

function describe(inc: Incident): string {
  const ev = inc.events
    .map((e) => {
      const top = e.evidence
        .slice(0, 4)
        .map(
          (x) =>
            `${x.feature ? `${x.feature} ` : ''}${x.statistic} ${fmt(x.value)}${x.pValue !== undefined ? ` (p ${x.pValue.toExponential(1)})` : ''} vs ${fmt(x.threshold)} on ${x.rows} rows`,
        )
        .join('; ');
      return `  ${e.kind} [${e.subject}] window ${e.window.index} (${e.window.start} … ${e.window.end}): ${top}`;
    })
    .join('\n');
  return `${inc.id} ${inc.time} ${inc.urgency.toUpperCase()} → ${inc.action} by ${inc.dueBy} (${inc.reason})\n${ev}`;
}

const fmt = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(3));
