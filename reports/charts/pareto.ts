/** Quality versus throughput per task, with each task's Pareto frontier. */
import { isPartial, PARTIAL_MARK, type ReportData, type ReportResult, type ReportTask } from '../report-model.js';
import { chartSpec, colourEncoding, PARTIAL_HOW, PARTIAL_STYLE, TWO_LINE_HEADER, type ChartSpec } from './common.js';
import { notDrawnLines, partialLines } from './notes.js';

/** Where a point's label sits: left or right of it (inside the plot), above or below. */
const LABEL_SLOTS = ['LeftUp', 'LeftDown', 'RightUp', 'RightDown'] as const;

/** Points not beaten on both quality and throughput by another model of the same task. */
function paretoFlags(points: readonly { quality: number; throughput: number }[]): boolean[] {
  return points.map((p) => !points.some((q) => q !== p && q.quality >= p.quality && q.throughput >= p.throughput && (q.quality > p.quality || q.throughput > p.throughput)));
}

const drawable = (task: ReportTask) => (r: ReportResult): boolean => r.task === task.id && r.timing !== undefined && r.scores.metrics[task.primaryMetric] !== undefined;

function taskPoints(data: ReportData, task: ReportTask) {
  const points = data.results.filter(drawable(task)).map((r) => ({
    model: r.model.label, modelId: r.model.modelId, run: r.model.run.label, family: r.model.familyLabel, task: `${task.id} · ${task.primaryMetric}`,
    quality: r.scores.metrics[task.primaryMetric]!, throughput: r.timing!.samplesPerSecond, partial: isPartial(r),
  }));
  const flags = paretoFlags(points);
  // One text label per model and spot: a model unchanged between runs sits on one point.
  const near = (a: (typeof points)[number], b: (typeof points)[number]): boolean =>
    Math.abs(Math.log(a.throughput / b.throughput)) < 0.03 && Math.abs(a.quality - b.quality) <= 0.01 * Math.max(1, Math.abs(a.quality));
  // The frontier line reads its own field (null off the frontier) rather than a filtered copy of
  // the data: a filter forks the data source, which breaks faceted independent scales.
  // Labels of points in the right part of the plot go to their left, so they stay inside it.
  // Neighbours along the x axis alternate above and below their point.
  const logs = points.map((p) => Math.log(p.throughput));
  const [lo, hi] = [Math.min(...logs), Math.max(...logs)];
  const rank = points.map((_, i) => i).sort((a, b) => logs[a]! - logs[b]!);
  return points.map((p, i) => {
    const shared = points.slice(0, i).some((q) => q.modelId === p.modelId && q.partial === p.partial && near(p, q));
    const label = shared ? '' : `${p.modelId}${p.partial ? PARTIAL_MARK : ''}`;
    const side = hi > lo && (logs[i]! - lo) / (hi - lo) > 0.6 ? 'Right' : 'Left';
    const level = rank.indexOf(i) % 2 === 0 ? 'Up' : 'Down';
    const labels = Object.fromEntries(LABEL_SLOTS.map((slot) => [`label${slot}`, slot === `${side}${level}` ? label : '']));
    return { ...p, frontier: flags[i]!, frontierQuality: flags[i] ? p.quality : null, ...labels };
  });
}

export function paretoChart(data: ReportData): ChartSpec {
  const multiRun = data.runs.length > 1;
  const values = data.tasks.flatMap((task) => taskPoints(data, task));
  const drawn = data.results.filter((r) => data.tasks.some((t) => drawable(t)(r)));
  // '.4~g' keeps tick labels short even when every point has the same value (a zero-span domain).
  const x = { field: 'throughput', type: 'quantitative', title: 'samples/s (log)', scale: { type: 'log', nice: false, padding: 24 }, axis: { format: '.4~g' } } as const;
  const y = { field: 'quality', type: 'quantitative', title: 'headline metric', scale: { zero: false, padding: 16 }, axis: { format: '.4~g' } } as const;
  const shape = multiRun ? { shape: { field: 'run', type: 'nominal', title: 'Run' } } : {};
  const notes = [...partialLines(drawn, PARTIAL_HOW), ...notDrawnLines(data.results)];
  return chartSpec({ name: 'quality-vs-throughput', title: 'Quality versus throughput (Pareto view)', heading: 'Quality versus throughput', subtitle: 'line: Pareto frontier (no other model is both better and faster)', notes }, values, {
    facet: { field: 'task', type: 'nominal', title: null, header: TWO_LINE_HEADER, sort: data.tasks.map((t) => `${t.id} · ${t.primaryMetric}`) },
    columns: 2,
    spec: {
      width: 320,
      height: 240,
      layer: [
        // invalid: 'filter' drops the dominated points (frontierQuality null) from the line,
        // which would otherwise break at each of them and leave frontier points unconnected.
        { mark: { type: 'line', color: '#888888', strokeDash: [4, 3], invalid: 'filter' }, encoding: { x, y: { ...y, field: 'frontierQuality' }, order: { field: 'throughput' } } },
        {
          mark: { type: 'point', filled: true, size: 90, opacity: 0.9, stroke: '#444444' },
          encoding: { x, y, color: colourEncoding(data, values), ...shape, ...PARTIAL_STYLE, tooltip: [{ field: 'model' }, { field: 'run' }, { field: 'quality', format: '.3f' }, { field: 'throughput', format: '.1f' }, { field: 'partial' }] },
        },
        ...LABEL_SLOTS.map((slot) => ({
          mark: { type: 'text', align: slot.startsWith('Left') ? 'left' : 'right', dx: slot.startsWith('Left') ? 7 : -7, dy: slot.endsWith('Up') ? -8 : 14, fontSize: 10 },
          encoding: { x, y, text: { field: `label${slot}` } },
        })),
      ],
    },
    resolve: { scale: { x: 'independent', y: 'independent' } },
  });
}
