import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  buildProfile,
  emptyStats,
  type Incident,
  loadState,
  Monitor,
  readLog,
  Triage,
  watchLog,
} from '../src';
import { referenceProfile, stream, tempDir, writeLog } from './helpers';

const profile = referenceProfile();

describe('buildProfile', () => {
  it('keeps a bounded sample per feature whatever the row count', () => {
    expect(profile.rows).toBe(5000);
    expect(profile.features.map((f) => f.sample.length)).toEqual([500, 500]);
    expect(profile.accuracy).toBeCloseTo(0.9, 2);
    expect(profile.confidence.highShare).toBeGreaterThan(0.3);
    expect(profile.confidence.highShare).toBeLessThan(0.8);
    expect(JSON.stringify(profile).length).toBeLessThan(40_000);
  });

  it('refuses probabilities that do not match the rows', () => {
    expect(() => buildProfile({ features: [1, 2, 3], nFeatures: 1 }, [0.5, 0.5])).toThrow(
      /probabilities/,
    );
  });
});

describe('windows and triage', () => {
  it('a planted shift raises exactly one incident, with evidence', async () => {
    const dir = tempDir();
    const log = join(dir, 'predictions.jsonl');
    writeLog(log, stream({ n: 10_000, shiftAt: 4000, shift: 1.5 }));
    const seen: Incident[] = [];
    const res = await watchLog({ log, profile, onIncident: (i) => void seen.push(i) });
    expect(res.windows).toBe(10);
    expect(seen).toHaveLength(1);
    const inc = seen[0] as Incident;
    expect(inc.action).toBe('retrain'); // PSI ≥ 0.25: "retrain now"
    expect(inc.urgency).toBe('immediate');
    expect(inc.events.map((e) => e.kind)).toEqual(['feature-drift']);
    const ev = inc.events[0];
    expect(ev?.window).toMatchObject({ index: 4, rows: 1000 });
    const psi = ev?.evidence.find((e) => e.statistic === 'psi');
    expect(psi).toMatchObject({ feature: 'x1', threshold: 0.1, rows: 1000 });
    expect(psi?.value).toBeGreaterThan(0.25);
    const ks = ev?.evidence.find((e) => e.statistic === 'ks');
    expect(ks?.pValue).toBeLessThan(1e-10);
    // x0 did not move, so it is not in the evidence
    expect(ev?.evidence.some((e) => e.feature === 'x0')).toBe(false);
  });

  it('an unshifted stream raises none', async () => {
    const dir = tempDir();
    const log = join(dir, 'predictions.jsonl');
    writeLog(log, stream({ n: 20_000, seed: 11, errorRate: 0.1 }));
    const res = await watchLog({ log, profile, labelledBatch: 1e9 });
    expect(res.windows).toBe(20);
    expect(res.incidents).toEqual([]);
    expect(res.counts.joined).toBe(20_000);
  });

  it('labels join by requestId; the error-stream detectors fire on a planted accuracy drop', async () => {
    const dir = tempDir();
    const log = join(dir, 'predictions.jsonl');
    writeLog(log, stream({ n: 6000, errorRate: 0.1, errorAt: 3000, errorRateAfter: 0.4 }));
    const reports: { index: number; kinds: string[] }[] = [];
    const res = await watchLog({
      log,
      profile,
      labelledBatch: 1e9,
      onWindow: (r) =>
        void reports.push({ index: r.window.index, kinds: r.events.map((e) => e.kind) }),
    });
    // before the drop: nothing
    expect(reports.slice(0, 3).flatMap((r) => r.kinds)).toEqual([]);
    const kinds = new Set(
      res.incidents.flatMap((i) => i.events.map((e) => `${e.kind}:${e.subject}`)),
    );
    expect(kinds.has('error-drift:adwin') || kinds.has('error-drift:ddm')).toBe(true);
    expect(kinds.has('accuracy-drop:accuracy')).toBe(true);
    // the first window after the drop raises one incident holding both
    expect(res.incidents[0]?.events[0]?.window.index).toBe(3);
    const acc = res.incidents[0]?.events.find((e) => e.kind === 'accuracy-drop');
    expect(acc?.evidence[0]?.reference).toBeCloseTo(0.9, 2);
    expect(acc?.evidence[0]?.value).toBeLessThan(0.7);
  });

  it('cooldown and dedupe: a lasting shift is one incident; after the cooldown it is raised again', () => {
    const m = new Monitor(profile);
    const triage = new Triage({ cooldownHours: 1 });
    const incidents: Incident[] = [];
    // 1 row/s: 1000-row windows are ~17 min; 10 windows ≈ 2.8 h > 1 h cooldown, but each window
    // keeps the key warm, so the lasting shift stays one incident …
    for (const r of stream({ n: 10_000, shiftAt: 0, shift: 2 })) {
      for (const w of m.push(r)) incidents.push(...triage.process(w.events));
    }
    expect(incidents).toHaveLength(1);
    // … until it is gone for longer than the cooldown and comes back
    const later = Date.parse('2026-01-01T00:00:00Z') + 10_000 * 1000 + 2 * 3_600_000;
    for (const r of stream({ n: 2000, shiftAt: 0, shift: 2, start: later })) {
      for (const w of m.push(r)) incidents.push(...triage.process(w.events));
    }
    expect(incidents).toHaveLength(2);
  });

  it('a restart with the state file does not re-fire old incidents', async () => {
    const dir = tempDir();
    const log = join(dir, 'predictions.jsonl');
    const statePath = join(dir, 'state', 'monitor.json');
    writeLog(log, stream({ n: 6000, shiftAt: 2000, shift: 1.5 }));
    const first = await watchLog({ log, profile, statePath });
    expect(first.incidents).toHaveLength(1);
    const saved = await loadState(statePath);
    expect(saved.incidents).toBe(1);
    expect(Object.keys(saved.open)).toEqual(['feature-drift:features']);
    // the latest event handled: a restart passes over everything up to it
    expect(Date.parse(saved.watermark as string)).toBeGreaterThanOrEqual(
      Date.parse(first.incidents[0]?.time as string),
    );
    // the service goes on writing; the monitor restarts and reads the whole log again
    appendFileSync(
      log,
      `${[
        ...stream({
          n: 2000,
          shiftAt: 0,
          shift: 1.5,
          seed: 9,
          start: Date.parse('2026-01-01T01:40:00Z'),
        }),
      ]
        .map((r) => JSON.stringify(r))
        .join('\n')}\n`,
    );
    const second = await watchLog({ log, profile, statePath });
    expect(second.windows).toBe(8);
    expect(second.incidents).toEqual([]);
    // without the state file the same log raises it again
    const fresh = await watchLog({ log, profile });
    expect(fresh.incidents).toHaveLength(1);
    // the state file is whole JSON (written to a temp file, then renamed)
    expect(() => JSON.parse(readFileSync(statePath, 'utf8'))).not.toThrow();
  });
});

