import {
  DecisionEngine,
  decisionInputJsonSchema,
  type FieldIssue,
  planAbTest,
  planningJsonSchemas,
  roi,
  SignalValidationError,
  type ThresholdsInput,
} from '@rvft/decision';
import { checkNumber, httpErrorAnswer } from '@rvft/errors';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';

/** Every limit the service enforces, with its default. All times are milliseconds. */
export const SERVICE_DEFAULTS = Object.freeze({
  /**
   * Largest accepted body (413 above it). The largest valid input — every field set, every
   * number at its longest, pretty-printed — is about 1 KiB, so 16 KiB leaves room for any
   * formatting while bounding what one request can make the server parse.
   */
  bodyLimit: 16 * 1024,
  /** Whole request, headers and body, must arrive within this; else 408 and the socket is closed. */
  requestTimeoutMs: 10_000,
  /** Headers alone must arrive within this (never more than requestTimeoutMs). */
  headersTimeoutMs: 5_000,
  /** A socket with no traffic at all for this long is closed. */
  connectionTimeoutMs: 30_000,
  /** An idle keep-alive socket between two requests is closed after this. */
  keepAliveTimeoutMs: 5_000,
  /**
   * Sockets open at once; the next one is closed on accept (file descriptors stay bounded).
   * Below the usual open-file limit of 1024 (`ulimit -n`), so the cap is hit before EMFILE.
   */
  maxConnections: 512,
  /** At most this many issues are listed in a 400; the rest are counted. */
  maxIssues: 20,
});

export interface ServiceOptions {
  /** Largest accepted body, bytes (default 16 KiB); larger bodies get 413. */
  bodyLimit?: number;
  /** See {@link SERVICE_DEFAULTS} for each limit's meaning and default. */
  requestTimeoutMs?: number;
  headersTimeoutMs?: number;
  connectionTimeoutMs?: number;
  keepAliveTimeoutMs?: number;
  maxConnections?: number;
  maxIssues?: number;
  thresholds?: ThresholdsInput;
  /** The engine to decide with (default: `new DecisionEngine(thresholds)`). */
  engine?: Pick<DecisionEngine, 'decide'>;
  logger?: FastifyServerOptions['logger'];
}

/** The body of every error answer. */
export interface ErrorBody {
  code: string;
  message: string;
  /** 400 for invalid signals: the first `maxIssues` problems… */
  issues?: readonly FieldIssue[];
  /** …and how many more there were. */
  moreIssues?: number;
}

interface JsonSchemaNode {
  properties?: Record<string, JsonSchemaNode>;
}

