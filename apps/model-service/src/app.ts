import { randomUUID } from 'node:crypto';
import { checkNumber, httpErrorAnswer } from '@rvft/errors';
import { openRegistry } from '@rvft/registry';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { type Arm, type LogRecord, PredictionLog, type PredictionRecord } from './log';
import { ModelHolder, type Served } from './models';

/** Every limit the service enforces, with its default. All times are milliseconds. */
export const MODEL_SERVICE_DEFAULTS = Object.freeze({
  /** Rows in one `{rows: [...]}` batch; more is a 400 naming `rows`. */
  maxBatch: 1_000,
  /** Largest body (413 above it): 1,000 rows of ~50 features with room for formatting. */
  bodyLimit: 4 * 1024 * 1024,
  requestTimeoutMs: 10_000,
  headersTimeoutMs: 5_000,
  connectionTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  maxConnections: 512,
  /** At most this many issues are listed in a 400; the rest are counted. */
  maxIssues: 20,
  /** How often the aliases are read for a promotion. */
  pollMs: 500,
  /** The prediction log rotates before passing this size… */
  logMaxBytes: 64 * 1024 * 1024,
  /** …and keeps this many rotated files. */
  logKeep: 5,
});

export interface ModelServiceOptions {
  /** The registry directory. */
  registry: string;
  /** The model name in the registry; its `champion` answers. */
  name: string;
  /** The prediction log (JSON Lines); none when omitted. */
  log?: string;
  /** Score the `candidate` alias on every request too, log it as `shadow`, never return it. */
  shadow?: boolean;
  /** Share of requests (0–1, by request-id hash) the `candidate` answers, logged as `canary`. */
  canary?: number;
  maxBatch?: number;
  bodyLimit?: number;
  requestTimeoutMs?: number;
  headersTimeoutMs?: number;
  connectionTimeoutMs?: number;
  keepAliveTimeoutMs?: number;
  maxConnections?: number;
  maxIssues?: number;
  pollMs?: number;
  logMaxBytes?: number;
  logKeep?: number;
  logger?: FastifyServerOptions['logger'];
}

export interface FieldIssue {
  path: string;
  message: string;
}

export interface ErrorBody {
  code: string;
  message: string;
  issues?: FieldIssue[];
  moreIssues?: number;
}

export interface RowPrediction {
  /** The id feedback refers to: the request id, or `<request id>/<row>` in a batch. */
  requestId: string;
  probabilities: number[];
  predicted: string;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A client's `x-request-id` is used when it is a short printable token; otherwise a UUID. */
const REQUEST_ID = /^[A-Za-z0-9._:@-]{1,128}$/;

/**
 * The arm of a request under a canary share: FNV-1a (32 bit) of the request id, as a fraction
 * of 2^32, below the share. Deterministic: the same id always lands on the same arm, so a
 * client retrying a request gets the same model, and a share of `f` sends about `f` of
 * distinct ids to the candidate.
 */
export function canaryBucket(requestId: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < requestId.length; i++) {
    h ^= requestId.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) / 2 ** 32;
}

class Issues {
  readonly shown: FieldIssue[] = [];
  total = 0;
  constructor(private readonly max: number) {}
  add(path: string, message: string): void {
    if (this.total++ < this.max) this.shown.push({ path, message });
  }
  body(what: string): ErrorBody {
    const more = this.total - this.shown.length;
    const lines = this.shown.map((i) => `  - ${i.path}: ${i.message}`);
    if (more > 0) lines.push(`  … and ${more} more`);
    return {
      code: 'RVFT_ERR_DATA_SCHEMA',
      message: `invalid ${what} (${this.total} ${this.total === 1 ? 'problem' : 'problems'}):\n${lines.join('\n')}`,
      issues: this.shown,
      ...(more > 0 ? { moreIssues: more } : {}),
    };
  }
}

/**
 * Checks one row's `features` against the schema and writes it, in the schema's order, at
 * `out[offset…]`: every feature present, a finite number, no other key.
 */
