import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ScenarioId } from './config';
import { costModelTable, DECISION_HEADERS, decisionRows, scenarioTable } from './format';
import type { AggregateRow, BenchResult, Metric } from './run';

/**
 * A chart in the report, as plain data: the page's script turns each into an ECharts option.
 * Keeping the specs JSON (no functions) lets the HTML carry them inside a data block.
 */
export interface ChartSpec {
  id: string;
  title: string;
  /** Bar labels, in order. */
  categories: string[];
  series: { name: string; values: number[]; sd?: number[] }[];
  yName: string;
  /** Value-axis range; absent: the charting library's own. */
  yMin?: number;
  yMax?: number;
  /** Logarithmic value axis (the cost model spans three orders of magnitude). */
  log?: boolean;
  horizontal?: boolean;
}

const SCENARIOS: readonly ScenarioId[] = ['A', 'B', 'C', 'D'];

function column(rows: AggregateRow[], metric: Metric): { values: number[]; sd?: number[] } {
  const values = rows.map((r) => r[metric] ?? 0);
  const withSd = rows.some((r) => r.sd?.[metric] !== undefined);
  return withSd ? { values, sd: rows.map((r) => r.sd?.[metric] ?? 0) } : { values };
}

/**
 * An accuracy axis that shows the differences: from a little under the lowest whisker to a
 * little over the highest, on hundredths, within [0, 1]. Bars then start above zero, so the
 * numbers are printed on them.
 */
function accuracyRange(series: ChartSpec['series']): { yMin: number; yMax: number } {
  const lows = series.flatMap((s) => s.values.map((v, i) => v - (s.sd?.[i] ?? 0)));
  const highs = series.flatMap((s) => s.values.map((v, i) => v + (s.sd?.[i] ?? 0)));
  const lo = Math.min(...lows);
  const hi = Math.max(...highs);
  const pad = Math.max((hi - lo) * 0.15, 0.005);
  return {
    yMin: Math.max(0, Math.floor((lo - pad) * 100) / 100),
    yMax: Math.min(1, Math.ceil((hi + pad) * 100) / 100),
  };
}

/** Every chart of a bench result: per scenario accuracy and train time, C's old/new, costs. */
export function reportCharts(result: BenchResult): ChartSpec[] {
  const charts: ChartSpec[] = [];
  for (const id of SCENARIOS) {
    const s = result.scenarios[id];
    if (!s) continue;
    const categories = s.rows.map((r) => r.id);
    const accuracy = [{ name: 'accuracy', ...column(s.rows, 'accuracy') }];
    charts.push({
      id: `${id}-accuracy`,
      title: `${id} — accuracy (${s.test})`,
      categories,
      series: accuracy,
      yName: 'accuracy',
      ...accuracyRange(accuracy),
    });
    if (s.rows.some((r) => r.oldClassAccuracy !== undefined)) {
      charts.push({
        id: `${id}-classes`,
        title: `${id} — old-class vs new-class accuracy`,
        categories,
        series: [
          { name: 'old classes', ...column(s.rows, 'oldClassAccuracy') },
          { name: 'new classes', ...column(s.rows, 'newClassAccuracy') },
        ],
        yName: 'accuracy',
      });
    }
    charts.push({
      id: `${id}-train`,
      title: `${id} — training time`,
      categories,
      series: [{ name: 'train s', ...column(s.rows, 'trainS') }],
      yName: 'seconds',
    });
  }
  charts.push({
    id: 'cost-model',
    title: 'Cost model — relative compute (head-only = 1)',
    categories: result.costModel.map((c) => c.strategy),
    series: [{ name: 'relative compute', values: result.costModel.map((c) => c.relativeCompute) }],
    yName: '× head-only',
    log: true,
    horizontal: true,
  });
  return charts;
}

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );

// JSON inside <script> must not close the element.
const scriptJson = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c');

