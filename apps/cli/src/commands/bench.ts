import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { InputError } from '../errors';

/**
 * `rvft bench ...`: runs the benchmark's own command line with the same arguments, in a child
 * process (its worker threads and exit code stay its own).
 */
export async function benchCommand(args: string[]): Promise<number> {
  let cli: string;
  try {
    const pkg = createRequire(import.meta.url).resolve('@rvft/bench/package.json');
    cli = join(dirname(pkg), 'dist', 'cli.js');
  } catch {
    throw new InputError(
      'bench: @rvft/bench is not installed (in the rvft repository: pnpm install && pnpm build)',
    );
  }
  const child = spawn(process.execPath, [cli, ...args], { stdio: 'inherit' });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}
