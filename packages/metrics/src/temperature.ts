import { checkNumber, invalidArgument } from '@rvft/errors';
import { calibrationOf } from './calibration';
import {
  argmaxAt,
  checkArray,
  checkLabel,
  checkNonEmpty,
  forEachRow,
  type Labels,
  type Probabilities,
  rowCount,
} from './labels';

/** Pre-softmax scores, laid out like `Probabilities` (rows, or a flat buffer with `nClasses`). */
export type Logits = Probabilities;

/** The search range of `fitTemperature` unless told otherwise. */
export const TEMPERATURE_RANGE = { min: 0.05, max: 20 } as const;

/** What `fitTemperature` found. */
export interface TemperatureFit {
  /** The NLL-minimising temperature in the search range (1 when nothing beats 1). */
  temperature: number;
  /** Mean negative log-likelihood at temperature 1 (the raw softmax). */
  nllBefore: number;
  /** Mean negative log-likelihood at `temperature`; never above `nllBefore`. */
  nllAfter: number;
  /**
   * The optimum sits on an end of the search range: the likelihood wanted a temperature
   * beyond it (all rows right and ever sharper, or logits carrying no information).
   */
  atBound: boolean;
}

/** One bin of a reliability diagram; `accuracy` and `confidence` are null in an empty bin. */
export interface ReliabilityBin {
  lo: number;
  hi: number;
  count: number;
  accuracy: number | null;
  confidence: number | null;
}

/** Everything temperature scaling changes, on the rows it was fitted on. Plain JSON. */
export interface TemperatureScaling {
  temperature: number;
  rows: number;
  nll: { before: number; after: number };
  ece: { before: number; after: number };
  /** Unchanged by any temperature: dividing logits by T > 0 keeps each row's argmax. */
  accuracy: number;
  atBound: boolean;
  reliability: { before: ReliabilityBin[]; after: ReliabilityBin[] };
}

/** Checks logits and labels pair up and every label names a column; returns the row count. */
function checkLogits(where: string, logits: Logits, labels: Labels): number {
  checkArray(where, 'labels', labels);
  const n = rowCount(logits, where);
  if (n !== labels.length) {
    throw invalidArgument(where, 'labels', `one per logit row (${n})`, labels.length);
  }
  checkNonEmpty(where, 'labels', labels);
  forEachRow(
    logits,
    (_values, _offset, width, i) => {
      const y = checkLabel(where, `labels[${i}]`, labels[i]);
      if (y >= width) throw invalidArgument(where, `labels[${i}]`, `below ${width}`, y);
    },
    where,
  );
  return n;
}

/** Mean NLL of softmax(z / T) without re-checking (log-sum-exp shifted by the row's max). */
function meanNll(logits: Logits, labels: Labels, temperature: number): number {
  let total = 0;
  let n = 0;
  forEachRow(logits, (values, offset, width, i) => {
    let max = -Infinity;
    for (let k = 0; k < width; k++)
      max = Math.max(max, (values[offset + k] as number) / temperature);
    let sum = 0;
    for (let k = 0; k < width; k++)
      sum += Math.exp((values[offset + k] as number) / temperature - max);
    total += max + Math.log(sum) - (values[offset + (labels[i] as number)] as number) / temperature;
    n++;
  });
  return total / n;
}

/**
 * Mean negative log-likelihood (natural log) of the labels under softmax(logits / T).
 *
 * @example
 * negativeLogLikelihood([[0, 0]], [1]);    // ln 2 = 0.6931…
 * negativeLogLikelihood([[2, 0]], [0], 2); // ln(1 + e^-1) = 0.3133…
 */
export function negativeLogLikelihood(logits: Logits, labels: Labels, temperature = 1): number {
  const where = 'negativeLogLikelihood';
  checkNumber(where, 'temperature', temperature, { above: 0 });
  checkLogits(where, logits, labels);
  return meanNll(logits, labels, temperature);
}

/**
 * softmax(logits / T) per row, as a flat buffer with `nClasses` (what `Probabilities` takes).
 *
 * @example
 * softmaxWithTemperature([[2, 0]], 2).values; // [σ(1), 1 − σ(1)] = [0.7311…, 0.2689…]
 */
export function softmaxWithTemperature(
  logits: Logits,
  temperature: number,
): { values: Float64Array; nClasses: number } {
  const where = 'softmaxWithTemperature';
  checkNumber(where, 'temperature', temperature, { above: 0 });
  const n = rowCount(logits, where);
  let nClasses = 0;
  let out = new Float64Array(0);
  forEachRow(
    logits,
    (values, offset, width, i) => {
      if (i === 0) {
        nClasses = width;
        out = new Float64Array(n * width);
      }
      let max = -Infinity;
      for (let k = 0; k < width; k++) max = Math.max(max, values[offset + k] as number);
      let sum = 0;
      for (let k = 0; k < width; k++) {
        const e = Math.exp(((values[offset + k] as number) - max) / temperature);
        out[i * width + k] = e;
        sum += e;
      }
      for (let k = 0; k < width; k++) out[i * width + k]! /= sum;
    },
    where,
  );
  return { values: out, nClasses };
}

