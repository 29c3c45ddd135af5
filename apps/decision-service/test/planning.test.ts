import { afterAll, describe, expect, it } from 'vitest';
import { buildService, type ErrorBody } from '../src/index';

// POST /v1/plan/ab and /v1/roi through Fastify's inject (no socket): same validation and error
// bodies as /v1/decide. Reference sizes: statsmodels 0.13.5 samplesize_proportions_2indep_onetail.
const app = buildService();
afterAll(() => app.close());

const post = (url: string, payload: unknown) =>
  app.inject({
    method: 'POST',
    url,
    payload: payload as object,
    headers: { 'content-type': 'application/json' },
  });

describe('POST /v1/plan/ab', () => {
  it('200 with users per arm and days', async () => {
    const res = await post('/v1/plan/ab', {
      baselineRate: 0.1,
      minDetectableEffect: 0.002,
      trafficPerDay: 50_000,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      usersPerArm: 356_335,
      totalUsers: 712_670,
      days: 15,
      sided: 2,
    });
    const rel = await post('/v1/plan/ab', {
      baselineRate: 0.1,
      minDetectableEffect: 0.01,
      relative: true,
    });
    expect(rel.json()).toMatchObject({ usersPerArm: 1_419_073, days: null });
  });

  it('400 lists every invalid field, unknown keys included', async () => {
    const res = await post('/v1/plan/ab', {
      baselineRate: 2,
      minDetectableEffect: 0,
      sided: 3,
      extra: true,
    });
    expect(res.statusCode).toBe(400);
    const body = res.json() as ErrorBody;
    expect(body.code).toBe('RVFT_ERR_INVALID_SIGNALS');
    expect(body.message).toMatch(/^invalid A\/B test plan \(4 problems\):\n {2}- /);
    expect(body.issues!.map((i) => i.path).sort()).toEqual([
      'baselineRate',
      'extra',
      'minDetectableEffect',
      'sided',
    ]);
    const empty = await post('/v1/plan/ab', {});
    expect(empty.statusCode).toBe(400);
    expect((empty.json() as ErrorBody).issues!.map((i) => i.path).sort()).toEqual([
      'baselineRate',
      'minDetectableEffect',
    ]);
  });

  it('more unknown keys than the schema has: listed without zod, capped at 20', async () => {
    const keys = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 0]));
    const res = await post('/v1/plan/ab', {
      baselineRate: 0.1,
      minDetectableEffect: 0.01,
      ...keys,
    });
    expect(res.statusCode).toBe(400);
    const body = res.json() as ErrorBody;
    expect(body.issues).toHaveLength(20);
    expect(body.moreIssues).toBe(30);
    expect(body.message).toMatch(/^invalid A\/B test plan \(50 problems\):/);
  });
});

describe('POST /v1/roi', () => {
  it("200: the seed's example, $89,900 first-year cost and 754% ROI", async () => {
    const res = await post('/v1/roi', {
      oneTime: [15_000, 48_000, 500],
      monthlyCost: [200, 2_000],
      monthlyBenefit: 64_000,
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ totalCost: 89_900, totalBenefit: 768_000, months: 12 });
    expect(body.roiPercent).toBeCloseTo(754.28, 2);
    expect(body.paybackMonths).toBeCloseTo(63_500 / 61_800, 12);
    expect(body.simplePaybackMonths).toBeCloseTo(89_900 / 64_000, 12);
  });

  it('prices an update and adds it to the monthly cost', async () => {
    const res = await post('/v1/roi', {
      oneTime: 1000,
      monthlyBenefit: 500,
      update: { trainingSeconds: 7200, cores: 8, updatesPerMonth: 4 },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      monthlyCost: 3.2,
      update: { coreHours: 16, computeCost: 0.8, updatesPerMonth: 4 },
    });
  });

  it('400 with nested paths; non-JSON is 415', async () => {
    const res = await post('/v1/roi', {
      oneTime: [-1],
      monthlyBenefit: 'lots',
      update: { trainingSeconds: 1, gpu: 1 },
    });
    expect(res.statusCode).toBe(400);
    const body = res.json() as ErrorBody;
    expect(body.message).toMatch(/^invalid ROI input/);
    expect(body.issues!.map((i) => i.path).sort()).toEqual([
      'monthlyBenefit',
      'oneTime.0',
      'update.gpu',
    ]);
    const text = await app.inject({
      method: 'POST',
      url: '/v1/roi',
      payload: 'x',
      headers: { 'content-type': 'text/plain' },
    });
    expect(text.statusCode).toBe(415);
  });
});

describe('GET /v1/schemas', () => {
  it('lists the body schema of every POST route; /v1/schema stays the /v1/decide body', async () => {
    const all = (await app.inject('/v1/schemas')).json() as Record<string, { required: string[] }>;
    expect(Object.keys(all).sort()).toEqual(['/v1/decide', '/v1/plan/ab', '/v1/roi']);
    expect(all['/v1/plan/ab']!.required).toEqual(['baselineRate', 'minDetectableEffect']);
    expect(all['/v1/roi']!.required).toEqual(['oneTime', 'monthlyBenefit']);
    expect((await app.inject('/v1/schema')).json()).toEqual(all['/v1/decide']);
  });
});
