/**
 * `vlbench report` as a library call (the runner's `vlbench start` calls it too):
 *
 *   run dirs --readRun--> LoadedRun[] --buildReportData--> ReportData
 *     --buildTables--> Table[]  --> report.md, results.csv + tables/*.csv, tables.tex
 *     --buildCharts--> ChartSpec[] --> charts/*.vl.json, charts/*.svg, charts/*.png
 *     --> report.json, report.html (tables + interactive charts + samples + provenance)
 *
 * Reads run directories only; writes only under `outDir`, where it first removes the files an
 * earlier report wrote (report-files.ts), and nothing else.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { buildCharts, type ChartSpec } from './charts/specs.js';
import { renderSvg, svgToPng } from './charts/render.js';
import { renderHtmlReport } from './html/html-report.js';
import { findPublished, shippedPublished, readPublishedFile, type PublishedEntry } from './published.js';
import { sampleSetWarnings } from './comparability.js';
import { buildReportData, partialNote, shardMarkers, type ReportData } from './report-model.js';
import { ranksOnly } from './records.js';
import { removePreviousReport } from './report-files.js';
import { readRun } from './run-reader.js';
import { buildTables, type Table } from './tables/build-tables.js';
import { resultsToLongCsv, tableToCsv } from './tables/csv.js';
import { tablesToLatex } from './tables/latex.js';
import { latexCharIssues, latexCharWarning } from './tables/latex-unicode.js';
import { tableToMarkdown, tablesToMarkdown } from './tables/markdown.js';
import { sameFileKey } from '../suites/same-file.js';

export const REPORT_FORMATS = ['md', 'csv', 'tex', 'html', 'json', 'svg', 'png'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export interface ReportOptions {
  /** Published-number files; default: the shipped reports/published/*.json. */
  readonly publishedFiles?: readonly string[];
  readonly title?: string;
}

export interface ReportOutput {
  /** Every file written, absolute. */
  readonly files: string[];
  /** The overview table as Markdown (what `npm start` prints). */
  readonly markdownTable: string;
  /**
   * Problems a reader of the files would hit, for the CLI to print to stderr: runs that measured
   * a task on different samples (also noted in report.md, report.html and report.json), a run
   * directory given twice, text pdflatex cannot typeset.
   */
  readonly warnings: string[];
}

function publishedEntries(options: ReportOptions): PublishedEntry[] {
  return options.publishedFiles === undefined ? shippedPublished() : options.publishedFiles.flatMap(readPublishedFile);
}

/** report.json: every number of the report, with provenance, for downstream tools. */
export function reportJson(data: ReportData, published: readonly PublishedEntry[], notComparable: readonly string[] = []): string {
  return JSON.stringify({
    formatVersion: 1,
    // null for whole runs; else which shards the numbers come from (runs[].shard per run).
    partial: partialNote(data.runs),
    // Tasks the runs measured on different samples (comparability.ts); empty when none.
    notComparable,
    runs: data.runs.map((r) => ({ ...r, shard: r.shard ?? null })),
    tasks: data.tasks,
    results: data.results.map((r) => {
      const task = data.tasks.find((t) => t.id === r.task)!;
      const pub = Object.fromEntries(task.metrics.flatMap((m) => {
        const e = findPublished(published, r.model, task, m);
        return e ? [[m, { value: e.value, asPrinted: e.asPrinted, setting: e.setting, source: e.source }]] : [];
      }));
      const t = r.timing;
      return {
        run: r.model.run.label, model: r.model.modelId, family: r.model.family, variant: r.model.variant, task: r.task, kind: r.kind,
        metrics: r.scores.metrics, breakdowns: r.scores.breakdowns, counts: r.scores.counts,
        timing: t ? { provider: t.provider, wallSeconds: t.wallSeconds, samplesPerSecond: t.samplesPerSecond, tokensPerSecond: ranksOnly(t) ? null : t.tokensPerSecond, latencyMs: t.latencyMs, peakRssBytes: t.peakRssBytes } : null,
        published: pub,
      };
    }),
    notApplicable: data.notApplicable.map((n) => ({ run: n.model.run.label, model: n.model.modelId, task: n.task, reason: n.reason })),
  }, null, 2) + '\n';
}