describe('readLog', () => {
  it('skips and counts a torn last line; bad complete lines are invalid', async () => {
    const dir = tempDir();
    const log = join(dir, 'predictions.jsonl');
    writeLog(log, stream({ n: 10, errorRate: 0 }), '{"type":"prediction","time":"2026-01-0');
    appendFileSync(log, '');
    const stats = emptyStats();
    const recs = [];
    for await (const r of readLog(log, { stats })) recs.push(r);
    expect(recs).toHaveLength(20);
    expect(stats).toMatchObject({ records: 20, torn: 1, invalid: 0, lines: 21 });

    writeFileSync(log, 'not json\n{"type":"other"}\n\n');
    const s2 = emptyStats();
    for await (const _ of readLog(log, { stats: s2 })) void _;
    expect(s2).toMatchObject({ records: 0, torn: 0, invalid: 2, lines: 2 });
  });

  it('reads rotated files oldest first and skips lines over the limit without holding them', async () => {
    const dir = tempDir();
    const log = join(dir, 'predictions.jsonl');
    const all = [...stream({ n: 30 })];
    writeLog(`${log}.2`, all.slice(0, 10));
    writeLog(`${log}.1`, all.slice(10, 20));
    writeLog(log, all.slice(20), `{"type":"feedback","pad":"${'x'.repeat(300_000)}"}\n`);
    const stats = emptyStats();
    const ids: string[] = [];
    for await (const r of readLog(log, { includeRotated: true, stats, maxLineBytes: 100_000 })) {
      ids.push(r.requestId);
    }
    expect(ids).toEqual(all.map((r) => r.requestId));
    expect(stats).toMatchObject({ records: 30, oversized: 1 });
  });

  it('follows a growing file and a rotation, finishing a line the writer completes later', async () => {
    const dir = tempDir();
    const log = join(dir, 'predictions.jsonl');
    const all = [...stream({ n: 6 })].map((r) => JSON.stringify(r));
    writeFileSync(log, `${all[0]}\n${(all[1] as string).slice(0, 20)}`);
    const ac = new AbortController();
    const stats = emptyStats();
    const got: string[] = [];
    const { rename } = await import('node:fs/promises');
    for await (const r of readLog(log, { follow: true, pollMs: 10, signal: ac.signal, stats })) {
      got.push(r.requestId);
      if (got.length === 1) appendFileSync(log, `${(all[1] as string).slice(20)}\n${all[2]}\n`);
      if (got.length === 3) {
        appendFileSync(log, `${all[3]}\n`);
        await rename(log, `${log}.1`);
        writeFileSync(log, `${all[4]}\n${all[5]}\n`);
      }
      if (got.length === 6) ac.abort();
    }
    expect(got).toEqual(['req-0', 'req-1', 'req-2', 'req-3', 'req-4', 'req-5']);
    expect(stats).toMatchObject({ torn: 0, rotations: 1 });
  });
});

