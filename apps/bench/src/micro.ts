#!/usr/bin/env node
/**
 * Micro-benchmark of one training step of the benchmark's MLP, in the shape of
 * shared/perf/torch_mlp_steps.py: one JSON line per case (full / head-only × batch 64 / 256),
 * median ms per step over several rounds, plus kernels dispatched per step.
 * `--torch` runs the PyTorch script in the same go and prints the ratio for each case.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { createMlp, describeBackend, useBestBackend } from '@rvft/model';
import { TrainStep } from '@rvft/strategies';
import * as tf from '@tensorflow/tfjs-core';
import { Command } from 'commander';

interface Case {
  batch: number;
  headOnly: boolean;
}

interface Measured {
  engine: string;
  backend: string;
  batch: number;
  dims: number[];
  head_only: boolean;
  steps: number;
  rounds: number;
  ms_per_step: number;
  ms_per_step_rounds: number[];
  kernels_per_step: number;
}

const DIMS = [20, 128, 64, 2];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

async function measure(c: Case, steps: number, rounds: number): Promise<Measured> {
  const model = createMlp({
    inputDim: DIMS[0]!,
    hiddenDims: DIMS.slice(1, -1),
    outputDim: DIMS.at(-1)!,
    seed: 0,
  });
  if (c.headOnly) model.freezeTrunk();
  // Same step as every strategy: Adam lr 1e-3, weight decay 1e-4, clipping except head-only.
  const step = new TrainStep(model, {
    learningRate: 1e-3,
    weightDecay: 1e-4,
    clipNorm: c.headOnly ? null : 1,
  });
  // 16 batches kept on the device, as the torch script slices one tensor.
  const xs = Array.from(
    { length: 16 },
    (_, i) => tf.randomNormal([c.batch, DIMS[0]!], 0, 1, 'float32', i) as tf.Tensor2D,
  );
  const ys = Array.from(
    { length: 16 },
    (_, i) => tf.randomUniformInt([c.batch], 0, DIMS.at(-1)!, 100 + i) as tf.Tensor1D,
  );
  const run = (i: number) => step.run(xs[i % 16]!, ys[i % 16]!);
  for (let i = 0; i < 100; i++) run(i).dispose();
  const profile = await tf.profile(() => {
    run(0).dispose();
  });
  const perRound: number[] = [];
  for (let r = 0; r < rounds; r++) {
    let last: tf.Scalar | undefined;
    const t = performance.now();
    for (let i = 0; i < steps; i++) {
      last?.dispose();
      last = run(i);
    }
    last?.dataSync();
    perRound.push((performance.now() - t) / steps);
    last?.dispose();
  }
  step.dispose();
  tf.dispose([...xs, ...ys]);
  model.dispose();
  return {
    engine: 'tfjs',
    backend: describeBackend(),
    batch: c.batch,
    dims: DIMS,
    head_only: c.headOnly,
    steps,
    rounds,
    ms_per_step: Number(median(perRound).toFixed(4)),
    ms_per_step_rounds: perRound.map((x) => Number(x.toFixed(4))),
    kernels_per_step: profile.kernels.length,
  };
}

function torch(
  python: string,
  script: string,
  c: Case,
  steps: number,
  rounds: number,
): { ms_per_step: number; rounds: number[] } {
  const perRound: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const args = [
      script,
      '--steps',
      String(steps),
      '--batch',
      String(c.batch),
      ...(c.headOnly ? ['--head-only'] : []),
    ];
    const out = execFileSync(python, args, { encoding: 'utf8' });
    perRound.push(JSON.parse(out.trim().split('\n').at(-1)!).ms_per_step);
  }
  return { ms_per_step: median(perRound), rounds: perRound };
}

new Command()
  .name('rvft-micro')
  .option('--steps <n>', 'steps per round', (v) => Number(v), 1000)
  .option('--rounds <n>', 'rounds per case (median reported)', (v) => Number(v), 5)
  .option('--torch', 'also run shared/perf/torch_mlp_steps.py and print the ratio')
  // Debian's python3-torch installs for the system interpreter, not a pyenv one
  .option(
    '--python <exe>',
    'python with torch',
    existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3',
  )
  .option(
    '--torch-script <file>',
    'path to torch_mlp_steps.py',
    resolve(process.cwd(), '../../../shared/perf/torch_mlp_steps.py'),
  )
  .action(async (opts) => {
    await useBestBackend();
    const cases: Case[] = [
      { batch: 64, headOnly: false },
      { batch: 64, headOnly: true },
      { batch: 256, headOnly: false },
      { batch: 256, headOnly: true },
    ];
    for (const c of cases) {
      const m = await measure(c, opts.steps, opts.rounds);
      console.log(JSON.stringify(m));
      if (opts.torch) {
        if (!existsSync(opts.torchScript))
          throw new Error(`--torch: ${opts.torchScript} not found`);
        const t = torch(opts.python, opts.torchScript, c, opts.steps, opts.rounds);
        console.log(
          JSON.stringify({
            engine: 'pytorch',
            batch: c.batch,
            head_only: c.headOnly,
            ms_per_step: t.ms_per_step,
            ms_per_step_rounds: t.rounds,
            ratio_tfjs_over_torch: Number((m.ms_per_step / t.ms_per_step).toFixed(2)),
          }),
        );
      }
    }
  })
  .parseAsync()
  .catch((e: unknown) => {
    console.error(`rvft-micro: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  });
