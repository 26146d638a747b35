/** GitHub-flavoured Markdown tables (also what `npm start` prints). */
import type { Table } from './build-tables.js';

function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function tableToMarkdown(table: Table, level = 3): string {
  const header = `| ${table.columns.map((c) => cell(c.label)).join(' | ')} |`;
  const rule = `|${table.columns.map((c) => (c.align === 'right' ? '---:' : ':---')).join('|')}|`;
  const rows = table.rows.map((row) => `| ${row.map((c) => cell(c.text)).join(' | ')} |`);
  const notes = table.notes.length ? ['', ...table.notes.map((n) => `- ${n}`)] : [];
  return [`${'#'.repeat(level)} ${table.title}`, '', header, rule, ...rows, ...notes, ''].join('\n');
}

export function tablesToMarkdown(tables: readonly Table[], heading: string): string {
  return [`# ${heading}`, '', ...tables.map((t) => tableToMarkdown(t, 2))].join('\n');
}
