/**
 * CSV output (papaparse). Two shapes: one CSV per table as displayed (wide), and one long
 * "tidy" CSV of every number with its provenance, which is what spreadsheets and plotting
 * tools pivot best.
 */
import Papa from 'papaparse';
import type { Table } from './build-tables.js';
import type { ReportData } from '../report-model.js';
import { findPublished, type PublishedEntry } from '../published.js';

export function tableToCsv(table: Table): string {
  return Papa.unparse({ fields: table.columns.map((c) => c.label), data: table.rows.map((row) => row.map((c) => c.text)) }, { newline: '\n' }) + '\n';
}

export const LONG_CSV_FIELDS = ['run', 'run_created_at', 'model', 'family', 'variant', 'task', 'kind', 'measure', 'value', 'source'] as const;

/** One row per number: metrics, breakdown categories, timings, and published numbers (source = the paper). */
export function resultsToLongCsv(data: ReportData, published: readonly PublishedEntry[]): string {
  const rows: (string | number)[][] = [];
  for (const r of data.results) {
    const task = data.tasks.find((t) => t.id === r.task)!;
    const base = [r.model.run.label, r.model.run.createdAt, r.model.modelId, r.model.familyLabel, r.model.variant, r.task, r.kind];
    for (const [metric, value] of Object.entries(r.scores.metrics)) {
      rows.push([...base, metric, value, 'measured']);
      const entry = findPublished(published, r.model, task, metric);
      if (entry) rows.push([...base, metric, entry.value, `published: ${entry.source}; ${entry.setting}`]);
    }
    // What the numbers were computed on: a metric over 6 of 8 samples is not the full task's.
    const c = r.scores.counts;
    for (const [measure, value] of [['samples.requested', c.requested], ['samples.scored', c.scored], ['samples.failed', c.failed], ['samples.unannotated', c.unannotated ?? 0]] as const) rows.push([...base, measure, value, 'counted']);
    for (const [name, categories] of Object.entries(r.scores.breakdowns)) {
      for (const [category, value] of Object.entries(categories)) rows.push([...base, `${name}/${category}`, value, 'measured']);
    }
    if (r.timing) {
      const t = r.timing;
      const timing: [string, number][] = [['samplesPerSecond', t.samplesPerSecond], ['tokensPerSecond', t.tokensPerSecond], ['latencyMs.p50', t.latencyMs.p50], ['latencyMs.p95', t.latencyMs.p95], ['latencyMs.p99', t.latencyMs.p99], ['latencyMs.mean', t.latencyMs.mean]];
      for (const [measure, value] of timing) rows.push([...base, measure, value, `measured (${t.provider})`]);
    }
  }
  return Papa.unparse({ fields: [...LONG_CSV_FIELDS], data: rows }, { newline: '\n' }) + '\n';
}
