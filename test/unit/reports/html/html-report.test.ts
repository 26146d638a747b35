/**
 * The HTML report in a real browser: Debian's chromium, headless, driven by playwright-core.
 * Fails (never skips) when chromium is missing: CI installs it through .ci/system-deps.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { tempDirFactory } from '../../helpers/temp-dirs.js';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { writeReport } from '../../../../reports/report.js';

const tempDir = tempDirFactory(test);

const CHROMIUM = '/usr/bin/chromium';
const runs = fileURLToPath(new URL('../../../fixtures/runs/', import.meta.url));
const out = tempDir(join(tmpdir(), 'vlbench-html-'));
const htmlFile = join(out, 'report.html');

test('the report file is self-contained: no external script, stylesheet or image', async () => {
  const written = await writeReport([`${runs}baseline`, `${runs}regression`], out, ['html']);
  assert.ok(written.files.includes(htmlFile));
  const html = readFileSync(htmlFile, 'utf8');
  const markup = html.replace(/<script\b[^>]*>[\s\S]*?<\/script>/gi, '<script></script>');
  assert.not.match(markup, /<script[^>]+src=/i);
  assert.not.match(markup, /<link[^>]+href=/i);
  assert.not.match(markup, /<img[^>]+src="(?!data:)/i);
  assert.ok((markup.match(/<img /g) ?? []).length >= 4);
  for (const vendor of ['vega', 'vega-lite', 'vega-embed']) assert.match(html, new RegExp(`<script data-vendor="${vendor}">`));
  assert.match(html, /Copyright \(c\) 2015, University of Washington Interactive Data Lab/); // BSD-3 notice travels with the code
});

test('in headless Chromium: loads offline with no console error, every chart draws, samples show images', async () => {
  if (!existsSync(CHROMIUM)) {
    assert.unreachable(`${CHROMIUM} not found: install Debian's chromium (apt-get install -y chromium, as .ci/system-deps does) to run the HTML report check`);
  }
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    const page = await browser.newPage();
    const problems: string[] = [];
    const external: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('request', (r) => { if (!/^(file|data|blob|about):/.test(r.url())) external.push(r.url()); });
    await page.goto(pathToFileURL(htmlFile).href);
    // A string predicate: it runs in the page (the project's tsconfig has no DOM types).
    await page.waitForFunction("[...document.querySelectorAll('figure.chart')].every((f) => f.hasAttribute('data-rendered'))", null, { timeout: 60_000 });
    const charts = await page.$$eval('figure.chart', (figures) => figures.map((f) => ({
      name: f.getAttribute('data-chart'),
      state: f.getAttribute('data-rendered'),
      marks: f.querySelectorAll('svg g[class^="mark-"] path, svg g[class^="mark-"] line, svg g[class^="mark-"] rect').length,
    })));
    assert.equal(charts.map((c) => c.name), ['quality-by-task', 'throughput-samples', 'throughput-tokens', 'latency', 'quality-vs-throughput', 'breakdown-shapes-vqa-perAnswerType', 'breakdown-shapes-instruct-perCategory']);
    for (const chart of charts) {
      assert.is(chart.state, 'true', `${chart.name} rendered`);
      assert.ok(chart.marks > 10, `${chart.name}: ${chart.marks} marks`);
    }
    const images = await page.$$eval('#samples img', (imgs) => imgs.map((i) => {
      const img = i as unknown as { src: string; naturalWidth: number };
      return { src: img.src.slice(0, 22), w: img.naturalWidth };
    }));
    assert.ok(images.length >= 4, `${images.length} sample images`);
    for (const image of images) assert.ok(image.src === 'data:image/png;base64,' && image.w > 0);
    const tables = await page.$$eval('#tables table', (t) => t.length);
    assert.ok(tables >= 5);
    assert.equal(problems, []);
    assert.equal(external, []);
  } finally {
    await browser.close();
  }
});

test.run();
