import { InputError } from '../errors';
import type { ChampionData } from './shared';

export interface SplitOptions {
  /** Share of each file held out for evaluation (stratified by class). */
  holdout: number;
  seed: number;
}

/**
 * A file too small to hold rows out of is the user's input problem (exit 2), said before the
 * pipeline splits it.
 */
export function checkRows(cd: ChampionData): void {
  for (const [flag, data] of [
    ['--new', cd.newData],
    ['--old', cd.oldData],
  ] as const) {
    if (data && data.nRows < 4) {
      throw new InputError(`${flag}: needs at least 4 rows, has ${data.nRows}`);
    }
  }
}
