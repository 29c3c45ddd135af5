// A child process for the kill -9 trials: seeded random register / promote / rollback /
// set-alias operations on one model, killing itself with a real SIGKILL just before the
// registry's `killAt`-th write step (fsutil's seam: write, fsync, rename, append, remove).
// argv: <registry dir> <model name> <seed> <killAt>
// stdout: `registered N`, `promoted N`, `rolled-back N`, `aliased N` after each call returns.
import { createMlp, useBestBackend } from '@rvft/model';
import { openRegistry, setIoHook } from '../dist/index.js';
import { mulberry32 } from './crash-check.mjs';

const [dir, name, seedArg, killAtArg] = process.argv.slice(2);
const rand = mulberry32(Number(seedArg));
const killAt = Number(killAtArg);
let steps = 0;
setIoHook(() => {
  steps += 1;
  if (steps === killAt) process.kill(process.pid, 'SIGKILL');
});
await useBestBackend();
const reg = await openRegistry(dir, { actor: `child-${seedArg}` });
const model = createMlp({ inputDim: 8, hiddenDims: [16], outputDim: 2, seed: 1 });
const say = (line) => process.stdout.write(`${line}\n`);
const pick = (xs) => xs[Math.floor(rand() * xs.length)];

for (let i = 0; ; i++) {
  const versions = await reg.versions(name);
  const r = rand();
  try {
    if (versions.length < 2 || r < 0.35) {
      model.reinitialize(i + 1);
      say(`registered ${await reg.register(name, model, { metrics: { newTaskAccuracy: 0.9 } })}`);
    } else if (r < 0.7) {
      const v = pick(versions);
      const res = await reg.promote(name, v, { why: `trial step ${i}` });
      if (res.promoted) say(`promoted ${v}`);
    } else if (r < 0.85) {
      say(`rolled-back ${(await reg.rollback(name, `trial step ${i}`)).to}`);
    } else {
      const v = pick(versions);
      await reg.setAlias(name, pick(['challenger', 'shadow', 'champion']), v, `trial step ${i}`);
      say(`aliased ${v}`);
    }
  } catch (e) {
    // refusals are part of the mix (no previous champion, already the champion); nothing else is
    if (e?.code !== 'RVFT_ERR_REGISTRY_CONFLICT') throw e;
  }
}
