/** `--tasks` applied to loaded suites, shared by `vlbench run` and `vlbench validate`. */
import { didYouMean } from '../../suites/did-you-mean.js';
import type { LoadedSuite } from '../../suites/load.js';
import { UsageError } from '../errors.js';

/**
 * The suites that keep a selected task (each suite loaded with the selection), after checking
 * that every name is a task of some suite; null keeps every suite.
 */
export function selectTasks(suites: readonly LoadedSuite[], tasks: readonly string[] | null): LoadedSuite[] {
  if (tasks === null) return [...suites];
  const ids = suites.flatMap((s) => s.suite.tasks.map((t) => t.id));
  for (const wanted of tasks) {
    if (!ids.includes(wanted)) throw new UsageError(`--tasks: '${wanted}' is not a task of the suites${didYouMean(wanted, ids)}; tasks: ${ids.join(', ')}`);
  }
  return suites.filter((s) => s.selected === undefined || s.selected.size > 0);
}
