#!/usr/bin/env node

import { createRequire } from 'node:module';
import { DEFAULT_SEED } from '@rvft/data';
import { useBestBackend } from '@rvft/model';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { abReportCommand } from './commands/ab';
import { benchCommand } from './commands/bench';
import { decideCommand } from './commands/decide';
import { diagnoseCommand } from './commands/diagnose';
import { evaluateCommand } from './commands/evaluate';
import { lrFindCommand } from './commands/lr-find';
import { monitorCommand } from './commands/monitor';
import { planAbCommand, roiCommand } from './commands/plan';
import {
  registryDelete,
  registryGc,
  registryHistory,
  registryList,
  registryPromote,
  registryReview,
  registryRollback,
  registryShow,
} from './commands/registry';
import { serveCommand } from './commands/serve';
import { slicesCommand } from './commands/slices';
import { trainCommand } from './commands/train';
import { updateCommand } from './commands/update';
import { ExitCode, exitCodeFor, isUserFacing } from './errors';
import { strategyHelp } from './runs';

const positiveInt = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1)
    throw new InvalidArgumentError(`${name} must be a whole number >= 1`);
  return n;
};
const positive = (name: string) => (v: string) => {
  const n = Number(v);
  if (!(n > 0) || !Number.isFinite(n))
    throw new InvalidArgumentError(`${name} must be a number > 0`);
  return n;
};
const atLeast = (name: string, min: number) => (v: string) => {
  const n = Number(v);
  if (!(n >= min) || !Number.isFinite(n))
    throw new InvalidArgumentError(`${name} must be a number >= ${min}`);
  return n;
};
const fraction = (name: string) => (v: string) => {
  const n = Number(v);
  if (!(n > 0 && n < 1)) throw new InvalidArgumentError(`${name} must be strictly between 0 and 1`);
  return n;
};
const unit = (name: string) => (v: string) => {
  const n = Number(v);
  if (!(n >= 0 && n <= 1)) throw new InvalidArgumentError(`${name} must be between 0 and 1`);
  return n;
};
const finite = (name: string) => (v: string) => {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n))
    throw new InvalidArgumentError(`${name} must be a number`);
  return n;
};
const amounts = (name: string) => (v: string) =>
  v.split(',').map((x) => {
    const n = Number(x);
    if (x.trim() === '' || !Number.isFinite(n)) {
      throw new InvalidArgumentError(`${name} must be amounts separated by commas, like 15000,500`);
    }
    return n;
  });
const integer = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n)) throw new InvalidArgumentError('seed must be an integer');
  return n;
};
const port = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError('port must be 0–65535');
  return n;
};
const columnList = (name: string) => (v: string) => {
  const cols = v.split(',').map((c) => c.trim());
  if (cols.some((c) => c === '')) {
    throw new InvalidArgumentError(`${name} must be column names separated by commas`);
  }
  return cols;
};
const classWeightsOption = () =>
  new Option(
    '--class-weights <mode>',
    'loss weighting: auto (balanced when the classes are imbalanced beyond 10:1 and the objective is macro-f1), balanced, none',
  )
    .choices(['auto', 'balanced', 'none'])
    .default('auto');
const objectiveOption = () =>
  new Option('--objective <metric>', 'what the update is judged by')
    .choices(['accuracy', 'macro-f1'])
    .default('accuracy');
const decayOption = () =>
  new Option('--decay <kind>', 'learning-rate decay after any warmup (default constant)').choices([
    'constant',
    'linear',
    'cosine',
  ]);
const hiddenDims = (v: string) => {
  const dims = v.split(',').map(Number);
  if (dims.length === 0 || dims.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new InvalidArgumentError('hidden must be layer widths like 128,64');
  }
  return dims;
};

// The version is the package's own, read at run time from the package.json that ships beside
// dist/ (in the repository and in an installed tarball alike), so a release bumps it in one place.
const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

