import { type AbTestPlan, planAbTest, type RoiResult, roi } from '@rvft/decision';

export interface PlanAbOptions {
  baseline: number;
  mde: number;
  relative?: boolean;
  alpha: number;
  power: number;
  oneSided?: boolean;
  traffic?: number;
  json?: boolean;
}

const int = (n: number) => n.toLocaleString('en-US');
const pct = (x: number, digits = 2) => `${(x * 100).toFixed(digits)}%`;

/** The plan as a few lines for a person. */
export function formatAbPlan(p: AbTestPlan): string {
  const lines = [
    `A/B test: ${pct(p.baselineRate)} → ${pct(p.treatmentRate, 3)} (${p.absoluteEffect >= 0 ? '+' : ''}${(p.absoluteEffect * 100).toFixed(3)} points, ${p.relativeEffect >= 0 ? '+' : ''}${pct(p.relativeEffect)} relative)`,
    `  ${int(p.usersPerArm)} users per arm, ${int(p.totalUsers)} in all`,
    `  alpha ${p.alpha} ${p.sided === 2 ? 'two-sided' : 'one-sided'}, power ${p.power}`,
  ];
  if (p.days !== null)
    lines.push(`  ${p.days} ${p.days === 1 ? 'day' : 'days'} at the given traffic`);
  lines.push('  (two-proportion z test, pooled variance under the null: Fleiss eq. 4.14)');
  return lines.join('\n');
}

/** `rvft plan ab`: users per arm and days for a two-proportion A/B test. */
export function planAbCommand(opts: PlanAbOptions): void {
  // invalid values throw SignalValidationError listing every field → exit 2
  const plan = planAbTest({
    baselineRate: opts.baseline,
    minDetectableEffect: opts.mde,
    relative: opts.relative ?? false,
    alpha: opts.alpha,
    power: opts.power,
    sided: opts.oneSided ? 1 : 2,
    ...(opts.traffic === undefined ? {} : { trafficPerDay: opts.traffic }),
  });
  console.log(opts.json ? JSON.stringify(plan, null, 2) : formatAbPlan(plan));
}

export interface RoiOptions {
  oneTime: number[];
  monthlyCost: number[];
  monthlyBenefit: number;
  months: number;
  trainingSeconds?: number;
  cores?: number;
  pricePerCoreHour?: number;
  updatesPerMonth: number;
  json?: boolean;
}

const usd = (x: number) =>
  `$${x.toLocaleString('en-US', { minimumFractionDigits: 0, maximumFractionDigits: 2 })}`;

/** `rvft roi`: first-year (or `--months`) cost, ROI and payback, optionally with update compute. */
export function roiCommand(opts: RoiOptions): void {
  const result: RoiResult = roi({
    oneTime: opts.oneTime,
    monthlyCost: opts.monthlyCost,
    monthlyBenefit: opts.monthlyBenefit,
    months: opts.months,
    ...(opts.trainingSeconds === undefined
      ? {}
      : {
          update: {
            trainingSeconds: opts.trainingSeconds,
            updatesPerMonth: opts.updatesPerMonth,
            ...(opts.cores === undefined ? {} : { cores: opts.cores }),
            ...(opts.pricePerCoreHour === undefined
              ? {}
              : { pricePerCoreHour: opts.pricePerCoreHour }),
          },
        }),
  });
  const update = result.update;
  if (opts.json) {
    console.log(JSON.stringify(result, null, 2));
    return;
  }
  const lines = [
    `Over ${result.months} months: cost ${usd(result.totalCost)} (${usd(result.oneTime)} one-time + ${usd(result.monthlyCost)}/month), benefit ${usd(result.totalBenefit)}`,
    `  ROI ${result.roiPercent === null ? 'n/a (no cost)' : `${result.roiPercent.toFixed(1)}%`}`,
    `  payback ${result.paybackMonths === null ? 'never (running costs exceed the benefit)' : `${result.paybackMonths.toFixed(2)} months`} (one-time cost ÷ net monthly benefit)`,
  ];
  if (result.simplePaybackMonths !== null) {
    lines.push(
      `  ${result.simplePaybackMonths.toFixed(2)} months of benefit cover the whole ${result.months}-month cost`,
    );
  }
  if (update) {
    lines.push(
      `  each update: ${update.coreHours.toFixed(2)} core-hours, ${usd(update.computeCost)}, ${update.energyKWh.toFixed(3)} kWh, ${update.kgCO2.toFixed(3)} kg CO2e (× ${update.updatesPerMonth}/month)`,
    );
  }
  console.log(lines.join('\n'));
}
