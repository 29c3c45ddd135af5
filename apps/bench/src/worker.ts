/**
 * A bench worker thread: runs (scenario, seed) jobs sent by the main thread and posts the
 * rows back. Every job is seeded and independent, so results do not depend on which worker
 * ran it or in what order.
 */
import { parentPort } from 'node:worker_threads';
import { useBestBackend } from '@rvft/model';
import type { ScenarioConfig, ScenarioId } from './config';
import { runScenario } from './scenarios';
import { type RowId, SCENARIO_TABLE } from './table';

export interface Job {
  index: number;
  scenario: ScenarioId;
  seed: number;
  config: ScenarioConfig;
  validateDecisions?: boolean;
}

export type WorkerMessage =
  | { type: 'row'; scenario: ScenarioId; rowId: RowId; seed: number }
  | { type: 'done'; index: number; run: import('./scenarios').ScenarioRun }
  | { type: 'error'; index: number; message: string };

const port = parentPort;
if (port) {
  const ready = useBestBackend();
  port.on('message', async (job: Job | null) => {
    if (job === null) {
      port.close();
      return;
    }
    try {
      await ready;
      const run = await runScenario(SCENARIO_TABLE[job.scenario], {
        seed: job.seed,
        config: job.config,
        validateDecisions: job.validateDecisions ?? false,
        onRow: (scenario, rowId) =>
          port.postMessage({
            type: 'row',
            scenario,
            rowId,
            seed: job.seed,
          } satisfies WorkerMessage),
      });
      port.postMessage({ type: 'done', index: job.index, run } satisfies WorkerMessage);
    } catch (e) {
      port.postMessage({
        type: 'error',
        index: job.index,
        message: e instanceof Error ? e.message : String(e),
      } satisfies WorkerMessage);
    }
  });
}
