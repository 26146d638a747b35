/**
 * The rules of Stanford CoreNLP 3.4.1's PTBLexer (`PTBLexer.flex` at tag v3.4.1), as the
 * COCO caption tokenizer runs them (`-preserveLines -lowerCase`, every other option at its
 * 3.4.1 default: normalizeParentheses, normalizeOtherBrackets, latexQuotes, ptb3Ellipsis,
 * ptb3Dashes, normalizeSpace, normalizeAmpersandEntity, normalizeCurrency, normalizeFractions
 * and splitAssimilations on; americanize, escapeForwardSlashAsterisk and strictTreebank3 off).
 *
 * The grammar is re-expressed as JavaScript regular expressions, one per lexer rule, in rule
 * order. JFlex semantics kept: `%caseless` makes literal letters match either case while
 * character classes stay case-sensitive (checked against the 3.4.1 build: "us$5" splits,
 * "US$5" does not); `r1/r2` trailing context counts towards the longest match; ties go to the
 * earlier rule. The driver lives in ptb-tokenize.ts.
 */

/** Makes every letter outside a character class match both cases (JFlex `%caseless`). */
function caseless(source: string): string {
  let out = '';
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '\\') {
      const next = source[i + 1];
      const width = next === 'u' ? 6 : next === 'x' ? 4 : next === 'p' ? source.indexOf('}', i) - i + 1 : 2;
      out += source.slice(i, i + width);
      i += width - 1;
    } else if (c === '[') {
      let j = i + 1;
      while (source[j] !== ']' || j === i + 1) j += source[j] === '\\' ? 2 : 1;
      out += source.slice(i, j + 1);
      i = j;
    } else if (c.toLowerCase() !== c.toUpperCase()) {
      out += `[${c.toLowerCase()}${c.toUpperCase()}]`;
    } else {
      out += c;
    }
  }
  return out;
}

