import { RvftError } from '@rvft/errors';
import { STRATEGIES_BY_COST } from './cost-model';
import { parseOrThrow } from './errors';
import {
  buildContext,
  type Confidence,
  FALLBACK_RULE_ID,
  fallbackRecommendation,
  RULES,
  type Rule,
} from './rules';
import { DecisionInput, type SignalCountKey, type Signals } from './signals';
import type { StrategyId } from './strategy';
import { Thresholds, type ThresholdsInput } from './thresholds';

export interface Decision {
  strategy: StrategyId;
  confidence: Confidence;
  rationale: string;
  warnings: string[];
  /** Ids of the rules that proposed this strategy or attached a warning to it. */
  rules: string[];
  /** Present when the head must first grow by this many outputs (`expandHead`). */
  expandHead?: number;
}

export interface RuledOut {
  strategy: StrategyId;
  reason: string;
  rule: string;
}

/** Plain JSON: safe to log, store, send over HTTP. */
export interface DecisionResult {
  primary: Decision;
  alternatives: Decision[];
  ruledOut: RuledOut[];
  /** Every rule that fired, in evaluation order. */
  firedRules: string[];
  /** The signals after defaults were applied: what the rules actually saw. */
  signals: Signals;
}

const DOWNGRADE: Record<Confidence, Confidence> = { high: 'medium', medium: 'low', low: 'low' };

/**
 * Rule-based recommender: signals in, a traceable recommendation out.
 *
 * @example
 * const engine = new DecisionEngine();
 * const result = engine.decide({
 *   data: { nNewSamples: 300, nHistoricalSamples: 1000 },
 *   model: { currentAccuracy: 0.94, accuracyOnNewData: 0.72, transferQuality: 0.76 },
 *   drift: { driftSeverity: 'moderate' },
 * });
 * result.primary.strategy; // → 'retrain_warm_combined'
 * result.primary.confidence; // → 'high'
 * // a 0.22 drop on the new data is severe drift, whatever was declared
 * result.firedRules; // → ['drift-with-history', 'few-shot-poor-transfer', 'accuracy-drop-drift']
 * result.alternatives.map((d) => d.strategy); // → ['retrain_cold_combined', 'fine_tune_full_network']
 */
export class DecisionEngine {
  readonly thresholds: Thresholds;
  private readonly rules: readonly Rule[];

  constructor(thresholds: ThresholdsInput = {}, rules: readonly Rule[] = RULES) {
    this.thresholds = parseOrThrow(Thresholds, thresholds, 'thresholds');
    this.rules = rules;
  }

  /** Parses the signals (throwing a field-by-field SignalValidationError) and decides. */
  decide(input: DecisionInput): DecisionResult {
    const signals = parseOrThrow(DecisionInput, input);
    return this.decideParsed(signals);
  }

