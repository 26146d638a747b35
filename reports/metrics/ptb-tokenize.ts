/**
 * COCO caption normalisation as pycocoevalcap's `PTBTokenizer` does it: Stanford CoreNLP 3.4.1
 * `PTBTokenizer -preserveLines -lowerCase` (re-implemented in ptb-lexer-rules.ts), then the
 * Python side's removal of the tokens `'' ' `` ` -LRB- -RRB- -LCB- -RCB- . ? ! , : - -- ... ;`
 * and a join with single spaces.
 *
 * Consequences worth knowing (all as in the official pipeline): contractions split ("don't" ->
 * "do n't"), assimilations split ("gonna" -> "gon na", "cannot" -> "can not"), sentence-final
 * periods and most punctuation go, abbreviations keep their period ("u.s.", "mr."), hyphenated
 * words stay whole, "$5" -> "$ 5", and because the removal list has only the uppercase escapes,
 * brackets survive as "-lrb-", "-rrb-", "-lsb-", "-rsb-", "-lcb-", "-rcb-". "5 1/2" becomes one
 * token joined by a no-break space, which BLEU and CIDEr-D (Python `str.split()`) then split.
 *
 * Identity: text that is already lowercase words separated by single spaces comes back
 * unchanged, with one exception the Java tokenizer forces: the assimilations "cannot", "gonna",
 * "gotta", "lemme", "gimme" and "wanna" are split as above. (Tokenizer output in general is not
 * a fixed point, in Java either: "y' all" loses its apostrophe token on a second pass.)
 *
 * Known differences from the Java tokenizer run through pycocoevalcap:
 * 1. Line breaks. The wrapper only replaces "\n"; the other characters the 3.4.1 lexer treats as
 *    line ends (\r, U+000B, U+000C, U+2028, U+2029) split a caption over two output lines and
 *    shift every later caption onto the wrong image, silently. Here they are spaces.
 * 2. (Not a difference, a warning.) The wrapper lexes all captions as one file joined by "\n",
 *    so a few trailing-context rules look past the end of a caption into the next one: a
 *    caption ending in a single letter and a period ("... vitamin C.") keeps "c." unless the
 *    next caption starts with one of ~50 common words ("A", "The", "In", ...), when it becomes
 *    "c". `ptbTokenizeBatch` lexes its captions joined the same way, so it reproduces this when
 *    given the captions in the official order; `ptbTokenize` is a batch of one.
 * 3. Characters outside the Basic Multilingual Plane are handled as the Java lexer sees them,
 *    as two UTF-16 halves that only "any character but ..." classes match (so emoji and astral
 *    letters are deleted between words, half by half, also in runs of them, but kept inside a
 *    URL). Where the Java lexer would cut a token between the two halves, its output has a broken
 *    character; this port keeps the pair.
 * 4. Unicode tables. Letter, digit and uppercase classes use the JavaScript engine's Unicode
 *    version instead of the (older) one JFlex and Java used for the 3.4.1 build; characters
 *    assigned since differ.
 * 5. Longest match inside a rule. JFlex finds each rule's longest match; a JavaScript regular
 *    expression takes the first alternative that works, which can be shorter for a few
 *    abbreviation and URL alternations. Across rules the longest match and the rule order are
 *    kept.
 * 6. The warning that the Java tokenizer prints for the first untokenizable character is not
 *    reproduced (the character is deleted, as there).
 * 7. Greek capital sigma. Java's `toLowerCase` picks final sigma (U+03C2) with its word
 *    BreakIterator, JavaScript's with the Unicode Final_Sigma rule (they differ next to digits,
 *    "N1Σ"). This port follows Java with an approximation of the JDK 17 word-boundary rules
 *    (letters, marks and digits; dashes, soft hyphen, quotes, period and underscore between
 *    letters; ideographs alone); the Java result also depends on the JDK that runs the jar.
 */
import { isPythonWhitespace } from './caption-interning.js';
import type { PtbRule } from './ptb-lexer-rules.js';
import { PTB_RULES } from './ptb-lexer-rules.js';

/** The tokens pycocoevalcap's ptbtokenizer.py removes after the Java run. */
export const PTB_REMOVED_TOKENS: ReadonlySet<string> = new Set([
  "''", "'", '``', '`', '-LRB-', '-RRB-', '-LCB-', '-RCB-', '.', '?', '!', ',', ':', '-', '--', '...', ';',
]);

const LINE_BREAKERS = /[\n\r\u000B\u000C\u2028\u2029]/g;
// The 3.4.1 lexer reads UTF-16 code units: a character outside the Basic Multilingual Plane is
// two halves that no letter class matches (deleted alone, kept inside e.g. a URL). Here each half
// becomes one private-use character absent from the input, which every rule treats as it treats
// a lone half (only "any character but ..." classes match either) and which, unlike the halves
// themselves, never combines with a neighbour into a character a letter class would take.
// Tokens get their halves back by position.
const SURROGATE_HALF = /[\uD800-\uDFFF]/g;

