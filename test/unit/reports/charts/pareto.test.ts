import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildCharts } from '../../../../reports/charts/specs.js';
import { renderSvg } from '../../../../reports/charts/render.js';
import { model, reportData, result, task } from './report-data.js';

const caption = task('cap', 'captioning', ['CIDEr']);
const vqa = task('vqa', 'vqa', ['vqa_accuracy']);
// Per task, in throughput order: frontier, dominated, frontier, frontier (caption); frontier,
// dominated, frontier (vqa). The dominated points sit between frontier points on the x axis.
const points: [string, string, typeof caption, number, number][] = [
  ['m1', 'BLIP', caption, 10, 90], ['m2', 'BLIP-2', caption, 20, 50], ['m3', 'BLIP-2', caption, 30, 80], ['m4', 'InstructBLIP', caption, 40, 60],
  ['m1', 'BLIP', vqa, 5, 70], ['m2', 'BLIP-2', vqa, 6, 10], ['m3', 'BLIP-2', vqa, 8, 40],
];
const models = new Map(['m1', 'm2', 'm3', 'm4'].map((id) => [id, model(id, points.find((p) => p[0] === id)![1])]));
const data = reportData(points.map(([id, , t, throughput, quality]) => result(models.get(id)!, t, { samplesPerSecond: throughput, metrics: { [t.primaryMetric]: quality } })));
const pareto = buildCharts(data).find((c) => c.name === 'quality-vs-throughput')!;

/** The `d` of each line path in the SVG (vega draws one path per facet's line). */
function linePaths(svg: string): string[] {
  return [...svg.matchAll(/<g class="mark-line role-mark[^"]*"[^>]*>(.*?)<\/g>/g)].flatMap((g) => [...g[1]!.matchAll(/ d="([^"]*)"/g)].map((m) => m[1]!));
}

test('the frontier is one unbroken line through the frontier points of each task', async () => {
  const { svg } = await renderSvg(pareto.spec);
  const paths = linePaths(svg);
  assert.is(paths.length, 2, 'one line per task');
  const vertices = paths.map((d) => ({ moves: (d.match(/M/g) ?? []).length, points: (d.match(/[ML]/g) ?? []).length })).sort((a, b) => a.points - b.points);
  // vqa: 2 frontier points, caption: 3; a line broken at a dominated point has a second move-to.
  assert.equal(vertices, [{ moves: 1, points: 2 }, { moves: 1, points: 3 }]);
});

test.run();
