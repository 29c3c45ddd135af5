import { COMBINED_STRATEGIES, STRATEGY_IDS, type StrategyId } from '@rvft/decision';
import type { TrunkHeadModel } from '@rvft/model';
import {
  gateOnRows,
  type RaceMode,
  type RaceResult,
  raceCandidates,
  raceStrategies,
} from '@rvft/pipeline';
import { fingerprintDataset } from '@rvft/registry';
import { STRATEGY_DEFAULTS, type UpdateResult } from '@rvft/strategies';
import { ExitCode, InputError } from '../errors';
import { trainingProgress } from '../progress';
import {
  type ClassWeightsChoice,
  classWeightsFor,
  describeRun,
  type Objective,
  trainingRecordOf,
} from '../runs';
import { schemaOf } from '../tables';
import { prepare, recommendFor, type SplitOptions } from './prepare';
import { gateMetrics, openChampionData, pct } from './shared';

export interface UpdateCliOptions extends SplitOptions {
  champion: string;
  new: string;
  old?: string;
  label?: string;
  replacesOld?: boolean;
  /** Run this strategy instead of the recommended one. */
  strategy?: string;
  epochs?: number;
  learningRate?: number;
  classWeights: ClassWeightsChoice;
  objective: Objective;
  /** Which strategies to train and measure before shipping (default shortlist). */
  race: RaceMode;
  promote: boolean;
  maxNewTaskDrop?: number;
  maxForgetting?: number;
  progress: boolean;
  json?: boolean;
}

/**
 * `rvft update`: the production loop in one command — diagnose, pick a strategy, train a
 * challenger from the champion, evaluate both on the same held-out rows, register the
 * challenger, and promote it only if the evaluation gate passes. Returns the exit code.
 */
