/**
 * Errors the CLI knows how to present. Library layers throw their own typed errors carrying the
 * file, JSON pointer and fix; the CLI prints `message` and, for unknown errors, the stack.
 */
export class UsageError extends Error {
  override name = 'UsageError';
}

export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const known = error.name !== 'Error' && error.name !== 'TypeError' && error.name !== 'RangeError';
    return known || process.env.VLBENCH_DEBUG === undefined ? error.message : String(error.stack);
  }
  return String(error);
}
