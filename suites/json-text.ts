/**
 * JSON parse errors as line and column, for suites and the other hand-written JSON files
 * (gate files, published numbers). The scanner is the loaders' (datasets/json-errors.ts); a suite
 * adds where notes belong.
 */
import { locateJsonError } from '../datasets/json-errors.js';

export interface JsonSyntaxError {
  readonly line: number;
  readonly column: number;
  /** What is wrong at that place, and the fix when it is a common mistake. */
  readonly message: string;
}

/** Parses JSON; on failure returns where (1-based line and column) and what is wrong. */
export function parseJsonText(text: string): { readonly value: unknown } | { readonly error: JsonSyntaxError } {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (error) {
    const { line, column, message } = locateJsonError(text, (error as Error).message);
    const hint = message.startsWith('a comment:') ? ' (notes belong in "description")' : '';
    return { error: { line, column, message: message + hint } };
  }
}

/** The error as one phrase: `not valid JSON at line L, column C: what is wrong`. */
export function describeJsonError(error: JsonSyntaxError): string {
  return `not valid JSON at line ${error.line}, column ${error.column}: ${error.message}`;
}
