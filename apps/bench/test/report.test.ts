import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { renderReport, reportCharts, runBench } from '../src/index';

// Debian's chromium (.ci/run installs it); CHROMIUM_PATH points elsewhere.
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
// In CI a missing browser is a failure, not a skip.
const inCi = Boolean(process.env['CI']);
const outDir = new URL('../test-output/', import.meta.url).pathname;

describe('the HTML report', () => {
  it('has a chart per scenario metric, whiskers data with 2+ seeds, and the cost model', async () => {
    const result = await runBench({ scenarios: ['D'], seeds: 2 });
    const charts = reportCharts(result);
    expect(charts.map((c) => c.id)).toEqual(['D-accuracy', 'D-train', 'cost-model']);
    const acc = charts[0]!;
    expect(acc.categories).toEqual([
      'champion',
      'fine_tune_head_only',
      'fine_tune_full_network',
      'train_from_scratch',
    ]);
    expect(acc.series[0]!.values).toEqual(result.scenarios.D!.rows.map((r) => r.accuracy));
    expect(acc.series[0]!.sd).toEqual(result.scenarios.D!.rows.map((r) => r.sd!.accuracy));
    // the accuracy axis holds every whisker, on hundredths, inside [0, 1]
    const lows = acc.series[0]!.values.map((v, i) => v - acc.series[0]!.sd![i]!);
    const highs = acc.series[0]!.values.map((v, i) => v + acc.series[0]!.sd![i]!);
    expect(acc.yMin!).toBeLessThan(Math.min(...lows));
    expect(acc.yMax!).toBeGreaterThanOrEqual(Math.min(1, Math.max(...highs)));
    expect(acc.yMin!).toBeGreaterThanOrEqual(0);
    expect(acc.yMax!).toBeLessThanOrEqual(1);
    expect(Math.round(acc.yMin! * 100)).toBeCloseTo(acc.yMin! * 100, 9);
    const html = renderReport(result);
    // self-contained: no element outside the inline scripts loads anything
    const markup = html.replace(/<script\b[^>]*>[\s\S]*?<\/script>/gi, '<script></script>');
    expect(markup.match(/<(script|link|img|iframe)[^>]+(src|href)=/gi)).toBeNull();
    expect(html.match(/<script\b/gi)).toHaveLength(4);
    expect(html).toContain("default-src 'none'");
  });

  it.skipIf(!haveChromium && !inCi)(
    'renders every chart in headless Chromium with no console errors and no network',
    async () => {
      expect(haveChromium, `no Chromium at ${CHROMIUM}: apt-get install -y chromium`).toBe(true);
      const result = await runBench({
        scenarios: ['C', 'D'],
        seeds: 2,
        validateDecisions: true,
        workers: 2,
      });
      mkdirSync(outDir, { recursive: true });
      const file = join(outDir, 'report.html');
      writeFileSync(file, renderReport(result));
      const expected = reportCharts(result).length;

      const browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: [
          '--headless=new',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-dev-shm-usage',
          '--disable-background-networking',
        ],
      });
      try {
        const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
        const problems: string[] = [];
        page.on('console', (m) => {
          if (m.type() === 'error' || m.type() === 'warning')
            problems.push(`${m.type()}: ${m.text()}`);
        });
        page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
        const requests: string[] = [];
        page.on('request', (r) => requests.push(r.url()));
        await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
        await page.waitForSelector(`[data-rendered="true"]`, { timeout: 10_000 });

        const charts = await page.$$eval('.chart', (els) =>
          els.map((el) => {
            const svg = el.querySelector('svg');
            const box = svg?.getBoundingClientRect();
            return {
              id: el.id,
              rendered: el.getAttribute('data-rendered'),
              width: box?.width ?? 0,
              height: box?.height ?? 0,
              paths: svg?.querySelectorAll('path').length ?? 0,
              texts: [...(svg?.querySelectorAll('text') ?? [])].map((t) => t.textContent ?? ''),
            };
          }),
        );
        expect(charts).toHaveLength(expected);
        for (const c of charts) {
          expect(c.rendered, c.id).toBe('true');
          expect(c.width, c.id).toBeGreaterThan(300);
          expect(c.height, c.id).toBeGreaterThan(200);
          expect(c.paths, c.id).toBeGreaterThan(5);
        }
        // the bars carry the strategies' names and the titles are drawn
        const d = charts.find((c) => c.id === 'chart-D-accuracy')!;
        expect(d.texts.join(' ')).toContain('fine_tune_head_only');
        expect(d.texts.join(' ')).toContain('D — accuracy');
        expect(await page.locator('table.decisions tbody tr').count()).toBe(2);
        expect(problems).toEqual([]);
        expect(requests).toEqual([pathToFileURL(file).href]);

        const png = join(outDir, 'report.png');
        await page.screenshot({ path: png, fullPage: true });
        expect(statSync(png).size).toBeGreaterThan(50_000);
      } finally {
        await browser.close();
      }
    },
  );
});
