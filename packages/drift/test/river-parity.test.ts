import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Ddm, type DriftDetector, PageHinkley } from '../src/index';

// River's test streams, computed once with numpy / Python's random (provenance in the file's
// "source" field) and stored: CI has no Python.
const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/river-streams.json', import.meta.url), 'utf8'),
) as Record<'stream2' | 'stream3' | 'pageHinkleyDoc' | 'ddmDoc', string>;
const stream = (digits: string): number[] => [...digits].map(Number);

function detections(detector: DriftDetector, values: number[]): number[] {
  const out: number[] = [];
  values.forEach((v, i) => {
    if (detector.update(v).driftDetected) out.push(i);
  });
  return out;
}

const sweep = JSON.parse(
  readFileSync(new URL('./fixtures/river-sweep.json', import.meta.url), 'utf8'),
) as {
  cases: {
    detector: 'Ddm' | 'PageHinkley';
    options: Record<string, number | string>;
    stream: string;
    drift: number[];
    warning: number[];
  }[];
};

describe('parity with River (river/drift/test_drift_detectors.py)', () => {
  it('the fixture streams are the ones River generates', () => {
    // stream 2: 1000 × Bernoulli(0.2) then 1000 × Bernoulli(0.8); stream 3: four blocks of 500
    expect(fixture.stream2).toHaveLength(2000);
    expect(fixture.stream3).toHaveLength(2000);
    const ones = (s: string) => [...s].filter((c) => c === '1').length;
    expect(ones(fixture.stream2.slice(0, 1000))).toBeLessThan(250);
    expect(ones(fixture.stream2.slice(1000))).toBeGreaterThan(750);
  });

  it('Page–Hinkley: up [588, 1681], down [1172], both [588, 1097, 1585]', () => {
    const s3 = stream(fixture.stream3);
    expect(detections(new PageHinkley({ mode: 'up' }), s3)).toEqual([588, 1681]);
    expect(detections(new PageHinkley({ mode: 'down' }), s3)).toEqual([1172]);
    expect(detections(new PageHinkley({ mode: 'both' }), s3)).toEqual([588, 1097, 1585]);
    // River's default is 'both', and so is ours
    expect(detections(new PageHinkley(), s3)).toEqual([588, 1097, 1585]);
  });

  it('DDM: [1049] on stream 2, nothing on 1000 ones', () => {
    expect(detections(new Ddm(), stream(fixture.stream2))).toEqual([1049]);
    expect(detections(new Ddm(), Array<number>(1000).fill(1))).toEqual([]);
  });

  it('River’s docstring examples: Page–Hinkley at 1006, DDM warning 1084, drift 1334, warning 1492', () => {
    expect(detections(new PageHinkley(), stream(fixture.pageHinkleyDoc))).toEqual([1006]);
    const ddm = new Ddm();
    const events: string[] = [];
    let printWarning = true;
    stream(fixture.ddmDoc).forEach((x, i) => {
      ddm.update(x);
      if (ddm.warning && printWarning) {
        events.push(`warning ${i}`);
        printWarning = false;
      }
      if (ddm.driftDetected) {
        events.push(`drift ${i}`);
        printWarning = true;
      }
    });
    expect(events).toEqual(['warning 1084', 'drift 1334', 'warning 1492']);
  });

  it('DDM checks from n = 31 (River: n > warm_start), not n = 30', () => {
    const zerosThenOnes = (zeros: number) => [
      ...Array<number>(zeros).fill(0),
      ...Array<number>(10).fill(1),
    ];
    // 31 zeros: the check at n = 31 sets p_min = s_min = 0, so the first error (index 31) is a
    // drift — River's behaviour on an error-free warm-up.
    expect(detections(new Ddm(), zerosThenOnes(31))[0]).toBe(31);
    // 30 zeros: the first check is at n = 31, where the first error already sits: p = 1/31,
    // s = √(p(1−p)/31), p + s = 0.0640 is the minimum. n = 32: p + s = 2/32 + √((2/32)(30/32)/32)
    // = 0.1053 > p_min + 2·s_min = 0.0959 (warning) but < p_min + 3·s_min = 0.1276; n = 33:
    // 3/33 + √((3/33)(30/33)/33) = 0.1409 > 0.1276 → drift at index 32. (Checking from n = 30
    // would have taken p = 0, s = 0 as the minimum and fired at index 30.)
    const ddm = new Ddm();
    const seen = zerosThenOnes(30).map((x) => {
      ddm.update(x);
      return ddm.driftDetected ? 'drift' : ddm.warning ? 'warning' : '';
    });
    expect(seen.slice(29, 33)).toEqual(['', '', 'warning', 'drift']);
    // requireSpread waits for a minimum with s > 0: no alarm at the first error
    expect(detections(new Ddm({ requireSpread: true }), zerosThenOnes(31))[0]).toBeGreaterThan(31);
  });

  it('60 random streams: drift and warning indices as River’s update rules give them', () => {
    // Low error rates (1 %) included: there River's DDM fires at the first error after an
    // error-free warm-up, and so does ours by default.
    expect(sweep.cases).toHaveLength(60);
    for (const c of sweep.cases) {
      const d = c.detector === 'Ddm' ? new Ddm(c.options) : new PageHinkley(c.options);
      const drift: number[] = [];
      const warning: number[] = [];
      stream(c.stream).forEach((x, i) => {
        d.update(x);
        if (d.driftDetected) drift.push(i);
        if (d.warning) warning.push(i);
      });
      expect({ drift, warning }).toEqual({ drift: c.drift, warning: c.warning });
    }
  });
});