// ---- macros (names as in PTBLexer.flex)
const SPACE = String.raw`[ \t\u00A0\u2000-\u200A\u3000]`;
const NEWLINE = String.raw`(?:\r\n|\r|\n|\u2028|\u2029|\u000B|\u000C|\u0085)`;
const SPACENL = `(?:${SPACE}|${NEWLINE})`;
const SGML = String.raw`<(?:[!?][A-Za-z\-][^>\r\n]*|[A-Za-z][A-Za-z0-9_:.\-]*(?:[ ]+(?:[A-Za-z][A-Za-z0-9_:.\-]*|[A-Za-z][A-Za-z0-9_:.\-]*[ ]*=[ ]*(?:'[^']*'|"[^"]*")))*[ ]*\/?|\/[A-Za-z][A-Za-z0-9_:.\-]*)[ ]*>`;
const SENTEND = `${SPACENL}(?:${SPACENL}|\\p{Lu}|${SGML})`;
const SPMDASH = String.raw`&(?:MD|mdash|ndash);|[\u0096\u0097\u2013\u2014\u2015]`;
const SPAMP = '&amp;';
const SPPUNC = '&(?:HT|TL|UR|LR|QC|QL|QR|odq|cdq|#[0-9]+);';
const SPLET = '&[aeiouAEIOU](?:acute|grave|uml);';
const DIGIT = String.raw`[\p{Nd}\u07C0-\u07C9]`;
const DATE = `${DIGIT}{1,2}[\\-\\/]${DIGIT}{1,2}[\\-\\/]${DIGIT}{2,4}`;
// Alternatives ordered longest-first: a JavaScript alternation stops at the first that works.
const NUM = `(?:${DIGIT}*(?:[.:,\\u00AD\\u066B\\u066C]${DIGIT}+)+|${DIGIT}+)`;
const NUMBER = `[\\-+]?${NUM}`;
const SUBSUPNUM = String.raw`[\u207A\u207B\u208A\u208B]?(?:[\u2070\u00B9\u00B2\u00B3\u2074-\u2079]+|[\u2080-\u2089]+)`;
const FRAC = `(?:${DIGIT}{1,4}[\\- \\u00A0])?${DIGIT}{1,4}(?:\\\\?\\/|\\u2044)${DIGIT}{1,4}`;
const FRAC2 = String.raw`[\u00BC\u00BD\u00BE\u2153-\u215E]`;
const DOLSIGN = String.raw`(?:[A-Z]*\$|#)`;
const DOLSIGN2 = String.raw`[\u00A2\u00A3\u00A4\u00A5\u0080\u20A0\u20AC\u060B\u0E3F\u20A4\uFFE0\uFFE1\uFFE5\uFFE6]`;
const LETTER_EXTRA = String.raw`[\u00AD\u0237-\u024F\u02C2-\u02C5\u02D2-\u02DF\u02E5-\u02FF\u0300-\u036F\u0370-\u037D\u0384\u0385\u03CF\u03F6\u03FC-\u03FF\u0483-\u0487\u04CF\u04F6-\u04FF\u0510-\u0525\u055A-\u055F\u0591-\u05BD\u05BF\u05C1\u05C2\u05C4\u05C5\u05C7\u0615-\u061A\u063B-\u063F\u064B-\u065E\u0670\u06D6-\u06EF\u06FA-\u06FF\u070F\u0711\u0730-\u074F\u0750-\u077F\u07A6-\u07B1\u07CA-\u07F5\u07FA\u0900-\u0903\u093C\u093E-\u094E\u0951-\u0955\u0962-\u0963\u0981-\u0983\u09BC-\u09C4\u09C7\u09C8\u09CB-\u09CD\u09D7\u09E2\u09E3\u0A01-\u0A03\u0A3C\u0A3E-\u0A4F\u0A81-\u0A83\u0ABC-\u0ACF\u0B82\u0BBE-\u0BC2\u0BC6-\u0BC8\u0BCA-\u0BCD\u0C01-\u0C03\u0C3E-\u0C56\u0D3E-\u0D44\u0D46-\u0D48\u0E30-\u0E3A\u0E47-\u0E4E\u0EB1-\u0EBC\u0EC8-\u0ECD]`;
const LETTER = `(?:\\p{L}|${SPLET}|${LETTER_EXTRA})`;
const WORD = `${LETTER}(?:${LETTER}|${DIGIT})*(?:[.!?]${LETTER}(?:${LETTER}|${DIGIT})*)*`;
const FILENAME_EXT = 'bat|bmp|c|class|cgi|cpp|dll|doc|docx|exe|gif|gz|h|htm|html|jar|java|jpeg|jpg|mov|mp3|pdf|php|pl|png|ppt|ps|py|sql|tar|txt|wav|x|xml|zip';
const FILENAME = `(?:${LETTER}|${DIGIT})+(?:[.](?:${LETTER}|${DIGIT})+)*(?:[.](?:${FILENAME_EXT}))`;
const APOS = String.raw`(?:['\u0092\u2019]|&apos;)`;
const APOSETCETERA = `(?:${APOS}|[\`\\u0091\\u2018\\u201B])`;
const HYPHEN = String.raw`[\-_\u058A\u2010\u2011]`;
const LD = String.raw`[\p{L}\p{Nd}]`;
const THING = `(?:[dDoOlL]${APOSETCETERA}${LD})?${LD}+(?:${HYPHEN}(?:[dDoOlL]${APOSETCETERA}${LD})?${LD}+)*`;
const THINGA = `[A-Z]+(?:(?:[+&]|${SPAMP})[A-Z]+)+`;
const THING3 = String.raw`[A-Za-z0-9]+(?:-[A-Za-z]+){0,2}(?:\\?\/[A-Za-z0-9]+(?:-[A-Za-z]+){0,2}){1,2}`;
const ACRO2 = String.raw`(?:[A-Za-z](?:\.[A-Za-z])+|(?:Canada|Sino|Korean|EU|Japan|non)-U\.S|U\.S\.-(?:U\.K|U\.S\.S\.R))`;
// ACRO2 first: the JavaScript alternation must try the longer alternative first.
const HTHING = `[A-Za-z0-9][A-Za-z0-9.,\\u00AD]*(?:-(?:${ACRO2}\\.|[A-Za-z0-9\\u00AD]+))+`;
const REDAUX = `${APOS}(?:[msdMSD]|re|ve|ll)`;
const SWORD = String.raw`[A-Za-z\u00AD]*[A-MO-Za-mo-z]\u00AD*`;
const SREDAUX = `n${APOSETCETERA}t`;
const APOWORD = [
  `${APOS}n${APOS}?`, `[lLdDjJ]${APOS}`, `Dunkin${APOS}`, `somethin${APOS}`, `ol${APOS}`, `${APOS}em`,
  `[A-HJ-XZn]${APOSETCETERA}\\p{L}{2}\\p{L}*`, `${APOS}[2-9]0s`, `${APOS}till?`,
  `\\p{L}\\p{L}*[aeiouyAEIOUY]${APOSETCETERA}[aeiouA-Z]\\p{L}*`, `${APOS}cause`, `cont'd\\.?`, `'twas`,
  `nor'easter`, `c'mon`, `e'er`, `s'mores`, `ev'ry`, `li'l`, `nat'l`, `O${APOSETCETERA}o`,
].join('|');
const APOWORD2 = `y${APOS}`;
const FULLURL = String.raw`https?:\/\/[^ \t\n\f\r"<>|(){}]+[^ \t\n\f\r"<>|.!?(){},\-]`;
// `,-_` in the flex class is a range (0x2C-0x5F), kept as such.
const LIKELYURL = String.raw`(?:(?:www\.(?:[^ \t\n\f\r"<>|.!?(){},]+\.)+[a-zA-Z]{2,4})|(?:(?:[^ \t\n\f\r"` + '`' + String.raw`'<>|.!?(){},-_$]+\.)+(?:com|net|org|edu)))(?:\/[^ \t\n\f\r"<>|()]+[^ \t\n\f\r"<>|.!?(){},\-])?`;
const EMAIL = String.raw`(?:&lt;|<)?[a-zA-Z0-9][^ \t\n\f\r"<>|()\u00A0{}]*@(?:[^ \t\n\f\r"<>|(){}.\u00A0]+\.)*(?:[^ \t\n\f\r"<>|(){}.\u00A0]+)(?:&gt;|>)?`;
const TWITTER = `@[a-zA-Z_][a-zA-Z_0-9]*|#${LETTER}+`;
const ABMONTH = 'Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec';
const ABDAYS = 'Mon|Tue|Tues|Wed|Thu|Thurs|Fri';
const ABSTATE = 'Ala|Ariz|[A]z|[A]rk|Calif|Colo|Conn|Ct|Dak|[D]el|Fla|Ga|[I]ll|Ind|Kans?|Ky|[L]a|[M]ass|Md|Mich|Minn|[M]iss|Mo|Mont|Neb|Nev|Okla|[O]re|[P]a|Penn|Tenn|[T]ex|Va|Vt|[W]ash|Wisc?|Wyo';
const ABCOMP = 'Inc|Cos?|Corp|Pp?t[ye]s?|Ltd|Plc|Rt|Bancorp|Bhd|Assn|Univ|Intl|Sys';
const ABNUM = 'tel|est|ext|sq';
const ABPTIT = String.raw`Jr|Sr|Bros|(?:Ed|Ph)\.D|Blvd|Rd|Esq`;
const ABBREV1 = `(?:${ABMONTH}|${ABDAYS}|${ABSTATE}|${ABCOMP}|${ABNUM}|${ABPTIT}|etc|al|seq|Bldg)\\.`;
const ACRO = String.raw`(?:[A-Za-z](?:\.[A-Za-z])*|(?:Canada|Sino|Korean|EU|Japan|non)-U\.S|U\.S\.-(?:U\.K|U\.S\.S\.R))`;
const ABTITLE = 'Mr|Mrs|Ms|[M]iss|Drs?|Profs?|Sens?|Reps?|Attys?|Lt|Col|Gen|Messrs|Govs?|Adm|Rev|Maj|Sgt|Cpl|Pvt|Capt|Ste?|Ave|Pres|Lieut|Hon|Brig|Co?mdr|Pfc|Spc|Supts?|Det|Mt|Ft|Adj|Adv|Asst|Assoc|Ens|Insp|Mlle|Mme|Msgr|Sfc';
const ABCOMP2 = 'Invt|Elec|Natl|M[ft]g|Dept';
const ABBREV4 = `(?:${ABTITLE}|vs|Alex|Wm|Jos|Cie|a\\.k\\.a|cf|TREAS|Ph|${ACRO}|${ABCOMP2})`;
const ABBREV2 = `${ABBREV4}\\.`;
const ACRONYM = `${ACRO}\\.`;
const ABBREV3 = String.raw`(?:ca|figs?|prop|nos?|art|bldg|prop|pp|op)\.`;
const PHONE = String.raw`(?:\([0-9]{2,3}\)[ \u00A0]?|(?:\+\+?)?(?:[0-9]{2,4}[\- \u00A0])?[0-9]{2,4}[\- \u00A0])[0-9]{3,4}[\- \u00A0]?[0-9]{3,5}|(?:(?:\+\+?)?[0-9]{2,4}\.)?[0-9]{2,4}\.[0-9]{3,4}\.[0-9]{3,5}`;
const LDOTS = String.raw`\.{3,5}|(?:\.[ \u00A0]){2,4}\.|[\u0085\u2026]`;
const INSENTP = String.raw`[,;:\u3001]`;
const QUOTES = `${APOS}|''|[\`\\u2018\\u2019\\u201A\\u201B\\u201C\\u201D\\u0091\\u0092\\u0093\\u0094\\u201E\\u201F\\u2039\\u203A\\u00AB\\u00BB]{1,2}`;
const DBLQUOT = '(?:"|&quot;)';
const TBSPEC = `-(?:RRB|LRB|RCB|LCB|RSB|LSB)-|C\\.D\\.s|pro-|anti-|S(?:&|&amp;)P-500|S(?:&|&amp;)Ls|Cap${APOS}n|c${APOS}est`;
const TBSPEC2 = `${APOS}[0-9][0-9]`;
const SMILEY = String.raw`[<>]?[:;=][\-o*']?[()DPdpO\\{@|\[\]]`;
// The first alternative really is a literal "[^x=~<>]" after the period in PTBLexer.flex.
const ASIANSMILEY = String.raw`[\^x=~<>]\.\[\^x=~<>\]|[\-\^x=~<>']_[\-\^x=~<>']|\([\-\^x=~<>'][_.]?[\-\^x=~<>']\)|\([\^x=~<>']-[\^x=~<>'` + '`' + String.raw`]\)`;
const MISCSYMBOL = String.raw`[+%&~\^|\\\u00A6\u00A7\u00A8\u00A9\u00AC\u00AE\u00AF\u00B0-\u00B3\u00B4-\u00BA\u00D7\u00F7\u0387\u05BE\u05C0\u05C3\u05C6\u05F3\u05F4\u0600-\u0603\u0606-\u060A\u060C\u0614\u061B\u061E\u066A\u066D\u0703-\u070D\u07F6\u07F7\u07F8\u0964\u0965\u0E4F\u1FBD\u2016\u2017\u2020-\u2023\u2030-\u2038\u203B\u203E-\u2042\u2044\u207A-\u207F\u208A-\u208E\u2100-\u214F\u2190-\u21FF\u2200-\u2BFF\u3012\u30FB\uFF01-\uFF0F\uFF1A-\uFF20\uFF3B-\uFF40\uFF5B-\uFF65]`;
const ACRONYM_FOLLOWERS = String.raw`[A]bout|[A]ccording|[A]dditionally|[A]fter|[A]n|[A]|[A]s|[A]t|[B]ut|[E]arlier|[H]e|[H]er|[H]ere|[H]owever|[I]f|[I]n|[I]t|[L]ast|[M]any|[M]ore|[M]r\.|[M]s\.|[N]ow|[O]nce|[O]ne|[O]ther|[O]ur|[S]he|[S]ince|[S]o|[S]ome|[S]uch|[T]hat|[T]he|[T]heir|[T]hen|[T]here|[T]hese|[T]hey|[T]his|[W]e|[W]hen|[W]hile|[W]hat|[Y]et|[Y]ou|${SGML}`;

