#!/usr/bin/env node

import { readFile, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { DEFAULT_SEED } from '@rvft/data';
import { ERROR_CATEGORIES, exitCodeFor, RvftError } from '@rvft/errors';
import { SingleBar } from 'cli-progress';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { resolveConfig, SCENARIO_IDS, type ScenarioId } from './config';
import { formatReport } from './format';
import { formatImbalance, runImbalanceSuite } from './imbalance';
import { loadRealSituations } from './real/situations';
import { formatRealSuite, runRealSuite } from './real/suite';
import { renderReport } from './report';
import { runBench } from './run';
import { rowCount } from './scenarios';

// `pnpm bench` runs this from the repository root; paths are relative to where the user was.
const userPath = (p: string) => resolve(process.env['INIT_CWD'] ?? process.cwd(), p);

function positiveInt(name: string) {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1)
      throw new InvalidArgumentError(`${name} must be a whole number >= 1`);
    return n;
  };
}

function scenarioList(v: string): ScenarioId[] {
  const ids = v.split(',').map((s) => s.trim().toUpperCase());
  for (const id of ids) {
    if (!(SCENARIO_IDS as readonly string[]).includes(id)) {
      throw new InvalidArgumentError(`unknown scenario '${id}' (expected some of A,B,C,D)`);
    }
  }
  return ids as ScenarioId[];
}

const program = new Command()
  .name('rvft-bench')
  .description("Reproduces the retrain-vs-fine-tune article's four scenarios and its cost table.")
  .option(
    '--suite <name>',
    "article: the article's four generated scenarios (default); real: situations from real public data (vega-datasets), every strategy measured against the engine's pick (3 seeds unless --seeds); imbalance: what a class-weighted loss does to macro F1 on a 20:1 problem",
    'article',
  )
  .option('--situation <list>', 'with --suite real: situation ids to run (default: all)')
  .option(
    '--objective <metric>',
    'with --suite real: accuracy (default) or macro-f1 (imbalanced files then train with a class-weighted loss)',
    'accuracy',
  )
  .option('--scenario <list>', 'scenarios to run, e.g. A,C', scenarioList, [...SCENARIO_IDS])
  .option(
    '--seed <n>',
    'first seed',
    (v) => {
      const n = Number(v);
      if (!Number.isInteger(n)) throw new InvalidArgumentError('seed must be an integer');
      return n;
    },
    DEFAULT_SEED,
  )
  .option(
    '--seeds <n>',
    'number of seeds (seed, seed+1, …); tables show mean ± sd',
    positiveInt('seeds'),
    1,
  )
  .option(
    '--config <file>',
    'JSON overrides keyed by scenario letter (generator options, hiddenDims, training by row id)',
  )
  .option('--json <file>', 'write the results as JSON')
  .option(
    '--report <file>',
    'write a self-contained HTML report with charts (opens offline in any browser)',
  )
  .option(
    '--workers <n>',
    'worker threads for independent scenario runs (default: up to 2 cores)',
    positiveInt('workers'),
    Math.min(2, availableParallelism()),
  )
  .option(
    '--validate-decisions',
    "diagnose each champion from raw data and check the engine's recommendation against the measured winner",
  )
  .option('--no-progress', 'no progress bar on stderr')
  // usage errors are thrown, not exited on, so they exit 2 like every invalid input below
  .exitOverride()
  .action(async (opts, cmd: Command) => {
    if (opts.suite === 'real') {
      const seeds = cmd.getOptionValueSource('seeds') === 'default' ? 3 : opts.seeds;
      const wanted = opts.situation ? String(opts.situation).split(',') : undefined;
      const all = loadRealSituations();
      const situations = wanted ? all.filter((s) => wanted.includes(s.id)) : all;
      if (wanted && situations.length !== wanted.length) {
        throw new RvftError(
          'RVFT_ERR_INVALID_ARGUMENT',
          `--situation: unknown id among ${wanted.join(', ')} (known: ${all.map((s) => s.id).join(', ')})`,
        );
      }
      if (opts.objective !== 'accuracy' && opts.objective !== 'macro-f1') {
        throw new RvftError(
          'RVFT_ERR_INVALID_ARGUMENT',
          `--objective: must be accuracy or macro-f1, got '${opts.objective}'`,
        );
      }
      const runs = await runRealSuite(situations, {
        seeds: Array.from({ length: seeds }, (_, k) => opts.seed + k),
        objective: opts.objective,
        onRun: (r) => {
          if (opts.progress) console.error(`  ${r.situation} seed ${r.seed}: done`);
        },
      });
      console.log(formatRealSuite(runs));
      if (opts.json) {
        const file = userPath(opts.json);
        await writeFile(file, `${JSON.stringify({ suite: 'real', runs }, null, 2)}\n`);
        console.log(`results written to ${file}`);
      }
      return;
    }
    if (opts.suite === 'imbalance') {
      const seeds = cmd.getOptionValueSource('seeds') === 'default' ? 3 : opts.seeds;
      const r = await runImbalanceSuite({
        seeds: Array.from({ length: seeds }, (_, k) => opts.seed + k),
      });
      console.log(formatImbalance(r));
      if (opts.json) {
        const file = userPath(opts.json);
        await writeFile(file, `${JSON.stringify({ suite: 'imbalance', ...r }, null, 2)}\n`);
        console.log(`results written to ${file}`);
      }
      return;
    }
    if (opts.suite !== 'article')
      throw new RvftError(
        'RVFT_ERR_INVALID_ARGUMENT',
        `--suite: must be article, real or imbalance, got '${opts.suite}'`,
      );
    let overrides: unknown = {};
    if (opts.config) {
      const file = userPath(opts.config);
      try {
        overrides = JSON.parse(await readFile(file, 'utf8'));
      } catch (e) {
        throw new RvftError(
          'RVFT_ERR_INVALID_ARGUMENT',
          `--config ${file}: ${(e as Error).message}`,
        );
      }
    }
    const config = resolveConfig(overrides, {
      onDeprecated: (message) => console.error(`rvft-bench: ${message}`),
    });
    const scenarios = opts.scenario as ScenarioId[];
    const total = scenarios.reduce((s, id) => s + rowCount(id), 0) * opts.seeds;
    const bar =
      opts.progress && process.stderr.isTTY
        ? new SingleBar({
            stream: process.stderr,
            format: 'bench [{bar}] {value}/{total} {scenario} {row} seed {seed}',
            hideCursor: true,
          })
        : undefined;
    bar?.start(total, 0, { scenario: '', row: '', seed: opts.seed });
    const result = await runBench({
      scenarios,
      seed: opts.seed,
      seeds: opts.seeds,
      config,
      workers: opts.workers,
      validateDecisions: Boolean(opts.validateDecisions),
      onRow: (scenario, row, seed) => bar?.increment({ scenario, row, seed }),
    });
    bar?.stop();
    console.log(formatReport(result));
    if (opts.json) {
      const file = userPath(opts.json);
      await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
      console.log(`results written to ${file}`);
    }
    if (opts.report) {
      const file = userPath(opts.report);
      await writeFile(file, renderReport(result));
      console.log(`report written to ${file}`);
    }
  });

// Exit codes as the rvft CLI documents them (docs/errors.md): 2 for invalid input, 1 for a failure.
program.parseAsync().catch((e: unknown) => {
  if (e instanceof CommanderError) {
    // commander printed the message (or the help) already
    const ok = ['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(e.code);
    process.exit(ok ? 0 : ERROR_CATEGORIES.input.exitCode);
  }
  console.error(`rvft-bench: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(exitCodeFor(e));
});
