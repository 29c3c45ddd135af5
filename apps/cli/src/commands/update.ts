import { COMBINED_STRATEGIES, STRATEGY_IDS, type StrategyId } from '@rvft/decision';
import type { GateResult } from '@rvft/metrics';
import { fingerprintDataset } from '@rvft/registry';
import { applyStrategy, STRATEGY_DEFAULTS, type UpdateResult } from '@rvft/strategies';
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
  const challenger = await cd.registry.load(name, { version: cd.version });
  try {
    const rec = await recommendFor(cd, p, champion, opts);
    const strategy = (opts.strategy as StrategyId | undefined) ?? rec.decision.primary.strategy;
    const log = (line: string) => (opts.json ? console.error(line) : console.log(line));
    log(
      `${name} v${cd.version}: ${opts.strategy ? `running ${strategy} (chosen by --strategy; recommended: ${rec.decision.primary.strategy})` : `running the recommended ${strategy} (${rec.decision.primary.confidence} confidence)`}`,
    );

    let bar: ReturnType<typeof trainingProgress> | undefined;
    let run: UpdateResult;
    // the imbalance signal is the new data's: weigh the loss when it fires
    const { weights: classWeights, note } = classWeightsFor(
      opts.classWeights,
      p.newTrain,
      opts.objective,
    );
    if (note) console.error(`rvft: note: ${note}`);
    try {
      run = await applyStrategy(strategy, challenger, p.newTrain, {
        ...(p.oldTrain ? { oldData: p.oldTrain } : {}),
        ...(classWeights ? { classWeights } : {}),
        seed: opts.seed,
        ...(opts.epochs !== undefined ? { epochs: opts.epochs } : {}),
        ...(opts.learningRate !== undefined ? { learningRate: opts.learningRate } : {}),
        onEpochEnd: (info) => {
          bar ??= trainingProgress(strategy, info.epochs, opts.progress);
          bar.update(info.epoch + 1, info.loss);
        },
      });
    } finally {
      bar?.done();
    }

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

    let promoted = false;
    let gate: GateResult | null = null;
    if (opts.promote) {
      const res = await cd.registry.promote(name, version, {
        championMetrics,
        gate: {
          ...(opts.maxNewTaskDrop !== undefined
            ? { maxNewTaskAccuracyDrop: opts.maxNewTaskDrop }
            : {}),
          // a distribution that is being replaced may be forgotten; one that is kept must be
          // shown not to be: without old rows there is no evidence, and the gate refuses
          ...(opts.replacesOld ? { maxForgetting: 1 } : { required: ['forgetting'] as const }),
          ...(opts.maxForgetting !== undefined ? { maxForgetting: opts.maxForgetting } : {}),
        },
        why: `rvft update: ${run.strategy}`,
      });
      promoted = res.promoted;
      gate = res.gate;
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
          ...(gate
            ? gate.checks.map((c) => `gate ${c.gate.padEnd(18)} ${c.status.padEnd(7)} ${c.message}`)
            : []),
          opts.promote
            ? promoted
              ? `promoted: ${name} v${version} is the champion (was v${cd.version})`
              : `refused: v${version} is registered but ${name} v${cd.version} stays the champion (failed: ${gate?.failed.join(', ')})${p.oldTest ? '' : '\n  the old distribution was not measured: pass --old with rows it serves, or --replaces-old if the new data replaces it'}`
            : `registered v${version}; not promoted (--no-promote)`,
        ].join('\n'),
      );
    }
    return opts.promote && !promoted ? ExitCode.GateRefused : ExitCode.Ok;
  } finally {
    champion.dispose();
    challenger.dispose();
  }
}
