import { useBestBackend } from '@rvft/model';
import { buildModelService, type ModelService, type ModelServiceOptions } from './app';

export interface StartOptions extends ModelServiceOptions {
  /** Port to listen on (default 8080; 0 picks a free one). */
  port?: number;
  /** Address to listen on (default 127.0.0.1: loopback only). */
  host?: string;
}

export interface RunningModelService extends ModelService {
  /** `http://host:port` it listens on. */
  address: string;
}

/**
 * Picks the TensorFlow.js backend, loads the champion, listens. What `rvft serve` and the
 * `rvft-model-service` binary run.
 */
export async function startModelService(opts: StartOptions): Promise<RunningModelService> {
  await useBestBackend();
  const service = await buildModelService(opts);
  try {
    const address = await service.app.listen({
      port: opts.port ?? 8080,
      host: opts.host ?? '127.0.0.1',
    });
    return { ...service, address };
  } catch (e) {
    await service.close();
    throw e;
  }
}
