import {
  ARTICLE_STRATEGY_IDS,
  CostModel,
  STRATEGY_DESCRIPTIONS,
  STRATEGY_IDS,
} from '@rvft/decision';
import type { UpdateResult } from '@rvft/strategies';

/** Two lines or more on how a run trained: budget, why it stopped, what it warns about. */
export function describeRun(run: UpdateResult, data: string): string[] {
  return [
    `trained ${run.strategy} on ${data} data: ${run.samples} rows${run.validationRows ? ` (+ ${run.validationRows} validation rows)` : ''}, ${run.profile} profile — ${run.stopDetail}; ${run.wallS.toFixed(2)} s on ${run.backend}`,
    ...(run.scaler !== 'none' ? [`  inputs: standardised (scaler ${run.scaler})`] : []),
    ...(run.classWeights
      ? [`  loss: class-weighted (${run.classWeights.map((w) => w.toFixed(2)).join(', ')})`]
      : []),
    ...run.warnings.map((w) => `  warning: ${w}`),
  ];
}

/**
 * The strategy ids for `--help`: one line each with its relative compute at the article's
 * sizes (500 new rows, 1,000 historical, 267,000 parameters, 512 in the head, 10 epochs).
 */
export function strategyHelp(): string {
  const cost = new CostModel({
    nNewSamples: 500,
    nHistoricalSamples: 1000,
    nParamsTotal: 267_000,
    nParamsHead: 512,
    epochs: 10,
  });
  const width = Math.max(...STRATEGY_IDS.map((s) => s.length));
  const lines = STRATEGY_IDS.map((s) => {
    const x = cost.estimate(s).relativeCompute;
    const factor = `${x < 10 ? x.toFixed(1) : Math.round(x).toLocaleString('en-US')}×`;
    return `  ${s.padEnd(width)}  ${factor.padStart(7)}  ${STRATEGY_DESCRIPTIONS[s]}`;
  });
  return [
    '',
    `Strategies (--strategy <id>; compute relative to head-only at the article's sizes — ${ARTICLE_STRATEGY_IDS.length} from the article, plus gradual unfreezing):`,
    ...lines,
  ].join('\n');
}
