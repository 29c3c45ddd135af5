import { checkNumber, checkOneOf, invalidArgument } from '@rvft/errors';
import { checkGateNumber, GateInputError, type GateSide } from './gate-input';
import { type PairedComparison, pairedComparison } from './paired';
import { compareSlices, type Slice, type SliceComparison } from './slices';

/**
 * What one model brings to {@link statisticalGate}: per-row results on held-out rows, not
 * summary numbers. Champion and challenger must be scored on the SAME rows in the SAME order —
 * row i of the champion's arrays and row i of the challenger's are the same example.
 */
export interface ModelEvidence {
  /** Per-row correctness on held-out rows of the distribution the model must serve (new data). */
  newCorrect: ArrayLike<boolean | number>;
  /** Per-row correctness on held-out rows of the old distribution, when given. */
  oldCorrect?: ArrayLike<boolean | number>;
  /** Expected calibration error on the new rows (optional), in [0, 1]. */
  ece?: number;
  /** Predicted labels on the new rows, for per-class recall (optional). */
  predicted?: ArrayLike<number>;
  /**
   * True labels on the new rows, for per-class recall (optional). Needed on one side at least;
   * when both sides give them they must be identical.
   */
  labels?: ArrayLike<number>;
}

/** How much the challenger must show on the new rows (see {@link GatePolicy.improvement}). */
export type ImprovementRule = 'none' | 'margin' | 'significant';

export interface GatePolicy {
  /** Intervals are two-sided at confidence 1 − alpha. */
  alpha: number;
  /**
   * - `'none'`: the challenger must not be significantly worse on the new rows — fails when the
   *   whole interval of challenger − champion lies below −`newMargin`.
   * - `'margin'`: the point estimate must improve by at least `minImprovement`, and the
   *   challenger must not be significantly worse (as for `'none'`).
   * - `'significant'`: the interval's lower bound must be above 0.
   */
  improvement: ImprovementRule;
  /** Tolerated loss on the new rows for `'none'` and `'margin'`: fail only when the whole
   * interval lies below −newMargin. */
  newMargin: number;
  /** The smallest point-estimate gain `'margin'` accepts. */
  minImprovement: number;
  /** Forgetting passes only when the upper bound of champion − challenger on the old rows is
   * below this (non-inferiority). */
  maxForgetting: number;
  /** Fail (instead of skip) the forgetting check when old rows are missing on either side. */
  requireOld: boolean;
  /** The challenger's ECE may exceed the champion's by at most this. */
  maxEceIncrease: number;
  /** Per-class recall is tested only for classes with at least this many new rows. */
  minClassRows: number;
  /** A class's recall collapses when it falls by more than this AND the fall is significant. */
  maxRecallDrop: number;
}

/**
 * The defaults of {@link statisticalGate}, and why.
 */
export const DEFAULT_GATE_POLICY: Readonly<GatePolicy> = Object.freeze({
  // 95% two-sided intervals, the convention of the interval helpers in this package. Each check
  // reads one bound, so each is a one-sided test at 2.5% — on the cautious side, because a
  // wrong promotion is what the gate exists to prevent.
  alpha: 0.05,
  // Updates are run for fresh data, drift or cost as often as for accuracy; demanding a
  // significant gain on a few hundred rows would refuse most of them. By default the gate
  // only refuses a challenger shown to be worse.
  improvement: 'none',
  // Any significant loss on the data the model must serve is refused.
  newMargin: 0,
  // One point: a smaller point-estimate gain on a few hundred rows is well inside the noise of
  // one test set and not worth a swap. Read only by 'margin'.
  minImprovement: 0.01,
  // The same 5 points as evaluationGate's maxForgetting, so both gates tolerate the same
  // forgetting — but here it must be SHOWN (upper bound below it), not merely estimated.
  // That needs a few hundred old rows: on 90 old rows a challenger that lost a single row
  // (1/90, with 84 both right and 5 both wrong) still has an upper bound of 0.060.
  maxForgetting: 0.05,
  // Not every update has an old distribution (a first fine-tune, a plain retrain on drifted
  // data). Skipping says in the message that forgetting was not measured; set it to true
  // where forgetting matters, so an unmeasured challenger is refused.
  requireOld: false,
  // ECE on a few hundred rows moves by a point or more between test sets, and no interval is
  // computed for it here; 3 points leaves room for that noise while still catching a
  // challenger that became clearly over- or under-confident.
  maxEceIncrease: 0.03,
  // Below 20 rows a class's recall moves in steps of 5 points or more and its interval spans
  // most of [0, 1]; testing such classes would add noise and comparisons, not evidence.
  minClassRows: 20,
  // Aimed at a collapse — a class the challenger stopped recognising, the signature of
  // catastrophic forgetting — not at small shifts, which the overall checks already cover.
  // Requiring significance as well keeps noisy classes from failing the gate.
  maxRecallDrop: 0.2,
});

