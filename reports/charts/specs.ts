/**
 * Vega-Lite specs of the report's charts, with their data inlined so each .vl.json stands alone
 * (a writer can open it in the Vega editor and restyle it). Every chart colours by family with
 * the one fixed map of families.ts, orders its task panels as the tables do, and says in its
 * subtitle what its marks cannot: partial values, pairs that scored nothing, warm-up included.
 */
import { boxSummary } from './box-summary.js';
import type { TopLevelSpec } from 'vega-lite';
import { isPartial, type ReportData, type ReportResult, type ReportTask } from '../report-model.js';
import { ranksOnly } from '../records.js';
import { breakdownCharts } from './breakdowns.js';
import { chartSpec, colourEncoding, modelAxis, PARTIAL_HOW, PARTIAL_STYLE, pointLabel, taskFacet, type ChartSpec } from './common.js';
import { notDrawnLines, partialLines, warmupText } from './notes.js';
import { paretoChart } from './pareto.js';

export type { ChartSpec } from './common.js';

function qualityChart(data: ReportData): ChartSpec {
  const taskOf = (r: ReportResult): ReportTask => data.tasks.find((t) => t.id === r.task)!;
  const panel = (t: ReportTask): string => `${t.id} · ${t.primaryMetric}`;
  const drawn = data.results.filter((r) => r.scores.metrics[taskOf(r).primaryMetric] !== undefined);
  const values = drawn.map((r) => ({
    model: pointLabel(r), family: r.model.familyLabel, task: panel(taskOf(r)), partial: isPartial(r), value: r.scores.metrics[taskOf(r).primaryMetric]!,
  }));
  const notes = [...partialLines(drawn, PARTIAL_HOW), ...notDrawnLines(data.results)];
  return chartSpec({ name: 'quality-by-task', title: 'Quality by family and task', heading: 'Quality by family and task', subtitle: 'headline metric per task (caption metrics on the pycocoevalcap scale, others in %)', notes }, values, {
    facet: { column: taskFacet(data.tasks.map(panel)) },
    spec: {
      width: { step: 30 },
      height: 220,
      layer: [
        {
          mark: { type: 'bar', stroke: '#444444' },
          encoding: {
            x: modelAxis(data), y: { field: 'value', type: 'quantitative', title: null, axis: { format: '.4~g' } }, color: colourEncoding(data, values),
            ...PARTIAL_STYLE, tooltip: [{ field: 'model' }, { field: 'task' }, { field: 'value', format: '.3f' }],
          },
        },
      ],
    },
    resolve: { scale: { y: 'independent', x: 'independent' } },
  });
}

const THROUGHPUT = {
  samplesPerSecond: { label: 'samples/s', name: 'throughput-samples', excluded: 'first batch of each session (warm-up) excluded', after: 'retrieval counts all; higher is better' },
  tokensPerSecond: { label: 'generated tokens/s', name: 'throughput-tokens', excluded: 'first batch of each session (warm-up) excluded', after: 'higher is better; pairs that rank rather than generate (no generated tokens) left out' },
} as const;

function throughputChart(data: ReportData, measure: 'samplesPerSecond' | 'tokensPerSecond'): ChartSpec {
  const { label, name, excluded, after } = THROUGHPUT[measure];
  // Pairs that rank (retrieval, answer lists, multiple choice) generate no token: a zero bar
  // would read as measured speed.
  const drawn = data.results.filter((r) => r.timing && !(measure === 'tokensPerSecond' && (r.kind === 'retrieval' || ranksOnly(r.timing))));
  const values = drawn.map((r) => ({ model: r.model.label, family: r.model.familyLabel, task: r.task, value: r.timing![measure] }));
  // Retrieval's samples/s counts every query in every run: warm-up says nothing new about it.
  const warm = warmupText(drawn.filter((r) => measure === 'tokensPerSecond' || r.kind !== 'retrieval'), excluded);
  return chartSpec({ name, title: `Throughput by family and task (${label})`, heading: `Throughput: ${label}`, subtitle: `${warm.main}; ${after}`, notes: [...warm.lines, ...notDrawnLines(data.results)] }, values, {
    facet: { column: taskFacet(data.tasks.map((t) => t.id)) },
    spec: {
      width: { step: 30 },
      height: 200,
      mark: 'bar',
      encoding: { x: modelAxis(data), y: { field: 'value', type: 'quantitative', title: label }, color: colourEncoding(data, values), tooltip: [{ field: 'model' }, { field: 'task' }, { field: 'value', format: '.1f' }] },
    },
    resolve: { scale: { y: 'independent', x: 'independent' } },
  });
}

