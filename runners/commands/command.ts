/** One CLI subcommand: a runner returning the exit code (its `vlbench --help` line is in cli.ts). */
export interface Command {
  run(argv: readonly string[]): Promise<number>;
}
