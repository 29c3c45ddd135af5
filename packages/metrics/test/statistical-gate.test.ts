import { RvftError } from '@rvft/errors';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_GATE_POLICY,
  evaluationGate,
  GateInputError,
  type ModelEvidence,
  type StatisticalCheck,
  type StatisticalGateResult,
  statisticalGate,
} from '../src/index';

/*
 * Where the expected numbers come from.
 *
 * Counts, estimates and McNemar p-values are worked by hand in the comments next to them.
 * Interval bounds come from an independent reference written from Newcombe's paper (1998,
 * Stat Med 17:2635, paired method 10) in Python with SciPy 1.17.1 — the textbook Wilson
 * formula (p + z²/2n ± z√(p(1−p)/n + z²/4n²))/(1 + z²/n), z = −ndtri(0.025), and the
 * corrected phi — not from this package's code. The reference reproduces the paper's
 * published example (e=36, f=12, g=2, h=0 → 0.0569 to 0.3404) before it is trusted:
 *
 *   from math import sqrt; from scipy.special import ndtri
 *   def wilson(x, n, z):
 *       p = x/n; c = z*z; mid = (2*n*p + c)/(2*(n + c)); half = z*sqrt(c + 4*n*p*(1-p))/(2*(n + c))
 *       return mid - half, mid + half
 *   def paired(e, f, g, h, conf=0.95):         # A − B; f = A only right, g = B only right
 *       n = e+f+g+h; z = -ndtri((1-conf)/2); pA = (e+f)/n; pB = (e+g)/n
 *       l1, u1 = wilson(e+f, n, z); l2, u2 = wilson(e+g, n, z)
 *       M = (e+f)*(g+h)*(e+g)*(f+h); D = e*h - f*g
 *       phi = 0 if M == 0 else (max(D - n/2, 0) if D > 0 else D)/sqrt(M)
 *       d = (f-g)/n
 *       return (d, d - sqrt((pA-l1)**2 - 2*phi*(pA-l1)*(u2-pB) + (u2-pB)**2),
 *                  d + sqrt((u1-pA)**2 - 2*phi*(u1-pA)*(pB-l2) + (pB-l2)**2))
 */

/**
 * Per-row correctness of champion and challenger realising a paired table. Rows are laid out
 * both-right, champion-only, challenger-only, both-wrong.
 */
function paired(counts: {
  both: number;
  championOnly: number;
  challengerOnly: number;
  neither: number;
}): { champion: number[]; challenger: number[] } {
  const champion: number[] = [];
  const challenger: number[] = [];
  const push = (count: number, cp: number, ch: number) => {
    for (let i = 0; i < count; i++) {
      champion.push(cp);
      challenger.push(ch);
    }
  };
  push(counts.both, 1, 1);
  push(counts.championOnly, 1, 0);
  push(counts.challengerOnly, 0, 1);
  push(counts.neither, 0, 0);
  return { champion, challenger };
}

function check(result: StatisticalGateResult, name: StatisticalCheck['name']): StatisticalCheck {
  const found = result.checks.find((c) => c.name === name);
  if (!found) throw new Error(`no check ${name}`);
  return found;
}

/** Runs `fn`, expecting a GateInputError; returns it for inspection. */
function gateInputError(fn: () => unknown): GateInputError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(GateInputError);
    return e as GateInputError;
  }
  throw new Error('expected a GateInputError, nothing was thrown');
}

// The b = 10, c = 2 table of the brief on 200 new rows: the challenger is wrong on 10 rows the
// champion got right and right on 2 the champion got wrong; both right on 176, both wrong on
// 12 (176 + 10 + 2 + 12 = 200). Champion 186/200 = 0.93, challenger 178/200 = 0.89.
const worse = paired({ both: 176, championOnly: 10, challengerOnly: 2, neither: 12 });

