#!/usr/bin/env node
/**
 * Packaging check, run by .ci/run after the build: what a user installs is the packed tarballs,
 * not the workspace, so this checks the tarballs.
 *
 * 1. `pnpm pack` every workspace package that is published (not `private`), and @rvft/bench
 *    (private, but `rvft bench` tells users to install it beside rvft, so that must work).
 * 2. No `workspace:` range is left in a packed package.json (pnpm pack rewrites them).
 * 3. publint (--strict) on every tarball; Are-The-Types-Wrong on every tarball that has an
 *    importable entry point (the CLI and the bench are commands only: there is nothing to type).
 * 4. `npm i -g` the CLI tarball into a temporary prefix, its @rvft/* dependencies served from
 *    the tarballs by a loopback registry (127.0.0.1, this process) and everything else from the
 *    configured npm registry — the same tree `npm i -g @rvft/cli` gives once published. Then:
 *    `rvft --version` (= package.json), `rvft --help`, `rvft decide` on the example, one copy of
 *    tfjs-core in the tree, every library importable as ESM and CJS with the same exports,
 *    `rvft bench` saying how to get the benchmark; then the bench tarball installed beside it
 *    and `rvft bench --help` running it, with the tables its real-data suite reads.
 *
 * Usage: node scripts/pack-check.mjs   [--keep]   (after pnpm build; --keep keeps the temporary folder)
 * Prints one line per check and `pack-check: N passed, M failed`; exits 1 on any failure.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const work = mkdtempSync(join(tmpdir(), 'rvft-pack-check-'));
const tarballs = join(work, 'tarballs');
const prefix = join(work, 'prefix');
mkdirSync(tarballs);

/** Runs a command; resolves with its exit code and output, never rejects. */
function run(cmd, args, opts = {}) {
  return new Promise((done) => {
    execFile(
      cmd,
      args,
      { cwd: work, maxBuffer: 64 * 1024 * 1024, timeout: 600_000, ...opts },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        done({ code, stdout, stderr });
      },
    );
  });
}

let passed = 0;
let failed = 0;
/** One check: `fn` throws (or returns a rejected promise) to fail it. */
async function check(name, fn) {
  try {
    await fn();
    passed++;
    console.log(`ok   ${name}`);
  } catch (e) {
    failed++;
    console.log(
      `FAIL ${name}\n${String(e instanceof Error ? e.message : e).replace(/^/gm, '     ')}`,
    );
  }
}
function expect(cond, message) {
  if (!cond) throw new Error(message);
}
const tail = (r) =>
  `exit ${r.code}\n${(r.stdout + r.stderr).trim().split('\n').slice(-15).join('\n')}`;

// ---- 1. pack ---------------------------------------------------------------------------------
const packages = [];
for (const group of ['packages', 'apps']) {
  for (const name of readdirSync(join(root, group)).sort()) {
    const dir = join(root, group, name);
    if (!existsSync(join(dir, 'package.json'))) continue;
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    if (pkg.private && pkg.name !== '@rvft/bench') continue;
    packages.push({ dir, name: pkg.name, version: pkg.version, published: !pkg.private });
  }
}
for (const p of packages) {
  const before = new Set(readdirSync(tarballs));
  const r = await run('pnpm', ['pack', '--pack-destination', tarballs], { cwd: p.dir });
  const made = readdirSync(tarballs).filter((f) => !before.has(f));
  await check(`pnpm pack ${p.name}`, () => {
    expect(r.code === 0 && made.length === 1, tail(r));
  });
  p.tarball = made.length === 1 ? join(tarballs, made[0]) : undefined;
}
const packed = packages.filter((p) => p.tarball);

// ---- 2. no workspace: ranges -----------------------------------------------------------------
for (const p of packed) {
  const r = await run('tar', ['-xzOf', p.tarball, 'package/package.json']);
  p.manifest = r.code === 0 ? JSON.parse(r.stdout) : undefined;
  await check(`${p.name}: packed package.json has real versions`, () => {
    expect(p.manifest, tail(r));
    const bad = [];
    for (const field of [
      'dependencies',
      'devDependencies',
      'peerDependencies',
      'optionalDependencies',
    ]) {
      for (const [dep, range] of Object.entries(p.manifest[field] ?? {})) {
        if (/^(workspace|catalog|link|file):/.test(range)) bad.push(`${field}.${dep}: ${range}`);
      }
    }
    expect(bad.length === 0, bad.join('\n'));
    expect(p.manifest.version === p.version, `version ${p.manifest.version} != ${p.version}`);
  });
}

