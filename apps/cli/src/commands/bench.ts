import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { InputError } from '../errors';

/**
 * Where `@rvft/bench`'s command line is, or a message saying how to get it. The benchmark is a
 * separate package (it pulls in charting and data sets the CLI does not need), so an installed
 * `rvft` finds it only when it was installed beside it: `npm i -g` puts both in the same
 * node_modules, which is on this file's resolution path. In the repository it is a workspace
 * dev dependency of the CLI.
 */
export function benchCli(): string {
  let pkg: string;
  try {
    pkg = createRequire(import.meta.url).resolve('@rvft/bench/package.json');
  } catch {
    throw new InputError(
      'bench: the benchmark is a separate package, @rvft/bench, and it is not installed beside ' +
        'this rvft. Install @rvft/bench next to rvft (from the rvft repository: ' +
        '`pnpm --filter @rvft/bench pack`, then `npm i -g` the tarball), or run it from a ' +
        'checkout of the repository: pnpm install && pnpm build && pnpm bench',
    );
  }
  const cli = join(dirname(pkg), 'dist', 'cli.js');
  if (!existsSync(cli)) {
    throw new InputError(
      `bench: @rvft/bench is installed at ${dirname(pkg)} but not built (no dist/cli.js): pnpm build`,
    );
  }
  return cli;
}

/**
 * `rvft bench ...`: runs the benchmark's own command line with the same arguments, in a child
 * process (its worker threads and exit code stay its own).
 */
export async function benchCommand(args: string[]): Promise<number> {
  const cli = benchCli();
  const child = spawn(process.execPath, [cli, ...args], { stdio: 'inherit' });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}