let exitCode: number = ExitCode.Ok;
// Only the commands that train or load a model pay for choosing a TensorFlow.js backend.
const withBackend =
  <A extends unknown[]>(fn: (...args: A) => Promise<unknown>) =>
  async (...args: A) => {
    await useBestBackend();
    const code = await fn(...args);
    exitCode = typeof code === 'number' ? code : ExitCode.Ok;
  };

// repeatable flags gather their values in order
const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];
const SLICE_HELP =
  'a column (one slice per value) or a numeric predicate such as "age<30" (<, <=, >, >=, ==, !=); repeatable; the column may be one the model does not read';

const program = new Command()
  .name('rvft')
  .description(
    'Retrain vs fine-tune: measure the signals, decide, run the update, and promote it only through the evaluation gate.',
  )
  .version(version)
  .enablePositionalOptions()
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

const championOptions = (c: Command) =>
  c
    .requiredOption(
      '--champion <ref>',
      'the model in use: <registry dir>:<name>[@alias|@version] (default alias: champion)',
    )
    .requiredOption('--new <file>', 'the new labelled data (CSV, or JSON Lines by .jsonl)')
    .option('--old <file>', 'data from the distribution the champion serves (its history)')
    .option('--label <column>', 'the label column (default: the one the champion was trained with)')
    .option('--replaces-old', 'the new distribution replaces the old one: forgetting it is allowed')
    .option(
      '--holdout <fraction>',
      'share of each file held out for evaluation, stratified',
      fraction('holdout'),
      0.2,
    )
    .option('--seed <n>', 'seed for the split, batch order and probes', integer, DEFAULT_SEED)
    .option('--json', 'machine-readable output on stdout');

program
  .command('decide')
  .description('Decide from signals you measured: a JSON file (or stdin) → the recommendation')
  .argument('[file]', 'signals JSON; omit or "-" to read stdin')
  .option('--json', 'the full decision as JSON')
  .addHelpText(
    'after',
    '\nExample signals: {"data":{"nNewSamples":500,"nHistoricalSamples":1000},"drift":{"driftDetected":true,"driftSeverity":"moderate"}}\nThe JSON Schema: GET /v1/schema on the decision service, or decisionInputJsonSchema() in @rvft/decision.',
  )
  .action(async (file: string | undefined, opts) => {
    await decideCommand(file, opts);
  });

const ab = program
  .command('ab')
  .description('Read an A/B test or a shadow run from the prediction log');
ab.command('report')
  .description(
    "The model service's arms compared on the labels that came back: canary vs champion as an A/B test (two-proportion z test, Newcombe interval; no verdict before --planned-per-arm), shadow vs champion paired on the same requests (exact McNemar)",
  )
  .requiredOption('--log <file>', 'the prediction log (JSON Lines, as the model service writes it)')
  .option('--include-rotated', 'read the rotated files (log.N … log.1) first')
  .option(
    '--planned-per-arm <n>',
    'the A/B plan: users per arm (rvft plan ab)',
    positiveInt('planned-per-arm'),
  )
  .option('--alpha <a>', 'significance level (default 0.05)', fraction('alpha'))
  .option('--json', 'machine-readable output')
  .action(abReportCommand);

const plan = program.command('plan').description('Plan an experiment before running it');
plan
  .command('ab')
  .description('Users per arm and days for an A/B test of a rate (two-proportion z test)')
  .requiredOption('--baseline <rate>', 'the control rate, e.g. 0.10', finite('baseline'))
  .requiredOption(
    '--mde <effect>',
    'smallest effect worth detecting: absolute (0.002) or, with --relative, a share (0.01 = 1%)',
    finite('mde'),
  )
  .option('--relative', '--mde is relative to --baseline')
  .option('--alpha <a>', 'false-positive rate', finite('alpha'), 0.05)
  .option('--power <p>', 'chance of detecting an effect of --mde', finite('power'), 0.8)
  .option('--one-sided', 'one-sided test (default: two-sided)')
  .option('--traffic <users>', 'users a day entering the test, split evenly', finite('traffic'))
  .option('--json', 'the plan as JSON')
  .addHelpText(
    'after',
    '\nExample: rvft plan ab --baseline 0.10 --mde 0.03 --relative --traffic 20000',
  )
  .action((opts) => planAbCommand(opts));

