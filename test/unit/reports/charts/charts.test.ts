import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fileURLToPath } from 'node:url';
import { readRun } from '../../../../reports/run-reader.js';
import { buildReportData } from '../../../../reports/report-model.js';
import { buildCharts } from '../../../../reports/charts/specs.js';
import { compileVegaLite, renderSvg, svgToPng } from '../../../../reports/charts/render.js';
import { FAMILY_STYLES } from '../../../../reports/families.js';
import { model, reportData, result, task } from './report-data.js';

const runs = fileURLToPath(new URL('../../../fixtures/runs/', import.meta.url));
const data = buildReportData([readRun(`${runs}baseline`), readRun(`${runs}improvement`)]);
const charts = buildCharts(data);

test('the expected charts exist', () => {
  assert.equal(charts.map((c) => c.name), ['quality-by-task', 'throughput-samples', 'throughput-tokens', 'latency', 'quality-vs-throughput', 'breakdown-shapes-vqa-perAnswerType', 'breakdown-shapes-instruct-perCategory']);
});

test('every spec compiles with vega-lite and renders to an SVG with marks', async () => {
  for (const chart of charts) {
    // vega-lite's compile, failing on any warning except the known benign boxplot one.
    const vega = await compileVegaLite(chart.spec);
    assert.ok(Array.isArray(vega.marks) && vega.marks.length > 0, chart.name);
    const { svg, markItems } = await renderSvg(chart.spec);
    assert.ok(svg.startsWith('<svg'), chart.name);
    assert.ok(markItems > 10, `${chart.name}: ${markItems} mark items`);
    assert.match(svg, />shapes-(caption|vqa|retrieval|instruct)/, `${chart.name} has task labels`);
  }
});

test('every family has the same colour in every chart, the colour of FAMILY_STYLES; the legend lists the families drawn', () => {
  for (const chart of charts) {
    const colour = JSON.stringify(chart.spec).match(/"scale":\{"domain":(\[[^\]]*\]),"range":(\[[^\]]*\])/);
    assert.ok(colour, `${chart.name} has a family colour scale`);
    const domain = JSON.parse(colour[1]!) as string[];
    const range = JSON.parse(colour[2]!) as string[];
    const drawn = new Set((chart.spec as { data: { values: { family: string }[] } }).data.values.map((v) => v.family));
    assert.equal(domain, FAMILY_STYLES.map((s) => s.label).filter((l) => drawn.has(l)), chart.name);
    domain.forEach((label, i) => assert.is(range[i], FAMILY_STYLES.find((s) => s.label === label)!.colour));
  }
});

test('bars carry the family colours in the rendered SVG', async () => {
  const { svg } = await renderSvg(charts[0]!.spec);
  for (const style of FAMILY_STYLES) assert.ok(svg.includes(`fill="${style.colour}"`), style.label);
});

test('the Pareto chart marks the frontier: no frontier point is dominated', () => {
  const values = (charts[4]!.spec as { data: { values: { task: string; quality: number; throughput: number; frontier: boolean }[] } }).data.values;
  for (const p of values) {
    const dominated = values.some((q) => q.task === p.task && q !== p && q.quality >= p.quality && q.throughput >= p.throughput && (q.quality > p.quality || q.throughput > p.throughput));
    assert.is(p.frontier, !dominated);
  }
});

test('the latency chart shows its unit: a drawn y-axis title with ms', async () => {
  const { svg } = await renderSvg(charts.find((c) => c.name === 'latency')!.spec);
  assert.match(svg, /role-axis-title[^]*?>latency \(ms, log scale\)</);
});

test('task panels follow the suite order (the tables\' order), not the alphabet', async () => {
  const blip = model('tiny-blip', 'BLIP');
  // Suite order: vqa, then cap (alphabetically cap would come first).
  const ordered = reportData([
    result(blip, task('vqa', 'vqa', ['vqa_accuracy']), { metrics: { vqa_accuracy: 50 } }),
    result(blip, task('cap', 'captioning', ['CIDEr']), { metrics: { CIDEr: 1 } }),
  ]);
  for (const chart of buildCharts(ordered).filter((c) => !c.name.startsWith('breakdown'))) {
    const { svg } = await renderSvg(chart.spec);
    const [vqa, cap] = [svg.search(/>vqa</), svg.search(/>cap</)];
    assert.ok(vqa >= 0 && cap >= 0 && vqa < cap, `${chart.name}: vqa panel before cap`);
  }
  // Breakdown panels in the table's column order (as the results list the categories).
  const vqa = task('vqa', 'vqa', ['vqa_accuracy']);
  const breakdown = buildCharts(reportData([result(blip, vqa, { metrics: { vqa_accuracy: 50 }, breakdowns: { perAnswerType: { 'yes/no': 60, number: 40, other: 50 } } })]))
    .find((c) => c.name === 'breakdown-vqa-perAnswerType')!;
  const svg = (await renderSvg(breakdown.spec)).svg;
  const at = (label: string): number => svg.search(new RegExp(`>${label}<`));
  assert.ok(at('yes/no') < at('number') && at('number') < at('other'), 'yes/no, number, other');
});

test('PNG rendering produces a PNG with text (DejaVu Sans)', async () => {
  const { svg } = await renderSvg(charts[0]!.spec);
  const png = svgToPng(svg);
  assert.equal([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const width = png.readUInt32BE(16);
  assert.ok(width > 800, `2x zoom, width ${width}`);
});

test.run();