/**
 * Temperature scaling (Guo, Pleiss, Sun & Weinberger 2017, "On calibration of modern neural
 * networks", ICML): the T > 0 minimising the mean NLL of softmax(logits / T) on held-out rows.
 * Golden-section search on ln T over [min, max] (default 0.05 … 20): the NLL is convex in 1/T,
 * so it is unimodal in ln T and the search cannot stop in a false minimum; it runs to a
 * relative precision of 1e-9 in T. T = 1 is kept unless the optimum beats it, so a fit never
 * makes the NLL worse. Dividing by T keeps every row's argmax: accuracy does not move.
 *
 * @example
 * // 4 rows with logits [2, 0], 3 of them labelled 0: the optimum makes σ(2 / T) = 3/4,
 * // T = 2 / ln 3
 * fitTemperature([[2, 0], [2, 0], [2, 0], [2, 0]], [0, 0, 0, 1]).temperature; // 1.8204784…
 */
export function fitTemperature(
  logits: Logits,
  labels: Labels,
  opts: { min?: number; max?: number } = {},
): TemperatureFit {
  const where = 'fitTemperature';
  const min = checkNumber(where, 'opts.min', opts.min ?? TEMPERATURE_RANGE.min, { above: 0 });
  const max = checkNumber(where, 'opts.max', opts.max ?? TEMPERATURE_RANGE.max, { above: min });
  checkLogits(where, logits, labels);
  const f = (u: number) => meanNll(logits, labels, Math.exp(u));
  let a = Math.log(min);
  let b = Math.log(max);
  const r = (Math.sqrt(5) - 1) / 2;
  let c = b - r * (b - a);
  let d = a + r * (b - a);
  let fc = f(c);
  let fd = f(d);
  while (b - a > 1e-9) {
    if (fc <= fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - r * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + r * (b - a);
      fd = f(d);
    }
  }
  // the ends themselves are candidates: the bracket only approaches them
  const candidates = [(a + b) / 2, Math.log(min), Math.log(max)].map((u) => ({ u, nll: f(u) }));
  const best = candidates.reduce((x, y) => (y.nll < x.nll ? y : x));
  const nllBefore = meanNll(logits, labels, 1);
  if (min <= 1 && 1 <= max && !(best.nll < nllBefore)) {
    // nothing beats T = 1 (flat logits, an already calibrated model): keep the raw softmax
    return { temperature: 1, nllBefore, nllAfter: nllBefore, atBound: false };
  }
  const temperature = Math.min(max, Math.max(min, Math.exp(best.u)));
  const edge = 1e-6;
  return {
    temperature,
    nllBefore,
    nllAfter: best.nll,
    atBound: temperature <= min * (1 + edge) || temperature >= max * (1 - edge),
  };
}

/**
 * The data of a reliability diagram: confidences (max probability) in `nBins` equal-width bins
 * (lo, hi] — the same bins as `expectedCalibrationError` — with each bin's row count, accuracy
 * and mean confidence (null in an empty bin, so the result is plain JSON).
 *
 * @example
 * reliabilityDiagram([[0.9, 0.1], [0.6, 0.4]], [0, 1], 2);
 * // → [{ lo: 0, hi: 0.5, count: 0, accuracy: null, confidence: null },
 * //    { lo: 0.5, hi: 1, count: 2, accuracy: 0.5, confidence: 0.75 }]
 */
export function reliabilityDiagram(
  probabilities: Probabilities,
  labels: Labels,
  nBins = 15,
): ReliabilityBin[] {
  return calibrationOf('reliabilityDiagram', probabilities, labels, nBins)
    .bins()
    .map((b) => ({
      lo: b.lo,
      hi: b.hi,
      count: b.count,
      accuracy: b.count === 0 ? null : b.accuracy,
      confidence: b.count === 0 ? null : b.confidence,
    }));
}

/**
 * Fits the temperature on held-out logits and reports what it changed there: NLL, ECE
 * (`nBins` bins, default 15) and the reliability diagram before and after, and the accuracy
 * (the same before and after). What a model card shows.
 *
 * @example
 * const s = temperatureScaling([[2, 0], [2, 0], [2, 0], [2, 0]], [0, 0, 0, 1]);
 * s.temperature; // 2 / ln 3 = 1.8205
 * s.ece;         // { before: 0.1308 (σ(2) − 0.75), after: 0 }
 * s.accuracy;    // 0.75
 */
export function temperatureScaling(
  logits: Logits,
  labels: Labels,
  opts: { nBins?: number; min?: number; max?: number } = {},
): TemperatureScaling {
  const nBins = checkNumber('temperatureScaling', 'opts.nBins', opts.nBins ?? 15, {
    integer: true,
    min: 1,
  });
  const fit = fitTemperature(logits, labels, {
    ...(opts.min !== undefined ? { min: opts.min } : {}),
    ...(opts.max !== undefined ? { max: opts.max } : {}),
  });
  const before = softmaxWithTemperature(logits, 1);
  const after = softmaxWithTemperature(logits, fit.temperature);
  let correct = 0;
  // from the logits themselves: a softmax can underflow two far-apart scores into a tie
  forEachRow(logits, (values, offset, width, i) => {
    if (argmaxAt(values, offset, width) === labels[i]) correct++;
  });
  const eceOf = (p: Probabilities) => calibrationOf('temperatureScaling', p, labels, nBins);
  const eb = eceOf(before);
  const ea = eceOf(after);
  const bins = (p: Probabilities) => reliabilityDiagram(p, labels, nBins);
  return {
    temperature: fit.temperature,
    rows: labels.length,
    nll: { before: fit.nllBefore, after: fit.nllAfter },
    ece: { before: eb.value(), after: ea.value() },
    accuracy: correct / labels.length,
    atBound: fit.atBound,
    reliability: { before: bins(before), after: bins(after) },
  };
}
