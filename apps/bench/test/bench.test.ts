import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runBench } from '../src/index';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'rvft-bench-'));
const cli = new URL('../dist/cli.js', import.meta.url).pathname;

// The reduced bench: the reference MLP and hyper-parameters, half the samples in A. Other
// cuts change the findings themselves: a narrower MLP lets scratch catch up in D, half of C's
// data leaves full fine-tuning at lr 0.001 under-trained. The full bench is the benchmark.
const REDUCED = { A: { nInitial: 500, nNew: 250 } };

describe('the reduced bench reproduces the article', () => {
  for (const seed of [42, 7]) {
    it(`every finding holds for seed ${seed}`, async () => {
      const result = await runBench({ seed, config: REDUCED });
      const failed = result.findings.filter((f) => !f.holds);
      expect(failed, JSON.stringify(failed, null, 2)).toEqual([]);
      expect(result.findings).toHaveLength(9);
      expect(Object.keys(result.scenarios)).toEqual(['A', 'B', 'C', 'D']);
      expect(result.scenarios.A!.rows.map((r) => r.id)).toEqual([
        'champion',
        'fine_tune_head_only',
        'fine_tune_full_network',
        'retrain_warm_new_only',
        'retrain_warm_combined',
        'retrain_cold_combined',
        'train_from_scratch',
      ]);
      expect(result.scenarios.C!.rows.map((r) => r.id)).toEqual([
        'fine_tune_head_only',
        'retrain_warm_combined@fine_tune_full_network',
        'retrain_warm_combined',
        'train_from_scratch',
      ]);
      expect(result.scenarios.D!.rows.map((r) => r.id)).toEqual([
        'champion',
        'fine_tune_head_only',
        'fine_tune_full_network',
        'train_from_scratch',
      ]);
      // every updated row is named by the strategy it ran
      for (const s of Object.values(result.scenarios)) {
        for (const r of s!.rows) expect(r.id.split('@')[0]).toBe(r.strategy ?? 'champion');
      }
      expect(result.backend).toMatch(/^(wasm|cpu|tensorflow)/);
    });
  }

  it('the same seed gives the same tables', async () => {
    const a = await runBench({ seed: 3, scenarios: ['D'], config: REDUCED });
    const b = await runBench({ seed: 3, scenarios: ['D'], config: REDUCED });
    const strip = (r: typeof a) => r.scenarios.D!.rows.map(({ trainS: _t, ...rest }) => rest);
    expect(strip(b)).toEqual(strip(a));
  });
});

describe('worker threads', () => {
  it('two workers give exactly the tables one thread gives', async () => {
    const config = {
      B: {
        training: {
          champion: { epochs: 4 },
          fine_tune_head_only: { epochs: 3 },
          fine_tune_full_network: { epochs: 3 },
          retrain_warm_combined: { epochs: 2 },
          train_from_scratch: { epochs: 3 },
        },
      },
      D: {
        training: {
          champion: { epochs: 4 },
          fine_tune_head_only: { epochs: 3 },
          fine_tune_full_network: { epochs: 3 },
          train_from_scratch: { epochs: 3 },
        },
      },
    };
    const rows: string[] = [];
    const one = await runBench({ seed: 9, seeds: 2, scenarios: ['B', 'D'], config });
    const two = await runBench({
      seed: 9,
      seeds: 2,
      scenarios: ['B', 'D'],
      config,
      workers: 2,
      onRow: (s, r, seed) => rows.push(`${s}/${r}/${seed}`),
    });
    const strip = (r: typeof one) =>
      Object.values(r.scenarios).map((sc) =>
        sc!.rows.map(({ trainS: _t, sd, ...rest }) => ({ ...rest, sd: { ...sd, trainS: 0 } })),
      );
    expect(strip(two)).toEqual(strip(one));
    expect(rows).toHaveLength((6 + 5) * 2); // progress arrives from the workers
  });
});