export type StatisticalCheckName =
  | 'new-accuracy'
  | 'forgetting'
  | 'calibration'
  | 'per-class-recall'
  | 'slices';

/**
 * Smallest slice the slice check tests. Below 30 rows one row moves a slice's accuracy by
 * over 3 points and its paired interval spans tens of points: a test there could only fail on
 * a near-total collapse, and many small slices would add comparisons, not evidence.
 */
export const DEFAULT_MIN_SLICE_ROWS = 30;

/** Groups of the new rows the challenger must not regress on (see {@link statisticalGate}). */
export interface SliceGateOptions {
  /** Named groups of new rows: indices into `newCorrect`. */
  slices?: readonly Slice[];
  /** Slices with fewer rows are reported untested; default {@link DEFAULT_MIN_SLICE_ROWS}. */
  minSliceRows?: number;
}

/** One class's recall, champion vs challenger, on the new rows of that class. */
export interface ClassRecallComparison {
  label: number;
  /** New rows whose true label is this class. */
  n: number;
  championRecall: number;
  challengerRecall: number;
  /** championRecall − challengerRecall. */
  drop: number;
  /** Paired interval (Newcombe method 10) for the drop, at 1 − alpha. */
  lower: number;
  upper: number;
  /** drop > maxRecallDrop and lower > 0. */
  collapsed: boolean;
}

export interface StatisticalCheck {
  name: StatisticalCheckName;
  status: 'passed' | 'failed' | 'skipped';
  /**
   * new-accuracy: challenger − champion on the new rows; forgetting: champion − challenger on
   * the old rows; calibration: challenger ECE − champion ECE; per-class-recall: the drop of
   * the class reported (a collapsed one, else the largest drop). `null` when not measured.
   */
  estimate: number | null;
  /** Lower bound of the 1 − alpha interval for `estimate`, for the checks that have one. */
  lower?: number;
  upper?: number;
  /** Rows behind `estimate` (0 when skipped). */
  n: number;
  /** Exact McNemar p-value for the same paired rows, reported alongside (not decided on). */
  pValue?: number;
  /** The numbers in words. */
  message: string;
  /** per-class-recall only: every class that had at least `minClassRows` rows. */
  classes?: ClassRecallComparison[];
  /** slices only: every slice that had at least `minSliceRows` rows. */
  slices?: SliceComparison[];
  /** slices only: the names of the slices the challenger regressed on. */
  failedSlices?: string[];
}

export interface StatisticalGateResult {
  passed: boolean;
  /** Names of the failed checks, in check order. */
  failed: StatisticalCheckName[];
  checks: StatisticalCheck[];
  /** The policy applied, defaults filled in. */
  policy: GatePolicy;
}

// A tiny slack so a value of exactly the limit passes despite floating-point error.
const EPS = 1e-12;