  /** Decides on signals that were already parsed with `DecisionInput`. */
  decideParsed(signals: Signals): DecisionResult {
    const ctx = buildContext(signals, this.thresholds);
    const ruledOut: RuledOut[] = [];
    const decisions: Decision[] = [];
    const globalWarnings: string[] = [];
    const strategyWarnings: { strategy: StrategyId; rule: string; text: string }[] = [];
    const firedRules: string[] = [];
    let lowerConfidence = false;
    const isOut = (s: StrategyId) => ruledOut.some((r) => r.strategy === s);

    // Constraints come first in RULES, so every elimination is known before the first
    // recommendation is considered.
    for (const rule of this.rules) {
      if (!rule.when(ctx)) continue;
      firedRules.push(rule.id);
      const out = rule.apply(ctx);
      if (out.eliminate) {
        for (const e of out.eliminate) {
          if (!isOut(e.strategy))
            ruledOut.push({ strategy: e.strategy, reason: e.reason, rule: rule.id });
        }
      }
      if (out.recommend) {
        for (const r of out.recommend) {
          if (isOut(r.strategy)) continue;
          const existing = decisions.find((d) => d.strategy === r.strategy);
          if (existing) {
            // A second rule backing the same strategy strengthens the trace, not the rationale.
            if (!existing.rules.includes(rule.id)) existing.rules.push(rule.id);
          } else {
            decisions.push({
              strategy: r.strategy,
              confidence: r.confidence,
              rationale: r.rationale,
              warnings: [],
              rules: [rule.id],
            });
          }
        }
      }
      if (out.warn) globalWarnings.push(...out.warn);
      if (out.warnFor) {
        for (const strategy in out.warnFor) {
          const text = out.warnFor[strategy as StrategyId] as string;
          strategyWarnings.push({ strategy: strategy as StrategyId, rule: rule.id, text });
        }
      }
      if (rule.id === 'label-noise') lowerConfidence = true;
    }

    if (decisions.length === 0) {
      // Nothing specific survived the constraints: the safe default, or else the cheapest
      // strategy still allowed.
      firedRules.push(FALLBACK_RULE_ID);
      const fb = fallbackRecommendation(ctx);
      const pick = isOut(fb.strategy) ? STRATEGIES_BY_COST.find((s) => !isOut(s)) : fb.strategy;
      if (pick === undefined) {
        throw new RvftError(
          'RVFT_ERR_NO_STRATEGY',
          `every strategy is ruled out by the constraints: ${ruledOut
            .map((r) => `${r.strategy} (${r.reason})`)
            .join('; ')}`,
        );
      }
      decisions.push({
        strategy: pick,
        confidence: 'low',
        rationale:
          pick === fb.strategy
            ? fb.rationale
            : `the better-supported strategies are ruled out by the constraints; ${pick} is the cheapest one left`,
        warnings: [],
        rules: [FALLBACK_RULE_ID],
      });
    }

    const nNewClasses = ctx.newClasses ? Math.max(1, signals.data.nNewClasses) : 0;
    const thin = thinSignals(this.rules, signals, this.thresholds.minSignalRows);
    for (const d of decisions) {
      for (const w of strategyWarnings) {
        if (w.strategy !== d.strategy) continue;
        d.warnings.push(w.text);
        if (!d.rules.includes(w.rule)) d.rules.push(w.rule);
      }
      d.warnings.push(...globalWarnings);
      if (lowerConfidence) d.confidence = DOWNGRADE[d.confidence];
      const weak = d.rules.flatMap((id) => thin.get(id) ?? []);
      if (weak.length > 0) {
        d.confidence = DOWNGRADE[d.confidence];
        d.warnings.push(
          `${[...new Set(weak)].join(', ')}: measured on fewer than ${this.thresholds.minSignalRows} rows — too uncertain to decide on alone; confidence lowered`,
        );
      }
      if (
        nNewClasses > 0 &&
        d.strategy !== 'train_from_scratch' &&
        d.strategy !== 'retrain_cold_combined'
      ) {
        d.expandHead = nNewClasses;
      }
    }

    return {
      primary: decisions[0] as Decision,
      alternatives: decisions.slice(1),
      ruledOut,
      firedRules,
      signals,
    };
  }

  /** The text report of a result. */
  summary(result: DecisionResult): string {
    return summary(result);
  }
}

function describe(d: Decision, indent: string): string[] {
  const lines = [`${indent}${d.rationale}`];
  if (d.expandHead) lines.push(`${indent}head: expand by ${d.expandHead} output(s) first`);
  for (const w of d.warnings) lines.push(`${indent}warning: ${w}`);
  lines.push(`${indent}rules: ${d.rules.join(', ')}`);
  return lines;
}

/**
 * Renders a decision result as a short human-readable report.
 *
 * @example
 * const result = new DecisionEngine().decide({ data: { nNewSamples: 200, nHistoricalSamples: 0 } });
 * summary(result).split('\n')[0]; // → 'Recommendation: fine_tune_full_network (confidence: low)'
 */
export function summary(result: DecisionResult): string {
  const { primary } = result;
  const lines = [
    `Recommendation: ${primary.strategy} (confidence: ${primary.confidence})`,
    ...describe(primary, '  '),
  ];
  if (result.alternatives.length > 0) {
    lines.push('', 'Alternatives:');
    for (const alt of result.alternatives) {
      lines.push(`  - ${alt.strategy} (confidence: ${alt.confidence})`, ...describe(alt, '      '));
    }
  }
  if (result.ruledOut.length > 0) {
    lines.push('', 'Ruled out:');
    for (const r of result.ruledOut) lines.push(`  - ${r.strategy}: ${r.reason} [${r.rule}]`);
  }
  return lines.join('\n');
}

/**
 * For each rule, the signals it rests on that were measured on too few rows, as
 * "transferQuality (36 rows)". Signals without a count are taken as exact.
 */
function thinSignals(
  rules: readonly Rule[],
  signals: Signals,
  minRows: number,
): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const counts = signals.model.counts;
  if (!counts) return out;
  for (const rule of rules) {
    const weak = (rule.uses ?? [])
      .filter((k: SignalCountKey) => signals.model[k] !== undefined)
      .flatMap((k: SignalCountKey) => {
        const n = counts[k];
        return n !== undefined && n < minRows ? [`${k} (${n} rows)`] : [];
      });
    if (weak.length > 0) out.set(rule.id, weak);
  }
  return out;
}
