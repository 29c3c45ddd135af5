import { Rng } from '@rvft/data';
import { describe, expect, it } from 'vitest';
import { Adwin, Ddm, PageHinkley } from '../src/index';
import { expectInvalid } from './helpers';

function bernoulli(rng: Rng, p: number): number {
  return rng.uniform() < p ? 1 : 0;
}

describe('ADWIN', () => {
  it('detects a mean change within a bounded delay', () => {
    const delays: number[] = [];
    for (let s = 0; s < 10; s++) {
      const rng = new Rng(`adwin-${s}`);
      const adwin = new Adwin();
      let detectedAt = -1;
      for (let t = 0; t < 2000 && detectedAt < 0; t++) {
        adwin.update(bernoulli(rng, t < 1000 ? 0.2 : 0.8));
        if (adwin.driftDetected && t >= 1000) detectedAt = t - 1000;
      }
      delays.push(detectedAt);
    }
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...delays)).toBeLessThan(100);
  });

  it('stays quiet on stationary streams (δ = 0.002)', () => {
    let alarms = 0;
    for (let s = 0; s < 20; s++) {
      const rng = new Rng(`still-${s}`);
      const adwin = new Adwin();
      for (let t = 0; t < 2000; t++) if (adwin.update(bernoulli(rng, 0.3)).driftDetected) alarms++;
    }
    expect(alarms).toBeLessThanOrEqual(1); // 40,000 values
  });

  it('forgets the old part of the window after a drift', () => {
    const rng = new Rng(1);
    const adwin = new Adwin();
    for (let t = 0; t < 3000; t++) adwin.update(bernoulli(rng, t < 1500 ? 0.1 : 0.9));
    expect(adwin.mean).toBeGreaterThan(0.8);
    expect(adwin.n).toBeLessThan(1600);
    // the docstring's example: a clean step from 0 to 1
    const step = new Adwin();
    for (let t = 0; t < 2000; t++) step.update(t < 1000 ? 0 : 1);
    expect(step.n).toBe(1001);
    expect(step.mean).toBeCloseTo(1000 / 1001, 15);
  });
});

describe('DDM', () => {
  it('warns, then detects a rise in the error rate', () => {
    const rng = new Rng('ddm');
    // DDM has no false-alarm rate to configure; a longer warm-up keeps its early, noisy
    // estimate of the minimum error rate from firing.
    const ddm = new Ddm({ minInstances: 100 });
    let warnedAt = -1;
    let detectedAt = -1;
    for (let t = 0; t < 3000 && detectedAt < 0; t++) {
      ddm.update(bernoulli(rng, t < 1000 ? 0.1 : 0.5));
      if (ddm.warning && warnedAt < 0 && t >= 1000) warnedAt = t;
      if (ddm.driftDetected) detectedAt = t;
    }
    expect(detectedAt).toBeGreaterThanOrEqual(1000);
    expect(detectedAt - 1000).toBeLessThan(150);
    expect(warnedAt).toBeGreaterThanOrEqual(1000);
    expect(warnedAt).toBeLessThanOrEqual(detectedAt);
  });

  it('stays quiet on a stationary error stream', () => {
    let alarms = 0;
    for (let s = 0; s < 10; s++) {
      const rng = new Rng(`ddm-still-${s}`);
      const ddm = new Ddm({ minInstances: 100 });
      for (let t = 0; t < 2000; t++) if (ddm.update(bernoulli(rng, 0.1)).driftDetected) alarms++;
    }
    expect(alarms).toBeLessThanOrEqual(1);
  });

  it('the docstring example: 10% errors, then all wrong', () => {
    const ddm = new Ddm();
    const errors: number[] = [...Array(300)].map((_, i) => (i % 10 === 0 ? 1 : 0));
    errors.push(...Array<number>(30).fill(1));
    // 311 in a transcription of River's DDM.update run on the same list (Python 3.11)
    expect(errors.findIndex((e) => ddm.update(e).driftDetected)).toBe(311);
  });
});

