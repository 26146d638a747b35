/**
 * Which non-ASCII characters pdflatex can typeset, so that tables.tex says what it needs
 * instead of stopping someone's paper with "Unicode character X not set up for use with LaTeX".
 * The lists were found by compiling each character of U+00A0-U+024F, U+2010-U+204F, the euro
 * and trade mark signs on its own (pdflatex, TeX Live 2022, utf8 input); characters outside them
 * (Greek, Cyrillic, CJK, emoji, ...) need xelatex or lualatex with a font that has them, or
 * packages this file cannot assume (CJKutf8, babel with its encodings).
 */
import type { Table } from './build-tables.js';

/** Typeset by plain pdflatex: the default OT1 font encoding, no packages. */
const OT1 = new Set(
  '\u00a0¡¢£¤¥¦§¨©ª¬\u00ad®¯°±²³´µ¶·¸¹º¼½¾¿ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÑÒÓÔÕÖ×ØÙÚÛÜÝß' +
    'àáâãäåæçèéêëìíîïñòóôõö÷øùúûüýÿĀāĂăĆćĈĉĊċČčĎďĒēĔĕĖėĚěĜĝĞğĠġĢģĤĥĨĩĪīĬĭİı' +
    'ĲĳĴĵĶķĹĺĻļĽľŁłŃńŅņŇňŌōŎŏŐőŒœŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŨũŪūŬŭŮůŰűŴŵŶŷŸŹźŻżŽžƒǄǅ' +
    'ǆǇǈǉǊǋǌǍǎǏǐǑǒǓǔǢǣǦǧǨǩǰǴǵȘșȚțȲȳȷ‐‑‒–—―‖‘’“”†‡•…‰‱※‽⁄⁎€™',
);

/** Typeset once the preamble has \usepackage[T1]{fontenc}. */
const T1_ONLY = new Set(
  '«»ÐÞðþĄąĐđĘęĮįŊŋŲųǪǫ‚„‹›',
);

/** What compiling a character needs: nothing, T1 font encoding, or a Unicode engine. */
export type LatexCharNeed = 'none' | 't1' | 'unicode-engine';

export function latexCharNeed(ch: string): LatexCharNeed {
  if (ch.codePointAt(0)! < 0x80 || OT1.has(ch)) return 'none';
  return T1_ONLY.has(ch) ? 't1' : 'unicode-engine';
}

/** The characters of `text` that plain pdflatex cannot typeset, each once, by what they need. */
export function untypesetChars(text: string): { readonly t1: string[]; readonly unicodeEngine: string[] } {
  const t1: string[] = [];
  const unicodeEngine: string[] = [];
  for (const ch of new Set(text)) {
    const need = latexCharNeed(ch);
    switch (need) {
      case 'none': break;
      case 't1': t1.push(ch); break;
      case 'unicode-engine': unicodeEngine.push(ch); break;
      default: throw new Error(`unhandled LaTeX character need ${need satisfies never}`);
    }
  }
  return { t1, unicodeEngine };
}

/** Text of a table that pdflatex cannot typeset as is; `others` counts further places with the same text. */
export interface LatexCharIssue {
  readonly text: string;
  readonly place: string;
  readonly others: number;
  readonly t1: readonly string[];
  readonly unicodeEngine: readonly string[];
}

function textPlaces(table: Table): { text: string; place: string }[] {
  const where = `table '${table.id}'`;
  return [
    { text: table.title, place: `${where}, caption` },
    ...table.columns.map((c) => ({ text: c.label, place: `${where}, header of column '${c.label}'` })),
    ...table.rows.flatMap((row, r) => row.map((cell, i) => ({ text: cell.text, place: `${where}, row ${r + 1} (${row[0]?.text ?? ''}), column '${table.columns[i]?.label ?? i + 1}'` }))),
    ...table.notes.map((note, i) => ({ text: note, place: `${where}, note ${i + 1}` })),
  ];
}

/** Every distinct text with characters plain pdflatex cannot typeset, named by its first place. */
export function latexCharIssues(tables: readonly Table[]): LatexCharIssue[] {
  const byText = new Map<string, LatexCharIssue>();
  for (const { text, place } of tables.flatMap(textPlaces)) {
    const seen = byText.get(text);
    if (seen) {
      byText.set(text, { ...seen, others: seen.others + 1 });
      continue;
    }
    const chars = untypesetChars(text);
    if (chars.t1.length || chars.unicodeEngine.length) byText.set(text, { text, place, others: 0, ...chars });
  }
  return [...byText.values()];
}

/** One line per issue, for stderr: the place, the characters, and the fix. */
export function latexCharWarning(issue: LatexCharIssue): string {
  const more = issue.others ? ` (and ${issue.others} more cell${issue.others > 1 ? 's' : ''} with the same text)` : '';
  const fixes = [
    issue.unicodeEngine.length ? `pdflatex cannot typeset ${issue.unicodeEngine.join(' ')}: compile with xelatex or lualatex (fontspec and a font that has them) or rename` : '',
    issue.t1.length ? `${issue.t1.join(' ')} need${issue.t1.length > 1 ? '' : 's'} \\usepackage[T1]{fontenc} in the preamble` : '',
  ].filter(Boolean);
  return `tables.tex: ${issue.place}${more}: ${fixes.join('; ')}.`;
}
