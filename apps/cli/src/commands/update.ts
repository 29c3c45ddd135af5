import { COMBINED_STRATEGIES, STRATEGY_IDS, type StrategyId } from '@rvft/decision';
import {
  type ClassWeightsChoice,
  classWeightsFor,
  describeCalibration,
  type Objective,
  type RaceMode,
  type RaceResult,
  type UpdateReport,
  updateChampion,
} from '@rvft/pipeline';
import { type LrDecay, STRATEGY_DEFAULTS } from '@rvft/strategies';
import { ExitCode, InputError } from '../errors';
import { trainingProgress } from '../progress';
import { describeRun } from '../runs';
import { checkRows, type SplitOptions } from './prepare';
import { openChampionData, pct } from './shared';
import { parseSlices, slicesOf } from './slices';

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
  /** `--warmup`: share of the steps spent warming the rate up. */
  warmup?: number;
  /** `--decay`: after any warmup. */
  decay?: LrDecay;
  classWeights: ClassWeightsChoice;
  objective: Objective;
  /** Which strategies to train and measure before shipping (default shortlist). */
  race: RaceMode;
  maxCandidates?: number;
  /** Successive halving's rate (`--halving [eta]`): true means 3. */
  halving?: boolean | number;
  review: 'auto' | 'borderline' | 'always';
  promote: boolean;
  /** Temperature-scale the challenger (`--no-calibrate` turns it off). */
  calibrate?: boolean;
  maxNewTaskDrop?: number;
  maxForgetting?: number;
  /** `--slice` specs: the gate's slice check on the held-out new rows. */
  slice?: string[];
  minSliceRows?: number;
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
  const { specs, columns } = parseSlices(opts.slice);
  const cd = await openChampionData({ ...opts, keepColumns: columns });
  checkRows(cd);
  const slices = specs.length > 0 ? slicesOf(cd.newData, specs) : undefined;
  const name = cd.ref.name;
  const log = (line: string) => (opts.json ? console.error(line) : console.log(line));
  // the imbalance signal is the new data's: weigh the loss when it fires
  const { weights: classWeights, note } = classWeightsFor(
    opts.classWeights,
    cd.newData,
    opts.objective,
  );
  if (note) console.error(`rvft: note: ${note}`);
  let bar: ReturnType<typeof trainingProgress> | undefined;
  let r: UpdateReport;
  try {
    r = await updateChampion({
      registry: cd.registry,
      name,
      version: cd.version,
      newData: cd.newData,
      ...(cd.oldData ? { oldData: cd.oldData } : {}),
      holdout: opts.holdout,
      seed: opts.seed,
      ...(slices ? { slices } : {}),
      race: opts.race,
      ...(opts.maxCandidates !== undefined ? { maxCandidates: opts.maxCandidates } : {}),
      ...(opts.halving !== undefined && opts.halving !== false
        ? { halving: opts.halving === true ? true : { eta: opts.halving } }
        : {}),
      ...(opts.strategy ? { strategy: opts.strategy as StrategyId } : {}),
      policy: {
        promote: opts.promote,
        review: opts.review,
        replacesOld: opts.replacesOld ?? false,
        calibrate: opts.calibrate ?? true,
        ...(opts.maxNewTaskDrop !== undefined ? { newMargin: opts.maxNewTaskDrop } : {}),
        ...(opts.maxForgetting !== undefined ? { maxForgetting: opts.maxForgetting } : {}),
        ...(opts.minSliceRows !== undefined ? { minSliceRows: opts.minSliceRows } : {}),
      },
      train: {
        ...(classWeights ? { classWeights } : {}),
        ...(opts.epochs !== undefined ? { epochs: opts.epochs } : {}),
        ...(opts.learningRate !== undefined ? { learningRate: opts.learningRate } : {}),
        ...(opts.warmup !== undefined || opts.decay !== undefined
          ? {
              schedule: {
                ...(opts.warmup !== undefined ? { warmupFraction: opts.warmup } : {}),
                ...(opts.decay !== undefined ? { decay: opts.decay } : {}),
              },
            }
          : {}),
      },
      ...(!cd.schema && opts.label ? { labelColumn: opts.label } : {}),
      notes: `rvft update --new ${opts.new}${opts.old ? ` --old ${opts.old}` : ''}`,
      onDecision: (decision, shortlist) =>
        log(
          `${name} v${cd.version}: ${
            opts.strategy
              ? `running ${opts.strategy} (chosen by --strategy; recommended: ${decision.primary.strategy})`
              : shortlist.length > 1
                ? `racing ${shortlist.join(', ')} (recommended: ${decision.primary.strategy}, ${decision.primary.confidence} confidence)`
                : `running the recommended ${decision.primary.strategy} (${decision.primary.confidence} confidence)`
          }`,
        ),
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
  } finally {
    bar?.done();
  }
  if (opts.json) {
    console.log(JSON.stringify(r, null, 2));
  } else {
    const m = r.metrics;
    const rows = [
      ['', 'champion', 'challenger'],
      ['', `v${r.champion}`, `v${r.challenger}`],
      [
        'accuracy on held-out new rows',
        pct(m.champion['newTaskAccuracy']),
        pct(m.challenger['newTaskAccuracy']),
      ],
      ...(r.rows.oldTest !== undefined
        ? [
            [
              'accuracy on held-out old rows',
              pct(m.champion['oldTaskAccuracy']),
              pct(m.challenger['oldTaskAccuracy']),
            ],
          ]
        : []),
    ];
    const w = [30, 10, 10];
    log(
      [
        ...(r.race.candidates.length > 0 ? ['', ...formatRace(r.race), ''] : []),
        ...(opts.strategy
          ? []
          : [
              `  why: ${r.decision.primary.rationale}`,
              ...(r.decision.primary.expandHead
                ? [`  head: expanded by ${r.decision.primary.expandHead} output(s) first`]
                : []),
            ]),
        ...describeRun(r.training, STRATEGY_DEFAULTS[r.training.strategy].data),
        '',
        ...rows.map((row) =>
          row
            .map((c, i) => (i === 0 ? c.padEnd(w[i] as number) : c.padStart(w[i] as number)))
            .join('  '),
        ),
        `calibration: ${describeCalibration(r.calibration)}`,
        '',
        ...r.gate.checks.map((c) => `gate ${c.name.padEnd(17)} ${c.status.padEnd(7)} ${c.message}`),
        opts.promote
          ? r.review === 'pending'
            ? `held for review: ${name} v${r.challenger} passed the gate and is the candidate — \`rvft registry approve ${opts.champion.split(':')[0]}:${name}@${r.challenger} --reason …\` or \`reject\``
            : r.promoted
              ? `promoted: ${name} v${r.challenger} is the champion (was v${r.champion})`
              : `refused: v${r.challenger} is registered but ${name} v${r.champion} stays the champion (failed: ${r.gate.failed.join(', ')})${r.rows.oldTest !== undefined ? '' : '\n  the old distribution was not measured: pass --old with rows it serves, or --replaces-old if the new data replaces it'}`
          : `registered v${r.challenger}; not promoted (--no-promote)`,
      ].join('\n'),
    );
  }
  return opts.promote && !r.promoted && r.review !== 'pending' ? ExitCode.GateRefused : ExitCode.Ok;
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
    ...(race.halving
      ? [
          `  successive halving (eta ${race.halving.eta}): every candidate ran at most ${race.halving.briefSteps} steps first; the dropped ones show that brief run`,
        ]
      : []),
    `  the race took ${(race.extraWallS + race.run.wallS).toFixed(2)} s of training (${race.extraWallS.toFixed(2)} s for the candidates not picked)`,
  ];
}
