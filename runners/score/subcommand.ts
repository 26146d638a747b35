/** One `vlbench score` subcommand: its help text and a runner returning the text to print. */
export interface ScoreSubcommand {
  readonly name: string;
  /** One line for `vlbench score --help`. */
  readonly summary: string;
  readonly usage: string;
  /** Parses its flags, scores, writes any requested files; returns stdout text. Throws on bad input. */
  run(argv: readonly string[]): string;
}
