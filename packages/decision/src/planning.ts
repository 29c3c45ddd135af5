import { z } from 'zod';
import { parseOrThrow } from './errors';
import { normalQuantile } from './stats';

const rate = z.number().gt(0, 'must be in (0, 1)').lt(1, 'must be in (0, 1)');
const money = z.number().nonnegative('must be >= 0').finite('must be finite');
const moneyItems = z.union([money, z.array(money).min(1, 'must list at least one amount')]);
const positive = z.number().positive('must be > 0').finite('must be finite');

// ---------------------------------------------------------------------------------------------
// A/B test sizing
// ---------------------------------------------------------------------------------------------

/** What {@link planAbTest} sizes: a two-proportion test of a conversion (or accuracy) rate. */
export const AbTestPlanInput = z
  .strictObject({
    baselineRate: rate.describe('the control rate p1, e.g. 0.10 for 10% conversion'),
    minDetectableEffect: z
      .number()
      .finite('must be finite')
      .refine((v) => v !== 0, 'must not be 0')
      .describe(
        'smallest change worth detecting: absolute (0.002 = +0.2 points) or, with relative, a share of baselineRate (0.01 = +1%)',
      ),
    relative: z
      .boolean()
      .default(false)
      .describe('minDetectableEffect is relative to baselineRate'),
    alpha: rate.default(0.05).describe('false-positive rate of the test'),
    power: z
      .number()
      .min(0.5, 'must be in [0.5, 1)')
      .lt(1, 'must be in [0.5, 1)')
      .default(0.8)
      .describe('chance of detecting an effect of exactly minDetectableEffect'),
    sided: z
      .union([z.literal(1), z.literal(2)], { error: 'must be 1 or 2' })
      .default(2)
      .describe('2: two-sided test (either direction); 1: one-sided'),
    trafficPerDay: positive
      .optional()
      .describe('users entering the experiment per day, split evenly between the two arms'),
  })
  .superRefine((p, ctx) => {
    // Only when both are valid on their own (zod runs this even when a field failed).
    if (!(p.baselineRate > 0 && p.baselineRate < 1) || p.minDetectableEffect === 0) return;
    const effect = p.relative ? p.baselineRate * p.minDetectableEffect : p.minDetectableEffect;
    const treated = p.baselineRate + effect;
    if (!(treated > 0 && treated < 1)) {
      ctx.addIssue({
        code: 'custom',
        path: ['minDetectableEffect'],
        message: `puts the treatment rate at ${treated}, outside (0, 1)`,
      });
    }
  });
export type AbTestPlanInput = z.input<typeof AbTestPlanInput>;

export interface AbTestPlan {
  /** Users needed in EACH arm (rounded up). */
  usersPerArm: number;
  /** Both arms together. */
  totalUsers: number;
  /** Days to reach usersPerArm in both arms at trafficPerDay (rounded up); null without it. */
  days: number | null;
  /** p1. */
  baselineRate: number;
  /** p2 = p1 + absoluteEffect. */
  treatmentRate: number;
  absoluteEffect: number;
  /** absoluteEffect / p1. */
  relativeEffect: number;
  alpha: number;
  power: number;
  sided: 1 | 2;
  /** z_{1−α/sided}. */
  zAlpha: number;
  /** z_{power}. */
  zBeta: number;
}

/**
 * Users per arm for a two-proportion A/B test, and days to run it.
 *
 * The formula is the classical normal approximation with the POOLED variance under the null and
 * the UNPOOLED variance under the alternative (Fleiss, Levin & Paik, "Statistical Methods for
 * Rates and Proportions", 3rd ed., eq. 4.14, without continuity correction):
 *
 *   n = ( z_{1−α/s}·√(2·p̄(1−p̄)) + z_{power}·√(p1(1−p1) + p2(1−p2)) )² / (p2 − p1)²,
 *   p̄ = (p1 + p2)/2,  s = sided,
 *
 * the same as statsmodels' `samplesize_proportions_2indep_onetail` (whose two-sided case, like
 * this one, ignores the negligible far tail). The test pins it against statsmodels.
 *
 * statsmodels 0.13.5 gives 356,334.04 for p1 = 0.10, Δ = 0.002, α = 0.05 two-sided, power 0.8;
 * this function rounds up to 356,335 (the tests pin it and five other cases). The Cohen's-h
 * arcsine version (statsmodels `NormalIndPower`) differs by a few users in 350,000.
 *
 * Check of the arithmetic sometimes quoted: the shortcut 2·(z_{α/2} + z_β)²·p̄(1−p̄)/Δ² with
 * p̄ = 0.10, Δ = 0.002, z = 1.96 and 0.84 gives 352,800 per arm, not "≈ 30,000". A 1% relative
 * lift on 10% (Δ = 0.001) needs 1,419,073 per arm; "~157,000" is about what a 3% relative lift
 * needs (159,066).
 *
 * `days` assumes trafficPerDay users a day split evenly: ⌈2·usersPerArm / trafficPerDay⌉.
 *
 * @example
 * planAbTest({ baselineRate: 0.1, minDetectableEffect: 0.002, alpha: 0.05, power: 0.8 }).usersPerArm;
 * // → 356335 — statsmodels: 356334.04, rounded up
 * planAbTest({ baselineRate: 0.1, minDetectableEffect: 0.03, relative: true, trafficPerDay: 20_000 });
 * // → { usersPerArm: 159066, totalUsers: 318132, days: 16, treatmentRate: 0.103 }
 */
