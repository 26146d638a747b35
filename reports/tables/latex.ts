/**
 * LaTeX tables ready to paste into a paper: booktabs rules (needs \usepackage{booktabs}),
 * every special character escaped, published columns in italics and labelled, notes below;
 * long text (a model's variant description) wraps in its column, and a table still wider than
 * the line is shrunk to it (needs \usepackage{graphicx}).
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

/**
 * A text column with a cell longer than this many characters (a model's variant description
 * runs to 200) wraps in a paragraph column: an `l` column never wraps, so one long cell pushed
 * the table pages off the side, and \resizebox then shrank it past reading.
 */
const WRAP_ABOVE_CHARS = 40;

/** The width of a wrapped column: a share of the line, narrower when several wrap. */
function wrapWidth(wrapped: number): string {
  return wrapped === 1 ? '0.3\\linewidth' : '0.2\\linewidth';
}

/** Which columns wrap: left-aligned ones whose label or some cell is long. */
function wrappedColumns(table: Table): boolean[] {
  return table.columns.map((c, i) => c.align === 'left' && [c.label, ...table.rows.map((r) => r[i]?.text ?? '')].some((t) => t.length > WRAP_ABOVE_CHARS));
}

function columnSpec(table: Table, wrapped: readonly boolean[]): string {
  const width = wrapWidth(wrapped.filter(Boolean).length);
  return table.columns.map((c, i) => (wrapped[i] ? `p{${width}}` : c.align === 'right' ? 'r' : 'l')).join('');
}

/**
 * A label as safe characters, one-to-one: ids `cap_x`, `cap-x` and `cap.x` are all valid task ids
 * and must not share a label (each other character is written as `.hex.`).
 */
export function latexLabel(id: string): string {
  return id.replace(/[^A-Za-z0-9:-]/g, (ch) => `.${ch.codePointAt(0)!.toString(16)}.`);
}

function cellLatex(table: Table, wrapped: readonly boolean[], text: string, value: number | null, i: number): string {
  // \raggedright: a justified narrow column stretches its spaces across the whole width.
  if (wrapped[i]) return `\\raggedright ${escapeLatex(text)}`;
  return table.columns[i]?.published && value !== null ? `\\textit{${escapeLatex(text)}}` : escapeLatex(text);
}

/**
 * Shrink to fit, never enlarge: the tabular is set in a box first and scaled to the line width
 * (graphicx's \resizebox) only when it is wider, which a column count cannot tell in advance
 * (six short columns fit; three with a long name may not). Plain TeX box register 0, so the
 * paper needs no package beyond graphicx.
 */
function fitToLine(tabular: readonly string[]): string[] {
  return ['\\setbox0\\hbox{%', ...tabular, '}%', '\\ifdim\\wd0>\\linewidth\\resizebox{\\linewidth}{!}{\\box0}\\else\\box0\\fi'];
}

export function tableToLatex(table: Table): string {
  const wrapped = wrappedColumns(table);
  // \raggedright redefines \\ inside its cell: a row whose last cell wraps ends with \tabularnewline.
  const rowEnd = wrapped.at(-1) ? ' \\tabularnewline' : ' \\\\';
  const spec = columnSpec(table, wrapped);
  const head = table.columns.map((c) => (c.published ? `\\textit{${escapeLatex(c.label)}}` : escapeLatex(c.label))).join(' & ');
  const body = table.rows.map((row) => row.map((cell, i) => cellLatex(table, wrapped, cell.text, cell.value, i)).join(' & ') + rowEnd);
  const notes = table.notes.length ? ['\\par\\smallskip', `{\\footnotesize ${table.notes.map(escapeLatex).join(' \\\\\n')}}`] : [];
  return [
    '\\begin{table}[t]',
    '\\centering',
    '\\small',
    `\\caption{${escapeLatex(table.partial ? `${table.title} — ${table.partial.caption}` : table.title)}}`,
    `\\label{tab:${latexLabel(table.id)}}`,
    ...fitToLine([`\\begin{tabular}{${spec}}`, '\\toprule', `${head} \\\\`, '\\midrule', ...body, '\\bottomrule', '\\end{tabular}']),
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
    '% vlbench tables; needs \\usepackage{booktabs} and \\usepackage{graphicx} (a table wider than the line is shrunk with \\resizebox) in the preamble',
    ...requirementComments(latexCharIssues(tables)),
    '',
    ...tables.map(tableToLatex),
  ].join('\n');
}