/**
 * Should the challenger replace the champion? Decides from per-row evidence on the SAME
 * held-out rows, with paired intervals ({@link pairedComparison}: Newcombe 1998 paired method
 * 10 at confidence 1 − alpha; the exact McNemar p-value is reported alongside but not decided
 * on). Passes when no check fails. Checks, in order:
 *
 * 1. `new-accuracy` — challenger − champion on the new rows, read per `policy.improvement`.
 * 2. `forgetting` — non-inferiority on the old rows: passes only when the upper bound of
 *    champion − challenger is below `maxForgetting`. Skipped (or failed, with `requireOld`)
 *    when either side lacks old rows.
 * 3. `calibration` — challenger ECE ≤ champion ECE + `maxEceIncrease`; skipped unless both
 *    ECEs are given.
 * 4. `per-class-recall` — for each class with at least `minClassRows` new rows: fails when the
 *    challenger's recall is more than `maxRecallDrop` below the champion's AND the drop is
 *    significant by the PAIRED interval on that class's rows (both models predicted the same
 *    rows, so the pairing is used here too). Skipped without predicted labels on both sides
 *    and true labels on one. One interval per class, no multiplicity correction: requiring a
 *    large drop as well keeps false alarms rare.
 * 5. `slices` — only when `slices.slices` is given: on every slice with at least
 *    `minSliceRows` new rows, the challenger must not be significantly worse (the paired
 *    interval of challenger − champion on the slice's rows may not lie wholly below
 *    −`newMargin`, the rule of `new-accuracy` under `'none'`). An aggregate gain can hide a
 *    group that lost; the failing slices are named in `failedSlices` and the message. No
 *    multiplicity correction: a false alarm costs a review, a hidden regression a segment.
 *
 * Note the argument order: champion first (the opposite of {@link evaluationGate}).
 *
 * @throws {GateInputError} for invalid evidence: empty per-row arrays, arrays whose lengths
 * differ between champion and challenger, per-row values other than 0/1/true/false, an ECE
 * that is not a finite number in [0, 1], labels that are not integers ≥ 0 or that differ
 * between the sides.
 * @throws {RvftError} RVFT_ERR_INVALID_ARGUMENT for an invalid policy, naming the field.
 *
 * @example
 * // 200 new rows: the challenger is wrong on 10 rows the champion got right (b = 10) and right
 * // on 2 the champion got wrong (c = 2); both right on 176, both wrong on 12.
 * const rows = (n: number, v: number) => Array<number>(n).fill(v);
 * const champion = { newCorrect: [...rows(176, 1), ...rows(10, 1), ...rows(2, 0), ...rows(12, 0)] };
 * const challenger = { newCorrect: [...rows(176, 1), ...rows(10, 0), ...rows(2, 1), ...rows(12, 0)] };
 * const result = statisticalGate(champion, challenger); // → { passed: false, failed: ['new-accuracy'] }
 * result.checks[0].message;
 * // → 'challenger − champion on 200 new rows: −0.040 [−0.080, −0.004] (95% interval, McNemar p = 0.039): significantly worse — the whole interval lies below 0'
 */
export function statisticalGate(
  champion: ModelEvidence,
  challenger: ModelEvidence,
  policy: Partial<GatePolicy> = {},
  slices: SliceGateOptions = {},
): StatisticalGateResult {
  const p = resolvePolicy(policy);
  const cp = readEvidence('champion', champion);
  const ch = readEvidence('challenger', challenger);
  sameLength(cp.newCorrect, ch.newCorrect, 'newCorrect');
  if (cp.oldCorrect && ch.oldCorrect) sameLength(cp.oldCorrect, ch.oldCorrect, 'oldCorrect');
  if (cp.labels && ch.labels) {
    for (let i = 0; i < cp.labels.length; i++) {
      if (cp.labels[i] !== ch.labels[i]) {
        throw new GateInputError(
          'challenger',
          `labels[${i}]`,
          ch.labels[i],
          `differs from champion.labels[${i}] = ${cp.labels[i]} (the two models must be scored on the same rows, in the same order)`,
        );
      }
    }
  }

  const confidence = 1 - p.alpha;
  const checks = [
    newAccuracyCheck(cp, ch, p, confidence),
    forgettingCheck(cp, ch, p, confidence),
    calibrationCheck(cp, ch, p),
    perClassRecallCheck(cp, ch, p, confidence),
  ];
  if (slices?.slices !== undefined) checks.push(sliceCheck(cp, ch, p, confidence, slices));
  const failed = checks.filter((c) => c.status === 'failed').map((c) => c.name);
  return { passed: failed.length === 0, failed, checks, policy: p };
}

