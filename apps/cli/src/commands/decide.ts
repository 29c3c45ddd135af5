import { readFile } from 'node:fs/promises';
import { DecisionEngine, type DecisionInput, summary } from '@rvft/decision';
import { InputError } from '../errors';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** `rvft decide [file]`: signals JSON (a file, or stdin when absent or `-`) → a decision. */
export async function decideCommand(
  file: string | undefined,
  opts: { json?: boolean },
): Promise<void> {
  const source = file && file !== '-' ? file : 'stdin';
  const text = source === 'stdin' ? await readStdin() : await readFile(source, 'utf8');
  let signals: unknown;
  try {
    signals = JSON.parse(text);
  } catch (e) {
    throw new InputError(`${source}: not valid JSON (${(e as Error).message})`);
  }
  // throws SignalValidationError listing every invalid field → exit 2
  const result = new DecisionEngine().decide(signals as DecisionInput);
  console.log(opts.json ? JSON.stringify(result, null, 2) : summary(result));
}