function readRow(
  features: unknown,
  names: readonly string[],
  known: ReadonlySet<string>,
  path: string,
  out: Float32Array,
  offset: number,
  issues: Issues,
): void {
  if (!isObject(features)) {
    issues.add(path, 'expected an object of feature name → number');
    return;
  }
  for (let j = 0; j < names.length; j++) {
    const name = names[j] as string;
    const v = Object.hasOwn(features, name) ? features[name] : undefined;
    if (v === undefined) issues.add(`${path}.${name}`, 'missing feature');
    else if (typeof v !== 'number')
      issues.add(`${path}.${name}`, `expected a number, got ${v === null ? 'null' : typeof v}`);
    else if (!Number.isFinite(v)) issues.add(`${path}.${name}`, 'expected a finite number');
    else out[offset + j] = v;
  }
  for (const key in features) {
    if (!known.has(key)) issues.add(`${path}.${key}`, 'unknown feature');
  }
}

function positiveInt(name: string, value: number | undefined, fallback: number): number {
  return checkNumber('model service', name, value ?? fallback, { integer: true, min: 1 });
}

export interface ModelService {
  app: FastifyInstance;
  models: ModelHolder;
  log: PredictionLog | null;
  /** Stops the server, the alias polling and the log (after its pending writes). */
  close(): Promise<void>;
}

/**
 * The model service: `POST /v1/predict` (one row `{features}` or a batch `{rows}`, answered by
 * the champion — or, under a canary, sometimes the candidate), `POST /v1/feedback`,
 * `GET /v1/model`, `GET /healthz`. Loads the champion before it returns (RVFT_ERR_NOT_FOUND
 * when there is none) and follows promotions from then on. Not listening yet: call
 * `app.listen`.
 */
