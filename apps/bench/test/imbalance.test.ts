import { beforeAll, describe, expect, it } from 'vitest';
import {
  formatImbalance,
  IMBALANCE_DESIGN,
  type ImbalanceResult,
  imbalanceData,
  runImbalanceSuite,
} from '../src/imbalance';

describe('the imbalance variant', () => {
  it('builds the designed training and test sets', () => {
    const { train, test } = imbalanceData(42);
    expect(train.classCounts()).toEqual([1200, 90, 60]);
    expect(test.classCounts()).toEqual([300, 300, 300]);
    expect(train.nFeatures).toBe(IMBALANCE_DESIGN.nFeatures);
    expect(test.nFeatures).toBe(IMBALANCE_DESIGN.nFeatures);
    // seeded: the same seed draws the same rows, another seed other rows
    expect(imbalanceData(42).train.features).toEqual(train.features);
    expect(imbalanceData(7).train.features).not.toEqual(train.features);
  });

  describe('two seeds', () => {
    let result: ImbalanceResult;
    beforeAll(async () => {
      result = await runImbalanceSuite({ seeds: [42, 7] });
    });

    it('reports every seed × weighting on the designed class counts', () => {
      expect(result.classCounts).toEqual([1200, 90, 60]);
      expect(result.rows.map((r) => `${r.seed}/${r.weighting}`)).toEqual([
        '42/none',
        '42/balanced',
        '7/none',
        '7/balanced',
      ]);
      for (const r of result.rows) {
        for (const v of [r.accuracy, r.macroF1, r.minorityRecall]) {
          expect(v).toBeGreaterThan(0);
          expect(v).toBeLessThanOrEqual(1);
        }
      }
      expect(result.description).toMatch(/balanced/);
    });

    it('balanced weighting raises minority recall and macro F1', () => {
      const { none, balanced } = result.mean;
      // measured over 10 seeds: +5 to +21 points of minority recall, +3 to +10 of macro F1
      expect(balanced.minorityRecall - none.minorityRecall).toBeGreaterThan(0.05);
      expect(balanced.macroF1 - none.macroF1).toBeGreaterThan(0.03);
      for (const seed of [42, 7]) {
        const of = (w: string) => result.rows.find((r) => r.seed === seed && r.weighting === w)!;
        expect(of('balanced').minorityRecall).toBeGreaterThan(of('none').minorityRecall);
      }
    });

    it('formats a table that names both weightings', () => {
      const text = formatImbalance(result);
      expect(text).toMatch(/\bnone\b/);
      expect(text).toMatch(/\bbalanced\b/);
      expect(text).toContain('macro F1');
      expect(text).toContain('1200 / 90 / 60');
      expect(text.split('\n').filter((l) => l.startsWith('mean'))).toHaveLength(2);
    });
  });
});
