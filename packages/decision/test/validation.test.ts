import { describe, expect, it } from 'vitest';
import {
  DecisionEngine,
  DecisionInput,
  decisionInputJsonSchema,
  SignalValidationError,
  severityFromAccuracyDrop,
  Thresholds,
} from '../src/index';

const engine = new DecisionEngine();

function errorOf(fn: () => unknown): SignalValidationError {
  try {
    fn();
  } catch (e) {
    if (e instanceof SignalValidationError) return e;
    throw e;
  }
  throw new Error('expected a SignalValidationError');
}

describe('invalid signals', () => {
  it('lists every bad field with its path in one error', () => {
    const err = errorOf(() =>
      engine.decide({
        data: { nNewSamples: -5, nHistoricalSamples: 1.5 },
        model: { currentAccuracy: 1.2, transferQuality: 'high' as unknown as number },
        drift: { driftSeverity: 'catastrophic' as 'severe' },
        constraints: { canStoreHistorical: true, colour: 'red' } as never,
      }),
    );
    const paths = err.issues.map((i) => i.path).sort();
    expect(paths).toEqual([
      'constraints.colour',
      'data.nHistoricalSamples',
      'data.nNewSamples',
      'drift.driftSeverity',
      'model.currentAccuracy',
      'model.transferQuality',
    ]);
    expect(err.message).toContain('data.nNewSamples: must be >= 0');
    expect(err.message).toContain('model.currentAccuracy: must be in [0, 1]');
    expect(err.message).toContain('constraints.colour: unknown key');
  });

  it('requires nNewSamples and nothing else', () => {
    const err = errorOf(() => engine.decide({ data: {} } as never));
    expect(err.issues).toEqual([{ path: 'data.nNewSamples', message: expect.any(String) }]);
    expect(() => engine.decide({ data: { nNewSamples: 10 } })).not.toThrow();
  });

  it('refuses contradictions instead of guessing', () => {
    const err = errorOf(() =>
      engine.decide({
        data: { nNewSamples: 10, newClassesAdded: false, nNewClasses: 2 },
        drift: { driftDetected: false, driftSeverity: 'severe' },
      }),
    );
    expect(err.issues.map((i) => i.path).sort()).toEqual([
      'data.newClassesAdded',
      'drift.driftDetected',
    ]);
  });

  it('fills defaults; the implied flags follow from the counts', () => {
    const input = {
      data: { nNewSamples: 10, nNewClasses: 2 },
      drift: { driftSeverity: 'mild' as const },
    };
    const parsed = DecisionInput.parse(input);
    expect(parsed.constraints.retainPriorPerformance).toBe(true);
    expect(parsed.model.architectureFits).toBe(true);
    expect(parsed.data.nHistoricalSamples).toBe(0);
    const result = engine.decide(input);
    // nNewClasses = 2 implies new classes; a mild severity implies drift
    expect(result.primary.expandHead).toBe(2);
    expect(result.firedRules).toContain('new-classes-without-history');
  });

  it('validates thresholds too', () => {
    const err = errorOf(() => new DecisionEngine({ goodTransfer: 0.5, poorTransfer: 0.6 }));
    expect(err.issues).toEqual([{ path: 'poorTransfer', message: 'must be <= goodTransfer' }]);
  });
});

describe('JSON Schema', () => {
  it('describes the four groups and marks nNewSamples required', () => {
    const schema = decisionInputJsonSchema() as {
      properties: Record<string, { properties: Record<string, unknown>; required?: string[] }>;
      required: string[];
    };
    expect(Object.keys(schema.properties).sort()).toEqual([
      'constraints',
      'data',
      'drift',
      'model',
    ]);
    expect(schema.required).toEqual(['data']);
    expect(schema.properties.data!.required).toEqual(['nNewSamples']);
    expect(schema.properties.drift!.properties.driftSeverity).toMatchObject({
      enum: ['none', 'mild', 'moderate', 'severe'],
    });
  });
});

describe('severityFromAccuracyDrop', () => {
  const t = Thresholds.parse({});
  it.each([
    [0, 'none'],
    [0.02, 'none'],
    [0.03, 'mild'],
    [0.05, 'moderate'],
    [0.149, 'moderate'],
    [0.15, 'severe'],
    [0.6, 'severe'],
  ])('drop %f → %s', (drop, severity) => {
    expect(severityFromAccuracyDrop(drop, t)).toBe(severity);
  });
});
