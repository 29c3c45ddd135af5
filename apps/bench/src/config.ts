import {
  DISTRIBUTION_SHIFT_DEFAULTS,
  DOMAIN_TRANSFER_DEFAULTS,
  NEW_CLASS_DEFAULTS,
  NEW_DATA_DEFAULTS,
} from '@rvft/data';
import { parseOrThrow } from '@rvft/decision';
import { z } from 'zod';

export type ScenarioId = 'A' | 'B' | 'C' | 'D';
export const SCENARIO_IDS: readonly ScenarioId[] = ['A', 'B', 'C', 'D'];

export interface StepConfig {
  epochs: number;
  learningRate: number;
  batchSize: number;
}

const step = (epochs: number, learningRate: number, batchSize = 64): StepConfig => ({
  epochs,
  learningRate,
  batchSize,
});

/** The reference hyper-parameters (shared/reference/README.md, section 1), by row id. */
export const TRAINING_DEFAULTS = {
  A: {
    champion: step(15, 0.01),
    ft_head: step(10, 0.01),
    ft_full: step(10, 0.001),
    rt_warm_new: step(10, 0.005),
    rt_warm_combined: step(10, 0.005),
    rt_cold_combined: step(15, 0.01),
    scratch: step(15, 0.01),
  },
  B: {
    champion: step(15, 0.01),
    ft_head: step(10, 0.01),
    ft_full: step(10, 0.001),
    rt_warm_combined: step(10, 0.005),
    scratch: step(15, 0.01),
  },
  C: {
    champion: step(15, 0.01),
    expand_ft_head: step(12, 0.01),
    expand_ft_full: step(12, 0.001),
    rt_warm_combined: step(12, 0.005),
    scratch: step(20, 0.01),
  },
  D: {
    source: step(15, 0.01),
    ft_head: step(15, 0.01, 32),
    ft_full: step(15, 0.001, 32),
    scratch: step(20, 0.01, 32),
  },
} as const satisfies Record<ScenarioId, Record<string, StepConfig>>;

const { seed: _a, ...A_DATA } = NEW_DATA_DEFAULTS;
const { seed: _b, ...B_DATA } = DISTRIBUTION_SHIFT_DEFAULTS;
const { seed: _c, ...C_DATA } = NEW_CLASS_DEFAULTS;
const { seed: _d, ...D_DATA } = DOMAIN_TRANSFER_DEFAULTS;
export const DATA_DEFAULTS = { A: A_DATA, B: B_DATA, C: C_DATA, D: D_DATA };

export interface ScenarioConfig {
  data: Record<string, number>;
  hiddenDims: number[];
  training: Record<string, StepConfig>;
}

export type BenchConfig = Record<ScenarioId, ScenarioConfig>;

export function defaultConfig(): BenchConfig {
  const out = {} as BenchConfig;
  for (const id of SCENARIO_IDS) {
    out[id] = {
      data: { ...DATA_DEFAULTS[id] },
      hiddenDims: [128, 64],
      training: structuredClone(TRAINING_DEFAULTS[id]) as Record<string, StepConfig>,
    };
  }
  return out;
}

/**
 * The schema of `--config`: JSON keyed by scenario letter. Generator options sit at the top
 * of a scenario (`"shiftMagnitude": 0.6`), `hiddenDims` sets the MLP, and `training` overrides
 * hyper-parameters by row id (`"training": { "ft_head": { "epochs": 5 } }`).
 */
function overrideSchema(id: ScenarioId) {
  const data = Object.fromEntries(
    Object.keys(DATA_DEFAULTS[id]).map((k) => [k, z.number().optional()]),
  );
  const training = Object.fromEntries(
    Object.keys(TRAINING_DEFAULTS[id]).map((row) => [
      row,
      z
        .strictObject({
          epochs: z.number().int().positive().optional(),
          learningRate: z.number().positive().optional(),
          batchSize: z.number().int().min(2).optional(),
        })
        .optional(),
    ]),
  );
  return z.strictObject({
    ...data,
    hiddenDims: z.array(z.number().int().positive()).min(1).optional(),
    training: z.strictObject(training).optional(),
  });
}

const ConfigFile = z.strictObject(
  Object.fromEntries(SCENARIO_IDS.map((id) => [id, overrideSchema(id).optional()])) as Record<
    ScenarioId,
    z.ZodOptional<ReturnType<typeof overrideSchema>>
  >,
);

/** Defaults with the overrides applied; every bad key or value is reported with its path. */
export function resolveConfig(overrides: unknown = {}): BenchConfig {
  const parsed = parseOrThrow(ConfigFile, overrides, 'bench config');
  const config = defaultConfig();
  for (const id of SCENARIO_IDS) {
    const o = parsed[id] as Record<string, unknown> | undefined;
    if (!o) continue;
    const { hiddenDims, training, ...data } = o as {
      hiddenDims?: number[];
      training?: Record<string, Partial<StepConfig> | undefined>;
    } & Record<string, number>;
    Object.assign(config[id].data, data);
    if (hiddenDims) config[id].hiddenDims = hiddenDims;
    for (const [row, t] of Object.entries(training ?? {})) {
      if (t) Object.assign(config[id].training[row] as StepConfig, t);
    }
  }
  return config;
}
