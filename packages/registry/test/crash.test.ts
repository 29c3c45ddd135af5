import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { killTrials } from '../scripts/crash-check.mjs';

// The same trials `node scripts/kill-trials.mjs` runs at scale (BENCHMARKS.md): a child does
// seeded random register / promote / rollback / set-alias calls and kills itself with a real
// SIGKILL just before a seeded write step; after each kill, every version must load, nothing
// reported registered may be gone, and aliases.json's champion must be the one the audit log
// replays to — read as it is (write-ahead entries included) and again after recovery, in the
// raw file. Deterministic: the kill point is a write step, not a moment.
describe('kill -9 at seeded write steps of register, promote, rollback and set-alias', () => {
  it('16 trials: every version loads, aliases.json and audit.log agree, nothing is lost', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rvft-registry-kill-'));
    const summary = await killTrials({ dir, trials: 16, seed: 14 });
    expect(summary.problems).toEqual([]);
    expect(summary.kills).toBe(16);
    expect(summary.disagreements).toBe(0);
    // the trials did reach the window between a move and its audit entry (else they prove little)
    expect(summary.recovered).toBeGreaterThan(0);
    expect(summary.versions).toBeGreaterThan(8);
  }, 300_000);
});
