import { startModelService } from '@rvft/model-service';

export interface ServeOptions {
  registry: string;
  name: string;
  port: number;
  host: string;
  log?: string;
  shadow?: boolean;
  canary?: number;
  pollMs: number;
  maxBatch: number;
}

/**
 * `rvft serve`: the model service (`@rvft/model-service`) in this process until SIGINT or
 * SIGTERM, then a clean close (pending log writes flushed).
 */
export async function serveCommand(opts: ServeOptions): Promise<number> {
  if (opts.shadow && opts.canary !== undefined) {
    throw new RangeError(
      '--shadow and --canary: choose one (the candidate either shadows or serves)',
    );
  }
  const service = await startModelService({
    registry: opts.registry,
    name: opts.name,
    port: opts.port,
    host: opts.host,
    pollMs: opts.pollMs,
    maxBatch: opts.maxBatch,
    ...(opts.log ? { log: opts.log } : {}),
    ...(opts.shadow ? { shadow: true } : {}),
    ...(opts.canary !== undefined ? { canary: opts.canary } : {}),
    logger: process.env['LOG'] === '1' ? true : { level: 'error' },
  });
  const { champion, candidate } = service.models.peek();
  const extra = opts.shadow
    ? `, candidate in shadow${candidate ? ` (v${candidate.version})` : ' (none yet)'}`
    : opts.canary !== undefined
      ? `, candidate on ${opts.canary * 100}% of requests${candidate ? ` (v${candidate.version})` : ' (none yet)'}`
      : '';
  console.log(
    `rvft model service listening on ${service.address} (${opts.name} v${champion?.version}${extra})`,
  );
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await service.close();
  return 0;
}
