import { execFile } from 'node:child_process';

/** The built `rvft` binary every CLI test runs in a real process. */
export const cli = new URL('../dist/cli.js', import.meta.url).pathname;

export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `rvft <args>` in `cwd` (no colours); resolves with the exit code and both streams. */
export function runRvft(args: string[], cwd?: string): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [cli, ...args],
      {
        ...(cwd ? { cwd } : {}),
        env: { ...process.env, NO_COLOR: '1' },
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