/** What a rule does with its text (the part before any trailing context). */
export type PtbAction =
  | { readonly kind: 'token' } // the text as is
  | { readonly kind: 'map'; readonly map: (text: string) => string }
  | { readonly kind: 'pushback'; readonly keep: (text: string) => number } // token = first `keep` chars, rest re-lexed
  | { readonly kind: 'period-again' } // token = text, then its final period is lexed again
  | { readonly kind: 'acronym' } // the ACRONYM-before-common-word rule
  | { readonly kind: 'newline' } // a line break of the -preserveLines output
  | { readonly kind: 'skip' }; // no token (spaces, untokenizable characters)

export interface PtbPattern {
  /** Sticky; group `tc`, when present, is the trailing context. */
  readonly regex: RegExp;
  /** Matches (a superset of) the characters a match can start with; undefined: any. */
  readonly firstChar: RegExp | undefined;
}

export interface PtbRule {
  readonly name: string;
  /** One per top-level alternative of the rule, so that the longest one wins, as in JFlex. */
  readonly patterns: readonly PtbPattern[];
  readonly action: PtbAction;
}

const SOFT_HYPHEN = /\u00AD/g;
const removeSoftHyphens = (s: string): string => (s.includes('\u00AD') ? s.replace(SOFT_HYPHEN, '') || '-' : s);
const toNbsp = (s: string): string => s.replaceAll(' ', '\u00A0');
const parens = (s: string): string => s.replaceAll('(', '-LRB-').replaceAll(')', '-RRB-');
const normalizeAmp = (s: string): string => s.replace(/&amp;/gi, '&');