export function planAbTest(input: AbTestPlanInput): AbTestPlan {
  const p = parseOrThrow(AbTestPlanInput, input, 'A/B test plan');
  const p1 = p.baselineRate;
  const delta = p.relative ? p1 * p.minDetectableEffect : p.minDetectableEffect;
  const p2 = p1 + delta;
  const zAlpha = normalQuantile(1 - p.alpha / p.sided);
  const zBeta = normalQuantile(p.power);
  const pBar = (p1 + p2) / 2;
  const root =
    zAlpha * Math.sqrt(2 * pBar * (1 - pBar)) + zBeta * Math.sqrt(p1 * (1 - p1) + p2 * (1 - p2));
  const n = (root * root) / (delta * delta);
  // Guard against 356335.0000000001 becoming 356336: round to 1e-9 first.
  const usersPerArm = Math.ceil(Math.round(n * 1e9) / 1e9);
  return {
    usersPerArm,
    totalUsers: 2 * usersPerArm,
    days: p.trafficPerDay === undefined ? null : Math.ceil((2 * usersPerArm) / p.trafficPerDay),
    baselineRate: p1,
    treatmentRate: p2,
    absoluteEffect: delta,
    relativeEffect: delta / p1,
    alpha: p.alpha,
    power: p.power,
    sided: p.sided,
    zAlpha,
    zBeta,
  };
}

// ---------------------------------------------------------------------------------------------
// Money and CO₂ of one update
// ---------------------------------------------------------------------------------------------

/**
 * The defaults of {@link updateCost}. Orders of magnitude, to be replaced by your own numbers.
 */
export const UPDATE_COST_DEFAULTS = Object.freeze({
  cores: 1,
  /** USD per vCPU-hour: on-demand general-purpose cloud VMs cost about $0.04–0.05 per vCPU-hour. */
  pricePerCoreHour: 0.05,
  /**
   * kWh per core-hour: 12 W a core, a typical server CPU's TDP per core (the Green Algorithms
   * calculator's order of magnitude), before the datacentre's PUE.
   */
  kWhPerCoreHour: 0.012,
  /** kg CO₂e per kWh: the world-average grid intensity, about 475 g/kWh (IEA). */
  gridKgCO2PerKWh: 0.475,
});

export const UpdateCostInput = z.strictObject({
  trainingSeconds: z
    .number()
    .nonnegative('must be >= 0')
    .finite('must be finite')
    .describe('wall-clock seconds the update trained'),
  cores: positive.default(UPDATE_COST_DEFAULTS.cores).describe('cores busy while it trained'),
  pricePerCoreHour: money
    .default(UPDATE_COST_DEFAULTS.pricePerCoreHour)
    .describe('price of one core for one hour'),
  kWhPerCoreHour: money
    .default(UPDATE_COST_DEFAULTS.kWhPerCoreHour)
    .describe('energy of one core for one hour'),
  gridKgCO2PerKWh: money
    .default(UPDATE_COST_DEFAULTS.gridKgCO2PerKWh)
    .describe('kg CO2e emitted per kWh by the grid'),
});
export type UpdateCostInput = z.input<typeof UpdateCostInput>;

export interface UpdateCost {
  coreHours: number;
  /** coreHours × pricePerCoreHour. */
  computeCost: number;
  /** coreHours × kWhPerCoreHour. */
  energyKWh: number;
  /** energyKWh × gridKgCO2PerKWh. */
  kgCO2: number;
}

/**
 * Compute cost, energy and CO₂ of one update from its measured training time. Where the
 * CostModel ranks strategies by relative compute, this prices one run: time the cheapest
 * strategy, scale by the others' `relativeWallTime`, and feed updates-per-month × computeCost
 * to {@link roi}'s monthlyCost
 * (or pass the run to roi as `update`).
 *
 * @example
 * updateCost({ trainingSeconds: 7200, cores: 8 });
 * // → { coreHours: 16, computeCost: 0.8, energyKWh: 0.192, kgCO2: 0.0912 }
 */
export function updateCost(input: UpdateCostInput): UpdateCost {
  const u = parseOrThrow(UpdateCostInput, input, 'update cost input');
  const coreHours = (u.trainingSeconds / 3600) * u.cores;
  const energyKWh = coreHours * u.kWhPerCoreHour;
  return {
    coreHours,
    computeCost: coreHours * u.pricePerCoreHour,
    energyKWh,
    kgCO2: energyKWh * u.gridKgCO2PerKWh,
  };
}

