/**
 * The comparison tables as format-neutral data (title, columns, cells with text and value);
 * markdown.ts, csv.ts, latex.ts and the HTML report render them.
 *
 *   overview          models x tasks, each task's headline metric
 *   task-<id>         per task: every metric, published numbers (clearly labelled), samples/s,
 *                     tokens/s, latency p50/p95, scored/failed counts
 *   breakdown-<id>-<name>   per-category breakdowns (VQA per answer type, instruction tasks
 *                     per held-out category)
 */
import { METRICS, type MetricName } from '../metrics/registry.js';
import { formatPythonRounded } from '../metrics/python-round.js';
import { ranksOnly, type TaskKind, type TaskTimings } from '../records.js';
import { findPublished, type PublishedEntry } from '../published.js';
import {
  breakdownName, isPartial, noValueText, PARTIAL_MARK, samplesText, shardLabel, warmupIncluded,
  type ReportData, type ReportModel, type ReportResult, type ReportTask,
} from '../report-model.js';

export interface Column {
  readonly label: string;
  readonly align: 'left' | 'right';
  /** Published-number columns are marked so writers can set them apart. */
  readonly published?: boolean;
}

export interface Cell {
  readonly text: string;
  readonly value: number | null;
}

export interface Table {
  readonly id: string;
  readonly title: string;
  readonly columns: readonly Column[];
  readonly rows: readonly (readonly Cell[])[];
  readonly notes: readonly string[];
  /**
   * Set when some rows come from a shard run: `rows[i]` is row i's shard (`0/2`) or null, and
   * `caption` says so for writers whose table stands alone (LaTeX caption, CSV column).
   */
  readonly partial?: { readonly caption: string; readonly rows: readonly (string | null)[] };
}

/**
 * Fraction-scale metrics (pycocoevalcap's caption metrics): 3 decimals; percentages and unknown
 * metrics: 2. Rounded as `vlbench score` and the official Python code round (exact ties to
 * even: 90.625 -> 90.62), so a report and a re-score print the same digits.
 */
export function formatMetric(metric: string, value: number): string {
  const info = Object.hasOwn(METRICS, metric) ? METRICS[metric as MetricName] : undefined;
  return formatPythonRounded(value, info?.scale === 'fraction' ? 3 : 2);
}

/** Speeds and latencies: one decimal, by the same rounding rule as the metrics. */
const oneDecimal = (v: number): string => formatPythonRounded(v, 1);

const text = (t: string): Cell => ({ text: t, value: null });
const num = (value: number | undefined, format: (v: number) => string): Cell =>
  value === undefined || !Number.isFinite(value) ? { text: '—', value: null } : { text: format(value), value };

/** The Run column: the run's label, and which shard when the run is one (that row is partial). */
function runCell(model: ReportModel): Cell {
  const shard = shardLabel(model.run);
  return text(shard ? `${model.run.label} (shard ${shard})` : model.run.label);
}

function modelCells(model: ReportModel, multiRun: boolean): Cell[] {
  // With a Run column the model id alone is unambiguous.
  return [text(multiRun ? model.modelId : model.label), text(model.familyLabel), text(model.variant), ...(multiRun ? [runCell(model)] : [])];
}

function modelColumns(multiRun: boolean): Column[] {
  return [
    { label: 'Model', align: 'left' }, { label: 'Family', align: 'left' }, { label: 'Variant', align: 'left' },
    ...(multiRun ? [{ label: 'Run', align: 'left' } as const] : []),
  ];
}

/** The overview cell of one (model, task); `partial` collects the notes of values marked PARTIAL_MARK. */
function overviewCell(data: ReportData, model: ReportModel, task: ReportTask, partial: string[]): Cell {
  const result = data.results.find((r) => r.model === model && r.task === task.id);
  if (!result) return text(data.notApplicable.some((n) => n.model === model && n.task === task.id) ? 'n/a' : '—');
  const value = result.scores.metrics[task.primaryMetric];
  const counts = result.scores.counts;
  // Written for submission (no reference answers), every sample failed, or nothing to run on:
  // said as such, not as "not part of this run".
  const reason = noValueText(counts);
  if (value === undefined && reason !== null) return text(reason);
  const cell = num(value, (v) => formatMetric(task.primaryMetric, v));
  if (cell.value === null || !isPartial(result)) return cell;
  partial.push(`${model.label} on ${task.id}: ${samplesText(counts)}`);
  return { text: `${cell.text}${PARTIAL_MARK}`, value: cell.value };
}

function overviewTable(data: ReportData): Table {
  const multiRun = data.runs.length > 1;
  const partial: string[] = [];
  const rows = data.models.map((model) => [...modelCells(model, multiRun), ...data.tasks.map((task) => overviewCell(data, model, task, partial))]);
  return {
    id: 'overview',
    title: 'Overview: headline metric per task',
    columns: [...modelColumns(multiRun), ...data.tasks.map((t) => ({ label: `${t.id} ${t.primaryMetric}`, align: 'right' as const }))],
    rows,
    notes: [
      'n/a: the family has no such capability (not run); —: not part of this run; 0 samples: run, but the task selected no samples; N unscored: predictions written for samples without references (a test split), kept for submission; N failed: every sample of the task failed (reasons in the run\'s predictions).',
      ...(partial.length ? [`${PARTIAL_MARK}: computed on fewer samples than requested (scored/requested): ${partial.join('; ')}.`] : []),
      'Caption metrics on pycocoevalcap\'s scale (CIDEr 1.0 = 100 in papers); accuracy and recall in percent.',
    ],
  };
}

const generates = (kind: TaskKind): boolean => kind !== 'retrieval';

/** Marks a speed or latency measured on a task's only batch, its warm-up batch. */
const WARMUP_MARK = '*';

