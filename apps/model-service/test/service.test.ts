import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Dataset } from '@rvft/data';
import { useBestBackend } from '@rvft/model';
import { trainChampion } from '@rvft/pipeline';
import { openRegistry, type Registry } from '@rvft/registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  canaryBucket,
  type ErrorBody,
  type LogRecord,
  ModelHolder,
  PredictionLog,
} from '../src/index';

// Real registry on disk, real server processes started the way `rvft-model-service` starts, on
// free loopback ports.
const serverJs = new URL('../dist/server.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'rvft-model-service-'));
const regDir = join(dir, 'registry');
const NAME = 'churn';
const FEATURES = ['age', 'income', 'score'];
let registry: Registry;
let v1 = 0;
let v2 = 0;
const procs: ChildProcess[] = [];
const outputOf = new Map<ChildProcess, () => string>();

/** Rows whose class is whether age + income > 0: easy enough for a tiny MLP in a few epochs. */
function churnData(seed: number, n = 120): Dataset {
  let s = seed;
  const rand = () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31 - 0.5;
  };
  const features: number[] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const row = [rand() * 4, rand() * 4, rand()];
    features.push(...row);
    labels.push((row[0] as number) + (row[1] as number) > 0 ? 1 : 0);
  }
  return new Dataset({
    features,
    labels,
    nFeatures: 3,
    featureNames: FEATURES,
    classNames: ['stay', 'churn'],
  });
}