/** latexQuotes of PTBLexer: ' and " become ` and `` (probably left) or ' and ''. */
export function latexQuotes(s: string, probablyLeft: boolean): string {
  const single = probablyLeft ? '`' : "'";
  const double = probablyLeft ? '``' : "''";
  return s
    .replace(/&apos;|'/g, single)
    .replace(/"|&quot;/g, double)
    .replace(/[\u0091\u2018\u201B\u2039]/g, '`')
    .replace(/[\u0092\u2019\u203A]/g, "'")
    .replace(/[\u0093\u201C\u00AB]/g, '``')
    .replace(/[\u0094\u201D\u00BB]/g, "''");
}

const FRACTIONS: Record<string, string> = { '\u00BC': '1/4', '\u00BD': '1/2', '\u00BE': '3/4', '\u2153': '1/3', '\u2154': '2/3' };

/** Splits a regular expression source at its top-level `|`. */
function topLevelAlternatives(source: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '\\') i++;
    else if (c === '[') {
      i++;
      while (source[i] !== ']') i += source[i] === '\\' ? 2 : 1;
    } else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) {
      out.push(source.slice(start, i));
      start = i + 1;
    }
  }
  out.push(source.slice(start));
  return out;
}

/** Index just past the group that opens at `open`. */
function groupEnd(source: string, open: number): number {
  let depth = 0;
  for (let i = open; i < source.length; i++) {
    const c = source[i]!;
    if (c === '\\') i++;
    else if (c === '[') {
      i++;
      while (source[i] !== ']') i += source[i] === '\\' ? 2 : 1;
    } else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i + 1;
  }
  throw new Error(`unbalanced group in ${source}`);
}

