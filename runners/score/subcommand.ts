/** One `vlbench score` subcommand: its help text and a runner returning what to print. */
export interface ScoreSubcommand {
  readonly name: string;
  /** One line for `vlbench score --help`. */
  readonly summary: string;
  readonly usage: string;
  /** Parses its flags, scores, writes any requested files; returns what to print. Throws on bad input. */
  run(argv: readonly string[]): ScoreOutput;
}

/**
 * stdout text, and notes for stderr: things the numbers do not show (tie-dependent recalls,
 * inputs left unscored). With --json a subcommand also puts its notes under a "notes" key, only
 * when there are any, so that output without notes is unchanged.
 */
export interface ScoreOutput {
  readonly stdout: string;
  readonly notes: readonly string[];
}

/** `JSON.stringify(values)`, with `"notes": [...]` appended when there are notes. */
export function jsonWithNotes(values: Record<string, unknown>, notes: readonly string[]): string {
  return JSON.stringify(notes.length === 0 ? values : { ...values, notes });
}

/** "a, b, c" or "a, b, c, d, e, ... (12 in all)": the first few of a list, for notes and errors. */
export function firstFew(items: readonly string[], limit = 5): string {
  const shown = items.slice(0, limit).join(', ');
  return items.length > limit ? `${shown}, ... (${items.length} in all)` : shown;
}