program
  .command('roi')
  .description('Cost, ROI and payback of an update over a horizon (default: the first year)')
  .requiredOption(
    '--one-time <amounts>',
    'one-time costs, summed: 15000,48000,500',
    amounts('one-time'),
  )
  .option(
    '--monthly-cost <amounts>',
    'running costs a month, summed: 200,2000',
    amounts('monthly-cost'),
    [0],
  )
  .requiredOption('--monthly-benefit <amount>', 'value brought a month', finite('monthly-benefit'))
  .option('--months <n>', 'horizon in months', positiveInt('months'), 12)
  .option(
    '--training-seconds <s>',
    'time one update trains: its compute cost × --updates-per-month joins the monthly cost',
    finite('training-seconds'),
  )
  .option('--cores <n>', 'cores the update keeps busy (default 1)', finite('cores'))
  .option(
    '--price-per-core-hour <usd>',
    'price of a core-hour (default 0.05)',
    finite('price-per-core-hour'),
  )
  .option(
    '--updates-per-month <n>',
    'updates a month, with --training-seconds',
    finite('updates-per-month'),
    1,
  )
  .option('--json', 'the result as JSON')
  .addHelpText(
    'after',
    '\nExample: rvft roi --one-time 15000,48000,500 --monthly-cost 200,2000 --monthly-benefit 64000',
  )
  .action((opts) => roiCommand(opts));

championOptions(
  program
    .command('diagnose')
    .description('Measure every signal from the champion and the data files, then recommend'),
).action(withBackend(diagnoseCommand));

championOptions(
  program
    .command('update')
    .description(
      'The production loop: diagnose → run the recommended (or --strategy) update → evaluate against the champion on held-out rows → register → promote only if the gate passes',
    ),
)
  .option('--strategy <id>', 'run this strategy instead of the recommended one (ids below)')
  .option(
    '--epochs <n>',
    'epochs (default: planned from the data size — at least 300 optimiser steps, early stopping on a validation split)',
    positiveInt('epochs'),
  )
  .option(
    '--learning-rate <lr>',
    "learning rate (default: the strategy's)",
    positive('learning-rate'),
  )
  .option('--warmup <fraction>', 'linear warmup over this share of the steps', unit('warmup'))
  .addOption(decayOption())
  .option(
    '--max-new-task-drop <x>',
    'gate: a challenger fails when its paired 95 % interval against the champion on the held-out new rows lies wholly below −x (default 0: significantly worse fails)',
    unit('max-new-task-drop'),
  )
  .option(
    '--max-forgetting <x>',
    'gate: non-inferiority on the old rows — the upper end of the 95 % interval of the accuracy lost must stay below x (default 0.05; not checked with --replaces-old)',
    unit('max-forgetting'),
  )
  .option(
    '--slice <spec>',
    `gate: the challenger may not be significantly worse on any slice of the held-out new rows with at least --min-slice-rows rows; ${SLICE_HELP}`,
    collect,
  )
  .option(
    '--min-slice-rows <n>',
    'gate: slices with fewer held-out rows are reported, not tested (default 30)',
    positiveInt('min-slice-rows'),
  )
  .addOption(classWeightsOption())
  .addOption(objectiveOption())
  .addOption(
    new Option(
      '--race <mode>',
      'measure before shipping: train the recommended strategy and its alternatives (shortlist), every allowed strategy (all), or the recommendation alone (off); each is scored on held-out new rows the gate never sees, and the cheapest not significantly worse than the best ships',
    )
      .choices(['off', 'shortlist', 'all'])
      .default('shortlist'),
  )
  .addOption(
    new Option(
      '--max-candidates <n>',
      'race budget: train at most n candidates, in the order the rules rank them',
    ).argParser(positiveInt('--max-candidates')),
  )
  .addOption(
    new Option(
      '--halving [eta]',
      'race budget, successive halving: train every candidate briefly (1/eta of the step budget), score them, and train only the best ceil(n/eta) in full (eta default 3)',
    ).argParser(atLeast('--halving', 2)),
  )
  .addOption(
    new Option(
      '--review <when>',
      'human review: auto (promote when the gate passes), borderline (hold a passing challenger that measured worse for review), always (every passing challenger waits as `candidate` for `rvft registry approve|reject`)',
    )
      .choices(['auto', 'borderline', 'always'])
      .default('auto'),
  )
  .option('--no-promote', 'register the challenger without trying to promote it')
  .option(
    '--no-calibrate',
    'ship the challenger at temperature 1 (default: a fifth of the new training rows is set aside, never trained on, to fit its softmax temperature)',
  )
  .option('--no-progress', 'no progress bar on stderr')
  .addHelpText(
    'after',
    `${strategyHelp()}\n\nExit codes: 0 promoted (or registered with --no-promote), 3 refused by the gate, 4 --champion names a version that is not the champion (or the champion moved while training; the challenger stays registered), 2 invalid input, 1 failure.`,
  )
  .action(withBackend(updateCommand));