export async function updateCommand(opts: UpdateCliOptions): Promise<number> {
  if (opts.strategy !== undefined && !(STRATEGY_IDS as readonly string[]).includes(opts.strategy)) {
    throw new InputError(
      `--strategy: must be one of ${STRATEGY_IDS.join(', ')}, got '${opts.strategy}'`,
    );
  }
  if (
    opts.strategy !== undefined &&
    (COMBINED_STRATEGIES as readonly string[]).includes(opts.strategy) &&
    !opts.old
  ) {
    throw new InputError(`--strategy: ${opts.strategy} trains on old + new data; pass --old`);
  }
  const cd = await openChampionData(opts);
  const p = prepare(cd, opts);
  const name = cd.ref.name;
  const champion = await cd.registry.load(name, { version: cd.version });
  let challenger: TrunkHeadModel | undefined;
  try {
    const rec = await recommendFor(cd, p, champion, opts);
    const mode: RaceMode = opts.strategy ? 'off' : opts.race;
    // --strategy replaces the engine's primary; the rest of the decision stays as it was
    const decision = opts.strategy
      ? {
          ...rec.decision,
          primary: { ...rec.decision.primary, strategy: opts.strategy as StrategyId },
        }
      : rec.decision;
    const log = (line: string) => (opts.json ? console.error(line) : console.log(line));
    const shortlist = raceCandidates(decision, mode, { hasHistory: p.oldTrain !== undefined });
    log(
      `${name} v${cd.version}: ${
        opts.strategy
          ? `running ${opts.strategy} (chosen by --strategy; recommended: ${rec.decision.primary.strategy})`
          : shortlist.length > 1
            ? `racing ${shortlist.join(', ')} (recommended: ${rec.decision.primary.strategy}, ${rec.decision.primary.confidence} confidence)`
            : `running the recommended ${rec.decision.primary.strategy} (${rec.decision.primary.confidence} confidence)`
      }`,
    );

    let bar: ReturnType<typeof trainingProgress> | undefined;
    // the imbalance signal is the new data's: weigh the loss when it fires
    const { weights: classWeights, note } = classWeightsFor(
      opts.classWeights,
      p.newTrain,
      opts.objective,
    );
    if (note) console.error(`rvft: note: ${note}`);
    let race: RaceResult;
    try {
      const outcome = await raceStrategies({
        champion,
        decision,
        newData: p.newTrain,
        ...(p.oldTrain ? { oldData: p.oldTrain } : {}),
        race: mode,
        seed: opts.seed,
        ...(opts.replacesOld ? { maxForgetting: null } : {}),
        train: {
          ...(classWeights ? { classWeights } : {}),
          ...(opts.epochs !== undefined ? { epochs: opts.epochs } : {}),
          ...(opts.learningRate !== undefined ? { learningRate: opts.learningRate } : {}),
        },
        onCandidate: (strategy, i, total) => {
          bar?.done();
          bar = trainingProgress(
            total > 1 ? `${i + 1}/${total} ${strategy}` : strategy,
            0,
            opts.progress,
          );
        },
        onEpochEnd: (info) => {
          bar?.update(info.epoch + 1, info.loss, info.epochs);
        },
      });
      challenger = outcome.model;
      race = outcome.result;
    } finally {
      bar?.done();
    }
    const run: UpdateResult = race.run;

    // both models, the same held-out rows
    const challengerMetrics = gateMetrics(challenger, p.newTest, p.oldTest);
    const championMetrics = gateMetrics(champion, p.newTest, p.oldTest);

    const trainData = STRATEGY_DEFAULTS[run.strategy].data;
    const version = await cd.registry.register(name, challenger, {
      metrics: { ...challengerMetrics, newTaskRows: p.newTest.nRows },
      training: trainingRecordOf(run),
      lineage: {
        parentVersion: cd.version,
        strategy: run.strategy,
        mode: run.mode,
        hyperParameters: {
          epochs: run.epochs,
          learningRate: run.learningRate,
          batchSize: run.batchSize,
          profile: run.profile,
          steps: run.steps,
          seed: opts.seed,
          holdout: opts.holdout,
          trainData,
        },
        ...(race.candidates.length > 0 ? { race: raceLineage(race) } : {}),
        dataFingerprint: fingerprintDataset(
          trainData === 'old + new'
            ? (p.oldTrain as typeof p.newTrain).concat(p.newTrain)
            : p.newTrain,
        ),
        notes: `rvft update --new ${opts.new}${opts.old ? ` --old ${opts.old}` : ''}`,
      },
      dataSchema: schemaOf(
        cd.oldData ?? cd.newData,
        cd.schema?.labelColumn ?? (opts.label as string),
      ),
    });

    // the one gate: both models measured now on the same held-out rows, with statistics
    const gate = gateOnRows(
      champion,
      challenger,
      { newTest: p.newTest, ...(p.oldTest ? { oldTest: p.oldTest } : {}) },
      {
        replacesOld: opts.replacesOld ?? false,
        ...(opts.maxNewTaskDrop !== undefined ? { newMargin: opts.maxNewTaskDrop } : {}),
        ...(opts.maxForgetting !== undefined ? { maxForgetting: opts.maxForgetting } : {}),
      },
    );
    let promoted = false;
    if (opts.promote) {
      const res = await cd.registry.promote(name, version, {
        verdict: gate,
        expectedChampion: cd.version,
        why: `rvft update: ${run.strategy}`,
      });
      promoted = res.promoted;
    }

    if (opts.json) {
      console.log(
        JSON.stringify(
          {
            name,
            champion: cd.version,
            challenger: version,
            strategy: run.strategy,
            recommended: rec.decision.primary.strategy,
            race,
            signals: rec.signals,
            training: run,
            metrics: { champion: championMetrics, challenger: challengerMetrics },
            gate,
            promoted,
          },
          null,
          2,
        ),
      );
    } else {
      const rows = [
        ['', 'champion', 'challenger'],
        ['', `v${cd.version}`, `v${version}`],
        [
          'accuracy on held-out new rows',
          pct(championMetrics['newTaskAccuracy']),
          pct(challengerMetrics['newTaskAccuracy']),
        ],
        ...(p.oldTest
          ? [
              [
                'accuracy on held-out old rows',
                pct(championMetrics['oldTaskAccuracy']),
                pct(challengerMetrics['oldTaskAccuracy']),
              ],
            ]
          : []),
      ];
      const w = [30, 10, 10];
      log(
        [
          ...(race.candidates.length > 0 ? ['', ...formatRace(race), ''] : []),
          ...(opts.strategy
            ? []
            : [
                `  why: ${rec.decision.primary.rationale}`,
                ...(rec.decision.primary.expandHead
                  ? [`  head: expanded by ${rec.decision.primary.expandHead} output(s) first`]
                  : []),
              ]),
          ...describeRun(run, trainData),
          '',
          ...rows.map((r) =>
            r
              .map((c, i) => (i === 0 ? c.padEnd(w[i] as number) : c.padStart(w[i] as number)))
              .join('  '),
          ),
          '',
          ...(opts.promote
            ? gate.checks.map((c) => `gate ${c.name.padEnd(17)} ${c.status.padEnd(7)} ${c.message}`)
            : []),
          opts.promote
            ? promoted
              ? `promoted: ${name} v${version} is the champion (was v${cd.version})`
              : `refused: v${version} is registered but ${name} v${cd.version} stays the champion (failed: ${gate.failed.join(', ')})${p.oldTest ? '' : '\n  the old distribution was not measured: pass --old with rows it serves, or --replaces-old if the new data replaces it'}`
            : `registered v${version}; not promoted (--no-promote)`,
        ].join('\n'),
      );
    }
    return opts.promote && !promoted ? ExitCode.GateRefused : ExitCode.Ok;
  } finally {
    champion.dispose();
    challenger?.dispose();
  }
}

/** The race table for a version's lineage: one flat record per candidate. */
function raceLineage(race: RaceResult): Record<string, string | number | boolean | null>[] {
  return race.candidates.map((c) => ({
    strategy: c.strategy,
    accuracy: c.accuracy,
    lower: c.lower,
    upper: c.upper,
    n: c.n,
    pValueVsBest: c.pValueVsBest,
    cost: c.cost,
    wallS: c.wallS,
    verdict: c.verdict,
    ...(c.oldAccuracy !== undefined ? { oldAccuracy: c.oldAccuracy } : {}),
  }));
}

/** The race as a table: accuracy with its interval on the validation rows, cost, time, verdict. */
function formatRace(race: RaceResult): string[] {
  const w = Math.max(...race.candidates.map((c) => c.strategy.length));
  return [
    `race on ${race.validationRows} held-out new rows (trained on ${race.trainRows}; α = ${race.alpha}): the cheapest not significantly worse than the best`,
    ...race.candidates.map(
      (c) =>
        `  ${c.strategy.padEnd(w)}  ${pct(c.accuracy).padStart(7)} [${(c.lower * 100).toFixed(1)}, ${(c.upper * 100).toFixed(1)}]${c.oldAccuracy !== undefined ? `  old ${pct(c.oldAccuracy)}` : ''}  cost ${c.cost < 10 ? c.cost.toFixed(1) : Math.round(c.cost)}×  ${c.wallS.toFixed(2)} s  ${c.verdict}: ${c.why}`,
    ),
    `  the race took ${(race.extraWallS + race.run.wallS).toFixed(2)} s of training (${race.extraWallS.toFixed(2)} s for the candidates not picked)`,
  ];
}