// ---------------------------------------------------------------------------------------------
// Checks

function newAccuracyCheck(
  cp: Evidence,
  ch: Evidence,
  p: GatePolicy,
  confidence: number,
): StatisticalCheck {
  // challenger (A) − champion (B)
  const r = pairedComparison(ch.newCorrect, cp.newCorrect, { confidence });
  const head = `challenger − champion on ${r.n} new rows: ${interval(r)} (${pct(confidence)} interval, McNemar p = ${pv(r.pValue)})`;
  const worse = r.upper < -p.newMargin;
  const worseText =
    p.newMargin === 0
      ? 'significantly worse — the whole interval lies below 0'
      : `worse by more than the ${fix(p.newMargin)} margin — the whole interval lies below ${signed(-p.newMargin)}`;
  const notWorseText =
    p.newMargin === 0
      ? 'not significantly worse'
      : `not shown to be worse by more than the ${fix(p.newMargin)} margin`;
  let passed: boolean;
  let verdict: string;
  if (p.improvement === 'none') {
    passed = !worse;
    verdict = worse ? worseText : notWorseText;
  } else if (p.improvement === 'margin') {
    const improved = r.difference >= p.minImprovement - EPS;
    passed = improved && !worse;
    const gain = improved
      ? `gains at least the required ${fix(p.minImprovement)}`
      : `the point estimate ${signed(r.difference)} is short of the required ${fix(p.minImprovement)} gain`;
    verdict = `${gain}, and is ${worse ? worseText : notWorseText}`;
  } else {
    passed = r.lower > 0;
    verdict = passed
      ? 'significantly better — the lower bound is above 0'
      : `not significantly better — the lower bound ${signed(r.lower)} is not above 0`;
  }
  return {
    name: 'new-accuracy',
    status: passed ? 'passed' : 'failed',
    estimate: r.difference,
    lower: r.lower,
    upper: r.upper,
    n: r.n,
    pValue: r.pValue,
    message: `${head}: ${verdict}`,
  };
}

function forgettingCheck(
  cp: Evidence,
  ch: Evidence,
  p: GatePolicy,
  confidence: number,
): StatisticalCheck {
  if (!cp.oldCorrect || !ch.oldCorrect) {
    const missing = missingOn(!cp.oldCorrect, !ch.oldCorrect);
    return {
      name: 'forgetting',
      status: p.requireOld ? 'failed' : 'skipped',
      estimate: null,
      n: 0,
      message:
        `old rows not measured (oldCorrect missing on ${missing}): forgetting not checked` +
        (p.requireOld
          ? ', and policy.requireOld refuses a challenger whose forgetting is unknown'
          : ''),
    };
  }
  // champion (A) − challenger (B): positive is forgetting
  const r = pairedComparison(cp.oldCorrect, ch.oldCorrect, { confidence });
  const passed = r.upper < p.maxForgetting;
  const head = `champion − challenger on ${r.n} old rows: ${interval(r)} (${pct(confidence)} interval, McNemar p = ${pv(r.pValue)})`;
  const verdict = passed
    ? `forgetting shown to be below the ${fix(p.maxForgetting)} limit (upper bound ${signed(r.upper)})`
    : `forgetting of up to ${fix(r.upper)} cannot be ruled out — not shown to be below the ${fix(p.maxForgetting)} limit`;
  return {
    name: 'forgetting',
    status: passed ? 'passed' : 'failed',
    estimate: r.difference,
    lower: r.lower,
    upper: r.upper,
    n: r.n,
    pValue: r.pValue,
    message: `${head}: ${verdict}`,
  };
}

function calibrationCheck(cp: Evidence, ch: Evidence, p: GatePolicy): StatisticalCheck {
  if (cp.ece === undefined || ch.ece === undefined) {
    return {
      name: 'calibration',
      status: 'skipped',
      estimate: null,
      n: 0,
      message: `ECE missing on ${missingOn(cp.ece === undefined, ch.ece === undefined)}: calibration not checked`,
    };
  }
  const increase = ch.ece - cp.ece;
  const passed = increase <= p.maxEceIncrease + EPS;
  return {
    name: 'calibration',
    status: passed ? 'passed' : 'failed',
    estimate: increase,
    n: ch.newCorrect.length,
    message:
      `challenger ECE ${fix(ch.ece)} vs champion ${fix(cp.ece)} on ${ch.newCorrect.length} new rows: ` +
      `change ${signed(increase)}, ${passed ? 'within' : 'above'} the ${signed(p.maxEceIncrease)} allowed increase`,
  };
}