program
  .command('monitor')
  .description(
    "Watch the prediction log against the champion's reference profile: per window PSI/KS per feature, prediction shift, high-confidence share, error-stream detectors once labels join; incidents by the triage policy, to stdout",
  )
  .requiredOption('--log <file>', 'the prediction log (JSON Lines, as the model service writes it)')
  .requiredOption(
    '--champion <ref>',
    'the model whose profile to compare with: <registry dir>:<name>[@alias|@version]',
  )
  .option('--follow', 'keep reading as the log grows (and rotates); stop with Ctrl-C')
  .option('--include-rotated', 'read <log>.N … <log>.1 first')
  .addOption(
    new Option(
      '--on-trigger <action>',
      "on an incident that calls for it, on the labelled rows joined so far: diagnose (the pipeline's diagnosis), or update (incidents whose policy action is retrain or schedule-update run rvft update's pipeline, through its gate; the others are diagnosed)",
    ).choices(['diagnose', 'update']),
  )
  .option(
    '--replaces-old',
    'with --on-trigger update: the new distribution replaces the old (forgetting is allowed)',
  )
  .option('--state <file>', 'triage state (JSON): incidents already raised are not raised again')
  .option('--window-size <n>', 'predictions per window', positiveInt('window-size'))
  .option(
    '--window-minutes <m>',
    'a window also closes after this much log time',
    positive('window-minutes'),
  )
  .option(
    '--cooldown-hours <h>',
    'an incident is not raised again within this (default 24)',
    atLeast('cooldown-hours', 0),
  )
  .option('--seed <n>', 'seed for the diagnosis', integer, DEFAULT_SEED)
  .option('--json', 'incidents as JSON Lines, then a summary line')
  .action(withBackend(monitorCommand));

program
  .command('train')
  .description('Train a first model from scratch on a CSV, register it and make it the champion')
  .requiredOption('--data <file>', 'labelled data (CSV, or JSON Lines by .jsonl)')
  .requiredOption(
    '--label <column>',
    'the label column (class names; 1 and 1.0 are one class); every other column is a feature',
  )
  .requiredOption('--registry <dir>', 'registry directory (created if missing)')
  .requiredOption('--name <name>', 'model name in the registry')
  .option(
    '--features <columns>',
    'feature columns, in order (comma-separated)',
    columnList('features'),
  )
  .option(
    '--ignore <columns>',
    'columns that are not features (comma-separated)',
    columnList('ignore'),
  )
  .option(
    '--no-standardize',
    'train on raw features (default: z-score each feature; the scaler is saved with the model)',
  )
  .option(
    '--no-calibrate',
    'no temperature scaling (default: a fifth of the training rows is set aside, never trained on, to fit the softmax temperature saved with the model)',
  )
  .addOption(classWeightsOption())
  .addOption(objectiveOption())
  .option('--hidden <widths>', 'hidden layer widths', hiddenDims, [128, 64])
  .option(
    '--epochs <n>',
    'epochs (default: planned from the data size — at least 300 optimiser steps, early stopping on a validation split)',
    positiveInt('epochs'),
  )
  .option('--learning-rate <lr>', 'learning rate (default 0.01)', positive('learning-rate'))
  .option('--warmup <fraction>', 'linear warmup over this share of the steps', unit('warmup'))
  .addOption(decayOption())
  .option(
    '--holdout <fraction>',
    'share held out for the recorded metrics',
    fraction('holdout'),
    0.2,
  )
  .option('--seed <n>', 'seed for the split, initialisation and batch order', integer, DEFAULT_SEED)
  .option('--no-progress', 'no progress bar on stderr')
  .option('--json', 'machine-readable output')
  .action(withBackend(trainCommand));

