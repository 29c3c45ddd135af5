#!/usr/bin/env node
// Bounded load test of the model service (a documented command, not a CI test):
//
//   pnpm --filter @rvft/model-service build && pnpm --filter @rvft/model-service loadtest
//   node apps/model-service/bench/load.mjs --duration 5 --connections 8
//
// Trains a small champion and a candidate into a temporary registry (12 features, MLP 64-32,
// 3 classes), starts the real server process (dist/server.js) with the prediction log on,
// once plain and once with --shadow, and drives POST /v1/predict with autocannon: single rows
// and batches of 64. Prints requests/s, rows/s and latency p50/p99 per case as a Markdown table.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Dataset } from '@rvft/data';
import { useBestBackend } from '@rvft/model';
import { trainChampion } from '@rvft/pipeline';
import { openRegistry } from '@rvft/registry';
import autocannon from 'autocannon';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '5' },
    connections: { type: 'string', default: '8' },
  },
});
const duration = Number(values.duration);
const connections = Number(values.connections);
const N_FEATURES = 12;
const names = Array.from({ length: N_FEATURES }, (_, j) => `f${j}`);

function data(seed, n = 600) {
  let s = seed;
  const rand = () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31 - 0.5;
  };
  const features = [];
  const labels = [];
  for (let i = 0; i < n; i++) {
    const row = names.map(() => rand() * 4);
    features.push(...row);
    const z = row[0] + row[1] - row[2];
    labels.push(z < -0.7 ? 0 : z < 0.7 ? 1 : 2);
  }
  return new Dataset({
    features,
    labels,
    nFeatures: N_FEATURES,
    featureNames: names,
    classNames: ['low', 'mid', 'high'],
  });
}

const dir = mkdtempSync(join(tmpdir(), 'rvft-loadtest-'));
const serverJs = new URL('../dist/server.js', import.meta.url).pathname;

function start(...args) {
  const proc = spawn(
    process.execPath,
    [serverJs, '--registry', join(dir, 'reg'), '--name', 'load', '--port', '0', ...args],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  return new Promise((resolve, reject) => {
    proc.stdout.on('data', (d) => {
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(d.toString());
      if (m) resolve({ base: m[1], proc });
    });
    proc.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
}

const rowOf = (i) => Object.fromEntries(names.map((n, j) => [n, ((i * 7 + j * 13) % 17) / 4 - 2]));

async function drive(base, batch) {
  const body = JSON.stringify(
    batch === 1
      ? { features: rowOf(1) }
      : { rows: Array.from({ length: batch }, (_, i) => ({ features: rowOf(i) })) },
  );
  const r = await autocannon({
    url: `${base}/v1/predict`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    connections,
    duration,
  });
  if (r.non2xx > 0 || r.errors > 0)
    throw new Error(`${r.non2xx} non-2xx answers, ${r.errors} errors`);
  return {
    rps: r.requests.average,
    rows: r.requests.average * batch,
    p50: r.latency.p50,
    p99: r.latency.p99,
    total: r.requests.total,
  };
}

try {
  const backend = await useBestBackend();
  const registry = await openRegistry(join(dir, 'reg'));
  const opts = {
    registry,
    name: 'load',
    labelColumn: 'y',
    hiddenDims: [64, 32],
    calibrate: false,
    train: { epochs: 5 },
  };
  await trainChampion({ ...opts, data: data(1), seed: 1 });
  const v2 = (await trainChampion({ ...opts, data: data(2), seed: 2, promoteFirst: false }))
    .version;
  await registry.setAlias('load', 'candidate', v2, 'load test');
  const rows = [];
  for (const shadow of [false, true]) {
    const { base, proc } = await start(
      '--log',
      join(dir, `p-${shadow}.jsonl`),
      ...(shadow ? ['--shadow'] : []),
    );
    try {
      for (const batch of [1, 64]) {
        await drive(base, batch); // warm-up pass, not reported
        const r = await drive(base, batch);
        rows.push({ shadow, batch, ...r });
      }
    } finally {
      proc.kill('SIGTERM');
    }
  }
  console.log(
    `\n${cpus().length} CPUs (${cpus()[0]?.model}), ${connections} connections, ${duration} s per case, log on, ${backend.name} backend\n`,
  );
  console.log('| rows / request | shadow | requests/s | rows/s | p50 ms | p99 ms |');
  console.log('|---:|:---:|---:|---:|---:|---:|');
  for (const r of rows) {
    console.log(
      `| ${r.batch} | ${r.shadow ? 'yes' : 'no'} | ${r.rps.toFixed(0)} | ${r.rows.toFixed(0)} | ${r.p50} | ${r.p99} |`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