async function startServer(...args: string[]): Promise<string> {
  const proc = spawn(
    process.execPath,
    [serverJs, '--registry', regDir, '--name', NAME, '--port', '0', '--poll-ms', '100', ...args],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  procs.push(proc);
  // what the server logs (fastify's logger writes to stdout, errors even without LOG=1)
  let out = '';
  proc.stderr!.on('data', (d: Buffer) => {
    out += d.toString();
    process.stderr.write(d);
  });
  proc.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
  });
  outputOf.set(proc, () => out);
  return new Promise<string>((resolve, reject) => {
    proc.stdout!.on('data', (d: Buffer) => {
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(d.toString());
      if (m) resolve(m[1]!);
    });
    proc.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
}

const post = (base: string, path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

const readLog = (path: string): LogRecord[] =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as LogRecord);

const row = { age: 1.5, income: 0.5, score: 0.1 };

let base = '';
let shadowBase = '';
let canaryBase = '';
const logPath = join(dir, 'predictions.jsonl');
const shadowLog = join(dir, 'shadow.jsonl');
const canaryLog = join(dir, 'canary.jsonl');

beforeAll(async () => {
  await useBestBackend();
  registry = await openRegistry(regDir);
  const train = { epochs: 3 };
  const opts = {
    registry,
    name: NAME,
    labelColumn: 'churned',
    hiddenDims: [8],
    calibrate: false,
    train,
  };
  v1 = (await trainChampion({ ...opts, data: churnData(1), seed: 1 })).version;
  v2 = (await trainChampion({ ...opts, data: churnData(2), seed: 2, promoteFirst: false })).version;
  await registry.setAlias(NAME, 'candidate', v2, 'test: candidate');
  [base, shadowBase, canaryBase] = await Promise.all([
    startServer('--log', logPath),
    startServer('--log', shadowLog, '--shadow'),
    startServer('--log', canaryLog, '--canary', '0.3'),
  ]);
}, 180_000);

afterAll(() => {
  for (const p of procs) p.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
});

describe('model service', () => {
  it('says which version serves; /healthz', async () => {
    expect(v1).toBe(1);
    expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ status: 'ok' });
    const model = (await (await fetch(`${base}/v1/model`)).json()) as Record<string, unknown>;
    expect(model).toMatchObject({
      name: NAME,
      version: 1,
      mode: 'off',
      champion: { version: 1, featureNames: FEATURES, classNames: ['stay', 'churn'] },
      candidate: null,
    });
  });

  it('predicts one row: version, probabilities, class name, request id (given or generated)', async () => {
    const res = await post(base, '/v1/predict', { features: row }, { 'x-request-id': 'req-one' });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('req-one');
    const body = (await res.json()) as {
      requestId: string;
      version: number;
      probabilities: number[];
      predicted: string;
      classNames: string[];
    };
    expect(body).toMatchObject({
      requestId: 'req-one',
      version: 1,
      arm: 'champion',
      classNames: ['stay', 'churn'],
    });
    expect(body.probabilities).toHaveLength(2);
    expect(body.probabilities[0]! + body.probabilities[1]!).toBeCloseTo(1, 5);
    expect(body.predicted).toBe(body.probabilities[1]! > body.probabilities[0]! ? 'churn' : 'stay');
    const generated = (await (await post(base, '/v1/predict', { features: row })).json()) as {
      requestId: string;
    };
    expect(generated.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('predicts a batch: one answer per row, ids <request>/<row>, same numbers as one by one', async () => {
    const rows = [row, { age: -2, income: -1, score: 0 }, { score: 0.3, income: 1, age: 0 }];
    const res = await post(
      base,
      '/v1/predict',
      { rows: rows.map((features) => ({ features })) },
      { 'x-request-id': 'b1' },
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      version: number;
      predictions: { requestId: string; probabilities: number[] }[];
    };
    expect(body.version).toBe(1);
    expect(body.predictions.map((p) => p.requestId)).toEqual(['b1/0', 'b1/1', 'b1/2']);
    for (let i = 0; i < rows.length; i++) {
      const single = (await (await post(base, '/v1/predict', { features: rows[i] })).json()) as {
        probabilities: number[];
      };
      expect(body.predictions[i]!.probabilities[1]).toBeCloseTo(single.probabilities[1]!, 5);
    }
  });

  it('400 names each bad field: missing, extra, a string for a number, a bad batch row, too many rows', async () => {
    const cases: [unknown, string, RegExp][] = [
      [{ features: { age: 1, income: 2 } }, 'features.score', /missing feature/],
      [{ features: { ...row, zip: 1 } }, 'features.zip', /unknown feature/],
      [{ features: { ...row, age: '41' } }, 'features.age', /expected a number, got string/],
      [{ features: { ...row, income: null } }, 'features.income', /got null/],
      [
        { rows: [{ features: row }, { features: { ...row, score: 'x' } }] },
        'rows[1].features.score',
        /expected a number/,
      ],
      [
        { rows: Array.from({ length: 1001 }, () => ({ features: row })) },
        'rows',
        /1001 rows: at most 1000/,
      ],
      [{ rows: [] }, 'rows', /empty/],
      [{ feature: row }, 'feature', /unknown key/],
      [[row], '(body)', /expected an object/],
    ];
    for (const [body, path, message] of cases) {
      const res = await post(base, '/v1/predict', body);
      expect(res.status, path).toBe(400);
      const err = (await res.json()) as ErrorBody;
      expect(err.code).toBe('RVFT_ERR_DATA_SCHEMA');
      const issue = err.issues!.find((i) => i.path === path);
      expect(issue, `${path} in ${JSON.stringify(err.issues)}`).toBeDefined();
      expect(issue!.message).toMatch(message);
      expect(err.message).toContain(path);
    }
  });

  it('logs one well-formed record per prediction; feedback is appended to the same log', async () => {
    await post(base, '/v1/predict', { features: row }, { 'x-request-id': 'logged-1' });
    const fb = await post(base, '/v1/feedback', { requestId: 'logged-1', label: 'churn' });
    expect(fb.status).toBe(202);
    const bad = await post(base, '/v1/feedback', { requestId: 7 });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as ErrorBody).issues!.map((i) => i.path)).toEqual([
      'requestId',
      'label',
    ]);

    const records = readLog(logPath);
    for (const r of records) {
      expect(Number.isNaN(Date.parse(r.time))).toBe(false);
      if (r.type === 'prediction') {
        expect(Object.keys(r).sort()).toEqual(
          [
            'arm',
            'classNames',
            'features',
            'predicted',
            'probabilities',
            'requestId',
            'time',
            'type',
            'version',
          ].sort(),
        );
        expect(Object.keys(r.features)).toEqual(FEATURES);
        expect(r.classNames).toContain(r.predicted);
        expect(r.probabilities).toHaveLength(r.classNames.length);
      } else {
        expect(Object.keys(r).sort()).toEqual(['label', 'requestId', 'time', 'type']);
      }
    }
    const mine = records.filter((r) => r.requestId === 'logged-1');
    expect(mine.map((r) => r.type)).toEqual(['prediction', 'feedback']);
    expect(mine[0]).toMatchObject({ version: 1, arm: 'champion', features: row });
    expect(mine[1]).toMatchObject({ label: 'churn' });
    // the batch request logged one record per row
    expect(records.filter((r) => r.requestId.startsWith('b1/')).map((r) => r.requestId)).toEqual([
      'b1/0',
      'b1/1',
      'b1/2',
    ]);
    // a 400 logs nothing
    expect(records.filter((r) => r.type === 'prediction')).toHaveLength(1 + 1 + 3 + 3 + 1);
  });

  it('shadow: the candidate is scored and logged as shadow, never returned', async () => {
    const model = (await (await fetch(`${shadowBase}/v1/model`)).json()) as {
      mode: string;
      candidate: { version: number };
    };
    expect(model.mode).toBe('shadow');
    expect(model.candidate.version).toBe(v2);
    for (let i = 0; i < 10; i++) {
      const res = (await (
        await post(shadowBase, '/v1/predict', { features: row }, { 'x-request-id': `sh-${i}` })
      ).json()) as {
        version: number;
        arm: string;
      };
      expect(res).toMatchObject({ version: 1, arm: 'champion' });
    }
    const records = readLog(shadowLog).filter(
      (r) => r.type === 'prediction' && r.requestId === 'sh-3',
    );
    expect(records.map((r) => r.type === 'prediction' && [r.arm, r.version])).toEqual([
      ['champion', 1],
      ['shadow', v2],
    ]);
  });

  it('canary: a deterministic share of request ids goes to the candidate, and the log says so', async () => {
    const ids = Array.from({ length: 40 }, (_, i) => `user-${i}`);
    const expected = ids.map((id) => (canaryBucket(id) < 0.3 ? 'canary' : 'champion'));
    expect(expected.filter((a) => a === 'canary').length).toBeGreaterThan(3);
    expect(expected.filter((a) => a === 'champion').length).toBeGreaterThan(3);
    for (let round = 0; round < 2; round++) {
      const arms: string[] = [];
      for (const id of ids) {
        const res = (await (
          await post(canaryBase, '/v1/predict', { features: row }, { 'x-request-id': id })
        ).json()) as {
          version: number;
          arm: string;
        };
        expect(res.version).toBe(res.arm === 'canary' ? v2 : v1);
        arms.push(res.arm);
      }
      expect(arms).toEqual(expected);
    }
    const logged = readLog(canaryLog).filter(
      (r) => r.type === 'prediction' && r.requestId === ids[0],
    );
    expect(logged.map((r) => r.type === 'prediction' && r.arm)).toEqual([expected[0], expected[0]]);
    // about the share over many ids
    const share =
      Array.from({ length: 2000 }, (_, i) => canaryBucket(`id-${i}`) < 0.3).filter(Boolean).length /
      2000;
    expect(share).toBeGreaterThan(0.25);
    expect(share).toBeLessThan(0.35);
  });

  it('a promotion is served without restart while a client sends requests: no request fails', async () => {
    let stop = false;
    const seen: number[][] = [[], [], [], []];
    const failures: string[] = [];
    const client = async (k: number) => {
      while (!stop) {
        const res = await post(base, '/v1/predict', {
          rows: [{ features: row }, { features: row }],
        });
        if (res.status !== 200) failures.push(`${res.status} ${await res.text()}`);
        else seen[k]!.push(((await res.json()) as { version: number }).version);
      }
    };
    const clients = [0, 1, 2, 3].map(client);
    while (seen.flat().length < 20) await new Promise((r) => setTimeout(r, 20));
    await registry.setAlias(NAME, 'champion', v2, 'test: promote during traffic');
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && !seen.some((s) => s.at(-1) === v2))
      await new Promise((r) => setTimeout(r, 20));
    const after = seen.flat().length;
    while (seen.flat().length < after + 20) await new Promise((r) => setTimeout(r, 20));
    stop = true;
    await Promise.all(clients);
    expect(failures).toEqual([]);
    for (const s of seen) {
      // each client saw v1 then v2, never back
      expect(s[0]).toBe(v1);
      expect(s.at(-1)).toBe(v2);
      expect(s.indexOf(v2)).toBeGreaterThan(-1);
      expect(s.slice(s.indexOf(v2)).every((v) => v === v2)).toBe(true);
    }
    const model = (await (await fetch(`${base}/v1/model`)).json()) as { version: number };
    expect(model.version).toBe(v2);
  });

  it('a promoted version whose files are damaged is never served: the old champion keeps answering', async () => {
    const v3 = (
      await trainChampion({
        registry,
        name: NAME,
        labelColumn: 'churned',
        hiddenDims: [8],
        calibrate: false,
        train: { epochs: 1 },
        data: churnData(3),
        seed: 3,
        promoteFirst: false,
      })
    ).version;
    const vdir = join(regDir, 'models', NAME, 'versions', String(v3));
    const weights = readdirSync(vdir).find((f) => f.endsWith('.bin'));
    expect(weights).toBeDefined();
    const bytes = readFileSync(join(vdir, weights!));
    bytes[0] = bytes[0]! ^ 0xff; // same size, another sha256
    writeFileSync(join(vdir, weights!), bytes);
    await registry.setAlias(NAME, 'champion', v3, 'test: a damaged version');
    const output = outputOf.get(procs[0]!)!;
    while (!output().includes(`loading '${NAME}' v${v3} (champion) failed`)) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const res = await post(base, '/v1/predict', { features: row });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { version: number }).version).toBe(v2);
    expect(((await (await fetch(`${base}/v1/model`)).json()) as { version: number }).version).toBe(
      v2,
    );
  });
});