program
  .command('evaluate')
  .description('Score a version on a labelled file, read the way it reads data; registers nothing')
  .requiredOption(
    '--model <ref>',
    '<registry dir>:<name>[@alias|@version] (default alias: champion)',
  )
  .requiredOption('--data <file>', 'labelled rows (CSV, or JSON Lines by .jsonl)')
  .option('--label <column>', 'the label column (default: the one the version was trained with)')
  .option('--json', 'machine-readable output')
  .action(withBackend(evaluateCommand));

program
  .command('slices')
  .description(
    'Accuracy (Wilson 95 %), recall per class and ECE on each slice of a labelled file, champion and challenger side by side with their paired difference; registers nothing',
  )
  .requiredOption(
    '--champion <ref>',
    '<registry dir>:<name>[@alias|@version] (default alias: champion)',
  )
  .option(
    '--challenger <ref>',
    'a second version to compare, same form (e.g. models:churn@candidate)',
  )
  .requiredOption('--data <file>', 'labelled rows (CSV, or JSON Lines by .jsonl)')
  .requiredOption('--slice <spec>', SLICE_HELP, collect)
  .option('--label <column>', 'the label column (default: the one the version was trained with)')
  .option('--json', 'machine-readable output')
  .action(withBackend(slicesCommand));

program
  .command('lr-find')
  .description(
    'The learning-rate range test on a version: sweep the rate from 1e-7 to 10, print the loss curve and a suggested rate; the model is left as it was',
  )
  .requiredOption(
    '--champion <ref>',
    '<registry dir>:<name>[@alias|@version] (default alias: champion)',
  )
  .requiredOption('--data <file>', 'labelled rows (CSV, or JSON Lines by .jsonl)')
  .option('--label <column>', 'the label column (default: the one the version was trained with)')
  .option('--head-only', 'sweep with the trunk frozen (to size head-only fine-tuning)')
  .option('--steps <n>', 'steps of the sweep (default 100)', positiveInt('steps'))
  .option('--start-lr <lr>', 'first rate (default 1e-7)', positive('start-lr'))
  .option('--end-lr <lr>', 'last rate (default 10)', positive('end-lr'))
  .option('--seed <n>', 'seed for the batch order', integer, DEFAULT_SEED)
  .option('--json', 'machine-readable output: every point of the curve')
  .action(withBackend(lrFindCommand));

const registry = program.command('registry').description('Inspect and move a model registry');
registry
  .command('list')
  .description('Every model: versions, latest, aliases')
  .argument('<dir>', 'registry directory')
  .option('--json', 'as JSON')
  .action(registryList);
registry
  .command('history')
  .description("A model's versions (metrics, lineage, aliases) and its audit log")
  .argument('<ref>', '<registry dir>:<name>')
  .option('--json', 'as JSON')
  .action(registryHistory);
registry
  .command('promote')
  .description(
    'Make a version the champion if it passes the evaluation gate against the current one (exit 3 refused; exit 4 already the champion, or the champion moved meanwhile)',
  )
  .argument('<ref>', '<registry dir>:<name>@<version>')
  .option('--new <file>', 'evaluation rows of the new data: measure both models on them')
  .option('--old <file>', 'evaluation rows of the old data (with --new)')
  .option(
    '--replaces-old',
    'the new distribution replaces the old one: forgetting is allowed (else --old is required with --new)',
  )
  .option('--why <text>', 'reason, for the audit log')
  .option('--json', 'as JSON')
  .action(async (ref: string, opts) => {
    await useBestBackend();
    exitCode = await registryPromote(ref, opts);
  });
