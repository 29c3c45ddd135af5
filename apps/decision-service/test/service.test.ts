import { type ChildProcess, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { DecisionEngine, RULES, type Rule } from '@rvft/decision';
import { RvftError } from '@rvft/errors';
import autocannon from 'autocannon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildService, type ErrorBody, SERVICE_DEFAULTS } from '../src/index';

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

  it('400 lists every invalid field with its code; bad JSON is 400 too', async () => {
    const res = await post(
      JSON.stringify({ data: { nNewSamples: -1 }, model: { currentAccuracy: 2 }, extra: 1 }),
    );
    expect(res.status).toBe(400);
    const body = (await res.json()) as ErrorBody;
    expect(body.code).toBe('RVFT_ERR_INVALID_SIGNALS');
    expect(body.message).toMatch(/^invalid signals \(3 problems\):\n {2}- /);
    expect(body.moreIssues).toBeUndefined();
    expect(body.issues!.map((i) => i.path).sort()).toEqual([
      'data.nNewSamples',
      'extra',
      'model.currentAccuracy',
    ]);
    const bad = await post('{"data": ');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as ErrorBody).code).toMatch(/^FST_ERR_/);
  });

  it('a body of many unknown keys gets the first 20 and a count, not one issue per key', async () => {
    // 1,500 unknown keys still fit the 16 KiB body limit; the answer stays small.
    const keys = Object.fromEntries(Array.from({ length: 1500 }, (_, i) => [`k${i}`, 0]));
    const req = JSON.stringify({ data: { nNewSamples: 1, ...keys } });
    expect(req.length).toBeLessThan(SERVICE_DEFAULTS.bodyLimit);
    const res = await post(req);
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(text.length).toBeLessThan(3_000);
    const body = JSON.parse(text) as ErrorBody;
    expect(body.code).toBe('RVFT_ERR_INVALID_SIGNALS');
    expect(body.issues).toHaveLength(20);
    expect(body.issues![0]).toEqual({ path: 'data.k0', message: 'unknown key' });
    expect(body.moreIssues).toBe(1480);
    expect(body.message).toMatch(/^invalid signals \(1500 problems\):/);
    expect(body.message).toMatch(/… and 1480 more$/);
  });

  it('413 on an oversized body (the 52 KB body of 5,400 unknown keys too), 415 on a wrong content type', async () => {
    const huge = JSON.stringify({ data: { nNewSamples: 1 }, pad: 'x'.repeat(100_000) });
    expect((await post(huge)).status).toBe(413);
    const keys = Object.fromEntries(Array.from({ length: 5400 }, (_, i) => [`k${i}`, 0]));
    const many = await post(JSON.stringify({ data: { nNewSamples: 1 }, ...keys }));
    expect(many.status).toBe(413);
    expect(((await many.json()) as ErrorBody).code).toBe('FST_ERR_CTP_BODY_TOO_LARGE');
    const wrongType = await post('nNewSamples=3', 'text/plain');
    expect(wrongType.status).toBe(415);
    expect(((await wrongType.json()) as ErrorBody).code).toBe('FST_ERR_CTP_INVALID_MEDIA_TYPE');
  });

  it('422 with the code only when the constraints leave no strategy', async () => {
    const res = await post(
      JSON.stringify({
        data: { nNewSamples: 100 },
        constraints: { maxTrainingBudgetS: 0.001, scratchTrainingS: 1000 },
      }),
    );
    expect(res.status).toBe(422);
    const body = (await res.json()) as ErrorBody;
    expect(body.code).toBe('RVFT_ERR_NO_STRATEGY');
    expect(body.message).toMatch(/^every strategy is ruled out by the constraints: /);
  });

  it('404 for an unknown route, with a code', async () => {
    const res = await fetch(`${base}/v2/decide`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as ErrorBody).code).toBe('RVFT_ERR_NOT_FOUND');
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

/** Starts `node dist/server.js` with extra environment; resolves once it listens. */
async function start(env: Record<string, string>): Promise<{ proc: ChildProcess; base: string }> {
  const proc = spawn(process.execPath, [server], {
    env: { ...process.env, PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const base = await new Promise<string>((resolve, reject) => {
    proc.stdout!.on('data', (d: Buffer) => {
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(d.toString());
      if (m) resolve(m[1]!);
    });
    proc.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  return { proc, base };
}

/**
 * A client that sends a request one byte at a time and never finishes it. It first completes
 * one /healthz request on the same socket, so that once `ready` resolves the server has
 * certainly accepted the connection. `closed` resolves with everything the server sent when
 * the server closes the socket — the client never ends or destroys it before that.
 */
function slowClient(
  port: number,
  slowPart: 'headers' | 'body' = 'headers',
): { ready: Promise<void>; closed: Promise<string> } {
  const socket = connect(port, '127.0.0.1');
  let received = '';
  let trickle: NodeJS.Timeout | undefined;
  const closed = new Promise<string>((resolve) => {
    socket.on('close', () => {
      clearInterval(trickle);
      resolve(received);
    });
  });
  socket.on('error', () => {}); // a reset is one way for the server to close
  const ready = new Promise<void>((resolve) => {
    socket.on('data', (d: Buffer) => {
      received += d.toString();
      if (trickle === undefined && received.includes('{"status":"ok"}')) {
        received = '';
        const headers =
          'POST /v1/decide HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 400\r\n\r\n';
        const body = `{"data":{"nNewSamples":1}}${' '.repeat(373)}`;
        // The body case: the route has the request, fastify waits for the body.
        if (slowPart === 'body') socket.write(headers);
        const request = slowPart === 'body' ? body : headers + body;
        let i = 0;
        trickle = setInterval(() => {
          if (i < request.length && socket.writable) socket.write(request[i++]!);
        }, 50);
        resolve();
      }
    });
  });
  socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
  return { ready, closed };
}

describe('decision service: slow clients and the connection cap', () => {
  let slow: { proc: ChildProcess; base: string };
  beforeAll(async () => {
    // Short limits so the test does not wait for the defaults (10 s request timeout), long enough
    // that a loaded CI machine still opens 30 connections before the first one is cut off.
    slow = await start({ REQUEST_TIMEOUT_MS: '3000', MAX_CONNECTIONS: '30' });
  });
  afterAll(() => {
    slow.proc.kill('SIGTERM');
  });

  it('cuts off a client that sends its request a byte at a time, with a 408', async () => {
    const client = slowClient(Number(new URL(slow.base).port));
    await client.ready;
    // Without a request timeout this never resolves (and the test times out).
    const received = await client.closed;
    expect(received).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('cuts off a client that sends its headers at once and its body a byte at a time', async () => {
    const client = slowClient(Number(new URL(slow.base).port), 'body');
    await client.ready;
    expect(await client.closed).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('cuts off a client that connects and never sends a byte', async () => {
    const socket = connect(Number(new URL(slow.base).port), '127.0.0.1');
    let received = '';
    socket.on('data', (d: Buffer) => {
      received += d.toString();
    });
    socket.on('error', () => {});
    await new Promise((resolve) => socket.on('close', resolve));
    expect(received).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('/healthz answers while slow clients hold connections; over the cap a connection is refused; once they are cut off it answers again', async () => {
    const port = Number(new URL(slow.base).port);
    const clients = Array.from({ length: 20 }, () => slowClient(port));
    await Promise.all(clients.map((c) => c.ready));
    const health = await fetch(`${slow.base}/healthz`, { headers: { connection: 'close' } });
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });

    // Fill the cap (30): the next connection is closed by the server on accept.
    const more = Array.from({ length: 10 }, () => slowClient(port));
    await Promise.all(more.map((c) => c.ready));
    await expect(
      fetch(`${slow.base}/healthz`, { headers: { connection: 'close' } }),
    ).rejects.toThrow();

    const received = await Promise.all([...clients, ...more].map((c) => c.closed));
    for (const r of received) expect(r).toMatch(/^HTTP\/1\.1 408 /);
    const after = await fetch(`${slow.base}/healthz`, { headers: { connection: 'close' } });
    expect(after.status).toBe(200);
  });

  it('the defaults reach the Node server: no limit is left at 0 (off)', async () => {
    const app = buildService();
    await app.ready();
    const s = app.server;
    expect({
      requestTimeout: s.requestTimeout,
      headersTimeout: s.headersTimeout,
      timeout: s.timeout,
      keepAliveTimeout: s.keepAliveTimeout,
      maxConnections: s.maxConnections,
    }).toEqual({
      requestTimeout: SERVICE_DEFAULTS.requestTimeoutMs,
      headersTimeout: SERVICE_DEFAULTS.headersTimeoutMs,
      timeout: SERVICE_DEFAULTS.connectionTimeoutMs,
      keepAliveTimeout: SERVICE_DEFAULTS.keepAliveTimeoutMs,
      maxConnections: SERVICE_DEFAULTS.maxConnections,
    });
    await app.close();
  });

  it('refuses to start with a limit that is not a whole number >= 1', async () => {
    const proc = spawn(process.execPath, [server], {
      env: { ...process.env, PORT: '0', REQUEST_TIMEOUT_MS: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    proc.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const code = await new Promise<number | null>((resolve) => proc.on('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toMatch(/REQUEST_TIMEOUT_MS: expected a whole number >= 1, got '0'/);
  });
});

describe('decision service: errors that are not the caller’s', () => {
  // The real engine with one buggy rule in front: what a bug in a rule looks like from outside.
  const buggy = (thrown: unknown): Rule => ({
    id: 'buggy',
    kind: 'advisory',
    description: 'throws',
    when: () => {
      throw thrown;
    },
    apply: () => ({}),
  });
  const serve = async (thrown: unknown) => {
    const app = buildService({ engine: new DecisionEngine({}, [buggy(thrown), ...RULES]) });
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const res = await fetch(`${address}/v1/decide`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(article),
      });
      return { status: res.status, text: await res.text() };
    } finally {
      await app.close();
    }
  };

  it('a plain exception is a 500 with a generic body: no message, no stack', async () => {
    const { status, text } = await serve(
      new TypeError('cannot read /srv/secret/path of undefined'),
    );
    expect(status).toBe(500);
    expect(JSON.parse(text)).toEqual({
      code: 'RVFT_ERR_INTERNAL',
      message: 'Internal Server Error',
    });
    expect(text).not.toMatch(/secret|TypeError|at /);
  });

  it('an RvftError answers with the status of its code: 4xx with its message, 5xx without', async () => {
    const input = await serve(new RvftError('RVFT_ERR_INVALID_ARGUMENT', 'x must be > 0, got -1'));
    expect(input.status).toBe(400);
    expect(JSON.parse(input.text)).toEqual({
      code: 'RVFT_ERR_INVALID_ARGUMENT',
      message: 'x must be > 0, got -1',
    });
    const corrupt = await serve(new RvftError('RVFT_ERR_MODEL_CORRUPT', 'hash mismatch in /srv/m'));
    expect(corrupt.status).toBe(500);
    expect(JSON.parse(corrupt.text)).toEqual({
      code: 'RVFT_ERR_MODEL_CORRUPT',
      message: 'Internal Server Error',
    });
  });

  it('caps the issues zod lists as well (maxIssues)', async () => {
    const app = buildService({ maxIssues: 2 });
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const res = await fetch(`${address}/v1/decide`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          data: { nNewSamples: -1, labelNoise: 2 },
          model: { currentAccuracy: 2 },
        }),
      });
      expect(res.status).toBe(400);
      const body = (await res.json()) as ErrorBody;
      expect(body.issues).toHaveLength(2);
      expect(body.moreIssues).toBe(1);
      expect(body.message).toMatch(/\(3 problems\)[\s\S]*… and 1 more$/);
    } finally {
      await app.close();
    }
  });
});
