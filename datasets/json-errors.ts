/**
 * Where a JSON text that JSON.parse refused breaks, for the loaders' error messages (io.ts
 * readJsonText): computed only after a failure, without copying the text.
 */

/**
 * Where a JSON text that JSON.parse refused breaks, and why, as `at line L, column C: ... (text
 * there)`. V8 gives a character offset for some mistakes and none for others (a trailing comma
 * before ']': "Unexpected token ']', ...,]" is not valid JSON"), and a 10-character snippet does
 * not find the place in a 100 MB annotation file, most of them one line long. So the text is
 * scanned again here, only after a failure and without copying it, for the first place it breaks.
 */
export function jsonErrorDetail(text: string, v8Message: string): string {
  const found = firstJsonError(text);
  const position = /at position (\d+)/.exec(v8Message)?.[1];
  // The scanner and V8 agree on what JSON is; should they not, V8's words and offset still help.
  const at = found?.at ?? (position === undefined ? text.length : Number(position));
  const what = found?.message ?? v8Message.replace(/ in JSON at position \d+.*$/s, '');
  let line = 1;
  let lineStart = 0;
  for (let nl = text.indexOf('\n'); nl !== -1 && nl < at; nl = text.indexOf('\n', nl + 1)) {
    line += 1;
    lineStart = nl + 1;
  }
  return `at line ${line}, column ${at - lineStart + 1}: ${what}${excerptAt(text, at, lineStart)}`;
}

/** The text on either side of `at`, on its line: enough to find it with an editor's search. */
function excerptAt(text: string, at: number, lineStart: number): string {
  const WIDTH = 24;
  const lineEnd = (text.indexOf('\n', at) + 1 || text.length + 1) - 1;
  const from = Math.max(lineStart, at - WIDTH);
  const to = Math.min(lineEnd, at + WIDTH);
  const show = (s: string): string => s.replace(/[\u0000-\u001f]/g, ' ');
  const before = `${from > lineStart ? '...' : ''}${show(text.slice(from, at))}`;
  const after = `${show(text.slice(at, to))}${to < lineEnd ? '...' : ''}`;
  if (before === '' && after === '') return '';
  return ` (after '${before}', at '${after}')`;
}

const JSON_NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/**
 * The offset where `text` first stops being JSON and what is wrong there, or undefined when it is
 * valid. A loop with a stack of open brackets, not recursion: no value is built and no depth
 * limit applies. A trailing comma (the usual slip of a hand edit) and a comment are named as such.
 */
function firstJsonError(text: string): { readonly at: number; readonly message: string } | undefined {
  const n = text.length;
  const closers: string[] = [];
  let i = 0;
  const space = (): void => {
    for (let c = text.charCodeAt(i); c === 32 || c === 9 || c === 10 || c === 13; c = text.charCodeAt(++i));
  };
  const found = (): string => (i >= n ? 'the end of the file' : `'${text[i]}'`);
  const stop = (expected: string): { at: number; message: string } => {
    if (text.startsWith('//', i) || text.startsWith('/*', i)) return { at: i, message: 'a comment: JSON allows no comments; remove it' };
    return { at: i, message: `expected ${expected}, found ${found()}` };
  };
  // A string from its opening quote at i; i ends after its closing quote.
  const string = (): { at: number; message: string } | undefined => {
    const start = i;
    for (i++; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c === 34) {
        i++;
        return undefined;
      }
      if (c < 0x20) return { at: i, message: `a raw ${c === 10 || c === 13 ? 'line break' : 'control character'} inside a string: JSON needs it escaped (\\n, \\t, \\u00XX), or the string's closing quote is missing` };
      if (c === 92) {
        const e = text[i + 1];
        if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) i += 5;
        else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 1;
        else return { at: i, message: 'a backslash that starts no JSON escape (\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX); write a backslash as \\\\' };
      }
    }
    return { at: start, message: 'a string that is never closed: its closing quote is missing' };
  };
  const key = (): { at: number; message: string } | undefined => {
    space();
    if (text[i] !== '"') return stop('a property name in double quotes');
    const broken = string();
    if (broken !== undefined) return broken;
    space();
    if (text[i] !== ':') return stop("':' after the property name");
    i++;
    return undefined;
  };
  let expectValue = true;
  for (;;) {
    space();
    if (expectValue) {
      const c = text[i];
      if (c === '{' || c === '[') {
        const close = c === '{' ? '}' : ']';
        i++;
        space();
        if (text[i] === close) {
          i++;
          expectValue = false;
          continue;
        }
        closers.push(close);
        const broken = close === '}' ? key() : undefined;
        if (broken !== undefined) return broken;
        continue;
      }
      if (c === '"') {
        const broken = string();
        if (broken !== undefined) return broken;
      } else {
        JSON_NUMBER.lastIndex = i;
        const literal = ['true', 'false', 'null'].find((word) => text.startsWith(word, i));
        if (JSON_NUMBER.test(text)) i = JSON_NUMBER.lastIndex;
        else if (literal !== undefined) i += literal.length;
        else return stop('a value (object, array, string, number, true, false or null)');
      }
      expectValue = false;
      continue;
    }
    const close = closers.at(-1);
    if (close === undefined) return i < n ? stop('the end of the document') : undefined;
    if (text[i] === close) {
      closers.pop();
      i++;
      continue;
    }
    if (text[i] !== ',') return stop(`',' or '${close}'`);
    const comma = i++;
    space();
    if (text[i] === ']' || text[i] === '}') return { at: comma, message: `a trailing comma before '${text[i]}': JSON allows no trailing comma; remove it` };
    const broken = close === '}' ? key() : undefined;
    if (broken !== undefined) return broken;
    expectValue = true;
  }
}
