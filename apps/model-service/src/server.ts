#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { exitCodeFor } from '@rvft/errors';
import { startModelService } from './start';

function fail(message: string, code: number): never {
  console.error(`rvft model service: ${message}`);
  process.exit(code);
}

/** A whole number >= min from a flag, or undefined when absent. */
function int(name: string, raw: string | undefined, min = 1): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(n) || n < min)
    fail(`--${name}: expected a whole number >= ${min}, got '${raw}'`, 2);
  return n;
}

let values: Record<string, string | boolean | undefined>;
try {
  ({ values } = parseArgs({
    options: {
      registry: { type: 'string' },
      name: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      log: { type: 'string' },
      shadow: { type: 'boolean' },
      canary: { type: 'string' },
      'poll-ms': { type: 'string' },
      'max-batch': { type: 'string' },
      'log-max-bytes': { type: 'string' },
      'log-keep': { type: 'string' },
    },
    strict: true,
  }));
} catch (e) {
  fail((e as Error).message, 2);
}
const str = (k: string) => values[k] as string | undefined;
const registry = str('registry') ?? process.env['RVFT_REGISTRY'];
const name = str('name') ?? process.env['RVFT_MODEL'];
if (!registry) fail('--registry <dir> is required', 2);
if (!name) fail('--name <model> is required', 2);
let canary: number | undefined;
if (str('canary') !== undefined) {
  canary = Number(str('canary'));
  if (!Number.isFinite(canary) || canary < 0 || canary > 1)
    fail(`--canary: expected a share between 0 and 1, got '${str('canary')}'`, 2);
}
if (values['shadow'] && canary !== undefined) fail('--shadow and --canary: choose one', 2);

startModelService({
  registry,
  name,
  port: int('port', str('port') ?? process.env['PORT'], 0) ?? 8080,
  host: str('host') ?? process.env['HOST'] ?? '127.0.0.1',
  ...(str('log') ? { log: str('log') as string } : {}),
  ...(values['shadow'] ? { shadow: true } : {}),
  ...(canary !== undefined ? { canary } : {}),
  ...(str('poll-ms') ? { pollMs: int('poll-ms', str('poll-ms')) as number } : {}),
  ...(str('max-batch') ? { maxBatch: int('max-batch', str('max-batch')) as number } : {}),
  ...(str('log-max-bytes')
    ? { logMaxBytes: int('log-max-bytes', str('log-max-bytes')) as number }
    : {}),
  ...(str('log-keep') ? { logKeep: int('log-keep', str('log-keep')) as number } : {}),
  logger: process.env['LOG'] === '1' ? true : { level: 'error' },
}).then(
  (service) => {
    const { champion } = service.models.peek();
    console.log(
      `rvft model service listening on ${service.address} (${name} v${champion?.version})`,
    );
    for (const signal of ['SIGINT', 'SIGTERM'] as const)
      process.on(signal, () => void service.close().then(() => process.exit(0)));
  },
  (e: Error) => fail(e.message, exitCodeFor(e)),
);
