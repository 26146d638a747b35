/** One CLI subcommand: a one-line summary for `vlbench --help` and a runner returning the exit code. */
export interface Command {
  readonly summary: string;
  run(argv: readonly string[]): Promise<number>;
}
