#!/usr/bin/env node
import { exitCodeFor } from '@rvft/errors';
import type { FastifyInstance } from 'fastify';
import { buildService, type ServiceOptions } from './app';

/** Environment variable → service option; each optional, each a whole number. */
const LIMITS_FROM_ENV = {
  BODY_LIMIT: 'bodyLimit',
  REQUEST_TIMEOUT_MS: 'requestTimeoutMs',
  HEADERS_TIMEOUT_MS: 'headersTimeoutMs',
  CONNECTION_TIMEOUT_MS: 'connectionTimeoutMs',
  KEEP_ALIVE_TIMEOUT_MS: 'keepAliveTimeoutMs',
  MAX_CONNECTIONS: 'maxConnections',
  MAX_ISSUES: 'maxIssues',
} as const satisfies Record<string, keyof ServiceOptions>;

function fail(message: string, code: number): never {
  console.error(`rvft decision service: ${message}`);
  process.exit(code);
}

const port = Number(process.env['PORT'] ?? 8080);
const host = process.env['HOST'] ?? '127.0.0.1';
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  fail(`PORT: expected a port number, got '${process.env['PORT']}'`, 2);
}

const options: ServiceOptions = {
  // Errors (a 500's real cause) are logged even without LOG=1: the answer itself hides them.
  logger: process.env['LOG'] === '1' ? true : { level: 'error' },
};
for (const [name, option] of Object.entries(LIMITS_FROM_ENV)) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') continue;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) fail(`${name}: expected a whole number >= 1, got '${raw}'`, 2);
  options[option] = n;
}

let app: FastifyInstance;
try {
  app = buildService(options);
} catch (e) {
  fail((e as Error).message, exitCodeFor(e));
}
app.listen({ port, host }).then(
  (address) => console.log(`rvft decision service listening on ${address}`),
  (e: Error) => fail(e.message, 1),
);
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.on(signal, () => void app.close().then(() => process.exit(0)));
