import { describe, expect, it } from 'vitest';
import {
  normalQuantile,
  planAbTest,
  planningJsonSchemas,
  roi,
  SignalValidationError,
  UPDATE_COST_DEFAULTS,
  updateCost,
} from '../src/index';

// Reference values: statsmodels 0.13.5 (Debian python3-statsmodels),
// statsmodels.stats.proportion.samplesize_proportions_2indep_onetail(diff, prop2, power,
// ratio=1, alpha, value=0, alternative) — the same pooled-null / unpooled-alternative normal
// approximation planAbTest documents. Computed once; planAbTest rounds them up.
const STATSMODELS: [
  p1: number,
  diff: number,
  alpha: number,
  power: number,
  sided: 1 | 2,
  n: number,
][] = [
  [0.1, 0.002, 0.05, 0.8, 2, 356334.0365605071],
  [0.1, 0.003, 0.05, 0.8, 2, 159065.52590105034],
  [0.1, 0.001, 0.05, 0.8, 2, 1419072.352593075],
  [0.05, 0.01, 0.05, 0.9, 2, 10920.3890366454],
  [0.2, -0.02, 0.01, 0.8, 2, 8985.527734038667],
  [0.1, 0.002, 0.05, 0.8, 1, 280683.9607181561], // alternative='larger'
  [0.3, 0.05, 0.1, 0.95, 2, 1896.5849964332847],
];

describe('planAbTest', () => {
  it.each(STATSMODELS)(
    'p1=%s Δ=%s α=%s power=%s sided=%s: statsmodels n, rounded up',
    (p1, d, alpha, power, sided, n) => {
      const plan = planAbTest({ baselineRate: p1, minDetectableEffect: d, alpha, power, sided });
      expect(plan.usersPerArm).toBe(Math.ceil(n));
      expect(plan.totalUsers).toBe(2 * Math.ceil(n));
      expect(plan.treatmentRate).toBeCloseTo(p1 + d, 15);
      expect(plan.days).toBeNull();
    },
  );

  it('the seed example, checked: 352,800 by its own shortcut, 356,335 by the full formula, never ≈ 30,000', () => {
    // 2·(z_α/2 + z_β)²·p̄(1−p̄)/Δ² with z = 1.96, 0.84, p̄ = 0.10, Δ = 0.002 (hand arithmetic:
    // 2 · 7.84 · 0.09 / 0.000004 = 352,800).
    expect((2 * (1.96 + 0.84) ** 2 * 0.1 * 0.9) / 0.002 ** 2).toBeCloseTo(352_800, 6);
    const plan = planAbTest({ baselineRate: 0.1, minDetectableEffect: 0.002 });
    expect(plan.usersPerArm).toBe(356_335);
    expect(plan.usersPerArm).toBeGreaterThan(10 * 30_000);
  });

  it('a 1% relative lift on 10% needs ~1.42 million per arm; ~157,000 is a 3% lift', () => {
    expect(
      planAbTest({ baselineRate: 0.1, minDetectableEffect: 0.01, relative: true }).usersPerArm,
    ).toBe(1_419_073);
    const three = planAbTest({ baselineRate: 0.1, minDetectableEffect: 0.03, relative: true });
    expect(three.usersPerArm).toBe(159_066);
    expect(three.absoluteEffect).toBeCloseTo(0.003, 15);
    expect(three.relativeEffect).toBeCloseTo(0.03, 12);
  });

  it('days: both arms filled from trafficPerDay users a day, rounded up', () => {
    const plan = planAbTest({
      baselineRate: 0.1,
      minDetectableEffect: 0.003,
      trafficPerDay: 20_000,
    });
    expect(plan.days).toBe(16); // 2 · 159,066 / 20,000 = 15.9
    expect(
      planAbTest({ baselineRate: 0.1, minDetectableEffect: 0.003, trafficPerDay: 318_132 }).days,
    ).toBe(1);
    expect(
      planAbTest({ baselineRate: 0.1, minDetectableEffect: 0.003, trafficPerDay: 318_131 }).days,
    ).toBe(2);
  });

  it('uses the exact quantiles: z_{1−α/2} and z_power', () => {
    const plan = planAbTest({
      baselineRate: 0.1,
      minDetectableEffect: 0.002,
      alpha: 0.01,
      power: 0.9,
    });
    expect(plan.zAlpha).toBe(normalQuantile(0.995));
    expect(plan.zBeta).toBe(normalQuantile(0.9));
    expect(plan.zAlpha).toBeCloseTo(2.5758293035489, 12); // scipy.stats.norm.ppf(0.995)
  });

  it('refuses impossible plans, listing every bad field', () => {
    let err: unknown;
    try {
      planAbTest({
        baselineRate: 1.2,
        minDetectableEffect: 0,
        alpha: 0,
        power: 0.3,
        sided: 3 as 2,
      });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SignalValidationError);
    const paths = (err as SignalValidationError).issues.map((i) => i.path).sort();
    expect(paths).toEqual(['alpha', 'baselineRate', 'minDetectableEffect', 'power', 'sided']);
    expect(() => planAbTest({ baselineRate: 0.95, minDetectableEffect: 0.06 })).toThrow(
      /minDetectableEffect: puts the treatment rate at 1.01/,
    );
    expect(() =>
      planAbTest({ baselineRate: 0.1, minDetectableEffect: 0.01, extra: 1 } as never),
    ).toThrow(/extra: unknown key/);
  });
});