registry
  .command('rollback')
  .description('Move the champion back to the previous one')
  .argument('<ref>', '<registry dir>:<name>')
  .option('--why <text>', 'reason, for the audit log')
  .option('--json', 'as JSON')
  .action(registryRollback);
registry
  .command('show')
  .description(
    "A version's model card: data, signals with intervals, decision, race, gate, training",
  )
  .argument('<ref>', '<registry dir>:<name>[@alias|@version] (default: the champion)')
  .option('--json', 'as JSON')
  .action(registryShow);
for (const action of ['approve', 'reject'] as const) {
  registry
    .command(action)
    .description(
      action === 'approve'
        ? 'Make a candidate waiting for review the champion (audited: who and why)'
        : 'Turn down a candidate waiting for review; it stays registered (audited)',
    )
    .argument('<ref>', '<registry dir>:<name>@<version>')
    .requiredOption('--reason <text>', 'why, for the audit log')
    .option('--who <name>', 'who decided (default: this process)')
    .option('--json', 'as JSON')
    .action((ref: string, opts) => registryReview(action, ref, opts));
}
registry
  .command('delete')
  .description('Delete a version no alias points at (audited; a crash leaves it whole or gone)')
  .argument('<ref>', '<registry dir>:<name>@<version>')
  .requiredOption('--reason <text>', 'why, for the audit log')
  .option('--who <name>', 'who decided (default: this process)')
  .option('--json', 'as JSON')
  .action(registryDelete);
registry
  .command('gc')
  .description('Remove what killed writes and deletes left behind (never a live version)')
  .argument('<dir>', 'registry directory')
  .option('--json', 'as JSON')
  .action(registryGc);

program
  .command('serve')
  .description(
    "Serve the registry's champion over HTTP: POST /v1/predict, /v1/feedback; GET /v1/model, /healthz. Follows promotions without a restart",
  )
  .requiredOption('--registry <dir>', 'registry directory')
  .requiredOption('--name <model>', 'model name in the registry')
  .option('--port <n>', 'port (0: any free one)', port, 8080)
  .option('--host <address>', 'address to listen on', '127.0.0.1')
  .option('--log <file>', 'prediction log, JSON Lines (rotated by size: <file>.1, <file>.2 …)')
  .addOption(
    new Option(
      '--shadow',
      "also score the 'candidate' alias on every request, log it, never return it",
    ).conflicts('canary'),
  )
  .option(
    '--canary <share>',
    "send this share of requests (by request-id hash) to the 'candidate' alias",
    unit('canary'),
  )
  .option(
    '--poll-ms <n>',
    'how often the aliases are checked for a promotion',
    positiveInt('poll-ms'),
    500,
  )
  .option('--max-batch <n>', 'rows in one batch request', positiveInt('max-batch'), 1000)
  .action(
    withBackend(async (opts) => {
      return serveCommand(opts);
    }),
  );

program
  .command('bench')
  .description('Run the four-scenario benchmark (forwards every argument; try: rvft bench --help)')
  .argument('[args...]')
  .helpOption(false)
  .allowUnknownOption()
  .passThroughOptions()
  .action(async (args: string[]) => {
    exitCode = await benchCommand(args);
  });

program.addOption(new Option('--debug', 'print stack traces').hideHelp());

try {
  await program.parseAsync();
  process.exitCode = exitCode;
} catch (e) {
  if (e instanceof CommanderError) {
    // commander printed the message (or the help) already
    process.exitCode =
      e.code === 'commander.helpDisplayed' ||
      e.code === 'commander.version' ||
      e.code === 'commander.help'
        ? ExitCode.Ok
        : ExitCode.InvalidInput;
  } else if (isUserFacing(e)) {
    console.error(`rvft: ${(e as Error).message}`);
    process.exitCode = exitCodeFor(e);
  } else {
    console.error(
      `rvft: ${e instanceof Error ? (program.opts()['debug'] ? e.stack : e.message) : String(e)}`,
    );
    process.exitCode = ExitCode.Failure;
  }
}