describe('prediction log rotation', () => {
  it('rotates by size: predictions.jsonl → .1 → .2, whole lines only, nothing lost within keep', async () => {
    const path = join(dir, 'rot', 'predictions.jsonl'); // the directory is created
    const log = await PredictionLog.open(path, { maxBytes: 400, keep: 10 });
    const record = (i: number): LogRecord => ({
      type: 'feedback',
      time: new Date(0).toISOString(),
      requestId: `r${i}`,
      label: 'churn',
    });
    // concurrent appends are grouped; each stays whole and in order
    await Promise.all(Array.from({ length: 30 }, (_, i) => log.append([record(i)])));
    await log.close();
    const files = readdirSync(join(dir, 'rot')).sort();
    expect(files.length).toBeGreaterThan(3);
    const ordered = [
      ...files
        .filter((f) => f !== 'predictions.jsonl')
        .sort((a, b) => Number(b.split('.').pop()) - Number(a.split('.').pop())),
      'predictions.jsonl',
    ];
    const all: string[] = [];
    for (const f of ordered) {
      const text = readFileSync(join(dir, 'rot', f), 'utf8');
      expect(Buffer.byteLength(text)).toBeLessThanOrEqual(400);
      expect(text.endsWith('\n')).toBe(true);
      for (const line of text.split('\n').filter(Boolean))
        all.push((JSON.parse(line) as { requestId: string }).requestId);
    }
    expect(all).toEqual(Array.from({ length: 30 }, (_, i) => `r${i}`));
  });
});