/** How many keys the schema declares at every level together: a valid body has no more. */
function schemaKeyCount(node: JsonSchemaNode): number {
  let n = 0;
  for (const child of Object.values(node.properties ?? {})) n += 1 + schemaKeyCount(child);
  return n;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Counts the keys of a parsed JSON body, every level, stopping once `limit` is passed. Cheap
 * (no allocation per key) and iterative, so a deeply nested body cannot overflow the stack.
 */
function countKeys(body: unknown, limit: number): number {
  let n = 0;
  const stack: unknown[] = [body];
  while (stack.length > 0 && n <= limit) {
    const v = stack.pop();
    if (Array.isArray(v)) {
      for (const item of v) stack.push(item);
    } else if (isObject(v)) {
      for (const k in v) {
        n++;
        stack.push(v[k]);
      }
    }
  }
  return n;
}

/**
 * The keys the schema does not declare, by dotted path: the first `max` of them and how many
 * there are. Stands in for zod on a body that cannot be valid because it has more keys than
 * the schema: zod would build one issue object per key, which is what made a 52 KB body
 * answer 220 KB.
 */
function unknownKeys(
  body: unknown,
  schema: JsonSchemaNode,
  max: number,
): { issues: FieldIssue[]; total: number } {
  const issues: FieldIssue[] = [];
  let total = 0;
  const walk = (value: unknown, node: JsonSchemaNode, path: string) => {
    if (!isObject(value) || !node.properties) return;
    for (const key in value) {
      const where = path ? `${path}.${key}` : key;
      const child = Object.hasOwn(node.properties, key) ? node.properties[key] : undefined;
      if (child) walk(value[key], child, where);
      else if (total++ < max) issues.push({ path: where, message: 'unknown key' });
    }
  };
  walk(body, schema, '');
  return { issues, total };
}

function invalidSignalsBody(
  issues: readonly FieldIssue[],
  total: number,
  max: number,
  what = 'signals',
): ErrorBody {
  const shown = issues.slice(0, max);
  const more = total - shown.length;
  const lines = shown.map((i) => `  - ${i.path}: ${i.message}`);
  if (more > 0) lines.push(`  … and ${more} more`);
  return {
    code: 'RVFT_ERR_INVALID_SIGNALS',
    message: `invalid ${what} (${total} ${total === 1 ? 'problem' : 'problems'}):\n${lines.join('\n')}`,
    issues: shown,
    ...(more > 0 ? { moreIssues: more } : {}),
  };
}

function positiveInt(name: string, value: number | undefined, fallback: number): number {
  return checkNumber('decision service', name, value ?? fallback, { integer: true, min: 1 });
}

/**
 * The decision service: `POST /v1/decide` (200 with the decision, 400 with the invalid fields,
 * 413 when too large, 415 when not JSON, 422 when the constraints leave no strategy, 500 with
 * a generic body for anything else), `POST /v1/plan/ab` (A/B test size, `planAbTest`) and
 * `POST /v1/roi` (ROI and payback, `roi`) with the same errors, `GET /v1/schema` (the body of
 * /v1/decide), `GET /v1/schemas` (the body of every POST route, by path), `GET /healthz`.
 */
export function buildService(opts: ServiceOptions = {}): FastifyInstance {
  const d = SERVICE_DEFAULTS;
  const bodyLimit = positiveInt('bodyLimit', opts.bodyLimit, d.bodyLimit);
  const requestTimeout = positiveInt('requestTimeoutMs', opts.requestTimeoutMs, d.requestTimeoutMs);
  // Node refuses a headers timeout above the request timeout; cap it rather than fail.
  const headersTimeout = Math.min(
    positiveInt('headersTimeoutMs', opts.headersTimeoutMs, d.headersTimeoutMs),
    requestTimeout,
  );
  const connectionTimeout = positiveInt(
    'connectionTimeoutMs',
    opts.connectionTimeoutMs,
    d.connectionTimeoutMs,
  );
  const keepAliveTimeout = positiveInt(
    'keepAliveTimeoutMs',
    opts.keepAliveTimeoutMs,
    d.keepAliveTimeoutMs,
  );
  const maxConnections = positiveInt('maxConnections', opts.maxConnections, d.maxConnections);
  const maxIssues = positiveInt('maxIssues', opts.maxIssues, d.maxIssues);

  const engine = opts.engine ?? new DecisionEngine(opts.thresholds);
  const schema = decisionInputJsonSchema();
  const planning = planningJsonSchemas();
  // Every POST route: its body's JSON Schema, what its body is called in a 400, and its handler.
  const routes = [
    {
      path: '/v1/decide',
      what: 'signals',
      schema,
      handle: (b: unknown) => engine.decide(b as never),
    },
    { path: '/v1/plan/ab', what: 'A/B test plan', schema: planning.abTestPlan, handle: planAbTest },
    { path: '/v1/roi', what: 'ROI input', schema: planning.roi, handle: roi },
  ] as const;
  const schemas = Object.fromEntries(routes.map((r) => [r.path, r.schema]));
  const app = Fastify({
    bodyLimit,
    logger: opts.logger ?? false,
    requestTimeout,
    connectionTimeout,
    keepAliveTimeout,
    http: {
      headersTimeout,
      // Node enforces the two timeouts above only when it sweeps its connections, every 30 s
      // by default: a 10 s timeout would really be up to 40 s. Sweep at a quarter of the
      // request timeout (at most once a second; the sweep is a walk over open sockets).
      connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(requestTimeout / 4))),
    },
  });
  // Above the cap Node closes a new socket as soon as it is accepted: without one, slow or idle
  // clients could use up every file descriptor and take /healthz down with them.
  app.server.maxConnections = maxConnections;

  // JSON only: Fastify also parses text/plain by default, which would turn a wrong content
  // type into a confusing 400 instead of a 415.
  app.removeContentTypeParser('text/plain');

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/v1/schema', async () => schema);

  app.get('/v1/schemas', async () => schemas);

  for (const route of routes) {
    const node = route.schema as JsonSchemaNode;
    const maxKeys = schemaKeyCount(node);
    app.post(route.path, async (request, reply) => {
      // More keys than the schema has means at least one unknown key: list them without zod.
      if (countKeys(request.body, maxKeys) > maxKeys) {
        const { issues, total } = unknownKeys(request.body, node, maxIssues);
        if (total > 0) {
          return reply.code(400).send(invalidSignalsBody(issues, total, maxIssues, route.what));
        }
      }
      try {
        return route.handle(request.body as never);
      } catch (e) {
        if (e instanceof SignalValidationError) {
          return reply
            .code(400)
            .send(invalidSignalsBody(e.issues, e.issues.length, maxIssues, route.what));
        }
        throw e;
      }
    });
  }

  app.setNotFoundHandler((request, reply) => {
    reply
      .code(404)
      .send({ code: 'RVFT_ERR_NOT_FOUND', message: `no route ${request.method} ${request.url}` });
  });

  // the one mapping from a thrown value to an answer, shared with the model service
  app.setErrorHandler((error, request, reply) => {
    const answer = httpErrorAnswer(error);
    if (answer.log) request.log.error({ err: error }, 'request failed');
    reply.code(answer.status).send(answer.body satisfies ErrorBody);
  });
  return app;
}
