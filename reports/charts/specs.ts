/**
 * Vega-Lite specs of the report's charts, with their data inlined so each .vl.json stands alone
 * (a writer can open it in the Vega editor and restyle it). Every chart colours by family with
 * the one fixed map of families.ts.
 */
import { boxSummary } from './box-summary.js';
import type { TopLevelSpec } from 'vega-lite';
import { familyColourScale, FAMILY_STYLES } from '../families.js';
import { breakdownName, type ReportData } from '../report-model.js';
import { ranksOnly } from '../records.js';

export interface ChartSpec {
  /** File stem: <name>.vl.json, <name>.svg, <name>.png. */
  readonly name: string;
  readonly title: string;
  readonly spec: TopLevelSpec;
}

const FONT = 'DejaVu Sans, Verdana, sans-serif';

/** Shared look: readable sizes, white background (PNG), no clipped labels. */
export const CHART_CONFIG = {
  font: FONT,
  background: 'white',
  padding: 12,
  title: { fontSize: 15, anchor: 'start', offset: 12 },
  axis: { labelFontSize: 11, titleFontSize: 12, labelLimit: 180, titlePadding: 8 },
  header: { labelFontSize: 12, titleFontSize: 12, labelLimit: 260 },
  legend: { labelFontSize: 12, titleFontSize: 12, labelLimit: 360 },
  view: { stroke: '#dddddd' },
} as const;

/**
 * Colour by family, with the legend listing only the families drawn in this chart. Colours come
 * from every family of the report, so a user's own family keeps its colour in every chart.
 */
function colourEncoding(data: ReportData, drawn: readonly { family: string }[]) {
  const present = new Set(data.models.map((m) => m.familyLabel));
  const ordered = [...FAMILY_STYLES.map((s) => s.label).filter((l) => present.has(l)), ...[...present].filter((l) => !FAMILY_STYLES.some((s) => s.label === l))];
  const all = familyColourScale(ordered);
  const keep = all.domain.map((label) => drawn.some((d) => d.family === label));
  const scale = { domain: all.domain.filter((_, i) => keep[i]), range: all.range.filter((_, i) => keep[i]) };
  return { field: 'family', type: 'nominal', title: 'Family', scale, legend: { orient: 'right' } } as const;
}

function modelOrder(data: ReportData): string[] {
  return data.models.map((m) => m.label);
}

/** Facet headers split at ' · ' onto two lines, so narrow facets do not run into each other. */
const TWO_LINE_HEADER = { labelExpr: "split(datum.label, ' · ')", labelFontSize: 12 } as const;

const modelAxis = (data: ReportData) => ({ field: 'model', type: 'nominal', title: null, sort: modelOrder(data), axis: { labelAngle: -40, labelAlign: 'right', labelLimit: 600 } } as const);

function qualityChart(data: ReportData): ChartSpec {
  const values = data.results.flatMap((r) => {
    const task = data.tasks.find((t) => t.id === r.task)!;
    const value = r.scores.metrics[task.primaryMetric];
    return value === undefined ? [] : [{ model: r.model.label, family: r.model.familyLabel, task: `${task.id} · ${task.primaryMetric}`, value }];
  });
  return {
    name: 'quality-by-task',
    title: 'Quality by family and task',
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      title: { text: 'Quality by family and task', subtitle: 'headline metric per task (caption metrics on the pycocoevalcap scale, others in %)' },
      config: CHART_CONFIG,
      data: { values },
      facet: { column: { field: 'task', type: 'nominal', title: null, header: TWO_LINE_HEADER } },
      spec: {
        width: { step: 30 },
        height: 220,
        layer: [
          { mark: { type: 'bar' }, encoding: { x: modelAxis(data), y: { field: 'value', type: 'quantitative', title: null, axis: { format: '.4~g' } }, color: colourEncoding(data, values), tooltip: [{ field: 'model' }, { field: 'task' }, { field: 'value', format: '.3f' }] } },
        ],
      },
      resolve: { scale: { y: 'independent', x: 'independent' } },
    } as TopLevelSpec,
  };
}

function throughputChart(data: ReportData, measure: 'samplesPerSecond' | 'tokensPerSecond'): ChartSpec {
  const label = measure === 'samplesPerSecond' ? 'samples/s' : 'generated tokens/s';
  const values = data.results.flatMap((r) => {
    // Pairs that rank (retrieval, answer lists, multiple choice) generate no token: a zero bar
    // would read as measured speed.
    if (!r.timing || (measure === 'tokensPerSecond' && (r.kind === 'retrieval' || ranksOnly(r.timing)))) return [];
    return [{ model: r.model.label, family: r.model.familyLabel, task: r.task, value: r.timing[measure] }];
  });
  return {
    name: measure === 'samplesPerSecond' ? 'throughput-samples' : 'throughput-tokens',
    title: `Throughput by family and task (${label})`,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      title: { text: `Throughput: ${label}`, subtitle: measure === 'samplesPerSecond' ? 'first batch of each session (warm-up) excluded, retrieval counts all; higher is better' : 'first batch of each session (warm-up) excluded; higher is better; pairs that rank rather than generate (no generated tokens) left out' },
      config: CHART_CONFIG,
      data: { values },
      facet: { column: { field: 'task', type: 'nominal', title: null, header: TWO_LINE_HEADER } },
      spec: {
        width: { step: 30 },
        height: 200,
        mark: 'bar',
        encoding: { x: modelAxis(data), y: { field: 'value', type: 'quantitative', title: label }, color: colourEncoding(data, values), tooltip: [{ field: 'model' }, { field: 'task' }, { field: 'value', format: '.1f' }] },
      },
      resolve: { scale: { y: 'independent', x: 'independent' } },
    } as TopLevelSpec,
  };
}