/**
 * A conservative description of the characters a match of `source` can start with: a list of
 * one-character regular-expression atoms, or undefined for "any". Used only to skip rules that
 * cannot match at a position, never to decide a match.
 */
function firstCharacters(source: string): string[] | undefined {
  const atoms: string[] = [];
  for (const alternative of topLevelAlternatives(source)) {
    let i = 0;
    for (;;) {
      if (i >= alternative.length) return undefined;
      let atom: string[] | undefined;
      let end: number;
      const c = alternative[i]!;
      if (c === '(') {
        end = groupEnd(alternative, i);
        const inner = alternative.slice(i + 1, end - 1);
        atom = firstCharacters(inner.replace(/^\?(?::|<[a-z]+>)/, ''));
      } else if (c === '[') {
        end = i + 1;
        while (alternative[end] !== ']') end += alternative[end] === '\\' ? 2 : 1;
        end++;
        atom = [alternative.slice(i, end)];
      } else if (c === '\\') {
        const next = alternative[i + 1];
        end = i + (next === 'u' ? 6 : next === 'x' ? 4 : next === 'p' ? alternative.indexOf('}', i) - i + 1 : 2);
        atom = [alternative.slice(i, end)];
      } else if (c === '.') {
        return undefined;
      } else {
        end = i + 1;
        atom = ['^$\\.*+?()[]{}|/'.includes(c) ? `\\${c}` : c];
      }
      if (atom === undefined) return undefined;
      atoms.push(...atom);
      const quantifier = alternative[end];
      const optional = quantifier === '?' || quantifier === '*' || alternative.startsWith('{0', end);
      if (!optional) break;
      i = end + 1;
      if (quantifier === '{') i = alternative.indexOf('}', end) + 1;
    }
  }
  return atoms;
}

