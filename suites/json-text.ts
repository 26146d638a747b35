/**
 * JSON parse errors as line and column. V8's JSON.parse gives a character offset at best, and
 * for some mistakes (an unexpected '}', a bad literal) no position at all, so a failed parse is
 * re-scanned here to find the first error and say what was expected there, with a hint for the
 * two mistakes people make most in hand-written JSON: comments and trailing commas.
 */

export interface JsonSyntaxError {
  readonly line: number;
  readonly column: number;
  /** What is wrong at that place, and the fix when it is a common mistake. */
  readonly message: string;
}

class Stop {
  constructor(readonly at: number, readonly message: string) {}
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/** A JSON syntax scanner: no values are built, it only finds the first place the text breaks. */
class Scanner {
  private i = 0;

  constructor(private readonly text: string) {}

  /** Where `text` first breaks, or undefined when it is valid JSON. */
  firstError(): Stop | undefined {
    try {
      this.value();
      this.space();
      if (this.i < this.text.length) this.fail('the end of the document');
      return undefined;
    } catch (error) {
      if (error instanceof Stop) return error;
      throw error;
    }
  }

  private fail(expected: string): never {
    const { text, i } = this;
    if (text.startsWith('//', i) || text.startsWith('/*', i)) throw new Stop(i, 'JSON has no comments; remove it (notes belong in "description")');
    throw new Stop(i, `expected ${expected}, found ${i >= text.length ? 'the end of the file' : `'${text[i]}'`}`);
  }

  private space(): void {
    while (this.i < this.text.length && ' \t\n\r'.includes(this.text[this.i]!)) this.i++;
  }

  private value(): void {
    this.space();
    const c = this.text[this.i];
    if (c === '{') return this.members('}', () => this.member());
    if (c === '[') return this.members(']', () => this.value());
    if (c === '"') return this.string();
    NUMBER.lastIndex = this.i;
    if (NUMBER.test(this.text)) return void (this.i = NUMBER.lastIndex);
    const literal = ['true', 'false', 'null'].find((word) => this.text.startsWith(word, this.i));
    if (literal === undefined) this.fail('a value (object, array, string, number, true, false or null)');
    this.i += literal.length;
  }

  private member(): void {
    this.space();
    if (this.text[this.i] !== '"') this.fail('a property name in double quotes');
    this.string();
    this.space();
    if (this.text[this.i] !== ':') this.fail("':' after the property name");
    this.i++;
    this.value();
  }

  /** An object's or array's items up to `close`: a comma before `close` is the usual mistake. */
  private members(close: string, item: () => void): void {
    this.i++;
    this.space();
    if (this.text[this.i] === close) return void this.i++;
    for (;;) {
      item();
      this.space();
      if (this.text[this.i] === close) return void this.i++;
      if (this.text[this.i] !== ',') this.fail(`',' or '${close}'`);
      const comma = this.i++;
      this.space();
      if (this.text[this.i] === close) throw new Stop(comma, `a trailing comma before '${close}' is not allowed in JSON; remove it`);
    }
  }

  private string(): void {
    for (this.i++; this.text[this.i] !== '"'; this.i++) {
      if (this.i >= this.text.length) this.fail("'\"' to close the string");
      if (this.text.charCodeAt(this.i) < 0x20) this.fail('no raw line break or control character inside a string (write \\n)');
      if (this.text[this.i] === '\\') this.i += this.text[this.i + 1] === 'u' ? 5 : 1;
    }
    this.i++;
  }
}

/** Parses JSON; on failure returns where (1-based line and column) and what is wrong. */
export function parseJsonText(text: string): { readonly value: unknown } | { readonly error: JsonSyntaxError } {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (error) {
    const found = new Scanner(text).firstError();
    // The scanner and V8 agree on what JSON is; should they not, V8's own words still help.
    const at = found?.at ?? Number(/at position (\d+)/.exec((error as Error).message)?.[1] ?? text.length);
    const before = text.slice(0, at).split('\n');
    return { error: { line: before.length, column: before.at(-1)!.length + 1, message: found?.message ?? (error as Error).message } };
  }
}
