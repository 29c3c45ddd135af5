import { describe, expect, it } from 'vitest';
import { CostTracker, continualMetrics, evaluationGate, forgetting } from '../src/index';

describe('continual-learning metrics', () => {
  // R[i][j]: accuracy on task j after training through task i
  const R = [
    [0.9, 0.1, 0.2],
    [0.8, 0.85, 0.3],
    [0.7, 0.75, 0.95],
  ];

  it('average accuracy, backward transfer, forgetting measure, forward transfer', () => {
    const m = continualMetrics(R, [0.5, 0.1, 0.2]);
    expect(m.averageAccuracy).toBeCloseTo((0.7 + 0.75 + 0.95) / 3, 12);
    expect(m.backwardTransfer).toBeCloseTo((0.7 - 0.9 + (0.75 - 0.85)) / 2, 12);
    expect(m.forgettingMeasure).toBeCloseTo((0.9 - 0.7 + (0.85 - 0.75)) / 2, 12);
    expect(m.forwardTransfer).toBeCloseTo((0.1 - 0.1 + (0.3 - 0.2)) / 2, 12);
  });

  it('the forgetting measure uses the best earlier accuracy, not the diagonal', () => {
    // task 0 peaked after task 1 (0.95), not right after its own training (0.6)
    const m = continualMetrics([
      [0.6, 0],
      [0.95, 0.9],
    ]);
    // one-row memory: best of R[0][0] only, since l < T−1 = 1
    expect(m.forgettingMeasure).toBeCloseTo(0.6 - 0.95, 12);
    expect(m.backwardTransfer).toBeCloseTo(0.35, 12);
  });

  it('one task: no transfer to measure', () => {
    expect(continualMetrics([[0.8]])).toEqual({
      averageAccuracy: 0.8,
      backwardTransfer: 0,
      forgettingMeasure: 0,
    });
  });

  it('rejects ragged matrices and non-accuracies', () => {
    expect(() => continualMetrics([[0.5, 0.2], [0.1]])).toThrow(/accuracyMatrix\[1\]: expected 2/);
    expect(() => continualMetrics([[1.2]])).toThrow(/accuracyMatrix\[0\]\[0\]/);
  });

  it('forgetting against a champion is never negative', () => {
    expect(forgetting(0.97, 0.9)).toBeCloseTo(0.07, 12);
    expect(forgetting(0.9, 0.97)).toBe(0);
    expect(() => forgetting(1.1, 0.5)).toThrow(/championOldAccuracy/);
  });
});

describe('evaluationGate', () => {
  const champion = { newTaskAccuracy: 0.96, oldTaskAccuracy: 0.97, backwardTransfer: -0.01 };

  it('passes a challenger within every limit, including exactly at the limit', () => {
    const r = evaluationGate(
      { newTaskAccuracy: 0.94, oldTaskAccuracy: 0.92, backwardTransfer: -0.04 },
      champion,
    );
    expect(r.passed).toBe(true);
    expect(r.failed).toEqual([]);
    expect(r.checks.map((c) => c.status)).toEqual(['passed', 'passed', 'passed']);
  });

  it('names every failed gate', () => {
    const r = evaluationGate(
      { newTaskAccuracy: 0.9, oldTaskAccuracy: 0.8, backwardTransfer: -0.2 },
      champion,
    );
    expect(r.passed).toBe(false);
    expect(r.failed).toEqual(['new-task-accuracy', 'forgetting', 'backward-transfer']);
    expect(r.checks[1]!.value).toBeCloseTo(0.17, 12);
    expect(r.checks[1]!.message).toMatch(/forgetting 0.1700/);
  });

  it('thresholds are configurable', () => {
    const challenger = { newTaskAccuracy: 0.95, oldTaskAccuracy: 0.9 };
    expect(evaluationGate(challenger, champion).failed).toEqual(['forgetting']);
    expect(evaluationGate(challenger, champion, { maxForgetting: 0.1 }).passed).toBe(true);
  });

  it('skips gates with missing metrics, or fails them with requireAll', () => {
    const r = evaluationGate({ newTaskAccuracy: 0.97 }, champion);
    expect(r.passed).toBe(true);
    expect(r.checks.map((c) => c.status)).toEqual(['passed', 'skipped', 'skipped']);
    const strict = evaluationGate({ newTaskAccuracy: 0.97 }, champion, { requireAll: true });
    expect(strict.failed).toEqual(['forgetting', 'backward-transfer']);
    expect(strict.checks[1]!.message).toBe('oldTaskAccuracy missing on challenger (required)');
    const forgettingOnly = evaluationGate({ newTaskAccuracy: 0.97 }, champion, {
      required: ['forgetting'],
    });
    expect(forgettingOnly.failed).toEqual(['forgetting']);
    expect(forgettingOnly.checks.map((c) => c.status)).toEqual(['passed', 'failed', 'skipped']);
  });

  it('rejects negative limits', () => {
    expect(() => evaluationGate({}, {}, { maxForgetting: -1 })).toThrow(/maxForgetting/);
  });
});

describe('CostTracker', () => {
  it('records, totals and summarises', async () => {
    const costs = new CostTracker();
    costs.update({ name: 'fine_tune_head_only', wallS: 1, samplesSeen: 5000, paramsTrained: 130 });
    costs.update({ name: 'train_from_scratch', wallS: 3 });
    const value = await costs.time('timed', () => 42);
    expect(value).toBe(42);
    expect(costs.entries()).toHaveLength(3);
    expect(costs.totalS()).toBeGreaterThanOrEqual(4);
    const text = costs.summary();
    expect(text).toMatch(/fine_tune_head_only\s+1\.000\s+2\d\.\d%\s+5000\s+130/);
    expect(text.split('\n').at(-1)).toMatch(/^total\s+4\.0\d\d$/);
    expect(() => costs.update({ name: 'x', wallS: -1 })).toThrow(/wallS/);
  });
});