describe('the command line', () => {
  it('--scenario, --seed, --seeds, --config and --json work in a real process', async () => {
    const config = join(dir, 'config.json');
    writeFileSync(
      config,
      JSON.stringify({
        B: {
          hiddenDims: [16],
          shiftMagnitude: 1.5,
          training: {
            champion: { epochs: 3 },
            fine_tune_head_only: { epochs: 3 },
            fine_tune_full_network: { epochs: 2 },
            // a former row id still works, with a notice naming its new key
            rt_warm_combined: { epochs: 2 },
            train_from_scratch: { epochs: 3 },
          },
        },
      }),
    );
    const out = join(dir, 'out.json');
    const { stdout, stderr } = await run(process.execPath, [
      cli,
      '--scenario',
      'b',
      '--seed',
      '5',
      '--seeds',
      '2',
      '--config',
      config,
      '--json',
      out,
      '--no-progress',
      '--validate-decisions',
    ]);
    expect(stdout).toMatch(/Scenario B — distribution shift/);
    expect(stdout).toMatch(/fine_tune_head_only\s+0\.\d{4}±0\.\d{4}.*shifted data\n/);
    expect(stderr).toContain(
      'rvft-bench: bench config: B.training.rt_warm_combined is deprecated; use B.training.retrain_warm_combined',
    );
    expect(stdout).toMatch(/backend: .* · seeds: 5, 6 · total runtime/);
    const json = JSON.parse(readFileSync(out, 'utf8'));
    expect(json).toMatchObject({ seed: 5, seeds: [5, 6] });
    expect(Object.keys(json.scenarios)).toEqual(['B']);
    expect(json.scenarios.B.rows[1]).toMatchObject({
      id: 'fine_tune_head_only',
      label: 'shifted data',
      sd: { accuracy: expect.any(Number) },
    });
    expect(json.costModel).toHaveLength(6);
    expect(stdout).toMatch(/Decisions checked against outcomes/);
    expect(json.decisionValidation).toHaveLength(1);
    expect(json.decisionValidation[0]).toMatchObject({
      scenario: 'B',
      recommended: expect.any(String),
      measuredWinner: expect.any(String),
      agreeBySeed: [expect.any(Boolean), expect.any(Boolean)],
      signals: { nNewSamples: 500, nHistoricalSamples: 1000, retainPriorPerformance: false },
    });
    expect(typeof json.totalRuntimeS).toBe('number');
  });

  it('names each row by the computation it ran, and C recommends its measured winner', async () => {
    const result = await runBench({ scenarios: ['C'], validateDecisions: true });
    const rows = result.scenarios.C!.rows;
    const byId = Object.fromEntries(rows.map((r) => [r.id, r]));
    // expand + full FT on old + new from the champion's weights is warm combined retraining
    const viaFineTune = byId['retrain_warm_combined@fine_tune_full_network']!;
    expect(viaFineTune.strategy).toBe('retrain_warm_combined');
    expect(viaFineTune.compute).toBe(byId['retrain_warm_combined']!.compute);
    expect(byId['fine_tune_head_only']).toMatchObject({ strategy: 'fine_tune_head_only' });
    // head-only updates the head alone: far fewer parameter updates than the whole network
    expect(byId['fine_tune_head_only']!.compute!).toBeLessThan(
      byId['retrain_warm_combined']!.compute! / 10,
    );
    const check = result.decisionValidation![0]!;
    expect(check.signals.nNewClasses).toBe(2);
    expect(check.recommended).toBe(check.measuredWinner);
  });

  it('bad flags and bad config exit 2 (invalid input, as the CLI documents) with the reason', async () => {
    await expect(run(process.execPath, [cli, '--scenario', 'Q'])).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/unknown scenario 'Q'/),
    });
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ A: { nNew: 'many' } }));
    await expect(run(process.execPath, [cli, '--config', bad])).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/A\.nNew/),
    });
  });
});