describe('statisticalGate: new rows', () => {
  it('b = 10, c = 2 on 200 rows: −0.04, interval excludes 0, fails "none" at newMargin 0', () => {
    const r = statisticalGate({ newCorrect: worse.champion }, { newCorrect: worse.challenger });
    const c = check(r, 'new-accuracy');
    // challenger − champion = (c − b)/n = (2 − 10)/200 = −0.04
    expect(c.estimate).toBeCloseTo(-0.04, 15);
    // reference paired(176, 2, 10, 12) with A = challenger (f = 2, g = 10)
    expect(c.lower).toBeCloseTo(-0.07999614854083995, 12);
    expect(c.upper).toBeCloseTo(-0.004474163800421101, 12);
    expect(c.upper).toBeLessThan(0); // the interval excludes 0
    // exact McNemar: 2·(C(12,0) + C(12,1) + C(12,2))/2¹² = 2·79/4096 = 0.03857421875
    expect(c.pValue).toBeCloseTo(0.03857421875, 14);
    expect(c.n).toBe(200);
    expect(c.status).toBe('failed');
    expect(r.passed).toBe(false);
    expect(r.failed).toEqual(['new-accuracy']);
    expect(c.message).toBe(
      'challenger − champion on 200 new rows: −0.040 [−0.080, −0.004] (95% interval, ' +
        'McNemar p = 0.039): significantly worse — the whole interval lies below 0',
    );
  });

  it('"none" fails only when the whole interval lies below −newMargin', () => {
    const run = (newMargin: number) =>
      check(
        statisticalGate(
          { newCorrect: worse.champion },
          { newCorrect: worse.challenger },
          { newMargin },
        ),
        'new-accuracy',
      );
    // upper bound −0.00447 (reference above): below −0.004, above −0.005
    expect(run(0.004).status).toBe('failed');
    const tolerant = run(0.005);
    expect(tolerant.status).toBe('passed');
    expect(tolerant.message).toMatch(/: not shown to be worse by more than the 0\.005 margin$/);
  });

  it('a challenger identical to the champion passes "none" and fails "significant"', () => {
    // 180 right, 20 wrong, the same rows for both: b = c = 0, estimate 0
    const same = paired({ both: 180, championOnly: 0, challengerOnly: 0, neither: 20 });
    const ev = (rows: number[]): ModelEvidence => ({ newCorrect: rows });
    const none = statisticalGate(ev(same.champion), ev(same.challenger));
    expect(none.passed).toBe(true);
    const c = check(none, 'new-accuracy');
    expect(c.estimate).toBe(0);
    // reference paired(180, 0, 0, 20): ±0.017930986606887647 (φ = 0.9722, not 1, so not [0, 0])
    expect(c.lower).toBeCloseTo(-0.017930986606887647, 12);
    expect(c.upper).toBeCloseTo(0.017930986606887647, 12);
    expect(c.pValue).toBe(1); // |b − c| ≤ 1
    expect(c.message).toMatch(/: not significantly worse$/);

    const sig = statisticalGate(ev(same.champion), ev(same.challenger), {
      improvement: 'significant',
    });
    expect(sig.failed).toEqual(['new-accuracy']);
    expect(check(sig, 'new-accuracy').message).toMatch(
      /not significantly better — the lower bound −0\.018 is not above 0$/,
    );
  });

  it('"significant" passes only when the lower bound is above 0', () => {
    // The b = 10, c = 2 table turned around: the challenger is now the better model, +0.04,
    // interval [+0.00447, +0.0800] (the reference numbers above, mirrored).
    const r = statisticalGate(
      { newCorrect: worse.challenger },
      { newCorrect: worse.champion },
      { improvement: 'significant' },
    );
    const c = check(r, 'new-accuracy');
    expect(c.estimate).toBeCloseTo(0.04, 15);
    expect(c.lower).toBeCloseTo(0.004474163800421101, 12);
    expect(c.status).toBe('passed');
    expect(c.message).toMatch(/: significantly better — the lower bound is above 0$/);
  });

  it('"margin" needs a point-estimate gain of minImprovement', () => {
    const margin = (challengerOnly: number, championOnly: number) => {
      const t = paired({
        both: 170,
        championOnly,
        challengerOnly,
        neither: 30 - challengerOnly - championOnly,
      });
      return check(
        statisticalGate(
          { newCorrect: t.champion },
          { newCorrect: t.challenger },
          { improvement: 'margin' },
        ),
        'new-accuracy',
      );
    };
    // both 170, challenger only 6, champion only 2, neither 22 (= 200 rows):
    // (6 − 2)/200 = +0.02 ≥ 0.01; reference paired(170, 6, 2, 22) with A = challenger gives
    // [−0.0111, +0.0532]: not significant, yet 'margin' does not ask for significance
    const gain = margin(6, 2);
    expect(gain.estimate).toBeCloseTo(0.02, 15);
    expect(gain.lower).toBeCloseTo(-0.011106987615209708, 12);
    expect(gain.upper).toBeCloseTo(0.05318890912740844, 12);
    expect(gain.status).toBe('passed');
    // it would fail 'significant' (lower bound below 0), which is the difference between them
    expect(gain.lower).toBeLessThan(0);
    // +3 −2: (3 − 2)/200 = +0.005 < 0.01
    const small = margin(3, 2);
    expect(small.estimate).toBeCloseTo(0.005, 15);
    expect(small.status).toBe('failed');
    expect(small.message).toMatch(
      /the point estimate \+0\.005 is short of the required 0\.010 gain/,
    );
    // +3 −1: exactly (3 − 1)/200 = 0.01, the limit itself, passes ("at least")
    expect(margin(3, 1).status).toBe('passed');
    // the b = 10, c = 2 loss fails 'margin' on both counts
    const loss = check(
      statisticalGate(
        { newCorrect: worse.champion },
        { newCorrect: worse.challenger },
        { improvement: 'margin' },
      ),
      'new-accuracy',
    );
    expect(loss.status).toBe('failed');
    expect(loss.message).toMatch(/short of the required 0\.010 gain, and is significantly worse/);
  });

  it('alpha sets the confidence of the interval', () => {
    // At alpha 0.01 (99%) the b = 10, c = 2 interval is wider; reference
    // paired(176, 2, 10, 12, conf=0.99) → upper +0.0086 > 0, so no longer significantly worse
    const r = statisticalGate(
      { newCorrect: worse.champion },
      { newCorrect: worse.challenger },
      { alpha: 0.01 },
    );
    const c = check(r, 'new-accuracy');
    expect(c.upper).toBeCloseTo(0.008558825583943455, 12);
    expect(c.status).toBe('passed');
    expect(c.message).toMatch(/\(99% interval,/);
  });
});

describe('statisticalGate: forgetting (non-inferiority on old rows)', () => {
  // New rows on which both models agree, so only the old rows decide.
  const newRows = paired({ both: 90, championOnly: 0, challengerOnly: 0, neither: 10 });

  it('90 old rows, the challenger loses 5 (b = 5, c = 0): fails', () => {
    // both right 80, champion only 5, both wrong 5: champion 85/90, challenger 80/90.
    // champion − challenger = 5/90 = 0.0556. A 5-point margin cannot be shown on 90 rows
    // here: the point estimate is already above it, and the upper bound is 0.123.
    const old = paired({ both: 80, championOnly: 5, challengerOnly: 0, neither: 5 });
    const r = statisticalGate(
      { newCorrect: newRows.champion, oldCorrect: old.champion },
      { newCorrect: newRows.challenger, oldCorrect: old.challenger },
    );
    const c = check(r, 'forgetting');
    expect(c.estimate).toBeCloseTo(5 / 90, 15);
    expect(c.estimate).toBeCloseTo(0.0556, 4);
    // reference paired(80, 5, 0, 5) with A = champion
    expect(c.lower).toBeCloseTo(0.000999272042890409, 12);
    expect(c.upper).toBeCloseTo(0.12264470838052569, 12);
    expect(c.upper).toBeGreaterThan(0.05);
    // exact McNemar: 2·C(5,0)/2⁵ = 0.0625
    expect(c.pValue).toBeCloseTo(0.0625, 15);
    expect(c.status).toBe('failed');
    expect(r.failed).toEqual(['forgetting']);
    expect(c.message).toBe(
      'champion − challenger on 90 old rows: +0.056 [+0.001, +0.123] (95% interval, ' +
        'McNemar p = 0.063): forgetting of up to 0.123 cannot be ruled out — not shown to be ' +
        'below the 0.050 limit',
    );
  });

  it('on 90 rows even one lost row fails; a model that lost none passes', () => {
    const run = (lost: number) => {
      const old = paired({ both: 85 - lost, championOnly: lost, challengerOnly: 0, neither: 5 });
      return check(
        statisticalGate(
          { newCorrect: newRows.champion, oldCorrect: old.champion },
          { newCorrect: newRows.challenger, oldCorrect: old.challenger },
        ),
        'forgetting',
      );
    };
    // reference paired(84, 1, 0, 5) → upper 0.0604 > 0.05 (estimate only 1/90 = 0.011)
    expect(run(1).upper).toBeCloseTo(0.06035940011065848, 12);
    expect(run(1).status).toBe('failed');
    // reference paired(85, 0, 0, 5) → upper 0.0422 < 0.05
    expect(run(0).upper).toBeCloseTo(0.042176655410343385, 12);
    expect(run(0).status).toBe('passed');
  });

  it('2000 old rows with a 1% loss (b = 20, c = 0): passes', () => {
    // both right 1880, champion only 20, both wrong 100: champion − challenger = 20/2000 = 0.01
    const old = paired({ both: 1880, championOnly: 20, challengerOnly: 0, neither: 100 });
    const r = statisticalGate(
      { newCorrect: newRows.champion, oldCorrect: old.champion },
      { newCorrect: newRows.challenger, oldCorrect: old.challenger },
    );
    const c = check(r, 'forgetting');
    expect(c.estimate).toBeCloseTo(0.01, 15);
    // reference paired(1880, 20, 0, 100)
    expect(c.lower).toBeCloseTo(0.0055150036943244505, 12);
    expect(c.upper).toBeCloseTo(0.015056366384229443, 12);
    // the loss IS significant (McNemar 2/2²⁰ = 1.9073486328125e-6) — and still acceptable:
    // non-inferiority asks whether it is below 5 points, not whether it is zero
    expect(c.pValue).toBeCloseTo(2 / 2 ** 20, 18);
    expect(c.status).toBe('passed');
    expect(r.passed).toBe(true);
    expect(c.message).toMatch(
      /: forgetting shown to be below the 0\.050 limit \(upper bound \+0\.015\)$/,
    );
    // a stricter limit below the upper bound fails the same rows
    const strict = statisticalGate(
      { newCorrect: newRows.champion, oldCorrect: old.champion },
      { newCorrect: newRows.challenger, oldCorrect: old.challenger },
      { maxForgetting: 0.015 },
    );
    expect(strict.failed).toEqual(['forgetting']);
  });

  it('missing old rows: skipped by default, failed with requireOld', () => {
    const old = paired({ both: 80, championOnly: 5, challengerOnly: 0, neither: 5 });
    const champion = { newCorrect: newRows.champion, oldCorrect: old.champion };
    const challenger = { newCorrect: newRows.challenger };
    const skipped = statisticalGate(champion, challenger);
    expect(skipped.passed).toBe(true);
    expect(check(skipped, 'forgetting')).toEqual({
      name: 'forgetting',
      status: 'skipped',
      estimate: null,
      n: 0,
      message: 'old rows not measured (oldCorrect missing on challenger): forgetting not checked',
    });
    const required = statisticalGate(champion, challenger, { requireOld: true });
    expect(required.failed).toEqual(['forgetting']);
    expect(check(required, 'forgetting').message).toMatch(/policy\.requireOld refuses/);
    expect(
      check(statisticalGate({ newCorrect: [1] }, { newCorrect: [1] }), 'forgetting').message,
    ).toMatch(/missing on both sides/);
  });
});

describe('statisticalGate: calibration', () => {
  const rows = paired({ both: 90, championOnly: 0, challengerOnly: 0, neither: 10 });
  const run = (championEce: number | undefined, challengerEce: number | undefined) =>
    check(
      statisticalGate(
        { newCorrect: rows.champion, ece: championEce },
        { newCorrect: rows.challenger, ece: challengerEce },
      ),
      'calibration',
    );

  it('fails an ECE increase above maxEceIncrease (0.03)', () => {
    // 0.08 − 0.04 = +0.04 > 0.03
    const c = run(0.04, 0.08);
    expect(c.status).toBe('failed');
    expect(c.estimate).toBeCloseTo(0.04, 15);
    expect(c.n).toBe(100);
    expect(c.message).toBe(
      'challenger ECE 0.080 vs champion 0.040 on 100 new rows: change +0.040, above the +0.030 allowed increase',
    );
  });

  it('passes up to and including the limit, and any decrease', () => {
    expect(run(0.04, 0.06).status).toBe('passed'); // +0.02
    // 0.07 − 0.04 is 0.030000000000000006 in doubles: exactly the limit, passes
    expect(run(0.04, 0.07).status).toBe('passed');
    expect(run(0.1, 0.02).status).toBe('passed'); // −0.08
  });

  it('is skipped unless both ECEs are given', () => {
    const c = run(0.04, undefined);
    expect(c.status).toBe('skipped');
    expect(c.message).toBe('ECE missing on challenger: calibration not checked');
  });
});

describe('statisticalGate: per-class recall', () => {
  /** New rows with labels; for each class, how many rows each model predicts right. */
  function classes(
    spec: {
      label: number;
      rows: number;
      both: number;
      championOnly: number;
      challengerOnly: number;
    }[],
  ): { champion: ModelEvidence; challenger: ModelEvidence } {
    const labels: number[] = [];
    const cpPred: number[] = [];
    const chPred: number[] = [];
    for (const s of spec) {
      const t = paired({
        both: s.both,
        championOnly: s.championOnly,
        challengerOnly: s.challengerOnly,
        neither: s.rows - s.both - s.championOnly - s.challengerOnly,
      });
      // a wrong prediction names the next class up (label + 1), never the true label
      for (let i = 0; i < s.rows; i++) {
        labels.push(s.label);
        cpPred.push(t.champion[i] ? s.label : s.label + 1);
        chPred.push(t.challenger[i] ? s.label : s.label + 1);
      }
    }
    const correct = (pred: number[]) => pred.map((p, i) => p === labels[i]);
    return {
      champion: { newCorrect: correct(cpPred), predicted: cpPred, labels },
      challenger: { newCorrect: correct(chPred), predicted: chPred },
    };
  }

  it('catches one class collapsing while overall accuracy is unchanged', () => {
    // class 0 (100 rows): champion 70 right, challenger 90 (20 more, none lost)
    // class 1 (50 rows): both right on all 50
    // class 2 (30 rows): champion 27 right (0.9), challenger 12 (0.4), all 12 among the 27
    // class 3 (5 rows): champion 5, challenger 0 — a total collapse, but under 20 rows
    // Overall: challenger-only 20, champion-only 15 + 5 = 20 → challenger − champion = 0.
    const { champion, challenger } = classes([
      { label: 0, rows: 100, both: 70, championOnly: 0, challengerOnly: 20 },
      { label: 1, rows: 50, both: 50, championOnly: 0, challengerOnly: 0 },
      { label: 2, rows: 30, both: 12, championOnly: 15, challengerOnly: 0 },
      { label: 3, rows: 5, both: 0, championOnly: 5, challengerOnly: 0 },
    ]);
    const r = statisticalGate(champion, challenger);
    expect(check(r, 'new-accuracy').estimate).toBe(0);
    expect(r.failed).toEqual(['per-class-recall']);
    const c = check(r, 'per-class-recall');
    // class 2: drop 27/30 − 12/30 = 0.5 > 0.2; reference paired(12, 15, 0, 3) with
    // A = champion → [0.2835, 0.6576], lower bound above 0: significant
    expect(c.estimate).toBeCloseTo(0.5, 15);
    expect(c.lower).toBeCloseTo(0.28346016994638246, 12);
    expect(c.upper).toBeCloseTo(0.6575503022212357, 12);
    expect(c.n).toBe(30);
    // classes 0, 1, 2 tested (≥ 20 rows); class 3 (5 rows) not
    expect(c.classes?.map((k) => [k.label, k.n, k.collapsed])).toEqual([
      [0, 100, false],
      [1, 50, false],
      [2, 30, true],
    ]);
    const two = c.classes?.[2];
    expect(two?.championRecall).toBeCloseTo(0.9, 15);
    expect(two?.challengerRecall).toBeCloseTo(0.4, 15);
    // class 0 improved: drop (0 − 20)/100 = −0.2
    expect(c.classes?.[0]?.drop).toBeCloseTo(-0.2, 15);
    expect(c.message).toBe(
      'recall collapsed on class 2 (30 rows) recall 0.900 → 0.400, drop +0.500 [+0.283, +0.658] ' +
        '(95% paired intervals): a drop above 0.200 and significant; 1 class with fewer rows not tested',
    );
    // with maxRecallDrop 0.5 the drop of exactly 0.5 is no longer "more than" the limit
    expect(statisticalGate(champion, challenger, { maxRecallDrop: 0.5 }).passed).toBe(true);
  });

  it('a large drop that is not significant does not fail', () => {
    // one class, 20 rows (exactly minClassRows): both 9, champion only 7, challenger only 2,
    // both wrong 2 → drop (7 − 2)/20 = 0.25 > 0.2, but reference paired(9, 7, 2, 2) gives
    // [−0.0389, +0.4897], which contains 0
    const { champion, challenger } = classes([
      { label: 1, rows: 20, both: 9, championOnly: 7, challengerOnly: 2 },
    ]);
    // the new-accuracy check sees the same rows, so tolerate them there to isolate recall
    const r = statisticalGate(champion, challenger, { newMargin: 0.05 });
    const c = check(r, 'per-class-recall');
    expect(c.status).toBe('passed');
    expect(c.estimate).toBeCloseTo(0.25, 15);
    expect(c.lower).toBeCloseTo(-0.03887989306012801, 12);
    expect(c.upper).toBeCloseTo(0.4897313044325016, 12);
    expect(c.message).toMatch(
      /^no class with at least 20 rows lost more than 0\.200 recall significantly \(1 tested\)/,
    );
    // one row more required per class: nothing left to test
    const none = check(
      statisticalGate(champion, challenger, { minClassRows: 21 }),
      'per-class-recall',
    );
    expect(none.status).toBe('skipped');
    expect(none.message).toBe(
      'no class has at least 21 of the 20 new rows: per-class recall not checked',
    );
  });

  it('is skipped without predicted labels on both sides', () => {
    const { champion, challenger } = classes([
      { label: 0, rows: 30, both: 30, championOnly: 0, challengerOnly: 0 },
    ]);
    const { predicted: _, ...noPred } = challenger;
    const c = check(statisticalGate(champion, noPred), 'per-class-recall');
    expect(c.status).toBe('skipped');
    expect(c.message).toBe('predicted labels missing on challenger: per-class recall not checked');
  });
});

describe('statisticalGate: result', () => {
  it('is plain JSON, reports the policy applied and keeps every check in order', () => {
    const old = paired({ both: 80, championOnly: 5, challengerOnly: 0, neither: 5 });
    const r = statisticalGate(
      { newCorrect: worse.champion, oldCorrect: old.champion, ece: 0.02 },
      { newCorrect: worse.challenger, oldCorrect: old.challenger, ece: 0.1 },
      { maxRecallDrop: 0.3 },
    );
    expect(JSON.parse(JSON.stringify(r))).toStrictEqual(r);
    expect(r.checks.map((c) => [c.name, c.status])).toEqual([
      ['new-accuracy', 'failed'],
      ['forgetting', 'failed'],
      ['calibration', 'failed'],
      ['per-class-recall', 'skipped'],
    ]);
    expect(r.failed).toEqual(['new-accuracy', 'forgetting', 'calibration']);
    expect(r.policy).toEqual({ ...DEFAULT_GATE_POLICY, maxRecallDrop: 0.3 });
  });

  it('the defaults table', () => {
    expect(DEFAULT_GATE_POLICY).toEqual({
      alpha: 0.05,
      improvement: 'none',
      newMargin: 0,
      minImprovement: 0.01,
      maxForgetting: 0.05,
      requireOld: false,
      maxEceIncrease: 0.03,
      minClassRows: 20,
      maxRecallDrop: 0.2,
    });
    expect(Object.isFrozen(DEFAULT_GATE_POLICY)).toBe(true);
  });

  it('rejects an invalid policy, naming the field', () => {
    const ev = { newCorrect: [1, 0] };
    expect(() => statisticalGate(ev, ev, { alpha: 0 })).toThrow(/policy\.alpha/);
    expect(() => statisticalGate(ev, ev, { alpha: Number.NaN })).toThrow(/policy\.alpha/);
    expect(() => statisticalGate(ev, ev, { improvement: 'always' as unknown as 'none' })).toThrow(
      /policy\.improvement/,
    );
    expect(() => statisticalGate(ev, ev, { maxForgetting: -0.1 })).toThrow(/policy\.maxForgetting/);
    expect(() => statisticalGate(ev, ev, { minClassRows: 2.5 })).toThrow(/policy\.minClassRows/);
  });
});

describe('GateInputError: statisticalGate', () => {
  const ok = (): number[] => [1, 0, 1, 1];

  it('per-row values other than 0/1/true/false (5, Infinity, −Infinity, 2), naming side and field', () => {
    for (const [side, value] of [
      ['challenger', 5],
      ['challenger', Number.POSITIVE_INFINITY],
      ['champion', Number.NEGATIVE_INFINITY],
      ['champion', 2],
    ] as const) {
      const bad = ok();
      bad[2] = value;
      const e = gateInputError(() =>
        side === 'champion'
          ? statisticalGate({ newCorrect: bad }, { newCorrect: ok() })
          : statisticalGate({ newCorrect: ok() }, { newCorrect: bad }),
      );
      expect(e.code).toBe('RVFT_ERR_GATE_INPUT');
      expect(e.side).toBe(side);
      expect(e.field).toBe('newCorrect[2]');
      expect(e.value).toBe(value);
      expect(e.message).toBe(`${side}.newCorrect[2]: is not 0/1/true/false, got ${value}`);
    }
    const old = gateInputError(() =>
      statisticalGate({ newCorrect: ok(), oldCorrect: [1, 0.5] }, { newCorrect: ok() }),
    );
    expect([old.side, old.field, old.value]).toEqual(['champion', 'oldCorrect[1]', 0.5]);
  });

  it('length mismatch between champion and challenger', () => {
    const e = gateInputError(() =>
      statisticalGate({ newCorrect: ok() }, { newCorrect: [1, 0, 1] }),
    );
    expect([e.side, e.field, e.value]).toEqual(['challenger', 'newCorrect.length', 3]);
    expect(e.message).toMatch(/must equal champion\.newCorrect\.length = 4/);
    const old = gateInputError(() =>
      statisticalGate(
        { newCorrect: ok(), oldCorrect: [1, 1] },
        { newCorrect: ok(), oldCorrect: [1] },
      ),
    );
    expect([old.side, old.field, old.value]).toEqual(['challenger', 'oldCorrect.length', 1]);
  });

  it('empty or missing per-row arrays', () => {
    const e = gateInputError(() => statisticalGate({ newCorrect: [] }, { newCorrect: [] }));
    expect([e.side, e.field, e.value]).toEqual(['champion', 'newCorrect.length', 0]);
    const missing = gateInputError(() =>
      statisticalGate({ newCorrect: ok() }, {} as unknown as ModelEvidence),
    );
    expect([missing.side, missing.field]).toEqual(['challenger', 'newCorrect']);
  });

  it('ECE negative, not finite or above 1', () => {
    for (const ece of [-0.01, Number.NaN, Number.POSITIVE_INFINITY, 1.5]) {
      const e = gateInputError(() =>
        statisticalGate({ newCorrect: ok() }, { newCorrect: ok(), ece }),
      );
      expect([e.side, e.field]).toEqual(['challenger', 'ece']);
      expect(e.value).toBe(ece);
    }
  });

  it('labels that are not class labels, of the wrong length, or differ between the sides', () => {
    const bad = gateInputError(() =>
      statisticalGate(
        { newCorrect: ok(), predicted: [0, 1, -1, 0], labels: [0, 0, 0, 0] },
        { newCorrect: ok() },
      ),
    );
    expect([bad.side, bad.field, bad.value]).toEqual(['champion', 'predicted[2]', -1]);
    const short = gateInputError(() =>
      statisticalGate({ newCorrect: ok() }, { newCorrect: ok(), labels: [0, 0] }),
    );
    expect([short.side, short.field, short.value]).toEqual(['challenger', 'labels.length', 2]);
    const differ = gateInputError(() =>
      statisticalGate(
        { newCorrect: ok(), labels: [0, 1, 2, 3] },
        { newCorrect: ok(), labels: [0, 1, 3, 2] },
      ),
    );
    expect([differ.side, differ.field, differ.value]).toEqual(['challenger', 'labels[2]', 3]);
  });

  it('is an RvftError with the input category, so the CLI exits 2 and a service answers 400', () => {
    const e = gateInputError(() => statisticalGate({ newCorrect: [] }, { newCorrect: [] }));
    expect(e).toBeInstanceOf(RvftError);
    expect([e.name, e.exitCode, e.httpStatus]).toEqual(['GateInputError', 2, 400]);
  });
});

describe('GateInputError: evaluationGate', () => {
  const champion = { newTaskAccuracy: 0.9, oldTaskAccuracy: 0.9 };

  it('a challenger accuracy of 5 or Infinity is refused, not passed', () => {
    for (const value of [5, Number.POSITIVE_INFINITY]) {
      const e = gateInputError(() => evaluationGate({ newTaskAccuracy: value }, champion));
      expect(e.code).toBe('RVFT_ERR_GATE_INPUT');
      expect([e.side, e.field, e.value]).toEqual(['challenger', 'newTaskAccuracy', value]);
      expect(e.message).toBe(
        `challenger.newTaskAccuracy: is not an accuracy in [0, 1], got ${value}`,
      );
    }
  });

  it('a champion at −Infinity no longer lets anything through', () => {
    const e = gateInputError(() =>
      evaluationGate({ newTaskAccuracy: 0.1 }, { newTaskAccuracy: Number.NEGATIVE_INFINITY }),
    );
    expect([e.side, e.field, e.value]).toEqual([
      'champion',
      'newTaskAccuracy',
      Number.NEGATIVE_INFINITY,
    ]);
  });

  it('old-task accuracy NaN, negative, and backward transfer out of [−1, 1]', () => {
    const nan = gateInputError(() =>
      evaluationGate({ newTaskAccuracy: 0.9, oldTaskAccuracy: Number.NaN }, champion),
    );
    expect([nan.side, nan.field]).toEqual(['challenger', 'oldTaskAccuracy']);
    expect(nan.value).toBeNaN();
    const neg = gateInputError(() =>
      evaluationGate(champion, { newTaskAccuracy: 0.9, oldTaskAccuracy: -0.1 }),
    );
    expect([neg.side, neg.field, neg.value]).toEqual(['champion', 'oldTaskAccuracy', -0.1]);
    const bwt = gateInputError(() =>
      evaluationGate({ backwardTransfer: 2 }, { backwardTransfer: 0 }),
    );
    expect([bwt.side, bwt.field, bwt.value]).toEqual(['challenger', 'backwardTransfer', 2]);
  });

  it('still decides valid metrics, and ignores metrics no gate reads', () => {
    // 0.9 − 0.89 = 0.01 ≤ 0.02; the unread `loss: 7` is not an accuracy and not checked
    const r = evaluationGate({ newTaskAccuracy: 0.89, loss: 7 }, { newTaskAccuracy: 0.9 });
    expect(r.passed).toBe(true);
    // bounds are valid accuracies
    expect(evaluationGate({ newTaskAccuracy: 1 }, { newTaskAccuracy: 0 }).passed).toBe(true);
    expect(evaluationGate({ newTaskAccuracy: 0 }, { newTaskAccuracy: 1 }).failed).toEqual([
      'new-task-accuracy',
    ]);
  });
});
