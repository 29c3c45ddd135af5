#!/usr/bin/env node
/**
 * Peak memory of loading a large CSV with `loadCsv` (streaming).
 *
 *   pnpm --filter @rvft/data build
 *   node packages/data/scripts/load-rss.mjs [MB=1024] [--keep]
 *
 * Writes /tmp/rvft-load-<MB>mb.csv (10 float features written with 4 decimals, a label of 5
 * classes; made once, kept with --keep), then loads it in a fresh Node process and prints the
 * peak RSS (`process.resourceUsage().maxRSS`) and RSS per MB of CSV. The generator and the
 * loader are separate processes so the peak is the loader's alone.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const self = fileURLToPath(import.meta.url);
const [mode, arg] = process.argv.slice(2);

if (mode === '--generate') {
  // arg: "<path>:<MB>"; a cheap LCG keeps generation fast and the file the same every time
  const [path, mb] = arg.split(':');
  const target = Number(mb) * 1024 * 1024;
  const fd = openSync(path, 'w');
  let seed = 12345;
  const next = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 4294967296;
  };
  const classes = ['alpha', 'beta', 'gamma', 'delta', 'epsilon'];
  let written = writeSync(fd, 'f0,f1,f2,f3,f4,f5,f6,f7,f8,f9,label\n');
  while (written < target) {
    const lines = [];
    for (let i = 0; i < 50_000; i++) {
      const cells = [];
      for (let j = 0; j < 10; j++) cells.push((next() * 200 - 100).toFixed(4));
      cells.push(classes[Math.floor(next() * 5)]);
      lines.push(cells.join(','));
    }
    written += writeSync(fd, `${lines.join('\n')}\n`);
  }
  closeSync(fd);
  process.exit(0);
}

if (mode === '--load') {
  const { loadCsv } = await import('../dist/index.js');
  const before = process.resourceUsage().maxRSS;
  const t0 = performance.now();
  const ds = await loadCsv(arg, { labelColumn: 'label' });
  const seconds = (performance.now() - t0) / 1000;
  console.log(
    JSON.stringify({
      rows: ds.nRows,
      features: ds.nFeatures,
      classes: ds.classNames.length,
      seconds,
      maxRssKiB: process.resourceUsage().maxRSS,
      maxRssBeforeKiB: before,
    }),
  );
  process.exit(0);
}

const mb = Number(mode ?? 1024);
if (!(mb > 0)) throw new Error(`usage: load-rss.mjs [MB] [--keep], got ${mode}`);
const keep = process.argv.includes('--keep');
const path = `/tmp/rvft-load-${mb}mb.csv`;
if (!existsSync(path)) {
  console.error(`writing ${path} ...`);
  execFileSync(process.execPath, [self, '--generate', `${path}:${mb}`], { stdio: 'inherit' });
}
const fileMb = statSync(path).size / 1024 / 1024;
console.error(`loading ${path} (${fileMb.toFixed(0)} MB) ...`);
const out = JSON.parse(
  execFileSync(process.execPath, [self, '--load', path], { encoding: 'utf8' }).trim(),
);
const peakMb = out.maxRssKiB / 1024;
const dataMb = (out.rows * out.features * 4 + out.rows * 4) / 1024 / 1024;
console.log(
  [
    `file            ${fileMb.toFixed(0)} MB, ${out.rows} rows × ${out.features} features, ${out.classes} classes`,
    `load time       ${out.seconds.toFixed(1)} s (${(fileMb / out.seconds).toFixed(1)} MB/s)`,
    `dataset         ${dataMb.toFixed(0)} MB (Float32 features + Int32 labels)`,
    `peak RSS        ${peakMb.toFixed(0)} MB (${(out.maxRssBeforeKiB / 1024).toFixed(0)} MB before loading)`,
    `RSS per MB CSV  ${(peakMb / fileMb).toFixed(2)}`,
  ].join('\n'),
);
if (!keep) rmSync(path);
