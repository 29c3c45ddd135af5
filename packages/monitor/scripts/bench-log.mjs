#!/usr/bin/env node
// Streams a generated prediction log through the monitor and prints rows/s and peak RSS.
//   node packages/monitor/scripts/bench-log.mjs [rows=1000000] [features=10]
// (after `pnpm build`). The log is written to a temporary directory by this process; a child
// process then runs `watchLog` on it alone, so its peak RSS is the monitor's, not the writer's.
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildProfile, watchLog } from '../dist/index.js';

const CLASSES = ['low', 'mid', 'high'];
function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const gauss = (r) => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
function row(r, d, shift) {
  const x = Array.from({ length: d }, (_, j) => gauss(r) + (j === 0 ? shift : 0));
  const z = [x[0], x[1] ?? 0, -(x[0] + (x[1] ?? 0))].map((v) => Math.exp(2 * v));
  const s = z[0] + z[1] + z[2];
  return { x, p: z.map((v) => v / s) };
}
const argmax = (p) => p.indexOf(Math.max(...p));

function profileFor(d) {
  const r = rng(1);
  const features = [];
  const probs = [];
  for (let i = 0; i < 20_000; i++) {
    const { x, p } = row(r, d, 0);
    features.push(...x);
    probs.push(...p);
  }
  return buildProfile({ features, nFeatures: d, featureNames: x(d), classNames: CLASSES }, probs);
}
const x = (d) => Array.from({ length: d }, (_, j) => `x${j}`);

if (process.argv[2] === '--watch') {
  const [, , , log, d] = process.argv;
  const profile = profileFor(Number(d));
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  const res = await watchLog({ log, profile, labelledBatch: 100_000 });
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  process.stdout.write(
    JSON.stringify({
      seconds: s,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      records: res.stats.records,
      predictions: res.counts.predictions,
      joined: res.counts.joined,
      torn: res.stats.torn,
      windows: res.windows,
      incidents: res.incidents.map(
        (i) =>
          `${i.action}/${i.urgency}@window${i.events[0].window.index}:${i.events.map((e) => `${e.kind}[${e.subject}]`).join('+')}`,
      ),
      maxRssMiB: process.resourceUsage().maxRSS / 1024,
    }),
  );
} else {
  const n = Number(process.argv[2] ?? 1_000_000);
  const d = Number(process.argv[3] ?? 10);
  const dir = mkdtempSync(join(tmpdir(), 'rvft-monitor-bench-'));
  const log = join(dir, 'predictions.jsonl');
  const out = createWriteStream(log);
  const r = rng(7);
  const start = Date.parse('2026-01-01T00:00:00Z');
  const names = x(d);
  for (let i = 0; i < n; i++) {
    // a shift of x0 in the last fifth: the run should raise one incident
    const { x: v, p } = row(r, d, i >= n * 0.8 ? 1.5 : 0);
    const time = new Date(start + i * 100).toISOString();
    const rec = {
      type: 'prediction',
      time,
      requestId: `r${i}`,
      version: 1,
      arm: 'champion',
      features: Object.fromEntries(names.map((k, j) => [k, v[j]])),
      probabilities: p,
      predicted: CLASSES[argmax(p)],
      classNames: CLASSES,
    };
    let line = `${JSON.stringify(rec)}\n`;
    if (i % 2 === 0) {
      const label = r() < 0.1 ? CLASSES[(argmax(p) + 1) % 3] : CLASSES[argmax(p)];
      line += `${JSON.stringify({ type: 'feedback', time, requestId: `r${i}`, label })}\n`;
    }
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end('{"type":"prediction","time":"2026-'); // a torn last line
  await once(out, 'finish');
  const bytes = statSync(log).size;
  const child = spawnSync(
    process.execPath,
    [fileURLToPath(import.meta.url), '--watch', log, String(d)],
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  rmSync(dir, { recursive: true, force: true });
  if (child.status !== 0) process.exit(child.status ?? 1);
  const res = JSON.parse(child.stdout);
  console.log(
    JSON.stringify({
      rows: n,
      features: d,
      logMiB: +(bytes / 2 ** 20).toFixed(1),
      ...res,
      predictionsPerSecond: Math.round(res.predictions / res.seconds),
      recordsPerSecond: Math.round(res.records / res.seconds),
      predictionsPerCpuSecond: Math.round(res.predictions / res.cpuSeconds),
    }),
  );
}
