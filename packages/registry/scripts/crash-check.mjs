// Shared by the kill -9 test (test/crash.test.ts) and the long run (kill-trials.mjs): run one
// trial — a child process doing seeded registry operations, killed with SIGKILL at a seeded
// write step — and check what it left: every version loads, the champion in aliases.json is
// the champion replayed from audit.log (before recovery, through readAudit, and after
// recovery in the raw file), every version has its `register` entry, nothing reported is lost.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { championFromAudit, openRegistry, parseAuditLog } from '../dist/index.js';

const child = new URL('./crash-child.mjs', import.meta.url).pathname;

/** A small seeded PRNG (mulberry32): the same seed gives the same trials on every machine. */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Runs the child until it kills itself; resolves with its exit signal and what it reported. */
export function runTrial(dir, name, seed, killAt) {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [child, dir, name, String(seed), String(killAt)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => {
      out += d;
    });
    p.stderr.on('data', (d) => {
      err += d;
    });
    p.on('error', reject);
    p.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`child exited ${code}/${signal}: ${err}`));
      else resolve({ signal, lines: out.split('\n').filter(Boolean) });
    });
  });
}

/**
 * Checks a registry a killed child left; returns the problems found (none: consistent). The
 * child is dead, so its lock is removed first (otherwise the next writer waits for it to go
 * stale, which proper-lockfile also does — just 5 s later).
 */
export async function checkRegistry(dir, name, reported = []) {
  const problems = [];
  rmSync(join(dir, 'models', `${name}.lock`), { recursive: true, force: true });
  const reg = await openRegistry(dir);
  const versions = await reg.versions(name);
  for (const v of versions) {
    try {
      (await reg.load(name, { version: v })).dispose();
    } catch (e) {
      problems.push(`v${v} does not load: ${e.message}`);
    }
  }
  for (const v of reported) {
    if (!versions.includes(v)) problems.push(`v${v} was reported registered but is gone`);
  }
  const state = await reg.aliasState(name);
  const champion = state.aliases.champion ?? null;
  for (const v of [...Object.values(state.aliases), ...state.championHistory]) {
    if (!versions.includes(v)) problems.push(`aliases.json names v${v}, which does not exist`);
  }
  const before = await reg.readAudit(name);
  if (championFromAudit(before.entries) !== champion) {
    problems.push(
      `before recovery: aliases.json says v${champion}, the audit log replays to v${championFromAudit(before.entries)}`,
    );
  }
  // recovery runs under the lock at the start of every write, and in gc
  await reg.gc({ graceMs: 0 });
  const log = join(dir, 'models', name, 'audit.log');
  const raw = parseAuditLog(existsSync(log) ? readFileSync(log, 'utf8') : '');
  if (championFromAudit(raw.entries) !== champion) {
    problems.push(
      `after recovery: aliases.json says v${champion}, audit.log replays to v${championFromAudit(raw.entries)}`,
    );
  }
  const registered = new Set(raw.entries.filter((e) => e.action === 'register').map((e) => e.to));
  for (const v of versions) {
    if (!registered.has(v)) problems.push(`v${v} has no register entry in audit.log`);
  }
  const after = await reg.readAudit(name);
  if (after.recovered.length > 0) problems.push(`${after.recovered.length} entries still pending`);
  return {
    problems,
    versions: versions.length,
    recovered: before.recovered.length,
    tornLines: raw.skipped.length,
  };
}

/**
 * `trials` kill -9 trials on one registry, each killed at a seeded step in [1, maxStep]:
 * the registry accumulates across trials, as a production one would across crashes.
 */
export async function killTrials({ dir, name = 'm', trials, seed, maxStep = 80, onTrial }) {
  const rand = mulberry32(seed);
  const summary = { trials: 0, kills: 0, disagreements: 0, recovered: 0, problems: [] };
  for (let t = 0; t < trials; t++) {
    const childSeed = Math.floor(rand() * 2 ** 31);
    const killAt = 1 + Math.floor(rand() * maxStep);
    const { lines } = await runTrial(dir, name, childSeed, killAt);
    summary.kills += 1;
    const reported = lines
      .filter((l) => l.startsWith('registered '))
      .map((l) => Number(l.slice(11)));
    const r = await checkRegistry(dir, name, reported);
    summary.trials += 1;
    summary.recovered += r.recovered;
    if (r.problems.length > 0) {
      summary.disagreements += 1;
      summary.problems.push({ trial: t, childSeed, killAt, problems: r.problems });
    }
    summary.versions = r.versions;
    onTrial?.(t, r, { childSeed, killAt });
  }
  return summary;
}
