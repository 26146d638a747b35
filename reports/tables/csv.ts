/**
 * CSV output (papaparse). Two shapes: one CSV per table as displayed (wide), and one long
 * "tidy" CSV of every number with its provenance, which is what spreadsheets and plotting
 * tools pivot best.
 */
import Papa from 'papaparse';
import type { Table } from './build-tables.js';
import { shardLabel, type ReportData } from '../report-model.js';
import { ranksOnly } from '../records.js';
import { findPublished, type PublishedEntry } from '../published.js';

/** As displayed, plus a `partial` column (`shard 0/2`, or empty) when some rows come from a shard run. */
export function tableToCsv(table: Table): string {
  const shards = table.partial?.rows;
  const fields = [...table.columns.map((c) => c.label), ...(shards ? ['partial'] : [])];
  const data = table.rows.map((row, i) => [...row.map((c) => c.text), ...(shards ? [shards[i] ? `shard ${shards[i]}` : ''] : [])]);
  return Papa.unparse({ fields, data }, { newline: '\n' }) + '\n';
}

/** `partial`: `shard 0/2` when the run is one shard of a sharded run, else empty. */
export const LONG_CSV_FIELDS = ['run', 'run_created_at', 'model', 'family', 'variant', 'task', 'kind', 'measure', 'value', 'source', 'partial'] as const;

/** One row per number: metrics, breakdown categories, timings, and published numbers (source = the paper). */
export function resultsToLongCsv(data: ReportData, published: readonly PublishedEntry[]): string {
  const rows: (string | number)[][] = [];
  for (const r of data.results) {
    const task = data.tasks.find((t) => t.id === r.task)!;
    const base = [r.model.run.label, r.model.run.createdAt, r.model.modelId, r.model.familyLabel, r.model.variant, r.task, r.kind];
    const shard = shardLabel(r.model.run);
    const partial = shard ? `shard ${shard}` : '';
    for (const [metric, value] of Object.entries(r.scores.metrics)) {
      rows.push([...base, metric, value, 'measured', partial]);
      const entry = findPublished(published, r.model, task, metric);
      if (entry) rows.push([...base, metric, entry.value, `published: ${entry.source}; ${entry.setting}`, '']);
    }
    // What the numbers were computed on: a metric over 6 of 8 samples is not the full task's.
    const c = r.scores.counts;
    for (const [measure, value] of [['samples.requested', c.requested], ['samples.scored', c.scored], ['samples.failed', c.failed], ['samples.unannotated', c.unannotated ?? 0]] as const) rows.push([...base, measure, value, 'counted', partial]);
    for (const [name, categories] of Object.entries(r.scores.breakdowns)) {
      for (const [category, value] of Object.entries(categories)) rows.push([...base, `${name}/${category}`, value, 'measured', partial]);
    }
    if (r.timing) {
      const t = r.timing;
      const tokens: [string, number][] = ranksOnly(t) ? [] : [['tokensPerSecond', t.tokensPerSecond]];
      const timing: [string, number][] = [['samplesPerSecond', t.samplesPerSecond], ...tokens, ['latencyMs.p50', t.latencyMs.p50], ['latencyMs.p95', t.latencyMs.p95], ['latencyMs.p99', t.latencyMs.p99], ['latencyMs.mean', t.latencyMs.mean]];
      for (const [measure, value] of timing) rows.push([...base, measure, value, `measured (${t.provider})`, partial]);
    }
  }
  return Papa.unparse({ fields: [...LONG_CSV_FIELDS], data: rows }, { newline: '\n' }) + '\n';
}
