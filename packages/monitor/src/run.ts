import { emptyStats, type LogStats, type ReadLogOptions, readLog } from './log';
import { Monitor, type MonitorOptions, type WindowReport } from './monitor';
import type { ReferenceProfile } from './profile';
import { type Incident, loadState, saveState, Triage, type TriageOptions } from './triage';

export interface WatchOptions extends MonitorOptions, TriageOptions {
  /** The prediction log (JSON Lines). */
  log: string;
  profile: ReferenceProfile;
  /** State file: loaded at start, saved (crash-safely) after every incident and at the end. */
  statePath?: string;
  follow?: ReadLogOptions['follow'];
  includeRotated?: ReadLogOptions['includeRotated'];
  signal?: AbortSignal;
  pollMs?: number;
  onWindow?: (report: WindowReport) => void | Promise<void>;
  /** Called with the monitor, so a handler can read `labelledRows()` for a diagnosis. */
  onIncident?: (incident: Incident, monitor: Monitor) => void | Promise<void>;
}

export interface WatchResult {
  stats: LogStats;
  windows: number;
  incidents: Incident[];
  counts: Monitor['counts'];
}

/**
 * Streams a prediction log through a {@link Monitor} and a {@link Triage}: every closed window
 * is reported, every incident handed to `onIncident` and saved to the state file before the
 * next line is read. Memory is bounded by the monitor's options, not by the log's size.
 */
export async function watchLog(opts: WatchOptions): Promise<WatchResult> {
  const monitor = new Monitor(opts.profile, opts);
  const state = opts.statePath ? await loadState(opts.statePath) : undefined;
  const triage = new Triage(opts, state);
  const stats = emptyStats();
  const incidents: Incident[] = [];
  let windows = 0;
  const handle = async (reports: WindowReport[]) => {
    for (const r of reports) {
      windows++;
      await opts.onWindow?.(r);
      for (const inc of triage.process(r.events)) {
        incidents.push(inc);
        if (opts.statePath) await saveState(opts.statePath, triage.state);
        await opts.onIncident?.(inc, monitor);
      }
    }
  };
  for await (const rec of readLog(opts.log, {
    follow: opts.follow,
    includeRotated: opts.includeRotated,
    signal: opts.signal,
    pollMs: opts.pollMs,
    stats,
  })) {
    const reports = monitor.push(rec);
    if (reports.length) await handle(reports);
  }
  await handle(monitor.flush());
  if (opts.statePath) await saveState(opts.statePath, triage.state);
  return { stats, windows, incidents, counts: monitor.counts };
}