function latencyChart(data: ReportData): ChartSpec {
  const boxes = data.results.flatMap((r) => {
    const box = boxSummary(r.timing?.latencySamplesMs ?? []);
    return box === null ? [] : [{ model: r.model.label, family: r.model.familyLabel, task: r.task, box }];
  });
  // One row per box and one per distinct outlier: the summary, not the samples, travels in the spec.
  const values = boxes.flatMap(({ box, ...pair }) => [
    { ...pair, part: 'box', q1: box.q1, median: box.median, q3: box.q3, lower: box.lower, upper: box.upper, samples: box.count },
    ...box.outliers.map((ms) => ({ ...pair, part: 'outlier', ms })),
  ]);
  const y = (field: string, title: string | null = null) => ({ field, type: 'quantitative', title, scale: { type: 'log', nice: false, padding: 8 } }) as const;
  const only = (part: string) => ({ filter: `datum.part === '${part}'` });
  const encoding = { x: modelAxis(data), color: colourEncoding(data, values) };
  return {
    name: 'latency',
    title: 'Per-sample latency distributions',
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      title: { text: 'Per-sample latency', subtitle: 'box: quartiles; whiskers: 1.5 IQR; points: outliers (log scale)' },
      config: CHART_CONFIG,
      data: { values },
      facet: { column: { field: 'task', type: 'nominal', title: null, header: TWO_LINE_HEADER } },
      spec: {
        width: { step: 30 },
        height: 240,
        layer: [
          { transform: [only('box')], mark: { type: 'rule' }, encoding: { ...encoding, y: y('lower', 'latency (ms)'), y2: { field: 'upper' } } },
          {
            transform: [only('box')], mark: { type: 'bar', size: 16 },
            encoding: { ...encoding, y: y('q1'), y2: { field: 'q3' }, tooltip: [{ field: 'model' }, { field: 'task' }, { field: 'median', format: '.1f' }, { field: 'q1', format: '.1f' }, { field: 'q3', format: '.1f' }, { field: 'samples' }] },
          },
          { transform: [only('box')], mark: { type: 'tick', size: 16, color: '#333', thickness: 2 }, encoding: { x: encoding.x, y: y('median') } },
          { transform: [only('outlier')], mark: { type: 'point', size: 20 }, encoding: { ...encoding, y: y('ms') } },
        ],
      },
      resolve: { scale: { x: 'independent' } },
    } as TopLevelSpec,
  };
}

/** Where a point's label sits: left or right of it (inside the plot), above or below. */
const LABEL_SLOTS = ['LeftUp', 'LeftDown', 'RightUp', 'RightDown'] as const;

/** Points not beaten on both quality and throughput by another model of the same task. */
function paretoFlags(points: readonly { quality: number; throughput: number }[]): boolean[] {
  return points.map((p) => !points.some((q) => q !== p && q.quality >= p.quality && q.throughput >= p.throughput && (q.quality > p.quality || q.throughput > p.throughput)));
}

