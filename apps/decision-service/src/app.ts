import {
  DecisionEngine,
  decisionInputJsonSchema,
  SignalValidationError,
  type ThresholdsInput,
} from '@rvft/decision';
import Fastify, { type FastifyInstance } from 'fastify';

export interface ServiceOptions {
  /** Largest accepted body, bytes (default 64 KiB); larger bodies get 413. */
  bodyLimit?: number;
  thresholds?: ThresholdsInput;
  logger?: boolean;
}

/**
 * The decision service: `POST /v1/decide` (200 with the decision, 400 with every invalid
 * field, 413 when too large, 415 when not JSON), `GET /v1/schema`, `GET /healthz`.
 */
export function buildService(opts: ServiceOptions = {}): FastifyInstance {
  const engine = new DecisionEngine(opts.thresholds);
  const schema = decisionInputJsonSchema();
  const app = Fastify({ bodyLimit: opts.bodyLimit ?? 64 * 1024, logger: opts.logger ?? false });

  // JSON only: Fastify also parses text/plain by default, which would turn a wrong content
  // type into a confusing 400 instead of a 415.
  app.removeContentTypeParser('text/plain');

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/v1/schema', async () => schema);

  app.post('/v1/decide', async (request, reply) => {
    try {
      return engine.decide(request.body as never);
    } catch (e) {
      if (e instanceof SignalValidationError) {
        return reply.code(400).send({ error: 'invalid signals', issues: e.issues });
      }
      // Every strategy ruled out by the constraints: the signals were valid, the ask impossible.
      return reply.code(422).send({ error: (e as Error).message });
    }
  });

  // Fastify's own errors (bad JSON, too large, wrong media type) keep their status codes.
  app.setErrorHandler((error: Error & { statusCode?: number }, _request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
    reply.code(status).send({ error: error.message });
  });
  return app;
}
