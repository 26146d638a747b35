/**
 * Process exit codes of the `vlbench` CLI, documented in the README. CI pipelines branch on
 * them, so they never change meaning: a failed quality gate must be distinguishable from a
 * harness that broke.
 */
export const EXIT = {
  ok: 0,
  /** Anything went wrong inside vlbench or its inputs (bad file, model load failure, crash). */
  harnessError: 1,
  /** Wrong command-line usage: unknown command or flag, missing argument. */
  usage: 2,
  /** `vlbench gate`: at least one gate failed. */
  gateFailed: 3,
  /**
   * Stopped by SIGINT or SIGTERM (128 + 2, the shell's code for SIGINT; SIGTERM too, so that one
   * code tells an interrupted run from a crash); `vlbench run` keeps what finished (--resume).
   */
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