// ---- 3. publint, Are-The-Types-Wrong -----------------------------------------------------------
const bin = (name) => join(root, 'node_modules', '.bin', name);
for (const p of packed) {
  const lint = await run(bin('publint'), ['run', '--strict', p.tarball]);
  await check(`${p.name}: publint --strict`, () => expect(lint.code === 0, tail(lint)));
  if (p.manifest && (p.manifest.exports || p.manifest.main)) {
    const attw = await run(bin('attw'), [p.tarball, '--format', 'ascii']);
    await check(`${p.name}: are the types wrong`, () => expect(attw.code === 0, tail(attw)));
  }
}

// ---- 4. install from the tarballs, run rvft -----------------------------------------------------
// A loopback npm registry for the @rvft scope: one packument per packed package, pointing at its
// tarball, with the integrity npm verifies.
const byName = new Map();
for (const p of packed) {
  if (!p.manifest) continue;
  const data = readFileSync(p.tarball);
  byName.set(p.name, {
    manifest: p.manifest,
    data,
    file: `${p.name.replace('/', '-').replace('@', '')}-${p.version}.tgz`,
    integrity: `sha512-${createHash('sha512').update(data).digest('base64')}`,
    shasum: createHash('sha1').update(data).digest('hex'),
  });
}
const server = createServer((req, res) => {
  const url = decodeURIComponent(req.url ?? '/');
  for (const entry of byName.values()) {
    if (url === `/-/${entry.file}`) {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      return res.end(entry.data);
    }
  }
  const entry = byName.get(url.slice(1));
  if (!entry) {
    res.writeHead(404, { 'content-type': 'application/json' });
    return res.end('{"error":"not found"}');
  }
  const { name, version } = entry.manifest;
  const base = `http://127.0.0.1:${server.address().port}`;
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(
    JSON.stringify({
      name,
      'dist-tags': { latest: version },
      versions: {
        [version]: {
          ...entry.manifest,
          _id: `${name}@${version}`,
          dist: {
            tarball: `${base}/-/${entry.file}`,
            integrity: entry.integrity,
            shasum: entry.shasum,
          },
        },
      },
    }),
  );
});
await new Promise((done) => server.listen(0, '127.0.0.1', done));
const registry = `http://127.0.0.1:${server.address().port}/`;
// cwd is the temporary folder, so the repository's pnpm-only .npmrc is not read.
const npmInstall = (tarball) =>
  run('npm', [
    'install',
    '--global',
    '--prefix',
    prefix,
    '--no-audit',
    '--no-fund',
    '--no-update-notifier',
    `--@rvft:registry=${registry}`,
    tarball,
  ]);

const cli = byName.get('@rvft/cli');
const rvftBin = join(prefix, 'bin', 'rvft');
const rvft = (args) => run(rvftBin, args, { env: { ...process.env, NO_COLOR: '1' } });
const cliTarball = packed.find((p) => p.name === '@rvft/cli')?.tarball;
const installed = cliTarball
  ? await npmInstall(cliTarball)
  : { code: 1, stdout: '', stderr: 'no CLI tarball' };
await check('npm i -g the @rvft/cli tarball into a temporary prefix', () =>
  expect(installed.code === 0 && existsSync(rvftBin), tail(installed)),
);

