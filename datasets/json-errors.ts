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
  const { line, column, message, excerpt } = locateJsonError(text, v8Message);
  return `at line ${line}, column ${column}: ${message}${excerpt}`;
}

/** Where (1-based line and column) a text JSON.parse refused first breaks, what is wrong there, and the text around it. */
export function locateJsonError(text: string, v8Message: string): { line: number; column: number; message: string; excerpt: string } {
  const found = firstJsonError(text);
  const position = /at position (\d+)/.exec(v8Message)?.[1];
  // The scanner and V8 agree on what JSON is; should they not, V8's words and offset still help.
  const at = found?.at ?? (position === undefined ? text.length : Number(position));
  const message = found?.message ?? v8Message.replace(/ in JSON at position \d+.*$/s, '');
  let line = 1;
  let lineStart = 0;
  for (let nl = text.indexOf('\n'); nl !== -1 && nl < at; nl = text.indexOf('\n', nl + 1)) {
    line += 1;
    lineStart = nl + 1;
  }
  return { line, column: at - lineStart + 1, message, excerpt: excerptAt(text, at, lineStart) };
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

type Problem = { readonly at: number; readonly message: string };

/**
 * Walks `text` as JSON with a stack of open brackets, not recursion: no value is built and no
 * depth limit applies. A trailing comma (the usual slip of a hand edit) and a comment are named.
 */
class JsonScanner {
  private i = 0;
  private readonly closers: string[] = [];

  constructor(private readonly text: string) {}

  /** The offset where the text first stops being JSON and what is wrong there; undefined when valid. */
  firstError(): Problem | undefined {
    let expectValue = true;
    for (;;) {
      this.space();
      const step: Problem | 'value' | 'after' | 'done' = expectValue ? this.value() : this.afterValue();
      if (step === 'done') return undefined;
      if (typeof step === 'object') return step;
      expectValue = step === 'value';
    }
  }

  private space(): void {
    const t = this.text;
    for (let c = t.charCodeAt(this.i); c === 32 || c === 9 || c === 10 || c === 13; c = t.charCodeAt(++this.i));
  }

  private stop(expected: string): Problem {
    const { text, i } = this;
    if (text.startsWith('//', i) || text.startsWith('/*', i)) return { at: i, message: 'a comment: JSON allows no comments; remove it' };
    return { at: i, message: `expected ${expected}, found ${i >= text.length ? 'the end of the file' : `'${text[i]}'`}` };
  }

  /** A value at i: 'value' when an object or array opened (a value or key comes next), 'after' when a value ended. */
  private value(): Problem | 'value' | 'after' {
    const c = this.text[this.i];
    if (c === '{' || c === '[') return this.open(c === '{' ? '}' : ']');
    if (c === '"') return this.string() ?? 'after';
    JSON_NUMBER.lastIndex = this.i;
    const literal = ['true', 'false', 'null'].find((word) => this.text.startsWith(word, this.i));
    if (JSON_NUMBER.test(this.text)) this.i = JSON_NUMBER.lastIndex;
    else if (literal !== undefined) this.i += literal.length;
    else return this.stop('a value (object, array, string, number, true, false or null)');
    return 'after';
  }

  private open(close: string): Problem | 'value' | 'after' {
    this.i++;
    this.space();
    if (this.text[this.i] === close) {
      this.i++;
      return 'after';
    }
    this.closers.push(close);
    return (close === '}' ? this.key() : undefined) ?? 'value';
  }

  /** After a value: a closing bracket, a comma and the next member, or the end of the document. */
  private afterValue(): Problem | 'value' | 'after' | 'done' {
    const { text } = this;
    const close = this.closers.at(-1);
    if (close === undefined) return this.i < text.length ? this.stop('the end of the document') : 'done';
    if (text[this.i] === close) {
      this.closers.pop();
      this.i++;
      return 'after';
    }
    if (text[this.i] !== ',') return this.stop(`',' or '${close}'`);
    const comma = this.i++;
    this.space();
    if (text[this.i] === ']' || text[this.i] === '}') return { at: comma, message: `a trailing comma before '${text[this.i]}': JSON allows no trailing comma; remove it` };
    return (close === '}' ? this.key() : undefined) ?? 'value';
  }

  private key(): Problem | undefined {
    this.space();
    if (this.text[this.i] !== '"') return this.stop('a property name in double quotes');
    const broken = this.string();
    if (broken !== undefined) return broken;
    this.space();
    if (this.text[this.i] !== ':') return this.stop("':' after the property name");
    this.i++;
    return undefined;
  }

  /** A string from its opening quote at i; i ends after its closing quote. */
  private string(): Problem | undefined {
    const { text } = this;
    const start = this.i;
    for (this.i++; this.i < text.length; this.i++) {
      const c = text.charCodeAt(this.i);
      if (c === 34) {
        this.i++;
        return undefined;
      }
      if (c < 0x20) return { at: this.i, message: `a raw ${c === 10 || c === 13 ? 'line break' : 'control character'} inside a string: JSON needs it escaped (\\n, \\t, \\u00XX), or the string's closing quote is missing` };
      if (c === 92) {
        const e = text[this.i + 1];
        if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(this.i + 2, this.i + 6))) this.i += 5;
        else if (e !== undefined && '"\\/bfnrt'.includes(e)) this.i += 1;
        else return { at: this.i, message: 'a backslash that starts no JSON escape (\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX); write a backslash as \\\\' };
      }
    }
    return { at: start, message: 'a string that is never closed: its closing quote is missing' };
  }
}

function firstJsonError(text: string): Problem | undefined {
  return new JsonScanner(text).firstError();
}