function perClassRecallCheck(
  cp: Evidence,
  ch: Evidence,
  p: GatePolicy,
  confidence: number,
): StatisticalCheck {
  const labels = cp.labels ?? ch.labels;
  const skip = (message: string): StatisticalCheck => ({
    name: 'per-class-recall',
    status: 'skipped',
    estimate: null,
    n: 0,
    message,
  });
  if (!cp.predicted || !ch.predicted) {
    return skip(
      `predicted labels missing on ${missingOn(!cp.predicted, !ch.predicted)}: per-class recall not checked`,
    );
  }
  if (!labels) return skip('true labels missing on both sides: per-class recall not checked');

  const rowsOf = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i] as number;
    const rows = rowsOf.get(label);
    if (rows) rows.push(i);
    else rowsOf.set(label, [i]);
  }
  const cpPred = cp.predicted;
  const chPred = ch.predicted;
  const classes: ClassRecallComparison[] = [];
  let untested = 0;
  for (const [label, rows] of [...rowsOf].sort((a, b) => a[0] - b[0])) {
    if (rows.length < p.minClassRows) {
      untested++;
      continue;
    }
    // champion (A) − challenger (B) on this class's rows: the recall drop
    const r = pairedComparison(
      rows.map((i) => cpPred[i] === label),
      rows.map((i) => chPred[i] === label),
      { confidence },
    );
    classes.push({
      label,
      n: r.n,
      championRecall: r.accuracyA,
      challengerRecall: r.accuracyB,
      drop: r.difference,
      lower: r.lower,
      upper: r.upper,
      collapsed: r.difference > p.maxRecallDrop + EPS && r.lower > 0,
    });
  }
  const untestedText =
    untested === 0
      ? ''
      : `; ${untested} class${untested === 1 ? '' : 'es'} with fewer rows not tested`;
  if (classes.length === 0) {
    return skip(
      `no class has at least ${p.minClassRows} of the ${labels.length} new rows: per-class recall not checked`,
    );
  }
  const describeClass = (c: ClassRecallComparison) =>
    `class ${c.label} (${c.n} rows) recall ${fix(c.championRecall)} → ${fix(c.challengerRecall)}, ` +
    `drop ${interval({ difference: c.drop, lower: c.lower, upper: c.upper })}`;
  const collapsed = classes.filter((c) => c.collapsed).sort((a, b) => b.drop - a.drop);
  const worst =
    collapsed[0] ??
    classes.reduce((a, b) => (b.drop > a.drop ? b : a), classes[0] as ClassRecallComparison);
  const conf = `${pct(confidence)} paired intervals`;
  const message =
    collapsed.length > 0
      ? `recall collapsed on ${collapsed.map(describeClass).join('; ')} (${conf}): a drop above ${fix(p.maxRecallDrop)} and significant${untestedText}`
      : `no class with at least ${p.minClassRows} rows lost more than ${fix(p.maxRecallDrop)} recall significantly ` +
        `(${classes.length} tested${untestedText.replace(/^; /, ', ')}); largest drop: ${describeClass(worst)} (${conf})`;
  return {
    name: 'per-class-recall',
    status: collapsed.length > 0 ? 'failed' : 'passed',
    estimate: worst.drop,
    lower: worst.lower,
    upper: worst.upper,
    n: worst.n,
    message,
    classes,
  };
}