interface Halves {
  readonly placeholder: string;
  /** The halves in input order. */
  readonly units: readonly string[];
  /** Placeholders before each input offset. */
  readonly before: Int32Array;
}

function hideHalves(text: string): { input: string; halves: Halves | null } {
  if (!/[\uD800-\uDFFF]/.test(text)) return { input: text, halves: null };
  let code = 0xe000;
  while (code <= 0xf8ff && text.includes(String.fromCharCode(code))) code++;
  if (code > 0xf8ff) throw new Error('PTB lexer: the captions use every private-use character; no placeholder is left for UTF-16 halves');
  const placeholder = String.fromCharCode(code);
  const units: string[] = [];
  const input = text.replace(SURROGATE_HALF, (unit) => {
    units.push(unit);
    return placeholder;
  });
  const before = new Int32Array(input.length + 1);
  for (let i = 0; i < input.length; i++) before[i + 1] = before[i]! + (input[i] === placeholder ? 1 : 0);
  return { input, halves: { placeholder, units, before } };
}

/** Puts the halves back into the tokens pushed since `from`, lexed from `start` on. */
function restoreHalves(line: string[], from: number, start: number, halves: Halves): void {
  let next = halves.before[start]!;
  for (let i = from; i < line.length; i++) {
    if (line[i]!.includes(halves.placeholder)) line[i] = line[i]!.split(halves.placeholder).reduce((out, piece) => out + halves.units[next++]! + piece);
  }
}

// Fast paths, valid because no other rule can match longer at these positions: ASCII letters
// followed by a space or line end are a WORD (unless an assimilation), spaces only ever start
// the SPACES rule, and "\n" only the NEWLINE rule.
const PLAIN_WORD = /[A-Za-z]+(?=[ \n]|$)/y;
const PLAIN_SPACES = /[ \t]+/y;
const ASSIMILATIONS = new Set(['cannot', 'gonna', 'gotta', 'lemme', 'gimme', 'wanna']);

interface LongestMatch {
  readonly rule: PtbRule;
  readonly text: string;
}

interface Candidate {
  readonly rule: PtbRule;
  readonly regex: RegExp;
}

/** Per first code point, the rule patterns (in rule order) that can start with it. */
const candidatesByFirst = new Map<number, readonly Candidate[]>();

function candidatesFor(codePoint: number): readonly Candidate[] {
  let list = candidatesByFirst.get(codePoint);
  if (list === undefined) {
    const char = String.fromCodePoint(codePoint);
    list = PTB_RULES.flatMap((rule) =>
      rule.patterns.filter((p) => p.firstChar === undefined || p.firstChar.test(char)).map((p) => ({ rule, regex: p.regex })),
    );
    candidatesByFirst.set(codePoint, list);
  }
  return list;
}

function longestMatch(input: string, position: number): LongestMatch | undefined {
  let best: LongestMatch | undefined;
  let bestLength = 0;
  for (const { rule, regex } of candidatesFor(input.codePointAt(position)!)) {
    regex.lastIndex = position;
    const match = regex.exec(input);
    if (match === null) continue;
    const length = match[0].length + (match.groups?.['tc']?.length ?? 0);
    if (length > bestLength) {
      bestLength = length;
      best = { rule, text: match[0] };
    }
  }
  return best;
}

/** Appends the token(s) of one match to the current line and returns the characters consumed. */
function applyRule({ rule, text }: LongestMatch, lines: string[][]): number {
  const action = rule.action;
  const line = lines[lines.length - 1]!;
  switch (action.kind) {
    case 'token':
      line.push(text);
      return text.length;
    case 'map':
      line.push(action.map(text));
      return text.length;
    case 'pushback': {
      const kept = action.keep(text);
      line.push(text.slice(0, kept));
      return kept;
    }
    case 'period-again':
      line.push(text);
      return text.length - 1;
    case 'acronym':
      // "I." before a common word: the letter now, the period next; else the acronym with its
      // period, and the period once more.
      if (text.length === 2) {
        line.push(text.slice(0, 1));
        return 1;
      }
      line.push(text);
      return text.length - 1;
    case 'newline':
      lines.push([]);
      return text.length;
    case 'skip':
      return text.length;
    default: {
      const never: never = action;
      throw new Error(`unknown PTB action ${JSON.stringify(never)}`);
    }
  }
}

/**
 * The Java tokenizer's output lines (tokens before lowercasing and removal) for the captions
 * written one per line, the last one without a final newline, as ptbtokenizer.py writes them.
 */
