import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Dataset, newClassScenario } from '@rvft/data';
import { describe, expect, it } from 'vitest';

const cli = new URL('../dist/cli.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'rvft-cli-'));

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built `rvft` in its own process; never throws on a non-zero exit. */
function rvft(args: string[], stdin?: string): Promise<Ran> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [cli, ...args],
      { cwd: dir, env: { ...process.env, NO_COLOR: '1' } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
    if (stdin !== undefined) child.stdin?.end(stdin);
  });
}

// A user's own CSVs: three known species, then a new window with two never seen before.
const SPECIES = ['bird', 'cat', 'dog', 'fox', 'owl'];
function writeCsv(file: string, ds: Dataset): string {
  const header = [...Array.from({ length: ds.nFeatures }, (_, j) => `f${j + 1}`), 'species'];
  const lines = Array.from({ length: ds.nRows }, (_, i) =>
    [...[...ds.row(i)].map((x) => x.toFixed(5)), SPECIES[ds.labels[i] as number]].join(','),
  );
  writeFileSync(join(dir, file), `${[header.join(','), ...lines].join('\n')}\n`);
  return file;
}
const zoo = newClassScenario({ seed: 7, nFeatures: 6, nTrainPerClass: 150, classSeparation: 1.5 });
writeCsv('old.csv', zoo.originalTrain);
writeCsv('new.csv', zoo.newTrain);

describe('rvft --help', () => {
  it('every command documents itself and exits 0', async () => {
    const top = await rvft(['--help']);
    expect(top.code).toBe(0);
    for (const c of [
      'decide',
      'diagnose',
      'update',
      'train',
      'evaluate',
      'registry',
      'serve',
      'slices',
      'plan',
      'roi',
      'lr-find',
      'monitor',
      'ab',
      'bench',
    ]) {
      expect(top.stdout).toContain(c);
    }
    for (const [args, mentions] of [
      [['decide', '--help'], '--json'],
      [['diagnose', '--help'], '--champion <ref>'],
      [['update', '--help'], 'Exit codes'],
      [['train', '--help'], '--label <column>'],
      [['registry', 'promote', '--help'], '--new <file>'],
      [['slices', '--help'], '--slice'],
      [['plan', 'ab', '--help'], '--baseline'],
      [['roi', '--help'], '--monthly-benefit'],
    ] as const) {
      const r = await rvft([...args]);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stdout).toContain(mentions);
    }
  });

  it('--version prints the version in package.json', async () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    const r = await rvft(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it('an unknown command or option exits 2', async () => {
    expect((await rvft(['retrian'])).code).toBe(2);
    const r = await rvft(['train', '--data', 'old.csv']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/required option '--label <column>' not specified/);
  });
});

describe('rvft decide', () => {
  const signals = {
    data: { nNewSamples: 300, nHistoricalSamples: 1000 },
    model: { currentAccuracy: 0.94, accuracyOnNewData: 0.72, transferQuality: 0.76 },
    drift: { driftSeverity: 'moderate' },
  };

  it('reads a file and prints the report; --json from stdin gives the whole decision', async () => {
    writeFileSync(join(dir, 'signals.json'), JSON.stringify(signals));
    const text = await rvft(['decide', 'signals.json']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^Recommendation: retrain_warm_combined \(confidence: \w+\)/);
    const json = await rvft(['decide', '--json'], JSON.stringify(signals));
    expect(json.code).toBe(0);
    const result = JSON.parse(json.stdout);
    expect(result.primary.strategy).toBe('retrain_warm_combined');
    expect(result.primary.rules).toContain('drift-with-history');
  });

  it('invalid signals exit 2 with every bad field on stderr and nothing on stdout', async () => {
    const bad = { data: { nNewSamples: -3 }, model: { currentAccuracy: 1.7 }, colour: 'red' };
    const r = await rvft(['decide', '-'], JSON.stringify(bad));
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/data\.nNewSamples: /);
    expect(r.stderr).toMatch(/model\.currentAccuracy: /);
    expect(r.stderr).toMatch(/colour: unknown key/);
    const notJson = await rvft(['decide', '-'], '{"data": ');
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toMatch(/stdin: not valid JSON/);
    expect((await rvft(['decide', 'missing.json'])).code).toBe(2);
  });
});

