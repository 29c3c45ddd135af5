import { describe, expect, it } from 'vitest';
import { cheapestNotWorse } from '../src/index';

// first `k` of `n` rows right
const right = (k: number, n = 20) => Array.from({ length: n }, (_, i) => (i < k ? 1 : 0));

describe('cheapestNotWorse', () => {
  it('picks the cheapest candidate the exact McNemar test cannot separate from the best', () => {
    const v = cheapestNotWorse([
      // 20 right; the best
      { id: 'full', cost: 10, correct: right(20) },
      // 14 right: 6 discordant rows all for the best, p = 2 * 0.5^6 = 0.03125 < 0.05
      { id: 'head', cost: 1, correct: right(14) },
      // 16 right: 4 discordant rows, p = 2 * 0.5^4 = 0.125
      { id: 'warm', cost: 5, correct: right(16) },
    ]);
    expect(v.best).toBe('full');
    expect(v.picked).toBe('warm');
    expect(v.tied).toEqual(['full', 'warm']);
    expect(v.scores.map((s) => [s.id, s.accuracy])).toEqual([
      ['full', 1],
      ['head', 0.7],
      ['warm', 0.8],
    ]);
    expect(v.scores[1]!.pValue).toBeCloseTo(0.03125, 12);
    expect(v.scores[2]!.pValue).toBeCloseTo(0.125, 12);
  });

  it('a practical margin admits a candidate the test separates', () => {
    const cands = [
      { id: 'full', cost: 10, correct: right(20) },
      { id: 'head', cost: 1, correct: right(14) },
    ];
    expect(cheapestNotWorse(cands).picked).toBe('full');
    expect(cheapestNotWorse(cands, { margin: 0.3 }).picked).toBe('head');
  });

  it("tieBreak 'order' takes the earliest tie, whatever it costs; equal costs go to the earlier", () => {
    const cands = [
      { id: 'a', cost: 9, correct: right(18) },
      { id: 'b', cost: 1, correct: right(19) },
    ];
    expect(cheapestNotWorse(cands, { tieBreak: 'order' }).picked).toBe('a');
    expect(cheapestNotWorse(cands).picked).toBe('b');
    const same = [
      { id: 'x', cost: 3, correct: right(19) },
      { id: 'y', cost: 3, correct: right(19) },
    ];
    expect(cheapestNotWorse(same).picked).toBe('x');
  });

  it('refuses bad options and unpaired candidates', () => {
    expect(() => cheapestNotWorse([], {})).toThrow(/candidates must be non-empty/);
    expect(() => cheapestNotWorse([{ id: 1, cost: 1, correct: right(5) }], { alpha: 0 })).toThrow(
      /alpha must be a finite number > 0 < 1, got 0/,
    );
    expect(() => cheapestNotWorse([{ id: 1, cost: Number.NaN, correct: right(5) }])).toThrow(
      /candidates\[0\]\.cost/,
    );
    expect(() =>
      cheapestNotWorse([
        { id: 1, cost: 1, correct: right(5) },
        { id: 2, cost: 1, correct: right(4, 6) },
      ]),
    ).toThrow();
  });
});
