/** GitHub-flavoured Markdown tables (also what `npm start` prints). */
import type { Table } from './build-tables.js';

/**
 * Names and notes are text, not Markdown: `</s>` (a variant's EOS token) would vanish as an HTML
 * tag, `*bold*`, `$x$` and `[a](b)` would be reformatted. Every character GFM reads inline is
 * backslash-escaped (GFM's escape for any ASCII punctuation), except an `_` between letters or
 * digits, which GFM never reads as emphasis (`vqa_accuracy` stays readable).
 */
function cell(text: string): string {
  return text
    .replace(/[\\|*`<>[\]$~&]/g, (ch) => `\\${ch}`)
    .replace(/(?<![\p{L}\p{N}])_|_(?![\p{L}\p{N}])/gu, '\\_')
    .replace(/\n/g, ' ');
}

export function tableToMarkdown(table: Table, level = 3): string {
  const header = `| ${table.columns.map((c) => cell(c.label)).join(' | ')} |`;
  const rule = `|${table.columns.map((c) => (c.align === 'right' ? '---:' : ':---')).join('|')}|`;
  const rows = table.rows.map((row) => `| ${row.map((c) => cell(c.text)).join(' | ')} |`);
  const notes = table.notes.length ? ['', ...table.notes.map((n) => `- ${cell(n)}`)] : [];
  return [`${'#'.repeat(level)} ${cell(table.title)}`, '', header, rule, ...rows, ...notes, ''].join('\n');
}

/** `warnings` (runs that measured a task on different samples) go first, above every table they concern. */
export function tablesToMarkdown(tables: readonly Table[], heading: string, warnings: readonly string[] = []): string {
  const notes = warnings.length ? [...warnings.map((w) => `> **Warning:** ${cell(w)}`), ''] : [];
  return [`# ${cell(heading)}`, '', ...notes, ...tables.map((t) => tableToMarkdown(t, 2))].join('\n');
}
