// The long kill -9 run: `node packages/registry/scripts/kill-trials.mjs [--trials 100] [--seed 1]`
// (after `pnpm build`). Prints one line per trial and a JSON summary; exits 1 on any
// disagreement. The figures in BENCHMARKS.md ("Registry under kill -9") come from it.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useBestBackend } from '@rvft/model';
import { killTrials } from './crash-check.mjs';

const arg = (flag, fallback) => {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const trials = arg('--trials', 100);
const seed = arg('--seed', 1);
await useBestBackend();
const dir = mkdtempSync(join(tmpdir(), 'rvft-kill-trials-'));
const started = Date.now();
const summary = await killTrials({
  dir,
  trials,
  seed,
  onTrial: (t, r, { killAt }) =>
    console.log(
      `trial ${t + 1}/${trials}: killed at write step ${killAt}; ${r.versions} versions, ${r.recovered} entries recovered, ${r.tornLines} torn lines, ${r.problems.length === 0 ? 'consistent' : r.problems.join('; ')}`,
    ),
});
console.log(
  JSON.stringify({ ...summary, seed, dir, wallS: (Date.now() - started) / 1000 }, null, 2),
);
process.exitCode = summary.disagreements === 0 ? 0 : 1;
