import { SingleBar } from 'cli-progress';

export interface TrainingProgress {
  /** `total` resizes the bar (the production profile plans its epochs once training starts). */
  update(epochsDone: number, loss: number, total?: number): void;
  /** Stops the bar; safe to call twice. */
  done(): void;
}

/**
 * A progress bar over the epochs of one training run, on stderr. Only on a terminal (a pipe
 * or a CI log gets no control characters) and only when `enabled`.
 */
export function trainingProgress(
  label: string,
  totalEpochs: number,
  enabled: boolean,
): TrainingProgress {
  if (!enabled || !process.stderr.isTTY) return { update() {}, done() {} };
  const bar = new SingleBar({
    stream: process.stderr,
    format: `${label} [{bar}] epoch {value}/{total} · loss {loss}`,
    hideCursor: true,
  });
  bar.start(totalEpochs, 0, { loss: '-' });
  let stopped = false;
  return {
    update: (epochsDone, loss, total) => {
      if (total !== undefined && total !== bar.getTotal()) bar.setTotal(total);
      bar.update(epochsDone, { loss: loss.toFixed(4) });
    },
    done: () => {
      if (!stopped) bar.stop();
      stopped = true;
    },
  };
}
