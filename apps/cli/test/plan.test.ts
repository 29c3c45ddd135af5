import { describe, expect, it } from 'vitest';
import { runRvft } from './run';

// `rvft plan ab` and `rvft roi`, run as the built binary in its own process.

const rvft = (args: string[]) => runRvft(args);

describe('rvft plan ab', () => {
  it('sizes the test: users per arm (statsmodels 356,334.04 rounded up) and days', async () => {
    const r = await rvft([
      'plan',
      'ab',
      '--baseline',
      '0.10',
      '--mde',
      '0.002',
      '--traffic',
      '50000',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout);
    expect(plan).toMatchObject({
      usersPerArm: 356_335,
      totalUsers: 712_670,
      days: 15,
      sided: 2,
      alpha: 0.05,
      power: 0.8,
    });
  });

  it('relative effects and one-sided tests; a readable summary without --json', async () => {
    const r = await rvft([
      'plan',
      'ab',
      '--baseline',
      '0.1',
      '--mde',
      '0.03',
      '--relative',
      '--traffic',
      '20000',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('159,066 users per arm');
    expect(r.stdout).toContain('16 days');
    const one = JSON.parse(
      (await rvft(['plan', 'ab', '--baseline', '0.1', '--mde', '0.002', '--one-sided', '--json']))
        .stdout,
    );
    expect(one.usersPerArm).toBe(280_684); // statsmodels, alternative='larger': 280,683.96
  });

  it('invalid input: exit 2, every bad field listed', async () => {
    const r = await rvft(['plan', 'ab', '--baseline', '1.5', '--mde', '0', '--power', '0.2']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/baselineRate: must be in \(0, 1\)/);
    expect(r.stderr).toMatch(/minDetectableEffect: must not be 0/);
    expect(r.stderr).toMatch(/power: must be in \[0.5, 1\)/);
    expect((await rvft(['plan', 'ab', '--baseline', 'x', '--mde', '0.1'])).code).toBe(2);
    expect((await rvft(['plan', 'ab', '--mde', '0.1'])).code).toBe(2);
  });
});

describe('rvft roi', () => {
  it("reproduces the seed's example: $89,900 first-year cost, 754% ROI", async () => {
    const args = [
      'roi',
      '--one-time',
      '15000,48000,500',
      '--monthly-cost',
      '200,2000',
      '--monthly-benefit',
      '64000',
    ];
    const text = await rvft(args);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('cost $89,900');
    expect(text.stdout).toContain('ROI 754.3%');
    expect(text.stdout).toContain('payback 1.03 months');
    expect(text.stdout).toContain('1.40 months of benefit');
    const json = JSON.parse((await rvft([...args, '--json'])).stdout);
    expect(json).toMatchObject({ totalCost: 89_900, totalBenefit: 768_000, months: 12 });
    expect(json.roiPercent).toBeCloseTo(754.28, 2);
  });

  it('adds the compute of the updates to the monthly cost', async () => {
    const r = await rvft([
      'roi',
      '--one-time',
      '1000',
      '--monthly-benefit',
      '500',
      '--training-seconds',
      '7200',
      '--cores',
      '8',
      '--updates-per-month',
      '4',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    // 2 h × 8 cores = 16 core-hours × $0.05 = $0.80 an update, 4 a month
    expect(json.update).toMatchObject({ coreHours: 16, computeCost: 0.8, updatesPerMonth: 4 });
    expect(json.monthlyCost).toBeCloseTo(3.2, 12);
    expect(json.totalCost).toBeCloseTo(1000 + 12 * 3.2, 9);
  });

  it('invalid amounts: exit 2', async () => {
    const r = await rvft(['roi', '--one-time', '-5', '--monthly-benefit', '1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('oneTime.0: must be >= 0');
    expect((await rvft(['roi', '--one-time', '5,,3', '--monthly-benefit', '1'])).code).toBe(2);
  });
});
