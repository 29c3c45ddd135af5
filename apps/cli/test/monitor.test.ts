import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newClassScenario } from '@rvft/data';
import { describe, expect, it } from 'vitest';
import { runRvft } from './run';

const dir = mkdtempSync(join(tmpdir(), 'rvft-cli-monitor-'));

const rvft = (args: string[]) => runRvft(args, dir);

const SPECIES = ['bird', 'cat', 'dog'];
const zoo = newClassScenario({ seed: 7, nFeatures: 4, nTrainPerClass: 150, classSeparation: 1.5 });
const ds = zoo.originalTrain;
writeFileSync(
  join(dir, 'old.csv'),
  `f1,f2,f3,f4,species\n${Array.from({ length: ds.nRows }, (_, i) =>
    [...[...ds.row(i)].map((x) => x.toFixed(5)), SPECIES[ds.labels[i] as number]].join(','),
  ).join('\n')}\n`,
);

/** A log of the service's contract: training rows replayed, f1 shifted by +6 from row `shiftAt`. */
function writeLog(file: string, n: number, shiftAt: number): void {
  const lines: string[] = [];
  for (let k = 0; k < n; k++) {
    const i = (k * 7919) % ds.nRows;
    const x = [...ds.row(i)];
    const features = Object.fromEntries(
      x.map((v, j) => [`f${j + 1}`, v + (j === 0 && k >= shiftAt ? 6 : 0)]),
    );
    const label = SPECIES[ds.labels[i] as number] as string;
    const time = new Date(Date.parse('2026-02-01T00:00:00Z') + k * 1000).toISOString();
    const probabilities = SPECIES.map((s) => (s === label ? 0.9 : 0.05));
    lines.push(
      JSON.stringify({
        type: 'prediction',
        time,
        requestId: `q${k}`,
        version: 1,
        arm: 'champion',
        features,
        probabilities,
        predicted: label,
        classNames: SPECIES,
      }),
      JSON.stringify({ type: 'feedback', time, requestId: `q${k}`, label }),
    );
  }
  writeFileSync(join(dir, file), `${lines.join('\n')}\n`);
}

describe('rvft monitor', () => {
  it('raises one incident for a planted shift (and one for the labelled batch), with the diagnosis attached; a restart with --state raises none', async () => {
    const train = await rvft([
      'train',
      '--data',
      'old.csv',
      '--label',
      'species',
      '--registry',
      'reg',
      '--name',
      'zoo',
      '--hidden',
      '16',
      '--epochs',
      '20',
    ]);
    expect(train.code, train.stderr).toBe(0);
    writeLog('predictions.jsonl', 1200, 600);
    appendFileSync(join(dir, 'predictions.jsonl'), '{"type":"prediction","ti'); // torn
    const args = [
      'monitor',
      '--log',
      'predictions.jsonl',
      '--champion',
      'reg:zoo',
      '--window-size',
      '200',
      '--state',
      'state.json',
      '--json',
    ];
    const run = await rvft([...args, '--on-trigger', 'diagnose']);
    expect(run.code, run.stderr).toBe(0);
    const out = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const incidents = out.filter((o) => o.type === 'incident');
    // the shift is one incident; the 1,000th joined label another (a labelled batch)
    expect(incidents.map((i) => i.action)).toEqual(['retrain', 'schedule-update']);
    const inc = incidents[0];
    expect(inc).toMatchObject({ action: 'retrain', urgency: 'immediate' });
    const ev = inc.events[0];
    expect(ev).toMatchObject({ kind: 'feature-drift', window: { index: 3, rows: 200 } });
    expect(ev.evidence.map((e: { feature: string }) => e.feature)).toContain('f1');
    expect(inc.diagnosis.decision.primary.strategy).toEqual(expect.any(String));
    expect(inc.diagnosis.rows).toBeGreaterThan(100);
    expect(out.at(-1)).toMatchObject({
      type: 'summary',
      predictions: 1200,
      labelsJoined: 1200,
      torn: 1,
      incidents: 2,
    });
    expect(JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')).incidents).toBe(2);

    const again = await rvft(args);
    expect(again.code, again.stderr).toBe(0);
    expect(
      again.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).type),
    ).toEqual(['summary']);
  });

  it('--on-trigger update runs the pipeline on the joined rows, through its gate', async () => {
    const train = await rvft([
      'train',
      '--data',
      'old.csv',
      '--label',
      'species',
      '--registry',
      'regU',
      '--name',
      'zoo',
      '--hidden',
      '16',
      '--epochs',
      '20',
    ]);
    expect(train.code, train.stderr).toBe(0);
    writeLog('shift-u.jsonl', 900, 300);
    const run = await rvft([
      'monitor',
      '--log',
      'shift-u.jsonl',
      '--champion',
      'regU:zoo',
      '--window-size',
      '200',
      '--on-trigger',
      'update',
      '--replaces-old',
      '--json',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const incidents = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .filter((o) => o.type === 'incident');
    // the shift's incident (action retrain) is the one the policy turns into an update: it
    // trains on the labels joined so far, the gate judges it, and it is registered as v2
    const inc = incidents.find((i) => i.action === 'retrain');
    expect(inc.update).toMatchObject({ challenger: 2, gate: { passed: expect.any(Boolean) } });
    expect(inc.update.rows).toBeGreaterThanOrEqual(20);
    expect(inc.update.promoted).toBe(inc.update.gate.passed);
  });

  it('a missing log is the caller’s input (exit 2)', async () => {
    const missing = await rvft(['monitor', '--log', 'nope.jsonl', '--champion', 'reg:zoo']);
    expect(missing.code).toBe(2);
  });
});

describe('rvft ab report', () => {
  it('compares the canary with the champion on the labels that came back', async () => {
    const rec = (id: string, arm: string, predicted: string) =>
      JSON.stringify({
        type: 'prediction',
        time: '2026-02-01T00:00:00Z',
        requestId: id,
        version: arm === 'champion' ? 1 : 2,
        arm,
        features: { f1: 0 },
        probabilities: [0.5, 0.5],
        predicted,
        classNames: ['cat', 'dog'],
      });
    const fb = (id: string) =>
      JSON.stringify({
        type: 'feedback',
        time: '2026-02-01T00:00:01Z',
        requestId: id,
        label: 'cat',
      });
    // champion right on 60 of 100, canary on 90 of 100
    const lines: string[] = [];
    for (let k = 0; k < 100; k++) {
      lines.push(rec(`a${k}`, 'champion', k < 60 ? 'cat' : 'dog'), fb(`a${k}`));
      lines.push(rec(`b${k}`, 'canary', k < 90 ? 'cat' : 'dog'), fb(`b${k}`));
    }
    writeFileSync(join(dir, 'ab.jsonl'), `${lines.join('\n')}\n`);
    const r = await rvft(['ab', 'report', '--log', 'ab.jsonl', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.arms.map((a: { arm: string; correct: number }) => [a.arm, a.correct])).toEqual([
      ['champion', 60],
      ['canary', 90],
    ]);
    // lift 0.30; pooled p̄ = 0.75, z = 0.3 / √(0.75 · 0.25 · 2/100) = 4.899
    expect(j.canary.lift).toBeCloseTo(0.3, 12);
    expect(j.canary.z).toBeCloseTo(4.899, 4);
    expect(j.canary.verdict).toBe('treatment_better');
    const early = await rvft(['ab', 'report', '--log', 'ab.jsonl', '--planned-per-arm', '500']);
    expect(early.code, early.stderr).toBe(0);
    expect(early.stdout).toMatch(/keep_running/);
  });
});
