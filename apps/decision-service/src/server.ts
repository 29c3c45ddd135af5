#!/usr/bin/env node
import { buildService } from './app';

const port = Number(process.env['PORT'] ?? 8080);
const host = process.env['HOST'] ?? '127.0.0.1';
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT: expected a port number, got '${process.env['PORT']}'`);
  process.exit(2);
}
const app = buildService({ logger: process.env['LOG'] === '1' });
app.listen({ port, host }).then(
  (address) => console.log(`rvft decision service listening on ${address}`),
  (e: Error) => {
    console.error(`rvft decision service: ${e.message}`);
    process.exit(1);
  },
);
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.on(signal, () => void app.close().then(() => process.exit(0)));
