import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { CostModel, type StrategyCost } from '@rvft/decision';
import { describeBackend, useBestBackend } from '@rvft/model';
import { type BenchConfig, resolveConfig, type ScenarioId } from './config';
import { checkFindings, type Finding } from './findings';
import { type Row, SCENARIO_TITLES, SCENARIOS } from './scenarios';
import type { Job, WorkerMessage } from './worker';

export type Metric =
  | 'accuracy'
  | 'macroF1'
  | 'ece'
  | 'trainS'
  | 'oldClassAccuracy'
  | 'newClassAccuracy';
const METRICS: readonly Metric[] = [
  'accuracy',
  'macroF1',
  'ece',
  'trainS',
  'oldClassAccuracy',
  'newClassAccuracy',
];

/** A row averaged over seeds; `sd` (sample standard deviation) is present with 2+ seeds. */
export interface AggregateRow extends Row {
  sd?: Partial<Record<Metric, number>>;
  /** The value of every seed, in seed order, for the accuracy. */
  accuracyBySeed?: number[];
}

export interface BenchResult {
  backend: string;
  seed: number;
  seeds: number[];
  totalRuntimeS: number;
  scenarios: Partial<Record<ScenarioId, { title: string; test: string; rows: AggregateRow[] }>>;
  costModel: (StrategyCost & { relativeCompute: number })[];
  findings: Finding[];
}

export interface BenchOptions {
  scenarios?: readonly ScenarioId[];
  seed?: number;
  /** How many seeds: seed, seed+1, … */
  seeds?: number;
  config?: BenchConfig | unknown;
  onRow?: (scenario: ScenarioId, rowId: string, seed: number) => void;
  /**
   * Worker threads to spread (scenario, seed) runs over; 1 (default) runs in this thread.
   * Every run is seeded and independent, so the tables are the same either way.
   */
  workers?: number;
}

// Rough relative cost of each scenario, so the longest runs start first.
const COST: Record<ScenarioId, number> = { A: 4, B: 2, C: 4, D: 2 };

function workerScript(): string {
  // Next to this module once built; from the TypeScript sources (tests), the built copy.
  const here = new URL('./worker.js', import.meta.url);
  if (existsSync(fileURLToPath(here))) return fileURLToPath(here);
  return fileURLToPath(new URL('../dist/worker.js', import.meta.url));
}

/** Runs jobs on `n` worker threads, longest first; resolves with rows in job order. */
async function runInWorkers(
  jobs: Job[],
  n: number,
  onRow: BenchOptions['onRow'],
): Promise<Row[][]> {
  const results: Row[][] = new Array(jobs.length);
  const queue = [...jobs].sort((a, b) => COST[b.scenario] - COST[a.scenario]);
  const script = workerScript();
  await Promise.all(
    Array.from(
      { length: Math.min(n, jobs.length) },
      () =>
        new Promise<void>((resolve, reject) => {
          const worker = new Worker(script);
          const next = () => worker.postMessage(queue.shift() ?? null);
          worker.on('message', (m: WorkerMessage) => {
            if (m.type === 'row') onRow?.(m.scenario, m.rowId, m.seed);
            else if (m.type === 'done') {
              results[m.index] = m.rows;
              next();
            } else {
              worker.terminate();
              reject(new Error(`bench worker: ${m.message}`));
            }
          });
          worker.on('error', reject);
          worker.on('exit', () => resolve());
          next();
        }),
    ),
  );
  return results;
}

/** The article's cost table: 267,000 parameters, 512 in the head, 500 new, 1,000 old, 10 epochs. */
export function articleCostModel(): StrategyCost[] {
  return new CostModel({
    nNewSamples: 500,
    nHistoricalSamples: 1000,
    nParamsTotal: 267_000,
    nParamsHead: 512,
    epochs: 10,
  }).table();
}

function mean(xs: number[]): number {
  return xs.reduce((s, x) => s + x, 0) / xs.length;
}

function sd(xs: number[]): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1));
}

export function aggregate(perSeed: Row[][]): AggregateRow[] {
  const first = perSeed[0] ?? [];
  return first.map((row, i) => {
    const all = perSeed.map((rows) => rows[i] as Row);
    const out: AggregateRow = { ...row };
    if (perSeed.length > 1) {
      out.sd = {};
      out.accuracyBySeed = all.map((r) => r.accuracy);
    }
    for (const metric of METRICS) {
      if (row[metric] === undefined) continue;
      const values = all.map((r) => r[metric] as number);
      out[metric] = mean(values);
      if (out.sd) out.sd[metric] = sd(values);
    }
    return out;
  });
}

/** Runs the chosen scenarios over one or more seeds and checks the article's findings. */
export async function runBench(opts: BenchOptions = {}): Promise<BenchResult> {
  const start = performance.now();
  const backend = await useBestBackend();
  const ids = opts.scenarios ?? (['A', 'B', 'C', 'D'] as const);
  const seed = opts.seed ?? 42;
  const seeds = Array.from({ length: opts.seeds ?? 1 }, (_, k) => seed + k);
  const config =
    opts.config &&
    typeof opts.config === 'object' &&
    'A' in opts.config &&
    'data' in (opts.config as BenchConfig).A
      ? (opts.config as BenchConfig)
      : resolveConfig(opts.config ?? {});
  const jobs: Job[] = ids.flatMap((scenario) =>
    seeds.map((seed) => ({ scenario, seed, config: config[scenario], index: 0 })),
  );
  jobs.forEach((j, i) => {
    j.index = i;
  });
  let rows: Row[][];
  if ((opts.workers ?? 1) > 1) {
    rows = await runInWorkers(jobs, opts.workers as number, opts.onRow);
  } else {
    rows = [];
    for (const j of jobs) {
      const run = await SCENARIOS[j.scenario]({
        seed: j.seed,
        config: j.config,
        onRow: (scenario, rowId) => opts.onRow?.(scenario, rowId, j.seed),
      });
      rows.push(run.rows);
    }
  }
  const scenarios: BenchResult['scenarios'] = {};
  for (const id of ids) {
    const perSeed = jobs.filter((j) => j.scenario === id).map((j) => rows[j.index] as Row[]);
    scenarios[id] = { ...SCENARIO_TITLES[id], rows: aggregate(perSeed) };
  }
  const result: BenchResult = {
    backend: describeBackend(backend),
    seed,
    seeds,
    totalRuntimeS: 0,
    scenarios,
    costModel: articleCostModel(),
    findings: [],
  };
  result.findings = checkFindings(result);
  result.totalRuntimeS = (performance.now() - start) / 1000;
  return result;
}