function sliceCheck(
  cp: Evidence,
  ch: Evidence,
  p: GatePolicy,
  confidence: number,
  opts: SliceGateOptions,
): StatisticalCheck {
  const minSliceRows = checkNumber(
    'statisticalGate',
    'minSliceRows',
    opts.minSliceRows ?? DEFAULT_MIN_SLICE_ROWS,
    { integer: true, min: 1 },
  );
  if (!Array.isArray(opts.slices)) {
    throw invalidArgument('statisticalGate', 'slices', 'an array of { name, rows }', opts.slices);
  }
  const { tested, untested } = compareSlices(opts.slices, cp.newCorrect, ch.newCorrect, {
    confidence,
    minSliceRows,
    newMargin: p.newMargin,
  });
  const untestedText =
    untested === 0
      ? ''
      : `; ${untested} slice${untested === 1 ? '' : 's'} with fewer rows not tested`;
  if (tested.length === 0) {
    return {
      name: 'slices',
      status: 'skipped',
      estimate: null,
      n: 0,
      message: `no slice has at least ${minSliceRows} new rows: slices not checked${untestedText}`,
      slices: [],
      failedSlices: [],
    };
  }
  const describeSlice = (s: SliceComparison) =>
    `${s.name} (${s.n} rows) ${fix(s.championAccuracy)} → ${fix(s.challengerAccuracy)}, ${interval(s)}`;
  // in the order given, so the names read like the slice table
  const regressed = tested.filter((s) => s.regressed);
  const worst = (regressed.length > 0 ? regressed : tested).reduce((a, b) =>
    b.difference < a.difference ? b : a,
  );
  const conf = `${pct(confidence)} paired intervals`;
  const bound = p.newMargin === 0 ? '0' : signed(-p.newMargin);
  const message =
    regressed.length > 0
      ? `significantly worse on ${regressed.map(describeSlice).join('; ')} (challenger − champion, ${conf}: the whole interval below ${bound})${untestedText}`
      : `no slice with at least ${minSliceRows} rows is significantly worse (${tested.length} tested${untestedText.replace(/^; /, ', ')}); ` +
        `worst slice: ${describeSlice(worst)} (challenger − champion, ${conf})`;
  return {
    name: 'slices',
    status: regressed.length > 0 ? 'failed' : 'passed',
    estimate: worst.difference,
    lower: worst.lower,
    upper: worst.upper,
    n: worst.n,
    pValue: worst.pValue,
    message,
    slices: tested,
    failedSlices: regressed.map((s) => s.name),
  };
}

// ---------------------------------------------------------------------------------------------
// Input

interface Evidence {
  newCorrect: Uint8Array;
  oldCorrect?: Uint8Array;
  ece?: number;
  predicted?: number[];
  labels?: number[];
}

function resolvePolicy(policy: Partial<GatePolicy>): GatePolicy {
  if (policy === null || typeof policy !== 'object') {
    throw invalidArgument('statisticalGate', 'policy', 'a policy object', policy);
  }
  const p: GatePolicy = {
    alpha: policy.alpha ?? DEFAULT_GATE_POLICY.alpha,
    improvement: policy.improvement ?? DEFAULT_GATE_POLICY.improvement,
    newMargin: policy.newMargin ?? DEFAULT_GATE_POLICY.newMargin,
    minImprovement: policy.minImprovement ?? DEFAULT_GATE_POLICY.minImprovement,
    maxForgetting: policy.maxForgetting ?? DEFAULT_GATE_POLICY.maxForgetting,
    requireOld: policy.requireOld ?? DEFAULT_GATE_POLICY.requireOld,
    maxEceIncrease: policy.maxEceIncrease ?? DEFAULT_GATE_POLICY.maxEceIncrease,
    minClassRows: policy.minClassRows ?? DEFAULT_GATE_POLICY.minClassRows,
    maxRecallDrop: policy.maxRecallDrop ?? DEFAULT_GATE_POLICY.maxRecallDrop,
  };
  const where = 'statisticalGate';
  checkNumber(where, 'policy.alpha', p.alpha, { above: 0, below: 1 });
  checkOneOf(where, 'policy.improvement', p.improvement, ['none', 'margin', 'significant']);
  for (const key of [
    'newMargin',
    'minImprovement',
    'maxForgetting',
    'maxEceIncrease',
    'maxRecallDrop',
  ] as const) {
    checkNumber(where, `policy.${key}`, p[key], { min: 0, max: 1 });
  }
  checkNumber(where, 'policy.minClassRows', p.minClassRows, { integer: true, min: 1 });
  if (typeof p.requireOld !== 'boolean') {
    throw invalidArgument(where, 'policy.requireOld', 'a boolean', p.requireOld);
  }
  return p;
}