function htmlTable(headers: string[], rows: string[][], className = ''): string {
  const head = headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = rows
    .map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`)
    .join('\n');
  return `<table class="${className}"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

function scenarioSection(id: ScenarioId, result: BenchResult, charts: ChartSpec[]): string {
  const s = result.scenarios[id];
  if (!s) return '';
  const t = scenarioTable(s);
  const table = htmlTable(t.headers, t.rows, 'numbers scenario');
  const divs = charts
    .filter((c) => c.id.startsWith(`${id}-`))
    .map((c) => `<div class="chart" id="chart-${c.id}" data-chart="${c.id}"></div>`)
    .join('\n');
  return `<section id="scenario-${id}">
<h2>Scenario ${id} — ${escapeHtml(s.title)}</h2>
<p class="note">Test set: ${escapeHtml(s.test)}.</p>
<div class="charts">${divs}</div>
${table}
</section>`;
}

function decisionSection(result: BenchResult): string {
  if (!result.decisionValidation) return '';
  return `<section id="decisions">
<h2>Decisions checked against outcomes</h2>
<p class="note">The engine's recommendation from raw data vs the measured winner: the strategy
that ran the fewest parameter updates among those not significantly worse than the best (exact
McNemar on the per-row predictions, pooled over seeds, α = 0.05).</p>
${htmlTable(DECISION_HEADERS, decisionRows(result), 'decisions')}
</section>`;
}

// Runs in the page: turns each ChartSpec into an ECharts bar chart (SVG renderer), with
// mean ± sd whiskers drawn by a custom series when the spec carries sd.
const PAGE_SCRIPT = `
(function () {
  var specs = JSON.parse(document.getElementById('rvft-charts').textContent);
  // one whisker (mean - sd to mean + sd, with caps) per bar
  function whisker(horizontal) {
    return function (params, api) {
      var k = api.value(0), mean = api.value(1), sd = api.value(2);
      var lo = api.coord(horizontal ? [mean - sd, k] : [k, mean - sd]);
      var hi = api.coord(horizontal ? [mean + sd, k] : [k, mean + sd]);
      var style = { stroke: '#222', lineWidth: 1.4 };
      var cap = function (p) {
        return horizontal
          ? { type: 'line', shape: { x1: p[0], y1: p[1] - 5, x2: p[0], y2: p[1] + 5 }, style: style }
          : { type: 'line', shape: { x1: p[0] - 5, y1: p[1], x2: p[0] + 5, y2: p[1] }, style: style };
      };
      return { type: 'group', children: [
        { type: 'line', shape: { x1: lo[0], y1: lo[1], x2: hi[0], y2: hi[1] }, style: style },
        cap(lo), cap(hi)
      ] };
    };
  }
  specs.forEach(function (spec) {
    var el = document.getElementById('chart-' + spec.id);
    var chart = echarts.init(el, null, { renderer: 'svg' });
    var n = spec.series.length;
    var category = { type: 'category', data: spec.categories,
      axisLabel: { interval: 0, rotate: spec.horizontal ? 0 : 30, fontSize: 10 } };
    var value = { type: spec.log ? 'log' : 'value', name: spec.yName };
    if (spec.yMin !== undefined) value.min = spec.yMin;
    if (spec.yMax !== undefined) value.max = spec.yMax;
    var digits = spec.log ? 1 : spec.yName === 'seconds' ? 2 : 3;
    var series = [];
    spec.series.forEach(function (s) {
      series.push({ type: 'bar', name: s.name, data: s.values, barMaxWidth: 36,
        label: { show: n === 1, position: spec.horizontal ? 'right' : 'top', fontSize: 9,
          formatter: function (p) { return p.value >= 100 ? p.value.toFixed(0) : p.value.toFixed(digits); } } });
      // whiskers only where one bar stands per category: grouped bars would need their offsets
      if (s.sd && n === 1) {
        series.push({ type: 'custom', name: s.name + ' sd', renderItem: whisker(spec.horizontal),
          encode: spec.horizontal ? { x: 1, y: 0 } : { x: 0, y: 1 },
          data: s.values.map(function (v, i) { return [i, v, s.sd[i]]; }), z: 10, silent: true, clip: true });
      }
    });
    chart.setOption({
      animation: false,
      title: { text: spec.title, left: 0, textStyle: { fontSize: 13 } },
      tooltip: { trigger: 'axis' },
      legend: n > 1 ? { top: 0, right: 0, data: spec.series.map(function (s) { return s.name; }) } : undefined,
      grid: { left: spec.horizontal ? 160 : 55, right: 40, top: 62, bottom: spec.horizontal ? 30 : 90 },
      xAxis: spec.horizontal ? value : category,
      yAxis: spec.horizontal ? category : value,
      series: series
    });
    el.setAttribute('data-rendered', 'true');
  });
})();
`;

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 24px auto; max-width: 1180px; color: #1d1d1f; padding: 0 16px; }
h1 { font-size: 22px; margin-bottom: 4px; } h2 { font-size: 17px; margin-top: 32px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
.meta, .note { color: #555; font-size: 13px; }
.charts { display: flex; flex-wrap: wrap; gap: 12px; }
.chart { width: 560px; height: 330px; }
#chart-cost-model { width: 760px; height: 280px; }
table { border-collapse: collapse; margin: 10px 0; font-size: 13px; }
th, td { border-bottom: 1px solid #e4e4e4; padding: 4px 10px; text-align: right; }
th:first-child, td:first-child, table.scenario th:last-child, table.scenario td:last-child, table.decisions th, table.decisions td, table.findings td { text-align: left; }
td.pass { color: #0a7d32; font-weight: 600; } td.fail { color: #b3261e; font-weight: 600; }
`;

function echartsSource(): string {
  const require = createRequire(import.meta.url);
  // a literal "</script" inside the library would end the inline element early
  return readFileSync(require.resolve('echarts/dist/echarts.min.js'), 'utf8').replace(
    /<\/script/gi,
    '<\\/script',
  );
}

/**
 * One self-contained HTML file for a bench result: ECharts is inlined, the data rides along
 * in the page, and nothing is fetched when it opens.
 */
export function renderReport(result: BenchResult, opts: { generatedAt?: Date } = {}): string {
  const charts = reportCharts(result);
  const when = (opts.generatedAt ?? new Date()).toISOString().replace('T', ' ').slice(0, 16);
  const findings = `<table class="findings"><tbody>${result.findings
    .map(
      (f) =>
        `<tr><td class="${f.holds ? 'pass' : 'fail'}">${f.holds ? 'PASS' : 'FAIL'}</td><td>${f.scenario}</td><td>${escapeHtml(f.claim)}</td><td>${escapeHtml(f.detail)}</td></tr>`,
    )
    .join('\n')}</tbody></table>`;
  const costTable = costModelTable(result);
  const cost = htmlTable(costTable.headers, costTable.rows, 'numbers');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>rvft benchmark — retrain vs fine-tune</title>
<style>${STYLE}</style>
</head>
<body>
<h1>rvft benchmark — retrain vs fine-tune</h1>
<p class="meta">Seeds ${result.seeds.join(', ')}${result.seeds.length > 1 ? ' (bars: mean, whiskers: ± 1 sd)' : ''} · backend ${escapeHtml(result.backend)} · total runtime ${result.totalRuntimeS.toFixed(1)} s · generated ${when} UTC</p>
${SCENARIOS.map((id) => scenarioSection(id, result, charts)).join('\n')}
<section id="cost">
<h2>Cost model</h2>
<p class="note">Relative compute (parameters × epochs × samples, head-only = 1): 267,000 parameters, 512 in the head, 500 new and 1,000 old samples, 10 epochs.</p>
<div class="charts"><div class="chart" id="chart-cost-model" data-chart="cost-model"></div></div>
${cost}
</section>
<section id="findings">
<h2>The article's findings</h2>
${findings}
</section>
${decisionSection(result)}
<script type="application/json" id="rvft-charts">${scriptJson(charts)}</script>
<script type="application/json" id="rvft-result">${scriptJson(result)}</script>
<script>${echartsSource()}</script>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
}