async function writeCharts(charts: readonly ChartSpec[], outDir: string, formats: ReadonlySet<ReportFormat>, files: string[]): Promise<void> {
  const dir = join(outDir, 'charts');
  mkdirSync(dir, { recursive: true });
  for (const chart of charts) {
    const specFile = join(dir, `${chart.name}.vl.json`);
    writeFileSync(specFile, JSON.stringify(chart.spec, null, 2) + '\n');
    files.push(specFile);
    if (!formats.has('svg') && !formats.has('png')) continue;
    const { svg } = await renderSvg(chart.spec);
    if (formats.has('svg')) {
      writeFileSync(join(dir, `${chart.name}.svg`), svg);
      files.push(join(dir, `${chart.name}.svg`));
    }
    if (formats.has('png')) {
      writeFileSync(join(dir, `${chart.name}.png`), svgToPng(svg));
      files.push(join(dir, `${chart.name}.png`));
    }
  }
}

function markdownReport(title: string, tables: readonly Table[], charts: readonly ChartSpec[], formats: ReadonlySet<ReportFormat>, warnings: readonly string[]): string {
  const ext = formats.has('png') ? 'png' : formats.has('svg') ? 'svg' : undefined;
  const figures = ext ? ['## Charts', '', ...charts.map((c) => `![${c.title}](charts/${c.name}.${ext})\n`)] : [];
  return [tablesToMarkdown(tables, title, warnings), ...figures].join('\n');
}

/**
 * Each run directory once: the same folder given twice (or through a symbolic link) would show
 * every row twice as if from two runs. Returns the folders to read and a message per repeat.
 */
export function uniqueRunDirs(runDirs: readonly string[]): { dirs: string[]; warnings: string[] } {
  const seen = new Map<string, string>();
  const warnings: string[] = [];
  for (const dir of runDirs) {
    const key = sameFileKey(resolve(dir));
    const first = seen.get(key);
    if (first === undefined) seen.set(key, dir);
    else warnings.push(dir === first ? `${dir} given twice; reported once.` : `${dir} is the same run directory as ${first}; reported once.`);
  }
  return { dirs: [...seen.values()], warnings };
}

function write(file: string, content: string | Buffer, files: string[]): void {
  writeFileSync(file, content);
  files.push(file);
}

/** Writes the report of `runDirs` into `outDir` in the given formats (default: all). */
export async function writeReport(runDirs: readonly string[], outDir: string, formats: readonly ReportFormat[] = REPORT_FORMATS, options: ReportOptions = {}): Promise<ReportOutput> {
  const unknown = formats.filter((f) => !(REPORT_FORMATS as readonly string[]).includes(f));
  if (unknown.length) throw new Error(`unknown report format(s) ${unknown.join(', ')}; choose from ${REPORT_FORMATS.join(', ')}.`);
  const wanted = new Set(formats);
  const unique = uniqueRunDirs(runDirs);
  const runs = unique.dirs.map((dir) => readRun(dir));
  const data = buildReportData(runs);
  const notComparable = sampleSetWarnings(runs, data.runs);
  const published = publishedEntries(options);
  const tables = buildTables(data, published);
  // A figure or table made from one shard must not pass for the whole run.
  const charts = buildCharts(data, { shards: shardMarkers(data.runs) });
  const partial = partialNote(data.runs);
  const title = (options.title ?? `vlbench report: ${data.runs.map((r) => r.label).join(', ')}`) + (partial ? ` (${partial})` : '');
  const files: string[] = [];
  const warnings: string[] = [...unique.warnings, ...notComparable];
  removePreviousReport(outDir);
  mkdirSync(outDir, { recursive: true });
  if (wanted.has('svg') || wanted.has('png') || wanted.has('html')) await writeCharts(charts, outDir, wanted, files);
  if (wanted.has('md')) write(join(outDir, 'report.md'), markdownReport(title, tables, charts, wanted, notComparable), files);
  if (wanted.has('csv')) {
    write(join(outDir, 'results.csv'), resultsToLongCsv(data, published), files);
    mkdirSync(join(outDir, 'tables'), { recursive: true });
    for (const table of tables) write(join(outDir, 'tables', `${table.id}.csv`), tableToCsv(table), files);
  }
  if (wanted.has('tex')) {
    write(join(outDir, 'tables.tex'), tablesToLatex(tables), files);
    warnings.push(...latexCharIssues(tables).map(latexCharWarning));
  }
  if (wanted.has('json')) write(join(outDir, 'report.json'), reportJson(data, published, notComparable), files);
  if (wanted.has('html')) write(join(outDir, 'report.html'), await renderHtmlReport({ data, tables, charts, title, runs, warnings: notComparable }), files);
  return { files, markdownTable: tableToMarkdown(tables[0]!), warnings };
}

/** Paths relative to a folder, for printing. */
export function relativeFiles(files: readonly string[], from: string): string[] {
  return files.map((f) => relative(from, f));
}
