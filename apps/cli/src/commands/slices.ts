import { type Dataset, keptColumns } from '@rvft/data';
import {
  describeSliceSpec,
  parseSliceSpec,
  type Slice,
  type SliceReport,
  type SliceSpec,
  sliceMetrics,
  sliceRows,
} from '@rvft/metrics';
import { rowPredictions } from '@rvft/pipeline';
import { openRegistry } from '@rvft/registry';
import { parseModelRef } from '../champion-ref';
import { InputError } from '../errors';
import { loadForModel } from '../tables';
import { pct } from './shared';

/** `--slice` specs, parsed; the columns they read, each once. */
export function parseSlices(specs: readonly string[] | undefined): {
  specs: SliceSpec[];
  columns: string[];
} {
  const parsed = (specs ?? []).map((text) => {
    try {
      return parseSliceSpec(text);
    } catch (e) {
      // the flag, not the library function, is what the user typed
      throw new InputError(
        `--slice: ${(e as Error).message.replace(/^parseSliceSpec: slice /, '')}`,
      );
    }
  });
  return { specs: parsed, columns: [...new Set(parsed.map((s) => s.column))] };
}

/** The slices of the rows of `data` (loaded with the spec columns kept), in spec order. */
export function slicesOf(data: Dataset, specs: readonly SliceSpec[]): Slice[] {
  const kept = keptColumns(data) ?? {};
  return specs.flatMap((spec) => sliceRows(spec, kept[spec.column] ?? []));
}

/**
 * `rvft slices --champion <ref> [--challenger <ref>] --data <file> --slice <spec>…`: accuracy
 * (Wilson 95 %), recall per class and ECE on each slice of a labelled file, champion and
 * challenger side by side with their paired difference. An aggregate score hides a segment
 * the model fails; this table shows it. Registers and moves nothing.
 */
export async function slicesCommand(opts: {
  champion: string;
  challenger?: string;
  data: string;
  slice?: string[];
  label?: string;
  json?: boolean;
}): Promise<void> {
  const { specs, columns } = parseSlices(opts.slice);
  if (specs.length === 0) {
    throw new InputError('--slice: give at least one (a column, or a predicate such as "age<30")');
  }
  const load = async (text: string, option: string) => {
    const ref = parseModelRef(text, option);
    const registry = await openRegistry(ref.registryDir);
    const version = await registry.resolve(ref.name, ref.ref);
    const meta = await registry.meta(ref.name, version);
    const data = await loadForModel(
      opts.data,
      meta.dataSchema,
      opts.label,
      meta.inputDim,
      meta.outputDim,
      columns,
    );
    const model = await registry.load(ref.name, { version });
    try {
      const p = rowPredictions(model, data);
      return {
        name: ref.name,
        version,
        data,
        predicted: p.predicted,
        probabilities: p.probabilities,
        outputs: model.outputDim,
      };
    } finally {
      model.dispose();
    }
  };
  const champion = await load(opts.champion, '--champion');
  const challenger = opts.challenger ? await load(opts.challenger, '--challenger') : undefined;
  // each model reads the file with its own classes; the table's labels are the challenger's
  // (an update appends classes, so it knows the champion's and any new ones)
  const base = challenger ?? champion;
  const classNames = [...(base.data.classNames ?? [])];
  const byName = new Map(classNames.map((c, k) => [c, k]));
  const toBase = (side: typeof champion) => {
    const names = side.data.classNames ?? [];
    const same = names.length === classNames.length && names.every((c, k) => c === classNames[k]);
    if (same)
      return {
        predicted: side.predicted,
        probabilities: { values: side.probabilities, nClasses: side.outputs },
      };
    // class indices differ: predictions are matched by class name, and the ECE (which reads
    // the probabilities against labels) is left out rather than computed on the wrong classes
    return { predicted: Array.from(side.predicted, (k) => byName.get(names[k] ?? '') ?? -1) };
  };
  const slices: Slice[] = [
    { name: 'all', rows: Array.from({ length: base.data.nRows }, (_, i) => i) },
    ...slicesOf(base.data, specs),
  ];
  const reports = sliceMetrics(
    slices,
    base.data.labels,
    toBase(champion),
    challenger ? toBase(challenger) : undefined,
  );
  const result = {
    data: opts.data,
    rows: base.data.nRows,
    champion: { name: champion.name, version: champion.version },
    ...(challenger ? { challenger: { name: challenger.name, version: challenger.version } } : {}),
    specs: specs.map(describeSliceSpec),
    classNames,
    slices: reports,
  };
  if (opts.json) {
    console.log(JSON.stringify(result, null, 2));
    return;
  }
  console.log(formatSlices(result));
}

const interval = (a: { estimate: number; lower: number; upper: number }) =>
  `${pct(a.estimate)} [${(a.lower * 100).toFixed(1)}, ${(a.upper * 100).toFixed(1)}]`;
const signedPct = (x: number) => `${x >= 0 ? '+' : '−'}${(Math.abs(x) * 100).toFixed(1)}`;

/** The slice table in words: one row per slice, recall per class under it. */
function formatSlices(r: {
  data: string;
  rows: number;
  champion: { name: string; version: number };
  challenger?: { name: string; version: number };
  classNames: string[];
  slices: SliceReport[];
}): string {
  const who = `${r.champion.name} v${r.champion.version}${r.challenger ? ` vs ${r.challenger.name} v${r.challenger.version}` : ''}`;
  const width = Math.max(5, ...r.slices.map((s) => s.name.length));
  const head = [
    'slice'.padEnd(width),
    'rows'.padStart(6),
    'champion acc [95 % Wilson]'.padEnd(28),
    'ECE'.padStart(6),
    ...(r.challenger
      ? [
          'challenger acc [95 % Wilson]'.padEnd(28),
          'ECE'.padStart(6),
          'challenger − champion, points [95 % paired]',
        ]
      : []),
  ].join('  ');
  const lines = [`${who} on ${r.data} (${r.rows} rows)`, '', head];
  const name = (label: number) => r.classNames[label] ?? String(label);
  for (const s of r.slices) {
    const ece = (x: number | undefined) => (x === undefined ? '-' : x.toFixed(3)).padStart(6);
    const cells = [
      s.name.padEnd(width),
      String(s.n).padStart(6),
      interval(s.champion.accuracy).padEnd(28),
      ece(s.champion.ece),
    ];
    if (s.challenger && s.comparison) {
      const c = s.comparison;
      cells.push(
        interval(s.challenger.accuracy).padEnd(28),
        ece(s.challenger.ece),
        `${signedPct(c.difference)} [${signedPct(c.lower)}, ${signedPct(c.upper)}]${c.upper < 0 ? '  worse' : ''}`,
      );
    }
    lines.push(cells.join('  '));
    const recall = s.champion.recall.map((c, k) => {
      const ch = s.challenger?.recall[k];
      return `${name(c.label)} ${pct(c.recall)}${ch ? ` → ${pct(ch.recall)}` : ''} (${c.n})`;
    });
    lines.push(`${' '.repeat(width)}  recall: ${recall.join(', ')}`);
  }
  return lines.join('\n');
}