describe('other events', () => {
  it('a class the profile does not have → architecture-change; kept labelled rows are bounded', () => {
    const m = new Monitor(profile, { windowSize: 200, keepLabelled: 50 });
    const triage = new Triage();
    const incidents: Incident[] = [];
    let k = 0;
    for (const r of stream({ n: 400, errorRate: 0.1 })) {
      const rec = r.type === 'feedback' && k++ === 300 ? { ...r, label: 'c' } : r; // a label never seen
      for (const w of m.push(rec)) incidents.push(...triage.process(w.events));
    }
    expect(incidents.map((i) => [i.action, i.events[0]?.subject])).toEqual([
      ['architecture-change', 'c'],
    ]);
    const rows = m.labelledRows();
    expect(rows).toHaveLength(50);
    expect(rows[0]?.features).toHaveLength(2);
  });
});

describe('time windows', () => {
  it('a window also closes when it spans windowMs of log time', () => {
    const m = new Monitor(profile, { windowSize: 1000, windowMs: 60_000 });
    const sizes: number[] = [];
    // one row every 10 s: 6 rows a minute, far below the 1,000-row count
    for (const r of stream({ n: 30, stepMs: 10_000 })) {
      for (const w of m.push(r)) sizes.push(w.window.rows);
    }
    for (const w of m.flush()) sizes.push(w.window.rows);
    expect(sizes).toEqual([6, 6, 6, 6, 6]);
  });
});

describe('labelled batches', () => {
  it('every labelledBatch joined labels is a schedule-update, at most one per cooldown', async () => {
    const dir = tempDir();
    const log = join(dir, 'predictions.jsonl');
    // 5,000 labelled rows, one every 60 s: 83 h, so batches 1 (16.7 h), 3 (50 h) and 5 (83 h)
    // are more than 24 h after the last one raised
    writeLog(log, stream({ n: 5000, errorRate: 0.1, stepMs: 60_000 }));
    const res = await watchLog({ log, profile });
    expect(res.incidents.map((i) => [i.action, i.events[0]?.evidence[0]?.value])).toEqual([
      ['schedule-update', 1000],
      ['schedule-update', 3000],
      ['schedule-update', 5000],
    ]);
  });
});

describe('bounded join', () => {
  it('at most maxPending predictions wait for a label; older ones are dropped', () => {
    const m = new Monitor(profile, { maxPending: 10 });
    const recs = [...stream({ n: 25 })];
    for (const r of recs) m.push(r);
    const label = (id: string) =>
      m.push({ type: 'feedback', time: '2026-01-02T00:00:00Z', requestId: id, label: 'a' });
    label('req-0'); // dropped: 15 predictions came after it
    label('req-14'); // dropped
    label('req-15'); // still waiting
    label('req-24');
    expect(m.counts).toMatchObject({ joined: 2, unmatchedLabels: 2 });
  });
});

describe('segment failure', () => {
  it('one predicted class failing while the whole holds → slice-analysis', () => {
    const m = new Monitor(profile, { windowSize: 1000 });
    const triage = new Triage();
    const incidents: Incident[] = [];
    let i = 0;
    for (const r of stream({ n: 1000 })) {
      if (r.type !== 'prediction') continue;
      // 900 rows predicted 'a', all right; 100 predicted 'b', half of them wrong
      const predicted = i < 900 ? 'a' : 'b';
      const label = i >= 900 && i % 2 === 0 ? 'a' : predicted;
      const rec = { ...r, predicted };
      const fb = { type: 'feedback' as const, time: r.time, requestId: r.requestId, label };
      i++;
      for (const w of [...m.push(rec), ...m.push(fb)]) incidents.push(...triage.process(w.events));
    }
    const events = incidents.flatMap((x) => x.events);
    const seg = events.find((e) => e.kind === 'segment-failure');
    expect(seg?.subject).toBe('predicted=b');
    expect(seg?.action).toBe('slice-analysis');
    // the window closes on its 1,000th prediction, before that row's label joins: 99 'b' labels
    expect(seg?.evidence[0]).toMatchObject({ statistic: 'accuracy', rows: 99, threshold: 0.7 });
    expect(seg?.evidence[0]?.value).toBeCloseTo(49 / 99, 10);
    expect(events.some((e) => e.kind === 'accuracy-drop')).toBe(false);
  });
});