export async function buildModelService(opts: ModelServiceOptions): Promise<ModelService> {
  const d = MODEL_SERVICE_DEFAULTS;
  const maxBatch = positiveInt('maxBatch', opts.maxBatch, d.maxBatch);
  const bodyLimit = positiveInt('bodyLimit', opts.bodyLimit, d.bodyLimit);
  const requestTimeout = positiveInt('requestTimeoutMs', opts.requestTimeoutMs, d.requestTimeoutMs);
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
  const pollMs = positiveInt('pollMs', opts.pollMs, d.pollMs);
  if (opts.shadow && opts.canary !== undefined) {
    throw new RangeError('shadow and canary: choose one (the candidate either shadows or serves)');
  }
  const canary =
    opts.canary === undefined
      ? 0
      : checkNumber('model service', 'canary', opts.canary, { min: 0, max: 1 });
  const mode: 'off' | 'shadow' | 'canary' = opts.shadow
    ? 'shadow'
    : opts.canary !== undefined
      ? 'canary'
      : 'off';

  const app = Fastify({
    bodyLimit,
    logger: opts.logger ?? false,
    requestTimeout,
    connectionTimeout,
    keepAliveTimeout,
    http: {
      headersTimeout,
      connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(requestTimeout / 4))),
    },
  });
  app.server.maxConnections = maxConnections;
  app.removeContentTypeParser('text/plain');

  const registry = await openRegistry(opts.registry);
  const models = new ModelHolder({
    registry,
    name: opts.name,
    withCandidate: mode !== 'off',
    pollMs,
    onError: (message, e) => app.log.error({ err: e }, message),
    onSwap: (arm, from, to) =>
      app.log.info({ arm, from, to }, `${arm} v${from ?? '-'} → v${to ?? '-'}`),
  });
  await models.start();
  let log: PredictionLog | null = null;
  try {
    log = opts.log
      ? await PredictionLog.open(opts.log, {
          maxBytes: positiveInt('logMaxBytes', opts.logMaxBytes, d.logMaxBytes),
          keep: positiveInt('logKeep', opts.logKeep, d.logKeep),
        })
      : null;
  } catch (e) {
    await models.stop();
    throw e;
  }

  const writeLog = async (records: LogRecord[], request: { log: FastifyInstance['log'] }) => {
    if (!log) return;
    // A log that cannot be written (disk full) must not take predictions down: say so, go on.
    await log
      .append(records)
      .catch((e) => request.log.error({ err: e }, 'prediction log write failed'));
  };

  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/v1/model', async () => {
    const { champion, candidate } = models.peek();
    const describe = (s: Served | null) =>
      s && {
        version: s.version,
        loadedAt: s.loadedAt,
        featureNames: s.featureNames,
        classNames: s.classNames,
      };
    return {
      name: opts.name,
      version: champion?.version,
      champion: describe(champion),
      candidate: describe(candidate),
      mode,
      ...(mode === 'canary' ? { canary } : {}),
    };
  });

  app.post('/v1/predict', async (request, reply) => {
    const header = request.headers['x-request-id'];
    const requestId = typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
    reply.header('x-request-id', requestId);
    const body = request.body;
    const issues = new Issues(maxIssues);
    const batch = isObject(body) && Object.hasOwn(body, 'rows');
    if (!isObject(body)) issues.add('(body)', 'expected an object: {features} or {rows}');
    else {
      for (const key in body) {
        if (key !== 'features' && key !== 'rows')
          issues.add(key, 'unknown key (expected features or rows)');
      }
      if (batch && Object.hasOwn(body, 'features'))
        issues.add('(body)', 'features and rows: send one');
      else if (!batch && !Object.hasOwn(body, 'features'))
        issues.add('features', 'missing (or send rows)');
      else if (batch && !Array.isArray(body['rows']))
        issues.add('rows', 'expected an array of {features}');
      else if (batch && (body['rows'] as unknown[]).length > maxBatch) {
        issues.add(
          'rows',
          `${(body['rows'] as unknown[]).length} rows: at most ${maxBatch} in one request`,
        );
      } else if (batch && (body['rows'] as unknown[]).length === 0) issues.add('rows', 'empty');
    }
    if (issues.total > 0) return reply.code(400).send(issues.body('request'));

    const held = models.acquire();
    try {
      const arm: Arm =
        mode === 'canary' && held.candidate && canaryBucket(requestId) < canary
          ? 'canary'
          : 'champion';
      const serving = arm === 'canary' ? (held.candidate as Served) : held.champion;
      const shadow = mode === 'shadow' ? held.candidate : null;
      const names = serving.featureNames;
      const known = new Set(names);
      const rows = batch ? (body as { rows: unknown[] }).rows : [body];
      const x = new Float32Array(rows.length * names.length);
      for (let i = 0; i < rows.length; i++) {
        const row = rows[i];
        if (batch && !isObject(row)) {
          issues.add(`rows[${i}]`, 'expected {features}');
          continue;
        }
        const r = row as Record<string, unknown>;
        if (batch) {
          for (const key in r)
            if (key !== 'features') issues.add(`rows[${i}].${key}`, 'unknown key');
        }
        readRow(
          r['features'],
          names,
          known,
          batch ? `rows[${i}].features` : 'features',
          x,
          i * names.length,
          issues,
        );
      }
      if (issues.total > 0) return reply.code(400).send(issues.body(batch ? 'rows' : 'features'));

      const probs = serving.predict(x, rows.length);
      const classNames = [...serving.classNames];
      const time = new Date().toISOString();
      const idOf = (i: number) => (batch ? `${requestId}/${i}` : requestId);
      // The values as sent (the model reads them as float32), in the schema's order.
      const featuresOf = (i: number): Record<string, number> => {
        const sent = batch
          ? (rows[i] as { features: Record<string, number> }).features
          : (body as { features: Record<string, number> }).features;
        const f: Record<string, number> = {};
        for (const name of names) f[name] = sent[name] as number;
        return f;
      };
      const argmax = (p: number[]) =>
        p.reduce((best, v, k) => (v > (p[best] as number) ? k : best), 0);
      const predictions: RowPrediction[] = probs.map((p, i) => ({
        requestId: idOf(i),
        probabilities: p,
        predicted: classNames[argmax(p)] as string,
      }));
      const records: LogRecord[] = predictions.map(
        (p, i): PredictionRecord => ({
          type: 'prediction',
          time,
          requestId: p.requestId,
          version: serving.version,
          arm,
          features: featuresOf(i),
          probabilities: p.probabilities,
          predicted: p.predicted,
          classNames,
        }),
      );
      if (shadow) {
        // Scored on the same rows in the shadow's own feature order; never answers. A shadow
        // that cannot read these features (another schema) is skipped, not an error.
        try {
          const sx = reorder(x, names, shadow.featureNames, rows.length);
          if (sx) {
            const sProbs = shadow.predict(sx, rows.length);
            const sClasses = [...shadow.classNames];
            sProbs.forEach((p, i) => {
              records.push({
                type: 'prediction',
                time,
                requestId: idOf(i),
                version: shadow.version,
                arm: 'shadow',
                features: featuresOf(i),
                probabilities: p,
                predicted: sClasses[argmax(p)] as string,
                classNames: sClasses,
              });
            });
          }
        } catch (e) {
          request.log.error({ err: e }, 'shadow scoring failed');
        }
      }
      const answer = batch
        ? { requestId, version: serving.version, arm, classNames, predictions }
        : { requestId, version: serving.version, arm, classNames, ...predictions[0] };
      await writeLog(records, request);
      return answer;
    } finally {
      held.champion.release();
      held.candidate?.release();
    }
  });

  app.post('/v1/feedback', async (request, reply) => {
    const body = request.body;
    const issues = new Issues(maxIssues);
    if (!isObject(body)) issues.add('(body)', 'expected {requestId, label}');
    else {
      const id = body['requestId'];
      const label = body['label'];
      if (typeof id !== 'string' || id.length === 0 || id.length > 200) {
        issues.add('requestId', 'expected a non-empty string (at most 200 characters)');
      }
      if (typeof label !== 'string' || label.length === 0 || label.length > 1000) {
        issues.add('label', 'expected a class name');
      }
      for (const key in body)
        if (key !== 'requestId' && key !== 'label') issues.add(key, 'unknown key');
    }
    if (issues.total > 0) return reply.code(400).send(issues.body('feedback'));
    const { requestId, label } = body as { requestId: string; label: string };
    if (!log) {
      return reply.code(404).send({
        code: 'RVFT_ERR_NOT_FOUND',
        message: 'this service keeps no prediction log (start it with --log)',
      } satisfies ErrorBody);
    }
    try {
      await log.append([{ type: 'feedback', time: new Date().toISOString(), requestId, label }]);
    } catch (e) {
      request.log.error({ err: e }, 'feedback write failed');
      return reply.code(503).send({
        code: 'RVFT_ERR_NO_SPACE',
        message: 'feedback could not be written',
      } satisfies ErrorBody);
    }
    return reply.code(202).send({ recorded: true, requestId });
  });

  app.setNotFoundHandler((request, reply) => {
    reply
      .code(404)
      .send({ code: 'RVFT_ERR_NOT_FOUND', message: `no route ${request.method} ${request.url}` });
  });

  app.setErrorHandler((error, request, reply) => {
    const answer = httpErrorAnswer(error);
    if (answer.log) request.log.error({ err: error }, 'request failed');
    reply.code(answer.status).send(answer.body satisfies ErrorBody);
  });

  return {
    app,
    models,
    log,
    close: async () => {
      await app.close();
      await models.stop();
      await log?.close();
    },
  };
}

/** Rows in `from` order rearranged to `to` order; null when `to` names a feature `from` lacks. */
function reorder(
  x: Float32Array,
  from: readonly string[],
  to: readonly string[],
  n: number,
): Float32Array | null {
  if (from.length === to.length && from.every((f, j) => f === to[j])) return x;
  const index = new Map(from.map((f, j) => [f, j]));
  const cols = to.map((f) => index.get(f));
  if (cols.some((c) => c === undefined)) return null;
  const out = new Float32Array(n * to.length);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < to.length; j++)
      out[i * to.length + j] = x[i * from.length + (cols[j] as number)] as number;
  }
  return out;
}