describe('from a CSV to a promoted update', () => {
  it('train → diagnose → update (promoted) → a forgetting update refused → rollback → measured promote', async () => {
    const trained = await rvft([
      'train',
      '--data',
      'old.csv',
      '--label',
      'species',
      '--registry',
      'reg',
      '--name',
      'zoo',
      '--json',
    ]);
    expect(trained.code, trained.stderr).toBe(0);
    const t = JSON.parse(trained.stdout);
    expect(t).toMatchObject({ name: 'zoo', version: 1, promoted: true });
    // temperature scaling by default, on the validation rows early stopping watched (no
    // training row set aside): T and ECE before/after
    expect(t.rows.calibration).toBeUndefined();
    expect(t.calibration).toMatchObject({ fitted: true, rows: t.training.validationRows });
    expect(t.calibration.heldOut.rows).toBe(t.rows.test);
    expect(readFileSync(join(dir, 'reg/models/zoo/versions/1/model.json'), 'utf8')).toContain(
      `"temperature":${t.calibration.temperature}`,
    );

    // the champion knows bird/cat/dog; the new window is fox and owl only
    const diag = await rvft([
      'diagnose',
      '--champion',
      'reg:zoo',
      '--new',
      'new.csv',
      '--old',
      'old.csv',
      '--json',
    ]);
    expect(diag.code, diag.stderr).toBe(0);
    const d = JSON.parse(diag.stdout);
    expect(d.champion).toEqual({ name: 'zoo', version: 1 });
    expect(d.signals.data).toMatchObject({ nNewClasses: 2, newClassesAdded: true });
    expect(d.evidence.newLabels).toEqual([3, 4]);
    // every accuracy comes with its row count and Wilson interval: 0 of the 240 held-in new
    // rows (80 % of 300) — but not a certain 0: Wilson's upper end is z² / (n + z²) = 1.6 %
    expect(d.evidence.accuracyOnNewData).toMatchObject({
      estimate: 0,
      correct: 0,
      n: 240,
      lower: 0,
    });
    expect(d.evidence.accuracyOnNewData.upper).toBeCloseTo(1.96 ** 2 / (240 + 1.96 ** 2), 4);
    expect(d.signals.model.counts).toMatchObject({ accuracyOnNewData: 240 });
    expect(d.decision.primary.strategy).toBe('retrain_warm_combined');

    // two new classes next to the old three cost a few old rows (5 of 90 here): forgetting is
    // a non-inferiority test, and on 90 rows 5 lost rows leave an upper bound near 0.14 —
    // above the default 0.05 margin, so this walk-through allows 0.15
    const upd = await rvft([
      'update',
      '--champion',
      'reg:zoo@champion',
      '--new',
      'new.csv',
      '--old',
      'old.csv',
      '--max-forgetting',
      '0.15',
    ]);
    expect(upd.code, upd.stderr).toBe(0);
    // the shortlist is raced on held-out new rows; the candidates that drop the old classes
    // are passed over, and warm combined retraining ships
    expect(upd.stdout).toMatch(/racing retrain_warm_combined, /);
    expect(upd.stdout).toMatch(/fine_tune_head_only .* forgets: /);
    expect(upd.stdout).toMatch(/retrain_warm_combined .* picked: /);
    expect(upd.stdout).toMatch(/promoted: zoo v2 is the champion \(was v1\)/);
    expect(upd.stdout).toMatch(
      /calibration: temperature \d+\.\d{3} \(fitted on \d+ rows\): ECE 0\.\d{4} → 0\.\d{4}, NLL /,
    );
    const v2 = JSON.parse(readFileSync(join(dir, 'reg/models/zoo/versions/2/meta.json'), 'utf8'));
    expect(v2.outputDim).toBe(5);
    expect(v2.dataSchema).toEqual({
      labelColumn: 'species',
      featureNames: ['f1', 'f2', 'f3', 'f4', 'f5', 'f6'],
      classNames: SPECIES,
    });
    expect(v2.lineage).toMatchObject({ parentVersion: 1, strategy: 'retrain_warm_combined' });
    expect(v2.metrics.newTaskAccuracy).toBeGreaterThan(0.7);

    // fresh weights on the new classes alone know nothing of the old ones: trained,
    // registered, refused. (Head-only from v2 would not do: v2 already serves the new classes,
    // and an update that cannot beat its starting weights on validation rows keeps them.)
    const forgetful = await rvft([
      'update',
      '--champion',
      'reg:zoo',
      '--new',
      'new.csv',
      '--old',
      'old.csv',
      '--strategy',
      'train_from_scratch',
      '--no-calibrate',
      '--json',
    ]);
    expect(forgetful.code, forgetful.stderr).toBe(3);
    const f = JSON.parse(forgetful.stdout);
    expect(f.calibration).toEqual({ fitted: false, temperature: 1, why: 'calibrate: false' });
    expect(f.rows.calibration).toBeUndefined();
    expect(f).toMatchObject({ champion: 2, challenger: 3, promoted: false });
    expect(f.gate.failed).toContain('forgetting');
    expect(f.metrics.challenger.oldTaskAccuracy).toBeLessThan(0.2);

    const history = JSON.parse((await rvft(['registry', 'history', 'reg:zoo', '--json'])).stdout);
    expect(history.versions.map((v: { aliases: string[] }) => v.aliases)).toEqual([
      [],
      ['champion'],
      [],
    ]);
    expect(history.audit.map((e: { action: string }) => e.action)).toEqual([
      'register',
      'promote',
      'register',
      'promote',
      'register',
      'promote-refused',
    ]);
    const list = await rvft(['registry', 'list', 'reg']);
    expect(list.stdout).toMatch(/zoo\s+3 versions\s+latest v3\s+champion=v2/);

    expect((await rvft(['registry', 'rollback', 'reg:zoo', '--why', 'test'])).stdout).toMatch(
      /rolled back from v2 to v1/,
    );
    // measured on the same rows, v3 (which forgot bird/cat/dog) still fails against v1
    const measured = await rvft([
      'registry',
      'promote',
      'reg:zoo@3',
      '--new',
      'new.csv',
      '--old',
      'old.csv',
    ]);
    expect(measured.code).toBe(3);
    expect(measured.stdout).toMatch(/refused reg:zoo@3 \(both measured on new\.csv and old\.csv\)/);
    expect(measured.stdout).toMatch(/forgetting/);
    const back = await rvft([
      'registry',
      'promote',
      'reg:zoo@2',
      '--new',
      'new.csv',
      '--old',
      'old.csv',
    ]);
    expect(back.code, back.stdout + back.stderr).toBe(0);
    expect(back.stdout).toMatch(/promoted reg:zoo@2 \(was v1\)/);

    // one policy for both paths: a promotion is gated against the model it replaces. v2 is
    // the champion, so an update from v1 is refused before anything trains (exit 4, conflict),
    // and so is promoting v2 again
    const stale = await rvft([
      'update',
      '--champion',
      'reg:zoo@1',
      '--new',
      'new.csv',
      '--old',
      'old.csv',
    ]);
    expect(stale.code, stale.stderr).toBe(4);
    expect(stale.stderr).toMatch(/'zoo' v1 is not the champion \(v2 is\)/);
    const again = await rvft(['registry', 'promote', 'reg:zoo@2']);
    expect(again.code, again.stderr).toBe(4);
    expect(again.stderr).toMatch(/v2 already is the champion/);
    const after = await rvft(['registry', 'list', 'reg']);
    expect(after.stdout).toMatch(/zoo\s+3 versions\s+latest v3\s+champion=v2/);
  });

  it('without old rows the gate cannot rule out forgetting: refused unless --replaces-old', async () => {
    const args = ['--registry', 'reg2', '--name', 'zoo'];
    expect((await rvft(['train', '--data', 'old.csv', '--label', 'species', ...args])).code).toBe(
      0,
    );
    const blind = await rvft(['update', '--champion', 'reg2:zoo', '--new', 'new.csv']);
    expect(blind.code, blind.stderr).toBe(3);
    expect(blind.stdout).toMatch(/gate forgetting\s+failed\s+old rows not measured/);
    expect(blind.stdout).toMatch(/pass --old with rows it serves, or --replaces-old/);
    // `registry promote` applies the same policy: measured on new rows alone, v2's forgetting
    // is unknown, so it is refused too — until the old distribution is declared retired
    const promoteBlind = await rvft(['registry', 'promote', 'reg2:zoo@2', '--new', 'new.csv']);
    expect(promoteBlind.code, promoteBlind.stdout + promoteBlind.stderr).toBe(3);
    expect(promoteBlind.stdout).toMatch(/refused reg2:zoo@2 .*old rows not measured/);
    expect(promoteBlind.stdout).toMatch(/pass --old with rows it serves, or --replaces-old/);
    const replacing = await rvft([
      'update',
      '--champion',
      'reg2:zoo',
      '--new',
      'new.csv',
      '--replaces-old',
      '--json',
    ]);
    expect(replacing.code, replacing.stderr).toBe(0);
    expect(JSON.parse(replacing.stdout)).toMatchObject({
      champion: 1,
      challenger: 3,
      promoted: true,
    });
  });

  it('bad input exits 2 and names the problem; nothing is registered', async () => {
    // its own champion: this test must not depend on what an earlier test left in `reg`
    const own = ['--registry', 'regBad', '--name', 'zoo'];
    expect((await rvft(['train', '--data', 'old.csv', '--label', 'species', ...own])).code).toBe(0);
    writeFileSync(join(dir, 'nolabel.csv'), 'f1,f2,f3,f4,f5,f6\n1,2,3,4,5,6\n');
    writeFileSync(join(dir, 'text.csv'), 'f1,f2,f3,f4,f5,f6,species\n1,2,x,4,5,6,cat\n');
    const cases: [string[], RegExp][] = [
      [
        ['update', '--champion', 'regBad', '--new', 'new.csv'],
        /--champion: expected <registry dir>:<name>/,
      ],
      [['update', '--champion', 'regBad:nobody', '--new', 'new.csv'], /nobody/],
      [
        ['update', '--champion', 'regBad:zoo', '--new', 'nolabel.csv'],
        /label column 'species' not found/,
      ],
      [
        ['update', '--champion', 'regBad:zoo', '--new', 'text.csv'],
        /line 2, column 'f3': 'x' is not a decimal number/,
      ],
      [
        ['update', '--champion', 'regBad:zoo', '--new', 'new.csv', '--strategy', 'yolo'],
        /--strategy: must be one of/,
      ],
      [
        [
          'update',
          '--champion',
          'regBad:zoo',
          '--new',
          'new.csv',
          '--strategy',
          'retrain_cold_combined',
        ],
        /retrain_cold_combined trains on old \+ new data; pass --old/,
      ],
      [
        ['update', '--champion', 'regBad:zoo', '--new', 'new.csv', '--label', 'kind'],
        /trained with label column 'species'/,
      ],
      [
        ['update', '--champion', 'regBad:zoo', '--new', 'new.csv', '--holdout', '1.5'],
        /holdout must be strictly between 0 and 1/,
      ],
    ];
    const before = (await rvft(['registry', 'list', 'regBad', '--json'])).stdout;
    for (const [args, message] of cases) {
      const r = await rvft(args);
      expect(r.code, `${args.join(' ')}\n${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    expect((await rvft(['registry', 'list', 'regBad', '--json'])).stdout).toBe(before);
  });
});

// util-linux `script` gives the command a pseudo-terminal, as a user's shell would
const haveScript = existsSync('/usr/bin/script');

describe('progress', () => {
  it.skipIf(!haveScript)(
    'training draws a progress bar on a terminal and none in a pipe',
    async () => {
      const args = [
        'train',
        '--data',
        'old.csv',
        '--label',
        'species',
        '--registry',
        'reg3',
        '--name',
        'p',
      ];
      const command = [process.execPath, cli, ...args].map((a) => `'${a}'`).join(' ');
      const tty = await new Promise<string>((resolve, reject) =>
        execFile('/usr/bin/script', ['-qec', command, '/dev/null'], { cwd: dir }, (e, out) =>
          e ? reject(e) : resolve(out),
        ),
      );
      // the production plan for 306 training rows (360 less the validation rows; the
      // temperature is fitted on those): max(3 × 15, ⌈300 / 5 steps⌉) = 60 epochs; early
      // stopping may end it sooner
      const bar = tty.match(/train_from_scratch \[[=-]+\] epoch (\d+)\/60 · loss \d\.\d{4}/g);
      expect(bar, tty).not.toBeNull();
      const piped = await rvft([...args.slice(0, -1), 'q']);
      expect(piped.code).toBe(0);
      expect(piped.stderr).not.toMatch(/epoch/);
      expect(piped.stdout).not.toMatch(/epoch \d+\//);
    },
  );
});

describe('real files: labels are names, columns are chosen', () => {
  // two Gaussian blobs in 3 features, the label written by the caller
  function blobs(file: string, labels: string[], opts: { index?: 'pandas' | 'junk' } = {}) {
    const rows: string[] = [];
    let i = 0;
    for (let r = 0; r < 40; r++) {
      for (const [k, label] of labels.entries()) {
        const x = [k * 3 + Math.sin(r), k * 3 + Math.cos(r * 1.3), (r % 5) - 2];
        const idx =
          opts.index === 'pandas' ? `${i},` : opts.index === 'junk' ? `${(r * 7) % 11},` : '';
        rows.push(`${idx}${x.map((v) => v.toFixed(3)).join(',')},${label}`);
        i++;
      }
    }
    const head = `${opts.index ? ',' : ''}a,b,c,y`;
    writeFileSync(join(dir, file), `${[head, ...rows].join('\n')}\n`);
    return file;
  }

  it('0.0/1.0 against a 0/1 champion are the same classes', async () => {
    blobs('int.csv', ['0', '1']);
    blobs('float.csv', ['0.0', '1.0']);
    const args = ['--registry', 'regL', '--name', 'bin'];
    expect((await rvft(['train', '--data', 'int.csv', '--label', 'y', ...args])).code).toBe(0);
    const d = await rvft(['diagnose', '--champion', 'regL:bin', '--new', 'float.csv', '--json']);
    expect(d.code, d.stderr).toBe(0);
    const r = JSON.parse(d.stdout);
    expect(r.signals.data).toMatchObject({ nNewClasses: 0, newClassesAdded: false });
    expect(r.evidence.accuracyOnNewData.estimate).toBeGreaterThan(0.9);
  });

  it('labels 2–9 then 0–1 give 8 outputs, then 10', async () => {
    blobs('late.csv', ['2', '3', '4', '5', '6', '7', '8', '9']);
    blobs('early.csv', ['0', '1']);
    const args = ['--registry', 'regM', '--name', 'digits'];
    expect((await rvft(['train', '--data', 'late.csv', '--label', 'y', ...args])).code).toBe(0);
    const v1 = JSON.parse(
      readFileSync(join(dir, 'regM/models/digits/versions/1/meta.json'), 'utf8'),
    );
    expect(v1.outputDim).toBe(8);
    expect(v1.dataSchema.classNames).toEqual(['2', '3', '4', '5', '6', '7', '8', '9']);
    const d = await rvft(['diagnose', '--champion', 'regM:digits', '--new', 'early.csv', '--json']);
    expect(JSON.parse(d.stdout).signals.data).toMatchObject({ nNewClasses: 2 });
    const u = await rvft([
      'update',
      '--champion',
      'regM:digits',
      '--new',
      'early.csv',
      '--replaces-old',
      '--no-promote',
    ]);
    expect(u.code, u.stderr).toBe(0);
    const v2 = JSON.parse(
      readFileSync(join(dir, 'regM/models/digits/versions/2/meta.json'), 'utf8'),
    );
    expect(v2.outputDim).toBe(10);
    expect(v2.dataSchema.classNames).toEqual(['2', '3', '4', '5', '6', '7', '8', '9', '0', '1']);
  });

  it('a pandas index column is dropped with a note; an unnamed column that is not one is refused before training', async () => {
    blobs('pandas.csv', ['x', 'z'], { index: 'pandas' });
    const ok = await rvft([
      'train',
      '--data',
      'pandas.csv',
      '--label',
      'y',
      '--registry',
      'regN',
      '--name',
      'p',
    ]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stderr).toMatch(/note: .*pandas\.csv/);
    expect(ok.stdout).toMatch(/3 features \(a, b, c\)/);
    blobs('junk.csv', ['x', 'z'], { index: 'junk' });
    const bad = await rvft([
      'train',
      '--data',
      'junk.csv',
      '--label',
      'y',
      '--registry',
      'regO',
      '--name',
      'q',
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/junk\.csv/);
    expect(existsSync(join(dir, 'regO/models/q'))).toBe(false);
    // --ignore names it away
    const ignored = await rvft([
      'train',
      '--data',
      'junk.csv',
      '--label',
      'y',
      '--ignore',
      'a',
      '--registry',
      'regO',
      '--name',
      'q',
    ]);
    expect(ignored.code).toBe(2); // still the unnamed column: ignoring 'a' does not name it
  });

  it('--help lists every strategy id with its cost factor', async () => {
    const h = await rvft(['update', '--help']);
    for (const id of [
      'train_from_scratch',
      'fine_tune_head_only',
      'fine_tune_full_network',
      'fine_tune_gradual_unfreeze',
      'retrain_warm_new_only',
      'retrain_warm_combined',
      'retrain_cold_combined',
    ]) {
      expect(h.stdout).toMatch(new RegExp(`${id}\\s+[\\d,.]+×`));
    }
    expect(h.stdout).toMatch(/fine_tune_head_only\s+1\.0×/);
    expect(h.stdout).toMatch(/retrain_cold_combined\s+1,564×/);
  });
});

describe('review, cards and housekeeping', () => {
  it('update --review always → candidate → approve; the card says why; delete refused while aliased', async () => {
    const reg = ['--registry', 'regR', '--name', 'zoo'];
    expect((await rvft(['train', '--data', 'old.csv', '--label', 'species', ...reg])).code).toBe(0);
    const held = await rvft([
      'update',
      '--champion',
      'regR:zoo',
      '--new',
      'new.csv',
      '--old',
      'old.csv',
      '--max-forgetting',
      '0.15',
      '--review',
      'always',
    ]);
    expect(held.code, held.stderr).toBe(0);
    expect(held.stdout).toMatch(/held for review: zoo v2 passed the gate and is the candidate/);
    const state = () =>
      JSON.parse(readFileSync(join(dir, 'regR/models/zoo/aliases.json'), 'utf8')).aliases;
    expect(state()).toEqual({ champion: 1, candidate: 2 });
    // a version an alias points at cannot be deleted
    // (the registry's state forbids it: RVFT_ERR_REGISTRY_CONFLICT, exit 4)
    const del = await rvft(['registry', 'delete', 'regR:zoo@2', '--reason', 'tidy']);
    expect(del.code).toBe(4);
    expect(del.stderr).toMatch(/candidate/);
    const ok = await rvft([
      'registry',
      'approve',
      'regR:zoo@2',
      '--reason',
      'race looks right',
      '--who',
      'alice',
    ]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(state()).toEqual({ champion: 2 });
    const audit = readFileSync(join(dir, 'regR/models/zoo/audit.log'), 'utf8').trim().split('\n');
    expect(JSON.parse(audit.at(-1) as string)).toMatchObject({
      action: 'approve',
      who: 'alice',
      why: 'race looks right',
      from: 1,
      to: 2,
    });
    const card = await rvft(['registry', 'show', 'regR:zoo']);
    expect(card.code, card.stderr).toBe(0);
    expect(card.stdout).toMatch(/^# zoo: an update of v1/);
    // 240 new training rows, a fifth of them validates the race (and fits the temperature)
    expect(card.stdout).toMatch(/## Race\n\nOn 48 held-out new rows/);
    expect(card.stdout).toMatch(/\| forgetting \| passed \|/);
    expect(card.stdout).toMatch(/## Calibration\n\ntemperature \d/);
    expect(card.stdout).toMatch(/\| confidence bin \| rows before \|/);
    // score a version on a file without registering anything
    const versions = () => readFileSync(join(dir, 'regR/models/zoo/audit.log'), 'utf8');
    const before = versions();
    const ev = await rvft(['evaluate', '--model', 'regR:zoo', '--data', 'new.csv', '--json']);
    expect(ev.code, ev.stderr).toBe(0);
    const e = JSON.parse(ev.stdout);
    expect(e).toMatchObject({ name: 'zoo', version: 2, rows: 300 });
    expect(e.accuracy.lower).toBeLessThanOrEqual(e.accuracy.estimate);
    expect(e.accuracy.upper).toBeGreaterThanOrEqual(e.accuracy.estimate);
    expect(e.perClass.map((c: { name: string; rows: number }) => [c.name, c.rows])).toEqual([
      ['fox', 150],
      ['owl', 150],
    ]);
    expect(versions()).toBe(before);
    // v1 is no longer aliased: it can go, and gc finds nothing left behind
    expect((await rvft(['registry', 'delete', 'regR:zoo@1', '--reason', 'superseded'])).code).toBe(
      0,
    );
    expect(existsSync(join(dir, 'regR/models/zoo/versions/1'))).toBe(false);
    expect((await rvft(['registry', 'gc', 'regR'])).stdout).toMatch(/nothing to collect/);
  });
});

describe('rvft bench', () => {
  it('forwards its arguments to the benchmark and its exit code back', async () => {
    const help = await rvft(['bench', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/rvft-bench/);
    expect(help.stdout).toMatch(/--validate-decisions/);
    // an unknown scenario is invalid input: 2, as `rvft --help` documents
    const bad = await rvft(['bench', '--scenario', 'Q']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown scenario 'Q'/);
  });
});

describe('rvft serve', () => {
  it('serves the champion over HTTP until SIGTERM; --shadow and --canary conflict', async () => {
    const trained = await rvft([
      'train',
      '--data',
      'old.csv',
      '--label',
      'species',
      '--registry',
      'serve-reg',
      '--name',
      'zoo',
      '--hidden',
      '8',
      '--epochs',
      '2',
      '--json',
    ]);
    expect(trained.code, trained.stderr).toBe(0);
    const both = await rvft([
      'serve',
      '--registry',
      'serve-reg',
      '--name',
      'zoo',
      '--shadow',
      '--canary',
      '0.1',
    ]);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/cannot be used with/);

    const { spawn } = await import('node:child_process');
    const child = spawn(
      process.execPath,
      [cli, 'serve', '--registry', 'serve-reg', '--name', 'zoo', '--port', '0', '--log', 'p.jsonl'],
      { cwd: dir, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const base = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+) \(zoo v1\)/.exec(d.toString());
        if (m) resolve(m[1]!);
      });
      child.on('exit', (code) => reject(new Error(`rvft serve exited with ${code}`)));
    });
    const features = Object.fromEntries(Array.from({ length: 6 }, (_, j) => [`f${j + 1}`, 0.5]));
    const res = await fetch(`${base}/v1/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'cli-1' },
      body: JSON.stringify({ features }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { version: number; predicted: string; classNames: string[] };
    expect(body.version).toBe(1);
    expect(body.classNames).toEqual(['bird', 'cat', 'dog']);
    expect(body.classNames).toContain(body.predicted);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const log = readFileSync(join(dir, 'p.jsonl'), 'utf8').trim().split('\n');
    expect(log).toHaveLength(1);
    expect(JSON.parse(log[0]!)).toMatchObject({
      type: 'prediction',
      requestId: 'cli-1',
      version: 1,
      arm: 'champion',
    });
  });
});

describe('rvft lr-find', () => {
  it('sweeps a version with its data, suggests a rate and leaves the registry as it was', async () => {
    // --warmup/--decay reach the training loop: a schedule that is refused names itself
    const bad = await rvft([
      'train',
      '--data',
      'old.csv',
      '--label',
      'species',
      '--registry',
      'regL',
      '--name',
      'zoo',
      '--decay',
      'step',
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--decay/);
    const trained = await rvft([
      'train',
      '--data',
      'old.csv',
      '--label',
      'species',
      '--registry',
      'regL',
      '--name',
      'zoo',
      '--epochs',
      '3',
      '--warmup',
      '0.1',
      '--decay',
      'cosine',
      '--json',
    ]);
    expect(trained.code, trained.stderr).toBe(0);
    const weights = () =>
      readFileSync(join(dir, 'regL/models/zoo/versions/1/weights.bin')).toString('base64');
    const before = weights();
    const r = await rvft([
      'lr-find',
      '--champion',
      'regL:zoo',
      '--data',
      'new.csv',
      '--steps',
      '60',
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    // new.csv holds two classes the version has never seen: the sweep runs on an expanded head
    expect(j).toMatchObject({ name: 'zoo', version: 1, rows: 300, headOnly: false });
    expect(j.points.length).toBeGreaterThan(10);
    expect(j.points.length).toBeLessThanOrEqual(60);
    expect(j.suggestedLr).toBeGreaterThan(1e-7);
    expect(j.suggestedLr).toBeLessThan(10);
    expect(weights()).toBe(before);
    const text = await rvft([
      'lr-find',
      '--champion',
      'regL:zoo',
      '--data',
      'old.csv',
      '--head-only',
      '--steps',
      '40',
    ]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/head only: \d+ steps/);
    expect(text.stdout).toMatch(/suggested learning rate +\d\.\d\de[-+]\d/);
  });
});
