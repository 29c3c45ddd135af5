import { type ChildProcess, spawn } from 'node:child_process';
import autocannon from 'autocannon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The real server, started the way `pnpm start` starts it, on a free loopback port.
const server = new URL('../dist/server.js', import.meta.url).pathname;
let proc: ChildProcess;
let base = '';

beforeAll(async () => {
  proc = spawn(process.execPath, [server], {
    env: { ...process.env, PORT: '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  base = await new Promise<string>((resolve, reject) => {
    proc.stdout!.on('data', (d: Buffer) => {
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(d.toString());
      if (m) resolve(m[1]!);
    });
    proc.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
});

afterAll(() => {
  proc.kill('SIGTERM');
});

const article = {
  data: { nNewSamples: 300, nHistoricalSamples: 1000 },
  model: { currentAccuracy: 0.94, accuracyOnNewData: 0.72, transferQuality: 0.76 },
  drift: { driftSeverity: 'moderate' },
};

const post = (body: string, type = 'application/json') =>
  fetch(`${base}/v1/decide`, { method: 'POST', headers: { 'content-type': type }, body });

describe('decision service', () => {
  it('listens on loopback and answers /healthz and /v1/schema', async () => {
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ status: 'ok' });
    const schema = (await (await fetch(`${base}/v1/schema`)).json()) as {
      required: string[];
      properties: object;
    };
    expect(schema.required).toEqual(['data']);
    expect(Object.keys(schema.properties).sort()).toEqual([
      'constraints',
      'data',
      'drift',
      'model',
    ]);
  });

  it('decides: 200 with a traceable recommendation', async () => {
    const res = await post(JSON.stringify(article));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { primary: { strategy: string; rules: string[] } };
    expect(body.primary.strategy).toBe('retrain_warm_combined');
    expect(body.primary.rules).toContain('drift-with-history');
  });

  it('400 lists every invalid field; bad JSON is 400 too', async () => {
    const res = await post(
      JSON.stringify({ data: { nNewSamples: -1 }, model: { currentAccuracy: 2 }, extra: 1 }),
    );
    expect(res.status).toBe(400);
    const body = (await res.json()) as { issues: { path: string }[] };
    expect(body.issues.map((i) => i.path).sort()).toEqual([
      'data.nNewSamples',
      'extra',
      'model.currentAccuracy',
    ]);
    expect((await post('{"data": ')).status).toBe(400);
  });

  it('413 on an oversized body, 415 on a wrong content type', async () => {
    const huge = JSON.stringify({ data: { nNewSamples: 1 }, pad: 'x'.repeat(100_000) });
    expect((await post(huge)).status).toBe(413);
    expect((await post('nNewSamples=3', 'text/plain')).status).toBe(415);
  });

  it('under load, valid requests keep being served while a flood of malformed bodies gets 4xx', async () => {
    const run = (body: string, connections: number) =>
      autocannon({
        url: `${base}/v1/decide`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        connections,
        duration: 3,
      });
    const [valid, malformed] = await Promise.all([
      run(JSON.stringify(article), 10),
      run(JSON.stringify({ data: { nNewSamples: 'many' }, model: { currentAccuracy: 7 } }), 10),
    ]);
    expect(valid.non2xx).toBe(0);
    expect(valid.errors).toBe(0);
    expect(valid.requests.total).toBeGreaterThan(100);
    expect(malformed['2xx']).toBe(0);
    expect(malformed['4xx']).toBeGreaterThan(100);
    const alone = await run(JSON.stringify(article), 10);
    expect(alone.non2xx).toBe(0);
    console.log(
      `load: valid alongside flood ${Math.round(valid.requests.average)} req/s (p50 ${valid.latency.p50} ms, p99 ${valid.latency.p99} ms); ` +
        `malformed ${Math.round(malformed.requests.average)} req/s all 4xx; valid alone ${Math.round(alone.requests.average)} req/s (p50 ${alone.latency.p50} ms, p99 ${alone.latency.p99} ms)`,
    );
  });
});