function compile(alternative: string, context: string): PtbPattern {
  const first = firstCharacters(alternative);
  return {
    regex: new RegExp(`(?:${alternative})${context}`, 'uy'),
    firstChar: first === undefined ? undefined : new RegExp(`^(?:${first.join('|')})`, 'u'),
  };
}

function rule(name: string, body: string, action: PtbAction = { kind: 'token' }, trailing?: string): PtbRule {
  const context = trailing === undefined ? '' : `(?=(?<tc>${caseless(trailing)}))`;
  const patterns = topLevelAlternatives(body).map((alt) => compile(caseless(alt), context));
  return { name, patterns, action };
}

const map = (fn: (text: string) => string): PtbAction => ({ kind: 'map', map: fn });
const keep = (fn: (text: string) => number): PtbAction => ({ kind: 'pushback', keep: fn });
const quotes = (probablyLeft: boolean): PtbAction => map((s) => latexQuotes(s, probablyLeft));

/** The lexer rules in PTBLexer.flex order (strict-Treebank-3-only rules left out). */
export const PTB_RULES: readonly PtbRule[] = [
  rule('c++', String.raw`c[+][+]`),
  rule('c#', '(?:c|f)#'),
  rule('cannot', 'cannot', keep((s) => s.length - 3)),
  rule("'twas", "'twas", keep((s) => s.length - 3)),
  rule("'tis", "'tis", keep((s) => s.length - 2)),
  rule('gonna', 'gonna|gotta|lemme|gimme|wanna', keep((s) => s.length - 2)),
  rule('SGML', SGML, map(toNbsp)),
  rule('SPMDASH', SPMDASH, map(() => '--')),
  rule('SPAMP', SPAMP, map(normalizeAmp)),
  rule('SPPUNC', SPPUNC),
  rule('WORD/REDAUX', WORD, map(removeSoftHyphens), REDAUX),
  rule('SWORD/SREDAUX', SWORD, map(removeSoftHyphens), SREDAUX),
  rule('WORD', WORD, map(removeSoftHyphens)),
  rule('APOWORD', APOWORD),
  rule('APOWORD2', APOWORD2, { kind: 'token' }, String.raw`\p{L}`),
  rule('FULLURL', FULLURL),
  rule('LIKELYURL', LIKELYURL),
  rule('EMAIL', EMAIL),
  rule('TWITTER', TWITTER),
  rule('REDAUX/', REDAUX, quotes(false), '[^A-Za-z]'),
  rule('SREDAUX/', SREDAUX, quotes(false), '[^A-Za-z]'),
  rule('DATE', DATE),
  rule('NUMBER', NUMBER, map(removeSoftHyphens)),
  rule('SUBSUPNUM', SUBSUPNUM),
  rule('FRAC', FRAC, map(toNbsp)),
  rule('FRAC2', FRAC2, map((s) => FRACTIONS[s] ?? s)),
  rule('TBSPEC', TBSPEC, map(normalizeAmp)),
  rule('THING3', THING3),
  rule('DOLSIGN', DOLSIGN),
  rule('DOLSIGN2', DOLSIGN2, map((s) => s.replace(/\u00A2/g, 'cents').replace(/\u00A3/g, '#').replace(/[\u0080\u00A4\u20A0\u20AC]/g, '$'))),
  rule('ACRONYM/', ACRONYM, { kind: 'acronym' }, `${SPACENL}+(?:${ACRONYM_FOLLOWERS})${SPACENL}`),
  rule('ABBREV3/', ABBREV3, { kind: 'token' }, `${SPACENL}?\\p{Nd}`),
  rule('pty.', String.raw`(?:pt[eyEY]|co)\.`, { kind: 'token' }, `${SPACE}(?:ltd|lim)`),
  rule('ABBREV1/SENTEND', ABBREV1, { kind: 'period-again' }, SENTEND),
  rule('ABBREV1/..', ABBREV1, { kind: 'token' }, String.raw`[^][^]`),
  rule('ABBREV1', ABBREV1, { kind: 'period-again' }),
  rule('ABBREV2', ABBREV2),
  rule('ABBREV4/', ABBREV4, { kind: 'token' }, SPACE),
  rule('ACRO/', ACRO, { kind: 'token' }, SPACENL),
  rule('TBSPEC2/', TBSPEC2, { kind: 'token' }, SPACENL),
  rule('FILENAME/', FILENAME, { kind: 'token' }, `${SPACENL}|[.?!,]`),
  rule('WORD./', `${WORD}\\.`, map(removeSoftHyphens), INSENTP),
  rule('PHONE', PHONE, map((s) => parens(toNbsp(s)))),
  rule('DBLQUOT/', DBLQUOT, quotes(true), '[A-Za-z0-9$]'),
  rule('DBLQUOT', DBLQUOT, quotes(false)),
  rule('DEL', String.raw`\x7f`, { kind: 'skip' }),
  rule('LESSTHAN', '<|&lt;', map(() => '<')),
  rule('GREATERTHAN', '>|&gt;', map(() => '>')),
  rule('SMILEY/', SMILEY, map(parens), '[^A-Za-z0-9]'),
  rule('ASIANSMILEY', ASIANSMILEY, map(parens)),
  rule('{', String.raw`\{`, map(() => '-LCB-')),
  rule('}', String.raw`\}`, map(() => '-RCB-')),
  rule('[', String.raw`\[`, map(() => '-LSB-')),
  rule(']', String.raw`\]`, map(() => '-RSB-')),
  rule('(', String.raw`\(`, map(() => '-LRB-')),
  rule(')', String.raw`\)`, map(() => '-RRB-')),
  rule('HYPHENS', '-+', map((s) => (s.length >= 3 && s.length <= 4 ? '--' : s))),
  rule('LDOTS', LDOTS, map(() => '...')),
  rule('FNMARKS', '@+|#+|_+'),
  rule('ASTS', String.raw`\*+|(?:\\\*){1,3}`),
  rule('INSENTP', INSENTP),
  rule('?!', '[?!]+'),
  rule('sentence-final', String.raw`[.\u00A1\u00BF\u037E\u0589\u061F\u06D4\u0700-\u0702\u07FA\u3002]`),
  rule('=', '='),
  rule('/', String.raw`\/`),
  rule('HTHING./', `${HTHING}\\.`, map(removeSoftHyphens), INSENTP),
  rule('HTHING', HTHING, map(removeSoftHyphens)),
  rule('THING./', `${THING}\\.`, { kind: 'token' }, INSENTP),
  rule('THING', THING),
  rule('THINGA./', `${THINGA}\\.`, map(normalizeAmp), INSENTP),
  rule('THINGA', THINGA, map(normalizeAmp)),
  rule("'/", "'", quotes(true), String.raw`[A-Za-z][^ \t\n\r\u00A0]`),
  rule('REDAUX', REDAUX, quotes(false)),
  rule('SREDAUX', SREDAUX, quotes(false)),
  rule('QUOTES', QUOTES, quotes(false)),
  rule('FAKEDUCKFEET', '<<|>>'),
  rule('MISCSYMBOL', MISCSYMBOL),
  rule('SPACES', String.raw`\0|${SPACE}+|[\u200B\u200E-\u200F\uFEFF]`, { kind: 'skip' }),
  rule('NEWLINE', NEWLINE, { kind: 'newline' }),
  rule('&nbsp;', '&nbsp;', { kind: 'skip' }),
  rule('untokenizable', String.raw`[^]`, { kind: 'skip' }),
];