describe('roi', () => {
  it("reproduces the seed's worked example: $89,900 first-year cost, 754% ROI", () => {
    const r = roi({
      oneTime: [15_000, 48_000, 500],
      monthlyCost: [200, 2_000],
      monthlyBenefit: 64_000,
      months: 12,
    });
    expect(r.oneTime).toBe(63_500);
    expect(r.monthlyCost).toBe(2_200);
    expect(r.totalCost).toBe(89_900); // 63,500 + 12 × 2,200
    expect(r.totalBenefit).toBe(768_000);
    expect(r.roiPercent).toBeCloseTo(754.28, 2); // (768,000 − 89,900) / 89,900
    // The seed's "1.4 months" is first-year cost / monthly benefit = 89,900 / 64,000 …
    expect(r.simplePaybackMonths).toBeCloseTo(1.4047, 4);
    // … while the one-time cost is recovered by the net monthly benefit in 63,500 / 61,800.
    expect(r.paybackMonths).toBeCloseTo(1.0275, 4);
  });

  it('never pays back when running costs eat the benefit; no ROI without cost', () => {
    expect(roi({ oneTime: 1000, monthlyCost: 500, monthlyBenefit: 500 }).paybackMonths).toBeNull();
    expect(roi({ oneTime: 1000, monthlyCost: 600, monthlyBenefit: 500 }).roiPercent).toBeCloseTo(
      ((6000 - 8200) / 8200) * 100,
      10,
    );
    expect(roi({ oneTime: 0, monthlyBenefit: 10 }).roiPercent).toBeNull();
    expect(roi({ oneTime: 100, monthlyBenefit: 0 }).simplePaybackMonths).toBeNull();
    expect(roi({ oneTime: 1200, monthlyBenefit: 100, months: 24 })).toMatchObject({
      totalCost: 1200,
      totalBenefit: 2400,
      roiPercent: 100,
      paybackMonths: 12,
    });
  });

  it('adds updatesPerMonth updates, priced by updateCost, to the monthly cost', () => {
    const r = roi({
      oneTime: 1000,
      monthlyCost: 100,
      monthlyBenefit: 500,
      update: { trainingSeconds: 1800, cores: 4, pricePerCoreHour: 0.5, updatesPerMonth: 10 },
    });
    // 0.5 h × 4 cores × $0.5 = $1 an update, 10 a month
    expect(r.update).toMatchObject({ coreHours: 2, computeCost: 1, updatesPerMonth: 10 });
    expect(r.monthlyCost).toBe(110);
    expect(r.totalCost).toBe(1000 + 12 * 110);
    expect(r.paybackMonths).toBeCloseTo(1000 / 390, 12);
    expect(roi({ oneTime: 1, monthlyBenefit: 1 }).update).toBeUndefined();
  });

  it('refuses negative money and fractional horizons', () => {
    expect(() => roi({ oneTime: [-1], monthlyBenefit: 1, months: 1.5 })).toThrow(
      /oneTime\.0: must be >= 0[\s\S]*months: must be a whole number/,
    );
  });
});

describe('updateCost', () => {
  it('prices core-hours and turns them into kWh and CO₂ with the documented defaults', () => {
    const c = updateCost({ trainingSeconds: 5400, cores: 4 });
    expect(c.coreHours).toBe(6);
    expect(c.computeCost).toBeCloseTo(6 * UPDATE_COST_DEFAULTS.pricePerCoreHour, 12);
    expect(c.energyKWh).toBeCloseTo(6 * 0.012, 12);
    expect(c.kgCO2).toBeCloseTo(6 * 0.012 * 0.475, 12);
  });

  it('takes your own prices', () => {
    expect(
      updateCost({
        trainingSeconds: 3600,
        cores: 2,
        pricePerCoreHour: 0.1,
        kWhPerCoreHour: 0.02,
        gridKgCO2PerKWh: 0.1,
      }),
    ).toEqual({ coreHours: 2, computeCost: 0.2, energyKWh: 0.04, kgCO2: 0.004 });
    expect(() => updateCost({ trainingSeconds: -1, cores: 0 })).toThrow(
      /trainingSeconds[\s\S]*cores/,
    );
  });
});

describe('planningJsonSchemas', () => {
  it('describes each input, with its defaults', () => {
    const s = planningJsonSchemas();
    expect(Object.keys(s.abTestPlan['properties'] as object).sort()).toEqual([
      'alpha',
      'baselineRate',
      'minDetectableEffect',
      'power',
      'relative',
      'sided',
      'trafficPerDay',
    ]);
    expect(s.roi['required']).toEqual(['oneTime', 'monthlyBenefit']);
    expect(s.updateCost['required']).toEqual(['trainingSeconds']);
  });
});
