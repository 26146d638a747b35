/** A plain-text comparison table of a run's scores, for the terminal. */
import type { ScoresFile, TimingsFile } from '../../reports/records.js';
import { formatMetric } from '../../reports/tables/build-tables.js';

export function scoresTable(scores: ScoresFile, timings?: TimingsFile): string {
  const rows: string[][] = [['model', 'task', 'metrics', 'scored', 'failed', 'samples/s']];
  for (const r of scores.results) {
    const t = timings?.results.find((x) => x.model === r.model && x.task === r.task);
    const unannotated = r.counts.unannotated ? ` (+${r.counts.unannotated} without references: written, not scored)` : '';
    const metrics = (Object.entries(r.metrics).map(([k, v]) => `${k} ${formatMetric(k, v)}`).join(', ') || '(no scored samples)') + unannotated;
    rows.push([r.model, r.task, metrics, String(r.counts.scored), String(r.counts.failed), t ? t.samplesPerSecond.toFixed(1) : '-']);
  }
  for (const n of scores.notApplicable) rows.push([n.model, n.task, 'n/a', '', '', '']);
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => (row[c] ?? '').length)));
  return rows.map((row) => row.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd()).join('\n');
}
