import { describe, expect, it } from 'vitest';
import { CostTracker, continualMetrics, evaluationGate, forgetting } from '../src/index';
import { expectInvalid } from './helpers';

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
    // Three tasks, so the max over earlier rows l ∈ {0, 1} can differ from the diagonal R[j][j].
    // Task 0 peaked AFTER task 1 (R[1][0] = 0.95), not right after its own training
    // (R[0][0] = 0.6), and ends at R[2][0] = 0.7.
    const m = continualMetrics([
      [0.6, 0.3, 0.1],
      [0.95, 0.9, 0.2],
      [0.7, 0.8, 0.85],
    ]);
    // best earlier: task 0 max(0.6, 0.95) − 0.7 = 0.25; task 1 max(0.3, 0.9) − 0.8 = 0.1
    // → (0.25 + 0.1)/2 = 0.175. With the diagonal instead: (0.6 − 0.7 + 0.9 − 0.8)/2 = 0.
    expect(m.forgettingMeasure).toBeCloseTo(0.175, 12);
    // backward transfer does read the diagonal: (0.7 − 0.6 + 0.8 − 0.9)/2 = 0
    expect(m.backwardTransfer).toBeCloseTo(0, 12);
  });

  it('one task: no transfer to measure', () => {
    expect(continualMetrics([[0.8]])).toEqual({
      averageAccuracy: 0.8,
      backwardTransfer: 0,
      forgettingMeasure: 0,
    });
  });

  it('rejects ragged matrices and non-accuracies', () => {
    expectInvalid(
      () => continualMetrics([[0.5, 0.2], [0.1]]),
      'continualMetrics: accuracyMatrix[1] must be a row of 2 (square matrix), got an array of 1',
    );
    expectInvalid(
      () => continualMetrics([[1.2]]),
      'continualMetrics: accuracyMatrix[0][0] must be a finite number >= 0 <= 1, got 1.2',
    );
    expectInvalid(
      () => continualMetrics([[Number.NaN]]),
      /accuracyMatrix\[0\]\[0\] must be a finite number, got NaN/,
    );
    expectInvalid(() => continualMetrics([]), 'continualMetrics: accuracyMatrix must be non-empty');
    expectInvalid(
      () => continualMetrics([[0.5]], [Number.NaN]),
      /baseline\[0\] must be a finite number/,
    );
    expectInvalid(
      () => continualMetrics([[0.5]], [0.5, 0.5]),
      /baseline must be one accuracy per task \(1\)/,
    );
  });

  it('forgetting against a champion is never negative', () => {
    expect(forgetting(0.97, 0.9)).toBeCloseTo(0.07, 12);
    expect(forgetting(0.9, 0.97)).toBe(0);
    expectInvalid(
      () => forgetting(1.1, 0.5),
      'forgetting: championOldAccuracy must be a finite number >= 0 <= 1, got 1.1',
    );
    expectInvalid(
      () => forgetting(0.5, Number.NaN),
      /challengerOldAccuracy must be a finite number, got NaN/,
    );
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

  it('rejects limits and options it cannot decide with', () => {
    expectInvalid(
      () => evaluationGate({}, {}, { maxForgetting: -1 }),
      'evaluationGate: thresholds.maxForgetting must be a finite number >= 0, got -1',
    );
    // Infinity or NaN as a limit would pass any challenger
    expectInvalid(
      () => evaluationGate({}, {}, { maxForgetting: Number.POSITIVE_INFINITY }),
      /maxForgetting must be a finite number, got Infinity/,
    );
    expectInvalid(
      () => evaluationGate({}, {}, { maxNewTaskAccuracyDrop: Number.NaN }),
      /maxNewTaskAccuracyDrop/,
    );
    expectInvalid(
      () => evaluationGate({}, {}, { required: ['forgeting' as never] }),
      `evaluationGate: thresholds.required[0] must be one of 'new-task-accuracy', 'forgetting', 'backward-transfer', got "forgeting"`,
    );
    expectInvalid(
      () => evaluationGate({}, {}, { requireAll: 'yes' as never }),
      /requireAll must be a boolean/,
    );
  });

  it('a metrics object that is not one is a GateInputError', () => {
    expect(() => evaluationGate(null as never, {})).toThrow(
      /challenger\.metrics: is not a metrics object/,
    );
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
    expectInvalid(
      () => costs.update({ name: 'x', wallS: -1 }),
      'CostTracker.update: entry.wallS must be a finite number >= 0, got -1',
    );
    expectInvalid(
      () => costs.update({ name: 'x', wallS: Number.POSITIVE_INFINITY }),
      /wallS must be a finite number, got Infinity/,
    );
    expectInvalid(
      () => costs.update({ name: '', wallS: 1 }),
      /entry.name must be a non-empty string/,
    );
    expectInvalid(
      () => costs.update({ name: 'x', wallS: 1, epochs: 2.5 }),
      /entry.epochs must be an integer/,
    );
    expectInvalid(
      () => costs.update({ name: 'x', wallS: 1, samplesSeen: -1 }),
      /entry.samplesSeen must be an integer >= 0/,
    );
  });
});