function readEvidence(side: GateSide, e: ModelEvidence): Evidence {
  if (typeof e !== 'object' || e === null) {
    throw new GateInputError(side, '(evidence)', e, 'is not an object with newCorrect');
  }
  const out: Evidence = { newCorrect: readCorrect(side, 'newCorrect', e.newCorrect, true) };
  const n = out.newCorrect.length;
  if (e.oldCorrect !== undefined) out.oldCorrect = readCorrect(side, 'oldCorrect', e.oldCorrect);
  if (e.ece !== undefined) out.ece = checkGateNumber(side, 'ece', e.ece, 0, 1, 'an ECE in [0, 1]');
  if (e.predicted !== undefined) out.predicted = readLabels(side, 'predicted', e.predicted, n);
  if (e.labels !== undefined) out.labels = readLabels(side, 'labels', e.labels, n);
  return out;
}

function lengthOf(side: GateSide, field: string, values: unknown): number {
  const length = (values as { length?: unknown } | null | undefined)?.length;
  if (
    typeof values !== 'object' ||
    values === null ||
    typeof length !== 'number' ||
    !Number.isInteger(length) ||
    length < 0
  ) {
    throw new GateInputError(side, field, values, 'is not an array');
  }
  return length;
}

function readCorrect(side: GateSide, field: string, values: unknown, required = false): Uint8Array {
  if (values === undefined && required) {
    throw new GateInputError(
      side,
      field,
      values,
      'is required (per-row true/1 right, false/0 wrong)',
    );
  }
  const n = lengthOf(side, field, values);
  if (n === 0) throw new GateInputError(side, `${field}.length`, 0, 'needs at least one row');
  const source = values as ArrayLike<unknown>;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const v = source[i];
    if (v === true || v === 1) out[i] = 1;
    else if (v !== false && v !== 0) {
      throw new GateInputError(side, `${field}[${i}]`, v, 'is not 0/1/true/false');
    }
  }
  return out;
}

function readLabels(side: GateSide, field: string, values: unknown, rows: number): number[] {
  const n = lengthOf(side, field, values);
  if (n !== rows) {
    throw new GateInputError(
      side,
      `${field}.length`,
      n,
      `must equal ${side}.newCorrect.length = ${rows} (one label per new row)`,
    );
  }
  const source = values as ArrayLike<unknown>;
  const out: number[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const v = source[i];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
      throw new GateInputError(side, `${field}[${i}]`, v, 'is not a class label (an integer >= 0)');
    }
    out[i] = v;
  }
  return out;
}

function sameLength(champion: ArrayLike<unknown>, challenger: ArrayLike<unknown>, field: string) {
  if (champion.length !== challenger.length) {
    throw new GateInputError(
      'challenger',
      `${field}.length`,
      challenger.length,
      `must equal champion.${field}.length = ${champion.length} (the two models must be scored on the same rows)`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Words

function missingOn(champion: boolean, challenger: boolean): string {
  return champion && challenger ? 'both sides' : champion ? 'champion' : 'challenger';
}

/** 0.021 → '+0.021', −0.013 → '−0.013' (a true minus sign), 0 → '0.000'. */
function signed(x: number): string {
  const s = Math.abs(x).toFixed(3);
  if (s === '0.000') return s;
  return `${x < 0 ? '−' : '+'}${s}`;
}

function fix(x: number): string {
  return x.toFixed(3);
}

function interval(r: Pick<PairedComparison, 'difference' | 'lower' | 'upper'>): string {
  return `${signed(r.difference)} [${signed(r.lower)}, ${signed(r.upper)}]`;
}

function pct(confidence: number): string {
  return `${Number((confidence * 100).toPrecision(10))}%`;
}

function pv(p: number): string {
  return p >= 0.001 ? p.toFixed(3) : p.toExponential(1);
}
