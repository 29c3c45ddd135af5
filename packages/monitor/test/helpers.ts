import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildProfile, type LogRecord, type ReferenceProfile } from '../src';

/** Deterministic uniform [0, 1). */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function gaussian(r: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
}

export const CLASSES = ['a', 'b'];

/** Probabilities of a toy model: P(b) = σ(2·x0); the confident share depends on |x0|. */
export function probs(x0: number): number[] {
  const pb = 1 / (1 + Math.exp(-4 * x0));
  return [1 - pb, pb];
}

/** A reference profile fit on n rows of x0, x1 ~ N(0, 1), labels = the toy model's argmax. */
export function referenceProfile(n = 5000, seed = 1): ReferenceProfile {
  const r = rng(seed);
  const features: number[] = [];
  const p: number[] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const x0 = gaussian(r);
    const x1 = gaussian(r);
    features.push(x0, x1);
    const pr = probs(x0);
    p.push(...pr);
    // 90 % accurate: the label is the argmax except one row in ten
    const arg = (pr[1] as number) > (pr[0] as number) ? 1 : 0;
    labels.push(i % 10 === 0 ? 1 - arg : arg);
  }
  return buildProfile(
    { features, nFeatures: 2, featureNames: ['x0', 'x1'], classNames: CLASSES, labels },
    p,
  );
}

export interface StreamSpec {
  n: number;
  seed?: number;
  /** Added to x1 from this row on. */
  shiftAt?: number;
  shift?: number;
  /** Feedback for every prediction, wrong with this rate (before/after errorAt). */
  errorRate?: number;
  errorAt?: number;
  errorRateAfter?: number;
  start?: number;
  /** ms between rows. */
  stepMs?: number;
}

/** Log records of the contract: predictions (+ feedback right after, when errorRate is set). */
export function* stream(spec: StreamSpec): Generator<LogRecord> {
  const r = rng(spec.seed ?? 7);
  const start = spec.start ?? Date.parse('2026-01-01T00:00:00Z');
  const step = spec.stepMs ?? 1000;
  for (let i = 0; i < spec.n; i++) {
    const x0 = gaussian(r);
    const x1 =
      gaussian(r) + (spec.shiftAt !== undefined && i >= spec.shiftAt ? (spec.shift ?? 0) : 0);
    const pr = probs(x0);
    const predicted = CLASSES[(pr[1] as number) > (pr[0] as number) ? 1 : 0] as string;
    const time = new Date(start + i * step).toISOString();
    const requestId = `req-${i}`;
    yield {
      type: 'prediction',
      time,
      requestId,
      version: 1,
      arm: 'champion',
      features: { x0, x1 },
      probabilities: pr,
      predicted,
      classNames: CLASSES,
    };
    if (spec.errorRate !== undefined) {
      const rate =
        spec.errorAt !== undefined && i >= spec.errorAt
          ? (spec.errorRateAfter ?? 0)
          : spec.errorRate;
      const wrong = r() < rate;
      yield {
        type: 'feedback',
        time,
        requestId,
        label: wrong ? (predicted === 'a' ? 'b' : 'a') : predicted,
      };
    }
  }
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'rvft-monitor-'));
}

export function writeLog(path: string, records: Iterable<LogRecord>, tail = ''): void {
  const lines: string[] = [];
  for (const r of records) lines.push(JSON.stringify(r));
  writeFileSync(path, `${lines.join('\n')}\n${tail}`);
}
