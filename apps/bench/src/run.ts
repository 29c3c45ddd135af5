import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { DEFAULT_SEED } from '@rvft/data';
import type { StrategyId } from '@rvft/decision';
import { ARTICLE_STRATEGY_IDS, CostModel, type StrategyCost } from '@rvft/decision';
import { describeBackend, useBestBackend } from '@rvft/model';
import { type BenchConfig, resolveConfig, type ScenarioId } from './config';
import { checkFindings, type Finding } from './findings';
import {
  measuredWinner,
  type Row,
  runScenario,
  type ScenarioDecision,
  type ScenarioRun,
} from './scenarios';
import { type RowId, SCENARIO_TABLE } from './table';
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
/** A row over seeds (per-row predictions are dropped: the JSON carries the metrics). */
export interface AggregateRow extends Omit<Row, 'correct'> {
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
  /** With `validateDecisions`: the engine's recommendation from raw data vs the measured winner. */
  decisionValidation?: DecisionCheck[];
}

export interface DecisionCheck {
  scenario: ScenarioId;
  /** Signals measured on the first seed. */
  signals: ScenarioDecision['signals'];
  recommended: StrategyId;
  confidence: string;
  rules: string[];
  /** Cheapest strategy not significantly worse than the best, on the per-row predictions pooled over seeds. */
  measuredWinner: StrategyId;
  /** Exact McNemar p-value of the winner against the best, pooled over seeds (1: it is the best). */
  winnerPValue: number;
  winnerAccuracy: number;
  bestAccuracy: number;
  agree: boolean;
  /** Per seed: did that seed's recommendation match that seed's winner? */
  agreeBySeed: boolean[];
}

export interface BenchOptions {
  scenarios?: readonly ScenarioId[];
  seed?: number;
  /** How many seeds: seed, seed+1, … */
  seeds?: number;
  config?: BenchConfig | unknown;
  onRow?: (scenario: ScenarioId, rowId: RowId, seed: number) => void;
  /**
   * Worker threads to spread (scenario, seed) runs over; 1 (default) runs in this thread.
   * Every run is seeded and independent, so the tables are the same either way.
   */
  workers?: number;
  /** Diagnose each champion from raw data, ask the engine, compare with the measured winner. */
  validateDecisions?: boolean;
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
): Promise<ScenarioRun[]> {
  const results: ScenarioRun[] = new Array(jobs.length);
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
              results[m.index] = m.run;
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
  }).table(ARTICLE_STRATEGY_IDS);
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
    const { correct: _perRow, ...metrics } = row;
    const out: AggregateRow = metrics;
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
  const seed = opts.seed ?? DEFAULT_SEED;
  const seeds = Array.from({ length: opts.seeds ?? 1 }, (_, k) => seed + k);
  const config =
    opts.config &&
    typeof opts.config === 'object' &&
    'A' in opts.config &&
    'data' in (opts.config as BenchConfig).A
      ? (opts.config as BenchConfig)
      : resolveConfig(opts.config ?? {});
  const validateDecisions = opts.validateDecisions ?? false;
  const jobs: Job[] = ids.flatMap((scenario) =>
    seeds.map((seed) => ({
      scenario,
      seed,
      config: config[scenario],
      index: 0,
      validateDecisions,
    })),
  );
  jobs.forEach((j, i) => {
    j.index = i;
  });
  let runs: ScenarioRun[];
  if ((opts.workers ?? 1) > 1) {
    runs = await runInWorkers(jobs, opts.workers as number, opts.onRow);
  } else {
    runs = [];
    for (const j of jobs) {
      runs.push(
        await runScenario(SCENARIO_TABLE[j.scenario], {
          seed: j.seed,
          config: j.config,
          validateDecisions,
          onRow: (scenario, rowId) => opts.onRow?.(scenario, rowId, j.seed),
        }),
      );
    }
  }
  const scenarios: BenchResult['scenarios'] = {};
  const checks: DecisionCheck[] = [];
  for (const id of ids) {
    const perSeed = jobs.filter((j) => j.scenario === id).map((j) => runs[j.index] as ScenarioRun);
    const rows = aggregate(perSeed.map((r) => r.rows));
    scenarios[id] = { title: SCENARIO_TABLE[id].title, test: SCENARIO_TABLE[id].test, rows };
    const first = perSeed[0]?.decision;
    if (validateDecisions && first) {
      const winner = measuredWinner(perSeed.map((r) => r.rows));
      checks.push({
        scenario: id,
        signals: first.signals,
        recommended: first.recommended,
        confidence: first.confidence,
        rules: first.rules,
        measuredWinner: winner.strategy,
        winnerPValue: winner.pValue,
        winnerAccuracy: winner.accuracy,
        bestAccuracy: winner.best,
        agree: first.recommended === winner.strategy,
        agreeBySeed: perSeed.map(
          (r) => r.decision?.recommended === measuredWinner([r.rows]).strategy,
        ),
      });
    }
  }
  const result: BenchResult = {
    backend: describeBackend(backend),
    seed,
    seeds,
    totalRuntimeS: 0,
    scenarios,
    costModel: articleCostModel(),
    findings: [],
    ...(validateDecisions ? { decisionValidation: checks } : {}),
  };
  result.findings = checkFindings(result);
  result.totalRuntimeS = (performance.now() - start) / 1000;
  return result;
}