if (installed.code === 0 && existsSync(rvftBin)) {
  const cliDir = join(prefix, 'lib', 'node_modules', '@rvft', 'cli');

  await check('rvft --version prints the version of its package.json', async () => {
    const r = await rvft(['--version']);
    expect(r.code === 0 && r.stdout.trim() === cli.manifest.version, tail(r));
  });

  await check('rvft --help lists the commands', async () => {
    const r = await rvft(['--help']);
    expect(r.code === 0, tail(r));
    for (const c of ['decide', 'train', 'update', 'registry', 'bench']) {
      expect(r.stdout.includes(c), `--help does not mention ${c}`);
    }
  });

  await check(
    'rvft decide examples/signals.json --json decides, with one TensorFlow.js',
    async () => {
      const r = await rvft(['decide', join(root, 'examples', 'signals.json'), '--json']);
      expect(r.code === 0, tail(r));
      const decision = JSON.parse(r.stdout);
      expect(typeof decision.primary?.strategy === 'string', `no primary strategy: ${r.stdout}`);
      // Two copies of tfjs-core in the tree register two platforms (and two tensor engines).
      expect(!/already been set/.test(r.stderr), `two tfjs-core copies loaded:\n${r.stderr}`);
    },
  );

  await check('one copy of @tensorflow/tfjs-core in the installed tree', () => {
    const found = [];
    const walk = (dir, depth) => {
      if (depth > 12 || !existsSync(dir)) return;
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        if (!e.isDirectory()) continue;
        const path = join(dir, e.name);
        if (path.endsWith(join('@tensorflow', 'tfjs-core'))) found.push(path);
        else walk(path, depth + 1);
      }
    };
    walk(join(prefix, 'lib', 'node_modules'), 0);
    expect(found.length === 1, `${found.length} copies:\n${found.join('\n')}`);
  });

  // Every published library, as its users load it: import (ESM build) and require (CJS build)
  // from inside the installed tree must both work and export the same names.
  const probe = join(cliDir, 'pack-check-probe.mjs');
  writeFileSync(
    probe,
    `import { createRequire } from 'node:module';
const name = process.argv[2];
const esm = Object.keys(await import(name)).filter((k) => k !== 'default').sort();
const cjs = Object.keys(createRequire(import.meta.url)(name)).filter((k) => k !== 'default').sort();
console.log(JSON.stringify({ esm, cjs }));
`,
  );
  for (const p of packed.filter((x) => x.published && x.manifest?.exports)) {
    await check(`${p.name}: import and require give the same exports`, async () => {
      const r = await run(process.execPath, [probe, p.name], { cwd: cliDir });
      expect(r.code === 0, tail(r));
      const { esm, cjs } = JSON.parse(r.stdout.trim().split('\n').pop());
      expect(esm.length > 0, 'no exports');
      expect(
        JSON.stringify(esm) === JSON.stringify(cjs),
        `ESM only: ${esm.filter((k) => !cjs.includes(k)).join(', ') || '-'}; CJS only: ${cjs.filter((k) => !esm.includes(k)).join(', ') || '-'}`,
      );
    });
  }

  await check('rvft bench without @rvft/bench says to install it (exit 2)', async () => {
    const r = await rvft(['bench', '--help']);
    expect(
      r.code === 2 && /@rvft\/bench/.test(r.stderr) && /not installed/.test(r.stderr),
      tail(r),
    );
  });

  const bench = packed.find((p) => p.name === '@rvft/bench');
  if (bench) {
    const benchInstalled = await npmInstall(bench.tarball);
    await check('npm i -g the @rvft/bench tarball beside it', () =>
      expect(benchInstalled.code === 0, tail(benchInstalled)),
    );
    await check('rvft bench --help runs the installed benchmark', async () => {
      const r = await rvft(['bench', '--help']);
      expect(r.code === 0 && /rvft-bench/.test(r.stdout), tail(r));
    });
    // --suite real reads its tables from vega-datasets at run time: it must come with the bench.
    await check('the installed bench finds the real-data tables (vega-datasets)', async () => {
      const benchDir = join(prefix, 'lib', 'node_modules', '@rvft', 'bench');
      const r = await run(
        process.execPath,
        ['-e', "require.resolve('vega-datasets'); console.log('ok')"],
        { cwd: benchDir },
      );
      expect(r.code === 0, tail(r));
    });
  }
}

server.close();
if (process.argv.includes('--keep')) console.log(`kept ${work}`);
else rmSync(work, { recursive: true, force: true });
console.log(`pack-check: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