describe('ModelHolder', () => {
  it('a request holding the old version finishes on it; its weights are freed after, not before', async () => {
    const name = 'holder';
    const opts = {
      registry,
      name,
      labelColumn: 'churned',
      hiddenDims: [4],
      calibrate: false,
      train: { epochs: 1 },
    };
    const a = (await trainChampion({ ...opts, data: churnData(4), seed: 4 })).version;
    const b = (await trainChampion({ ...opts, data: churnData(5), seed: 5, promoteFirst: false }))
      .version;
    const holder = new ModelHolder({ registry, name, withCandidate: false, pollMs: 60_000 });
    await holder.start();
    try {
      const inFlight = holder.acquire(); // a request that started on version a
      expect(inFlight.champion.version).toBe(a);
      await registry.setAlias(name, 'champion', b, 'test');
      await holder.poll();
      expect(holder.peek().champion?.version).toBe(b); // new requests get b…
      expect(inFlight.champion.model.isDisposed).toBe(false); // …the old one still answers
      const x = new Float32Array([1, 1, 0]);
      expect(inFlight.champion.predict(x, 1)[0]).toHaveLength(2);
      inFlight.champion.release();
      expect(inFlight.champion.model.isDisposed).toBe(true); // freed once the last holder lets go
      const next = holder.acquire();
      expect(next.champion.version).toBe(b);
      next.champion.release();
      expect(next.champion.model.isDisposed).toBe(false); // the holder keeps the serving one
    } finally {
      await holder.stop();
    }
  });
});