function paretoChart(data: ReportData): ChartSpec {
  const multiRun = data.runs.length > 1;
  const values = data.tasks.flatMap((task) => {
    const points = data.results.filter((r) => r.task === task.id && r.timing && r.scores.metrics[task.primaryMetric] !== undefined).map((r) => ({
      model: r.model.label, modelId: r.model.modelId, run: r.model.run.label, family: r.model.familyLabel, task: `${task.id} · ${task.primaryMetric}`,
      quality: r.scores.metrics[task.primaryMetric]!, throughput: r.timing!.samplesPerSecond,
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
      const label = points.slice(0, i).some((q) => q.modelId === p.modelId && near(p, q)) ? '' : p.modelId;
      const side = hi > lo && (logs[i]! - lo) / (hi - lo) > 0.6 ? 'Right' : 'Left';
      const level = rank.indexOf(i) % 2 === 0 ? 'Up' : 'Down';
      const labels = Object.fromEntries(LABEL_SLOTS.map((slot) => [`label${slot}`, slot === `${side}${level}` ? label : '']));
      return { ...p, frontier: flags[i]!, frontierQuality: flags[i] ? p.quality : null, ...labels };
    });
  });
  // '.4~g' keeps tick labels short even when every point has the same value (a zero-span domain).
  const x = { field: 'throughput', type: 'quantitative', title: 'samples/s (log)', scale: { type: 'log', nice: false, padding: 24 }, axis: { format: '.4~g' } } as const;
  const y = { field: 'quality', type: 'quantitative', title: 'headline metric', scale: { zero: false, padding: 16 }, axis: { format: '.4~g' } } as const;
  const shape = multiRun ? { shape: { field: 'run', type: 'nominal', title: 'Run' } } : {};
  return {
    name: 'quality-vs-throughput',
    title: 'Quality versus throughput (Pareto view)',
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      title: { text: 'Quality versus throughput', subtitle: 'line: Pareto frontier (no other model is both better and faster)' },
      config: CHART_CONFIG,
      data: { values },
      facet: { field: 'task', type: 'nominal', title: null, header: TWO_LINE_HEADER },
      columns: 2,
      spec: {
        width: 320,
        height: 240,
        layer: [
          // invalid: 'filter' drops the dominated points (frontierQuality null) from the line,
          // which would otherwise break at each of them and leave frontier points unconnected.
          { mark: { type: 'line', color: '#888888', strokeDash: [4, 3], invalid: 'filter' }, encoding: { x, y: { ...y, field: 'frontierQuality' }, order: { field: 'throughput' } } },
          { mark: { type: 'point', filled: true, size: 90, opacity: 0.9 }, encoding: { x, y, color: colourEncoding(data, values), ...shape, tooltip: [{ field: 'model' }, { field: 'run' }, { field: 'quality', format: '.3f' }, { field: 'throughput', format: '.1f' }] } },
          ...LABEL_SLOTS.map((slot) => ({
            mark: { type: 'text', align: slot.startsWith('Left') ? 'left' : 'right', dx: slot.startsWith('Left') ? 7 : -7, dy: slot.endsWith('Up') ? -8 : 14, fontSize: 10 },
            encoding: { x, y, text: { field: `label${slot}` } },
          })),
        ],
      },
      resolve: { scale: { x: 'independent', y: 'independent' } },
    } as TopLevelSpec,
  };
}

/**
 * One chart per (task, breakdown): categories differ between tasks, so no shared facet scales.
 * One panel per category with the models along its x axis, as in the quality chart: models of one
 * family share a colour, so only an axis label tells them apart.
 */
function breakdownCharts(data: ReportData): ChartSpec[] {
  return data.tasks.flatMap((task) => {
    const results = data.results.filter((r) => r.task === task.id);
    const names = [...new Set(results.flatMap((r) => Object.keys(r.scores.breakdowns)))];
    return names.map((name): ChartSpec => {
      const values = results.flatMap((r) => Object.entries(r.scores.breakdowns[name] ?? {}).map(([category, value]) => ({ model: r.model.label, family: r.model.familyLabel, category, value })));
      const { metric, grouping } = breakdownName(name, task);
      const title = `${task.id}: ${metric} ${humaniseBreakdown(grouping)}`;
      return {
        name: `breakdown-${task.id}-${name}`,
        title,
        spec: {
          $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
          title: { text: title, subtitle: 'one panel per category; bars in model order' },
          config: CHART_CONFIG,
          data: { values },
          facet: { column: { field: 'category', type: 'nominal', title: null, header: TWO_LINE_HEADER } },
          spec: {
            width: { step: 30 },
            height: 220,
            mark: 'bar',
            encoding: {
              x: { ...modelAxis(data), sort: modelOrder(data).filter((m) => values.some((v) => v.model === m)) },
              // '.4~g' keeps tick labels short when every value is the same (a zero-span domain).
              y: { field: 'value', type: 'quantitative', title: metric, axis: { format: '.4~g' } },
              color: colourEncoding(data, values),
              tooltip: [{ field: 'model' }, { field: 'category' }, { field: 'value', format: '.2f' }],
            },
          },
        } as TopLevelSpec,
      };
    });
  });
}

/** 'perAnswerType' -> 'per answer type'. */
export function humaniseBreakdown(name: string): string {
  return name.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

export interface ChartOptions {
  /**
   * Shards the runs are (`index/count`, as report.ts prints them), from their manifests: the
   * report model does not carry them. Empty for whole runs.
   */
  readonly shards?: readonly string[];
}

/** A chart made from one shard must not pass for the whole run, even when shown on its own. */
function markPartial(chart: ChartSpec, shards: readonly string[]): ChartSpec {
  const marker = ` (shard ${shards.join(', ')} only: partial results)`;
  const title = (chart.spec as { title: { text: string } }).title;
  return { ...chart, title: chart.title + marker, spec: { ...chart.spec, title: { ...title, text: title.text + marker } } as TopLevelSpec };
}

export function buildCharts(data: ReportData, options: ChartOptions = {}): ChartSpec[] {
  const charts = [qualityChart(data), throughputChart(data, 'samplesPerSecond'), throughputChart(data, 'tokensPerSecond'), latencyChart(data), paretoChart(data), ...breakdownCharts(data)];
  const shards = options.shards ?? [];
  return shards.length > 0 ? charts.map((chart) => markPartial(chart, shards)) : charts;
}