export function ptbLexLines(captions: readonly string[]): string[][] {
  const { input, halves } = hideHalves(captions.map((c) => c.replace(LINE_BREAKERS, ' ')).join('\n'));
  const lines: string[][] = [[]];
  let position = 0;
  while (position < input.length) {
    const c = input.charCodeAt(position);
    if (c === 0x20 || c === 0x09) {
      PLAIN_SPACES.lastIndex = position;
      position += PLAIN_SPACES.exec(input)![0].length;
      continue;
    }
    if (c === 0x0a) {
      lines.push([]);
      position++;
      continue;
    }
    PLAIN_WORD.lastIndex = position;
    const plain = PLAIN_WORD.exec(input);
    if (plain !== null && !ASSIMILATIONS.has(plain[0].toLowerCase())) {
      lines[lines.length - 1]!.push(plain[0]);
      position += plain[0].length;
      continue;
    }
    const match = longestMatch(input, position);
    if (match === undefined) throw new Error(`PTB lexer: no rule matches at offset ${position}`);
    const line = lines[lines.length - 1]!;
    const pushed = line.length;
    const start = position;
    position += applyRule(match, lines);
    if (halves !== null) restoreHalves(line, pushed, start, halves);
  }
  return lines;
}

/**
 * Captions as one call of pycocoevalcap's PTBTokenizer returns them: lowercased, punctuation
 * removed. A caption's last token can depend on the next caption (see the module comment), so
 * pass the captions in the order the official evaluation tokenizes them.
 */
export function ptbTokenizeBatch(captions: readonly string[]): string[] {
  const lines = ptbLexLines(captions);
  if (lines.length !== captions.length) {
    throw new Error(`PTB lexer: ${lines.length} output lines for ${captions.length} captions`);
  }
  // ptbtokenizer.py: `line.rstrip().split(' ')`, then the removal; rstrip also takes a no-break
  // space that ends the last token (a URL, say).
  return lines.map((tokens) => {
    const line = pythonRstrip(tokens.map(javaLowerCase).join(' '));
    return line
      .split(' ')
      .filter((token) => !PTB_REMOVED_TOKENS.has(token))
      .join(' ');
  });
}

const CAPITAL_SIGMA = '\u03a3';
const WORD_CHAR = /[\p{L}\p{M}\p{Nd}]/u;
const LETTER = /\p{L}/u;
const MID_WORD = /[\p{Pd}\u00ad'"._]/u;
const CASED = /[\p{Lu}\p{Ll}\p{Lt}]/u;
const IDEOGRAPHIC = /[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}]/u;

/** Whether Java's word BreakIterator (JDK 17 rules, approximated) puts a boundary before `at`. */
function isWordBoundary(text: string, at: number): boolean {
  if (at <= 0 || at >= text.length) return true;
  const before = text[at - 1]!;
  const after = text[at]!;
  if (IDEOGRAPHIC.test(before) || IDEOGRAPHIC.test(after)) return true;
  if (WORD_CHAR.test(before) && WORD_CHAR.test(after)) return false;
  if (MID_WORD.test(after) && LETTER.test(before) && LETTER.test(text[at + 1] ?? '')) return false;
  if (MID_WORD.test(before) && LETTER.test(text[at - 2] ?? '') && LETTER.test(after)) return false;
  return true;
}

/** Java's final-sigma condition: a cased letter before, none after, within the word. */
function isFinalSigma(text: string, at: number): boolean {
  for (let i = at; !isWordBoundary(text, i); i--) {
    if (!CASED.test(text[i - 1]!)) continue;
    for (let j = at + 1; !isWordBoundary(text, j); j++) if (CASED.test(text[j]!)) return false;
    return true;
  }
  return false;
}

/**
 * `token.toLowerCase(Locale.ENGLISH)` as Java does it. Only capital sigma differs from
 * JavaScript: Java picks final sigma by word boundaries (digits do not end a word), JavaScript by
 * the Unicode Final_Sigma rule.
 */
function javaLowerCase(token: string): string {
  if (!token.includes(CAPITAL_SIGMA)) return token.toLowerCase();
  let out = '';
  let start = 0;
  for (let i = 0; i < token.length; i++) {
    if (token[i] !== CAPITAL_SIGMA) continue;
    out += token.slice(start, i).toLowerCase() + (isFinalSigma(token, i) ? '\u03c2' : '\u03c3');
    start = i + 1;
  }
  return out + token.slice(start).toLowerCase();
}

/** Python's `str.rstrip()` (Unicode whitespace). */
function pythonRstrip(text: string): string {
  let end = text.length;
  while (end > 0 && isPythonWhitespace(text.charCodeAt(end - 1))) end--;
  return text.slice(0, end);
}

/** One caption tokenized on its own (as a one-caption PTBTokenizer call). */
export function ptbTokenize(caption: string): string {
  return ptbTokenizeBatch([caption])[0]!;
}
