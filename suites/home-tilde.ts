/**
 * Paths given with a leading `~`, which only a shell expands. Apart from load.ts so that the
 * commands that take paths (run, report, gate, score, merge, preprocess) check them without
 * loading the suite machinery.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * A path that starts with `~`: a shell expands it only when it is not quoted, and vlbench takes
 * paths as given, so it would name a folder called `~` in the working directory.
 */
export function homeTildeProblem(value: string): string | undefined {
  if (value !== '~' && !value.startsWith('~/')) return undefined;
  return `'${value}' starts with ~, which vlbench does not expand (a shell does, and only when the path is not quoted): write the full path (${join(homedir(), value.slice(2))}?)`;
}