describe('Page–Hinkley', () => {
  it('detects a rise in the mean and ignores noise around a constant mean', () => {
    const rng = new Rng('ph');
    const ph = new PageHinkley();
    let detectedAt = -1;
    for (let t = 0; t < 2000 && detectedAt < 0; t++) {
      ph.update((t < 1000 ? 0 : 1) + 0.1 * rng.normal());
      if (ph.driftDetected) detectedAt = t;
    }
    expect(detectedAt).toBeGreaterThanOrEqual(1000);
    expect(detectedAt - 1000).toBeLessThan(120);

    const still = new PageHinkley();
    const rng2 = new Rng('ph-still');
    let alarms = 0;
    for (let t = 0; t < 5000; t++) if (still.update(0.1 * rng2.normal()).driftDetected) alarms++;
    expect(alarms).toBe(0);
  });

  it("defaults to 'both' (River's default): a fall is seen; 'up' alone misses it", () => {
    const stream = [...Array<number>(1000).fill(1), ...Array<number>(200).fill(0)];
    expect(new PageHinkley().mode).toBe('both');
    const ph = new PageHinkley();
    // 1051 in a transcription of River's PageHinkley.update on the same list (Python 3.11)
    expect(stream.findIndex((x) => ph.update(x).driftDetected)).toBe(1051);
    const up = new PageHinkley({ mode: 'up' });
    expect(stream.findIndex((x) => up.update(x).driftDetected)).toBe(-1);
    const down = new PageHinkley({ mode: 'down' });
    expect(stream.findIndex((x) => down.update(x).driftDetected)).toBe(1051);
  });
});

describe('detectors refuse invalid options and values', () => {
  it('ADWIN', () => {
    expectInvalid(
      () => new Adwin({ delta: 0 }),
      'Adwin: delta must be a finite number > 0 < 1, got 0',
    );
    expectInvalid(
      () => new Adwin({ delta: Number.NaN }),
      'Adwin: delta must be a finite number, got NaN',
    );
    expectInvalid(() => new Adwin({ clock: 0 }), /clock must be an integer >= 1, got 0/);
    expectInvalid(() => new Adwin({ clock: 2.5 }), /clock must be an integer/);
    expectInvalid(() => new Adwin({ minWindow: -1 }), /minWindow must be an integer >= 1/);
    expectInvalid(
      () => new Adwin().update(Number.NaN),
      'Adwin.update: value must be a finite number, got NaN',
    );
    expectInvalid(
      () => new Adwin(null as never),
      'Adwin: options must be an options object, got null',
    );
  });

  it('DDM', () => {
    expectInvalid(
      () => new Ddm({ minInstances: Number.NaN }),
      'Ddm: minInstances must be an integer, got NaN',
    );
    expectInvalid(
      () => new Ddm({ minInstances: -1 }),
      /minInstances must be an integer >= 0, got -1/,
    );
    expectInvalid(() => new Ddm({ minInstances: 2.5 }), /minInstances must be an integer/);
    expectInvalid(
      () => new Ddm({ warningLevel: Number.POSITIVE_INFINITY }),
      /warningLevel must be a finite number/,
    );
    expectInvalid(
      () => new Ddm({ driftLevel: 0 }),
      /driftLevel must be a finite number > 0, got 0/,
    );
    expectInvalid(
      () => new Ddm({ requireSpread: 'yes' as never }),
      /requireSpread must be a boolean/,
    );
    expectInvalid(() => new Ddm().update(0.5), 'Ddm.update: error must be 0 or 1, got 0.5');
    expectInvalid(
      () => new Ddm().update(Number.NaN),
      'Ddm.update: value must be a finite number, got NaN',
    );
  });

  it('Page–Hinkley', () => {
    expectInvalid(
      () => new PageHinkley({ mode: 'sideways' as never }),
      `PageHinkley: mode must be one of 'up', 'down', 'both', got "sideways"`,
    );
    expectInvalid(() => new PageHinkley({ delta: -0.1 }), /delta must be a finite number >= 0/);
    expectInvalid(() => new PageHinkley({ threshold: 0 }), /threshold must be a finite number > 0/);
    expectInvalid(() => new PageHinkley({ alpha: 1.5 }), /alpha must be a finite number > 0 <= 1/);
    expectInvalid(
      () => new PageHinkley({ minInstances: 0 }),
      /minInstances must be an integer >= 1/,
    );
    expectInvalid(
      () => new PageHinkley().update(Number.NEGATIVE_INFINITY),
      /PageHinkley.update: value/,
    );
  });

  it('no numeric option accepts NaN or ±Infinity (a NaN minInstances made DDM fire 97 times)', () => {
    const make: Record<string, (o: Record<string, number>) => unknown> = {
      Adwin: (o) => new Adwin(o),
      Ddm: (o) => new Ddm(o),
      PageHinkley: (o) => new PageHinkley(o),
    };
    const numeric: Record<string, string[]> = {
      Adwin: ['delta', 'clock', 'minWindow'],
      Ddm: ['minInstances', 'warningLevel', 'driftLevel'],
      PageHinkley: ['delta', 'threshold', 'alpha', 'minInstances'],
    };
    for (const [name, keys] of Object.entries(numeric)) {
      for (const key of keys) {
        for (const v of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
          expectInvalid(() => make[name]!({ [key]: v }), new RegExp(`^${name}: ${key} must be`));
        }
      }
    }
  });
});