// ---------------------------------------------------------------------------------------------
// ROI and payback
// ---------------------------------------------------------------------------------------------

/** What {@link roi} weighs: costs and benefit of putting a model update in production. */
export const RoiInput = z.strictObject({
  oneTime: moneyItems.describe('one-time costs (an amount or a list of amounts, summed)'),
  monthlyCost: moneyItems
    .default(0)
    .describe('running costs per month (an amount or a list, summed)'),
  monthlyBenefit: money.describe('value the update brings per month'),
  months: z
    .number()
    .int('must be a whole number')
    .positive('must be > 0')
    .default(12)
    .describe('horizon in months (12: first year)'),
  update: UpdateCostInput.extend({
    updatesPerMonth: z
      .number()
      .nonnegative('must be >= 0')
      .finite('must be finite')
      .default(1)
      .describe('updates run a month'),
  })
    .optional()
    .describe('one model update, priced by updateCost; × updatesPerMonth joins monthlyCost'),
});
export type RoiInput = z.input<typeof RoiInput>;

export interface RoiResult {
  months: number;
  oneTime: number;
  /** Running costs a month, the updates' compute included. */
  monthlyCost: number;
  monthlyBenefit: number;
  /** oneTime + months × monthlyCost: the first-year cost when months = 12. */
  totalCost: number;
  /** months × monthlyBenefit. */
  totalBenefit: number;
  /** (totalBenefit − totalCost) / totalCost × 100; null when nothing is spent. */
  roiPercent: number | null;
  /**
   * Months until the cumulative net benefit covers the one-time cost:
   * oneTime / (monthlyBenefit − monthlyCost); null when the update never pays back.
   */
  paybackMonths: number | null;
  /**
   * totalCost / monthlyBenefit: the horizon's whole cost, running costs included, paid up front
   * and recovered from gross benefit. Cruder than paybackMonths (and larger); given because
   * back-of-envelope worked examples use it. null when monthlyBenefit is 0.
   */
  simplePaybackMonths: number | null;
  /** With an `update` input: what one update costs, and how many run a month. */
  update?: UpdateCost & { updatesPerMonth: number };
}

const total = (v: number | number[]) => (Array.isArray(v) ? v.reduce((s, x) => s + x, 0) : v);

/**
 * Return on investment and payback of an update over `months` (default 12). With `update`,
 * the compute of `updatesPerMonth` model updates (priced by {@link updateCost}) is added to the
 * monthly cost.
 *
 * @example
 * roi({ oneTime: [15_000, 48_000, 500], monthlyCost: [200, 2_000], monthlyBenefit: 64_000 });
 * // → { totalCost: 89900, totalBenefit: 768000, roiPercent: 754.3, paybackMonths: 1.03,
 * //   simplePaybackMonths: 1.40 }
 */
export function roi(input: RoiInput): RoiResult {
  const r = parseOrThrow(RoiInput, input, 'ROI input');
  const oneTime = total(r.oneTime);
  let update: (UpdateCost & { updatesPerMonth: number }) | undefined;
  if (r.update) {
    const { updatesPerMonth, ...run } = r.update;
    update = { ...updateCost(run), updatesPerMonth };
  }
  const monthlyCost =
    total(r.monthlyCost) + (update ? update.computeCost * update.updatesPerMonth : 0);
  const totalCost = oneTime + r.months * monthlyCost;
  const totalBenefit = r.months * r.monthlyBenefit;
  const net = r.monthlyBenefit - monthlyCost;
  return {
    months: r.months,
    oneTime,
    monthlyCost,
    monthlyBenefit: r.monthlyBenefit,
    totalCost,
    totalBenefit,
    roiPercent: totalCost > 0 ? ((totalBenefit - totalCost) / totalCost) * 100 : null,
    paybackMonths: net > 0 ? oneTime / net : oneTime === 0 && net === 0 ? 0 : null,
    simplePaybackMonths: r.monthlyBenefit > 0 ? totalCost / r.monthlyBenefit : null,
    ...(update ? { update } : {}),
  };
}

/**
 * The JSON Schemas of the planning inputs, as the decision service publishes them.
 *
 * @example
 * planningJsonSchemas().abTestPlan.required; // → ['baselineRate', 'minDetectableEffect']
 * planningJsonSchemas().roi.required; // → ['oneTime', 'monthlyBenefit']
 */
export function planningJsonSchemas(): {
  abTestPlan: Record<string, unknown>;
  roi: Record<string, unknown>;
  updateCost: Record<string, unknown>;
} {
  const schema = (s: z.ZodType) => z.toJSONSchema(s, { io: 'input' }) as Record<string, unknown>;
  return {
    abTestPlan: schema(AbTestPlanInput),
    roi: schema(RoiInput),
    updateCost: schema(UpdateCostInput),
  };
}
