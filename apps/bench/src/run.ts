import { CostModel, type StrategyCost } from '@rvft/decision';
import { describeBackend, useBestBackend } from '@rvft/model';
import { type BenchConfig, resolveConfig, type ScenarioId } from './config';
import { checkFindings, type Finding } from './findings';
import { type Row, SCENARIO_TITLES, SCENARIOS } from './scenarios';

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
  const scenarios: BenchResult['scenarios'] = {};
  for (const id of ids) {
    const perSeed: Row[][] = [];
    for (const s of seeds) {
      const run = await SCENARIOS[id]({
        seed: s,
        config: config[id],
        onRow: (scenario, rowId) => opts.onRow?.(scenario, rowId, s),
      });
      perSeed.push(run.rows);
    }
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