/**
 * samples/s, tokens/s (generating kinds), p50 and p95 ms. A task that ran as one batch reports
 * that batch, warm-up and all (timings.json warmupSamples 0): its cells are marked. Retrieval's
 * samples/s counts every query in every run, so only its latencies change meaning.
 */
function timingCells(t: TaskTimings | undefined, kind: TaskKind): Cell[] {
  const warm = t !== undefined && warmupIncluded(t);
  const cell = (value: number | undefined, marked: boolean): Cell => {
    const c = num(value, oneDecimal);
    return marked && c.value !== null ? { text: `${c.text}${WARMUP_MARK}`, value: c.value } : c;
  };
  const tokens = t && ranksOnly(t) ? text('n/a') : cell(t?.tokensPerSecond, warm);
  return [cell(t?.samplesPerSecond, warm && kind !== 'retrieval'), ...(generates(kind) ? [tokens] : []), cell(t?.latencyMs.p50, warm), cell(t?.latencyMs.p95, warm)];
}

const WARMUP_NOTE = `${WARMUP_MARK}: the task ran as one batch, which is its warm-up batch, so these speeds and latencies include warm-up (timings.json warmupSamples 0); elsewhere the first batch of each session is left out (retrieval's samples/s always counts every query). A retrieval batch is a re-ranking chunk of up to 65,536 / kTest queries, whatever batchSize says, and its latencies are re-ranking time per query, without the gallery embedding that its samples/s includes.`;

function taskTable(data: ReportData, task: ReportTask, published: readonly PublishedEntry[]): Table {
  const multiRun = data.runs.length > 1;
  const results = data.results.filter((r) => r.task === task.id);
  const publishedMetrics = task.metrics.filter((metric) => results.some((r) => findPublished(published, r.model, task, metric)));
  const sources: string[] = [];
  const cite = (entry: PublishedEntry): string => {
    const label = `${entry.source}; ${entry.setting}`;
    if (!sources.includes(label)) sources.push(label);
    return `${entry.asPrinted} [${sources.indexOf(label) + 1}]`;
  };
  const rows = results.map((r: ReportResult) => {
    const t = r.timing;
    const c = r.scores.counts;
    return [
      ...modelCells(r.model, multiRun),
      ...task.metrics.map((metric) => num(r.scores.metrics[metric], (v) => formatMetric(metric, v))),
      ...publishedMetrics.map((metric) => {
        const entry = findPublished(published, r.model, task, metric);
        return entry ? { text: cite(entry), value: entry.value } : text('—');
      }),
      ...timingCells(t, task.kind),
      { text: samplesText(c), value: c.scored },
    ];
  });
  return {
    id: `task-${task.id}`,
    title: `${task.id} (${task.kind}${task.datasets.length ? `, ${task.datasets.join(', ')}` : ''})`,
    columns: [
      ...modelColumns(multiRun),
      ...task.metrics.map((m) => ({ label: m, align: 'right' as const })),
      ...publishedMetrics.map((m) => ({ label: `${m} (published)`, align: 'right' as const, published: true })),
      { label: 'samples/s', align: 'right' },
      ...(generates(task.kind) ? [{ label: 'tokens/s', align: 'right' } as const] : []),
      { label: 'p50 ms', align: 'right' },
      { label: 'p95 ms', align: 'right' },
      { label: 'scored', align: 'right' },
    ],
    rows,
    notes: [
      ...(publishedMetrics.length ? ['Published: numbers as printed in the papers (their scale), for the real benchmark and checkpoint; not measured by this run.'] : []),
      ...(generates(task.kind) && results.some((r) => r.timing && ranksOnly(r.timing)) ? ['tokens/s n/a: the model ranks answers or options rather than generating text (no tokens generated).'] : []),
      ...(results.some((r) => r.timing && warmupIncluded(r.timing)) ? [WARMUP_NOTE] : []),
      ...sources.map((s, i) => `[${i + 1}] ${s}`),
    ],
  };
}

function breakdownTables(data: ReportData, task: ReportTask): Table[] {
  const multiRun = data.runs.length > 1;
  const results = data.results.filter((r) => r.task === task.id);
  const names = [...new Set(results.flatMap((r) => Object.keys(r.scores.breakdowns)))];
  return names.map((name) => {
    const categories = [...new Set(results.flatMap((r) => Object.keys(r.scores.breakdowns[name] ?? {})))];
    const { metric, grouping } = breakdownName(name, task);
    return {
      id: `breakdown-${task.id}-${name}`,
      title: `${task.id}: ${metric} ${grouping.replace(/^per/, 'per ').replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()}`,
      columns: [...modelColumns(multiRun), ...categories.map((c) => ({ label: c, align: 'right' as const }))],
      rows: results.map((r) => [...modelCells(r.model, multiRun), ...categories.map((c) => num(r.scores.breakdowns[name]?.[c], (v) => formatMetric(metric, v)))]),
      notes: [],
    };
  });
}

/** A table copied out of the report on its own must still say that its numbers are partial. */
function withShards(table: Table, rowModels: readonly ReportModel[]): Table {
  const rows = rowModels.map((m) => shardLabel(m.run));
  const shards = [...new Set(rows.filter((s): s is string => s !== null))];
  return shards.length ? { ...table, partial: { caption: `shard ${shards.join(', ')} only: partial results`, rows } } : table;
}

export function buildTables(data: ReportData, published: readonly PublishedEntry[]): Table[] {
  const resultModels = (task: ReportTask): ReportModel[] => data.results.filter((r) => r.task === task.id).map((r) => r.model);
  return [
    withShards(overviewTable(data), data.models),
    ...data.tasks.flatMap((task) => [taskTable(data, task, published), ...breakdownTables(data, task)].map((t) => withShards(t, resultModels(task)))),
  ];
}
