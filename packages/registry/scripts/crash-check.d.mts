// Types for crash-check.mjs, so the TypeScript tests can import it.
export interface CheckResult {
  problems: string[];
  versions: number;
  recovered: number;
  tornLines: number;
}
export interface TrialSummary {
  trials: number;
  kills: number;
  disagreements: number;
  recovered: number;
  versions?: number;
  problems: { trial: number; childSeed: number; killAt: number; problems: string[] }[];
}
export function mulberry32(seed: number): () => number;
export function runTrial(
  dir: string,
  name: string,
  seed: number,
  killAt: number,
): Promise<{ signal: string; lines: string[] }>;
export function checkRegistry(dir: string, name: string, reported?: number[]): Promise<CheckResult>;
export function killTrials(opts: {
  dir: string;
  name?: string;
  trials: number;
  seed: number;
  maxStep?: number;
  onTrial?: (t: number, r: CheckResult, at: { childSeed: number; killAt: number }) => void;
}): Promise<TrialSummary>;
