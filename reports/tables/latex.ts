/**
 * LaTeX tables ready to paste into a paper: booktabs rules (needs \usepackage{booktabs}),
 * every special character escaped, published columns in italics and labelled, notes below;
 * tables with many columns are scaled to the text width (needs \usepackage{graphicx}).
 * Checked by compiling with pdflatex where it is installed (test/unit/reports/tables/latex.test.ts),
 * under the default OT1 font encoding and under T1.
 */
import type { Table } from './build-tables.js';
import { latexCharIssues, type LatexCharIssue } from './latex-unicode.js';

const LATEX_SPECIALS: Readonly<Record<string, string>> = {
  '\\': '\\textbackslash{}', '&': '\\&', '%': '\\%', $: '\\$', '#': '\\#', _: '\\_', '{': '\\{', '}': '\\}',
  '~': '\\textasciitilde{}', '^': '\\textasciicircum{}', '<': '\\textless{}', '>': '\\textgreater{}', '—': '---',
  // After a line break (\\ ending a note or a table row) a `[` is read as \\'s optional spacing
  // argument ("Illegal unit of measure"); braced, it is plain text wherever it lands.
  '[': '{[}',
  // OT1 (pdflatex's default encoding) prints | as an em dash and " as a closing quote; these
  // commands give the ASCII glyph in OT1 and T1 alike (\textquotedbl exists only in T1).
  '|': '\\textbar{}', '"': '\\texttt{\\char34}', '`': '\\textasciigrave{}',
};

export function escapeLatex(text: string): string {
  // One pass, so the --- written for — is not itself broken up. Ligatures: -- and --- in an
  // identifier would print as dashes and '' as a closing quote; {} between keeps them apart.
  return text.replace(/[\\&%$#_{}~^<>—[|"`]|-(?=-)|'(?=')/g, (ch) => LATEX_SPECIALS[ch] ?? `${ch}{}`);
}

/** Tables wider than this many columns are scaled to the text width (graphicx's \resizebox). */
const RESIZE_ABOVE_COLUMNS = 6;

/**
 * A label as safe characters, one-to-one: ids `cap_x`, `cap-x` and `cap.x` are all valid task ids
 * and must not share a label (each other character is written as `.hex.`).
 */
export function latexLabel(id: string): string {
  return id.replace(/[^A-Za-z0-9:-]/g, (ch) => `.${ch.codePointAt(0)!.toString(16)}.`);
}

export function tableToLatex(table: Table): string {
  const resize = table.columns.length > RESIZE_ABOVE_COLUMNS;
  const spec = table.columns.map((c) => (c.align === 'right' ? 'r' : 'l')).join('');
  const head = table.columns.map((c) => (c.published ? `\\textit{${escapeLatex(c.label)}}` : escapeLatex(c.label))).join(' & ');
  const body = table.rows.map((row) => row.map((cell, i) => (table.columns[i]?.published && cell.value !== null ? `\\textit{${escapeLatex(cell.text)}}` : escapeLatex(cell.text))).join(' & ') + ' \\\\');
  const notes = table.notes.length ? ['\\par\\smallskip', `{\\footnotesize ${table.notes.map(escapeLatex).join(' \\\\\n')}}`] : [];
  return [
    '\\begin{table}[t]',
    '\\centering',
    '\\small',
    `\\caption{${escapeLatex(table.partial ? `${table.title} — ${table.partial.caption}` : table.title)}}`,
    `\\label{tab:${latexLabel(table.id)}}`,
    ...(resize ? ['\\resizebox{\\linewidth}{!}{%'] : []),
    `\\begin{tabular}{${spec}}`,
    '\\toprule',
    `${head} \\\\`,
    '\\midrule',
    ...body,
    '\\bottomrule',
    '\\end{tabular}',
    ...(resize ? ['}'] : []),
    ...notes,
    '\\end{table}',
    '',
  ].join('\n');
}

/** Header comment lines saying what the paper needs beyond booktabs and graphicx, and why. */
function requirementComments(issues: readonly LatexCharIssue[]): string[] {
  const t1 = [...new Set(issues.flatMap((i) => i.t1))];
  const engine = [...new Set(issues.flatMap((i) => i.unicodeEngine))];
  const firstWith = (chars: readonly string[]): string => issues.find((i) => i.unicodeEngine.some((c) => chars.includes(c)) || i.t1.some((c) => chars.includes(c)))!.place;
  return [
    ...(t1.length ? [`% also needs \\usepackage[T1]{fontenc}: pdflatex's default OT1 encoding has no ${t1.join(' ')} (first in ${firstWith(t1)})`] : []),
    ...(engine.length ? [`% compile with xelatex or lualatex (fontspec, a font that has them): pdflatex cannot typeset ${engine.join(' ')} (first in ${firstWith(engine)})`] : []),
  ];
}

export function tablesToLatex(tables: readonly Table[]): string {
  return [
    '% vlbench tables; needs \\usepackage{booktabs} and \\usepackage{graphicx} (wide tables use \\resizebox) in the preamble',
    ...requirementComments(latexCharIssues(tables)),
    '',
    ...tables.map(tableToLatex),
  ].join('\n');
}