/**
 * Box plots from five numbers per pair (box-summary.ts). Every layer reads the one data source,
 * a box row or an outlier row (`part`) leaving the other's fields empty, and drops rows without
 * its fields (invalid: 'filter') rather than forking the source with a filter transform. Every
 * layer's y carries the axis title (with the unit): Vega-Lite merges the layers' axes and drops
 * a title the layers disagree on.
 */
function latencyChart(data: ReportData): ChartSpec {
  const drawn = data.results.filter((r) => (r.timing?.latencySamplesMs.length ?? 0) > 0);
  const values = drawn.flatMap((r) => {
    const box = boxSummary(r.timing!.latencySamplesMs)!;
    const pair = { model: r.model.label, family: r.model.familyLabel, task: r.task };
    return [
      { ...pair, part: 'box', q1: box.q1, median: box.median, q3: box.q3, lower: box.lower, upper: box.upper, samples: box.count },
      ...box.outliers.map((ms) => ({ ...pair, part: 'outlier', ms })),
    ];
  });
  const y = (field: string) => ({ field, type: 'quantitative', title: 'latency (ms, log scale)', scale: { type: 'log', nice: false, padding: 8 } }) as const;
  const encoding = { x: modelAxis(data), color: colourEncoding(data, values) };
  const warm = warmupText(drawn, 'warm-up excluded');
  const summary = `box: quartiles; whiskers: 1.5 IQR; points: outliers; ${warm.main}`;
  return chartSpec({ name: 'latency', title: 'Per-sample latency distributions', heading: 'Per-sample latency', subtitle: summary, notes: [...warm.lines, ...notDrawnLines(data.results)] }, values, {
    facet: { column: taskFacet(data.tasks.map((t) => t.id)) },
    spec: {
      width: { step: 30 },
      height: 240,
      layer: [
        { mark: { type: 'rule', invalid: 'filter' }, encoding: { ...encoding, y: y('lower'), y2: { field: 'upper' } } },
        {
          mark: { type: 'bar', size: 16, invalid: 'filter' },
          encoding: { ...encoding, y: y('q1'), y2: { field: 'q3' }, tooltip: [{ field: 'model' }, { field: 'task' }, { field: 'median', format: '.1f' }, { field: 'q1', format: '.1f' }, { field: 'q3', format: '.1f' }, { field: 'samples' }] },
        },
        { mark: { type: 'tick', size: 16, color: '#333', thickness: 2, invalid: 'filter' }, encoding: { x: encoding.x, y: y('median') } },
        { mark: { type: 'point', size: 20, invalid: 'filter' }, encoding: { ...encoding, y: y('ms') } },
      ],
    },
    resolve: { scale: { x: 'independent' } },
  });
}

export interface ChartOptions {
  /**
   * Which runs are shards (`0/2`, or `0/2 of <run>` among several runs: report-model.ts
   * shardMarkers), so that the title names the partial run rather than tarring every row.
   * Empty for whole runs.
   */
  readonly shards?: readonly string[];
}

/** A chart made from one shard must not pass for the whole run, even when shown on its own. */
function markPartial(chart: ChartSpec, shards: readonly string[]): ChartSpec {
  const marker = ` (shard ${shards.join(', ')} only: partial results)`;
  const title = (chart.spec as { title: { text: string } }).title;
  return { ...chart, title: chart.title + marker, spec: { ...chart.spec, title: { ...title, text: title.text + marker } } as TopLevelSpec };
}

const hasData = (chart: ChartSpec): boolean => (chart.spec as { data: { values: readonly unknown[] } }).data.values.length > 0;

/**
 * Every chart that has something to draw: an empty one (tokens/s when no model generates, say)
 * would be a blank canvas under a title, so it is not written, embedded or linked.
 */
export function buildCharts(data: ReportData, options: ChartOptions = {}): ChartSpec[] {
  const all = [qualityChart(data), throughputChart(data, 'samplesPerSecond'), throughputChart(data, 'tokensPerSecond'), latencyChart(data), paretoChart(data), ...breakdownCharts(data)];
  const charts = all.filter(hasData);
  const shards = options.shards ?? [];
  return shards.length > 0 ? charts.map((chart) => markPartial(chart, shards)) : charts;
}
