import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newClassScenario } from '@rvft/data';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, runRvft } from './run';

// The whole loop of issue 16, with real processes: train a champion, serve it, send a stream
// whose second half is shifted, let the monitor raise the incident and diagnose, update
// through the gate, and check the service answers from the new champion without a restart and
// without a failed request.

const dir = mkdtempSync(join(tmpdir(), 'rvft-cli-loop-'));

const rvft = (args: string[]) => runRvft(args, dir);

const SPECIES = ['bird', 'cat', 'dog'];
const zoo = newClassScenario({ seed: 11, nFeatures: 4, nTrainPerClass: 150, classSeparation: 1.5 });
const ds = zoo.originalTrain;
/** f1 moved by +6 (the features' scale is ~1): the shift the monitor must see. */
const SHIFT = 6;
const rowFeatures = (i: number, shifted: boolean) =>
  Object.fromEntries(
    [...ds.row(i)].map((v, j) => [`f${j + 1}`, v + (shifted && j === 0 ? SHIFT : 0)]),
  );
const csv = (shifted: boolean) =>
  `f1,f2,f3,f4,species\n${Array.from({ length: ds.nRows }, (_, i) =>
    [
      ...Object.values(rowFeatures(i, shifted)).map((x) => x.toFixed(5)),
      SPECIES[ds.labels[i] as number],
    ].join(','),
  ).join('\n')}\n`;
writeFileSync(join(dir, 'old.csv'), csv(false));
writeFileSync(join(dir, 'shifted.csv'), csv(true));

let server: ChildProcess | undefined;
afterAll(() => {
  server?.kill('SIGTERM');
});

describe('the loop: serve → monitor → diagnose → update → served without restart', () => {
  it('one drift incident with evidence; the update passes the gate; no request fails during the swap', async () => {
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

    server = spawn(
      process.execPath,
      [
        cli,
        'serve',
        '--registry',
        'reg',
        '--name',
        'zoo',
        '--port',
        '0',
        '--log',
        'p.jsonl',
        '--poll-ms',
        '100',
      ],
      { cwd: dir, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const child = server;
    const base = await new Promise<string>((resolve, reject) => {
      child.stdout?.on('data', (d: Buffer) => {
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+) \(zoo v1\)/.exec(d.toString());
        if (m) resolve(m[1] as string);
      });
      child.on('exit', (code) => reject(new Error(`rvft serve exited with ${code}`)));
    });
    const predict = async (i: number, shifted: boolean) => {
      const res = await fetch(`${base}/v1/predict`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ features: rowFeatures(i, shifted) }),
      });
      return { status: res.status, body: (await res.json()) as { version: number } };
    };

    // 600 requests as the champion was trained, then 600 shifted ones whose labels come back
    // (POST /v1/feedback, joined by request id): what the diagnosis learns from
    for (let k = 0; k < 1200; k++) {
      const i = (k * 7919) % ds.nRows;
      const r = await predict(i, k >= 600);
      expect(r.status).toBe(200);
      if (k >= 600) {
        const fb = await fetch(`${base}/v1/feedback`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            requestId: (r.body as unknown as { requestId: string }).requestId,
            label: SPECIES[ds.labels[i] as number],
          }),
        });
        expect(fb.status).toBeLessThan(300);
      }
    }

    const monitor = await rvft([
      'monitor',
      '--log',
      'p.jsonl',
      '--champion',
      'reg:zoo',
      '--window-size',
      '200',
      '--state',
      'state.json',
      '--on-trigger',
      'diagnose',
      '--json',
    ]);
    expect(monitor.code, monitor.stderr).toBe(0);
    const out = monitor.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const incidents = out.filter((o) => o.type === 'incident');
    // the shift is one drift incident, raised on the first shifted window, naming f1 in its
    // evidence, with the pipeline's diagnosis attached (the labels that came back)
    const drift = incidents.filter((i) =>
      i.events.some((e: { kind: string }) => e.kind === 'feature-drift'),
    );
    expect(drift).toHaveLength(1);
    const ev = drift[0].events.find((e: { kind: string }) => e.kind === 'feature-drift');
    expect(ev.window.index).toBe(3);
    expect(ev.evidence.map((e: { feature: string }) => e.feature)).toContain('f1');
    expect(drift[0].diagnosis.decision.primary.strategy).toEqual(expect.any(String));
    expect(out.at(-1)).toMatchObject({ type: 'summary', predictions: 1200 });

    // labelled shifted rows arrive: the update goes through the gate while a client keeps
    // asking the service
    let stop = false;
    const seen: number[] = [];
    let failed = 0;
    const client = (async () => {
      let k = 0;
      while (!stop) {
        const r = await predict(k++ % ds.nRows, true).catch(() => ({
          status: 0,
          body: { version: 0 },
        }));
        if (r.status !== 200) failed++;
        else seen.push(r.body.version);
      }
    })();
    const update = await rvft([
      'update',
      '--champion',
      'reg:zoo',
      '--new',
      'shifted.csv',
      '--replaces-old',
      '--json',
    ]);
    expect(update.code, update.stderr).toBe(0);
    const report = JSON.parse(update.stdout);
    expect(report.gate.passed).toBe(true);
    expect(report).toMatchObject({ champion: 1, challenger: 2, promoted: true });
    // the service picks the new champion up by itself
    for (let t = 0; t < 100 && seen.at(-1) !== 2; t++) await new Promise((r) => setTimeout(r, 100));
    stop = true;
    await client;
    expect(failed).toBe(0);
    expect(seen[0]).toBe(1);
    expect(seen.at(-1)).toBe(2);
    // once v2 answers, v1 never does again
    expect(seen.slice(seen.indexOf(2))).not.toContain(1);
    const model = (await (await fetch(`${base}/v1/model`)).json()) as {
      champion: { version: number };
    };
    expect(model.champion.version).toBe(2);
  });
});
