import {
  DISTRIBUTION_SHIFT_DEFAULTS,
  DOMAIN_TRANSFER_DEFAULTS,
  NEW_CLASS_DEFAULTS,
  NEW_DATA_DEFAULTS,
} from '@rvft/data';
import { parseOrThrow } from '@rvft/decision';
import { RvftError } from '@rvft/errors';
import { z } from 'zod';
import {
  rowId,
  SCENARIO_IDS,
  SCENARIO_TABLE,
  type ScenarioId,
  type StepConfig,
  scenarioRowIds,
} from './table';

export { SCENARIO_IDS, type ScenarioId, type StepConfig } from './table';

/** The reference hyper-parameters (shared/reference/README.md, section 1), by row id. */
export const TRAINING_DEFAULTS: Readonly<Record<ScenarioId, Readonly<Record<string, StepConfig>>>> =
  Object.fromEntries(
    SCENARIO_IDS.map((id) => {
      const spec = SCENARIO_TABLE[id];
      return [
        id,
        Object.fromEntries([
          ['champion', spec.champion.defaults],
          ...spec.rows.map((r) => [rowId(r), r.defaults]),
        ]),
      ];
    }),
  ) as Record<ScenarioId, Record<string, StepConfig>>;

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

const StepOverride = z
  .strictObject({
    epochs: z.number().int().positive().optional(),
    learningRate: z.number().positive().optional(),
    batchSize: z.number().int().min(2).optional(),
  })
  .optional();

/**
 * The schema of `--config`: JSON keyed by scenario letter. Generator options sit at the top
 * of a scenario (`"shiftMagnitude": 0.6`), `hiddenDims` sets the MLP, and `training` overrides
 * hyper-parameters by row id (`"training": { "fine_tune_head_only": { "epochs": 5 } }`).
 * A row's former id (`ft_head`, …) is still read, with a notice naming the new key.
 */
function overrideSchema(id: ScenarioId) {
  const data = Object.fromEntries(
    Object.keys(DATA_DEFAULTS[id]).map((k) => [k, z.number().optional()]),
  );
  const keys = scenarioRowIds(id).flatMap((r) => (r.formerId ? [r.id, r.formerId] : [r.id]));
  return z.strictObject({
    ...data,
    hiddenDims: z.array(z.number().int().positive()).min(1).optional(),
    training: z.strictObject(Object.fromEntries(keys.map((k) => [k, StepOverride]))).optional(),
  });
}

const ConfigFile = z.strictObject(
  Object.fromEntries(SCENARIO_IDS.map((id) => [id, overrideSchema(id).optional()])) as Record<
    ScenarioId,
    z.ZodOptional<ReturnType<typeof overrideSchema>>
  >,
);

export interface ResolveConfigOptions {
  /**
   * Told once per former row id found in `training` (the value is applied to the new id).
   * Default: a Node `DeprecationWarning`.
   */
  onDeprecated?: (message: string) => void;
}

const emitDeprecation = (message: string) =>
  process.emitWarning(message, { type: 'DeprecationWarning', code: 'RVFT_BENCH_ROW_ID' });

/** Defaults with the overrides applied; every bad key or value is reported with its path. */
export function resolveConfig(
  overrides: unknown = {},
  opts: ResolveConfigOptions = {},
): BenchConfig {
  const parsed = parseOrThrow(ConfigFile, overrides, 'bench config');
  const config = defaultConfig();
  const onDeprecated = opts.onDeprecated ?? emitDeprecation;
  for (const id of SCENARIO_IDS) {
    const o = parsed[id] as Record<string, unknown> | undefined;
    if (!o) continue;
    const { hiddenDims, training, ...data } = o as {
      hiddenDims?: number[];
      training?: Record<string, Partial<StepConfig> | undefined>;
    } & Record<string, number>;
    Object.assign(config[id].data, data);
    if (hiddenDims) config[id].hiddenDims = hiddenDims;
    for (const row of scenarioRowIds(id)) {
      const former = row.formerId !== undefined ? training?.[row.formerId] : undefined;
      const current = training?.[row.id];
      if (former && current) {
        throw new RvftError(
          'RVFT_ERR_INVALID_ARGUMENT',
          `invalid bench config: ${id}.training has both '${row.formerId}' and '${row.id}', one row; keep '${row.id}'`,
        );
      }
      if (former) {
        onDeprecated(
          `bench config: ${id}.training.${row.formerId} is deprecated; use ${id}.training.${row.id}`,
        );
      }
      const t = current ?? former;
      if (t) Object.assign(config[id].training[row.id] as StepConfig, t);
    }
  }
  return config;
}
