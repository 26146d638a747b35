/**
 * Checks across the suites of one run, which no single suite can see: a suite file given twice,
 * two suites with one name (the manifest's seeds and the report's rows are keyed by suite name),
 * task ids shared by two suites (a run's results are keyed by task id), and `--data` names that
 * no suite declares (a typo would leave the suite's own value silently in place). `vlbench
 * validate` and `vlbench run` call the same functions, so they agree.
 */
import { didYouMean } from './did-you-mean.js';
import { dataNamesOf, type LoadedSuite } from './load.js';
import type { SuiteProblem } from './messages.js';

export function acrossSuites(suites: readonly LoadedSuite[]): SuiteProblem[] {
  const problems: SuiteProblem[] = [];
  const ids = new Map<string, { suite: LoadedSuite; at: number }>();
  suites.forEach((suite, s) => {
    const earlier = suites.findIndex((other) => other.file === suite.file);
    if (earlier !== s) {
      problems.push({ file: suite.file, pointer: '', message: `this suite file is given twice (suite ${earlier + 1} and ${s + 1} of the command line); pass it once` });
      return;
    }
    const named = suites.findIndex((other) => other.suite.name === suite.suite.name);
    if (named !== s) {
      problems.push({ file: suite.file, pointer: '/name', message: `suite name '${suite.suite.name}' is also the name of ${suites[named]!.file}; the suites of one run must have different names, as the run's seeds and report rows are keyed by them: rename one` });
    }
    suite.suite.tasks.forEach((task, i) => {
      const first = ids.get(task.id);
      if (first === undefined) return void ids.set(task.id, { suite, at: i });
      problems.push({
        file: suite.file, pointer: `/tasks/${i}/id`,
        message: `task id '${task.id}' is also used by suite '${first.suite.suite.name}' (${first.suite.file}, /tasks/${first.at}/id); task ids must be unique across the suites of one run, as results are keyed by them: rename one`,
      });
    });
  });
  return problems;
}

/**
 * The `--data NAME=PATH` names that no suite declares in `data` or uses as `${data.NAME}`, one
 * line each with the declared names, or undefined when all are known (or a suite cannot be read:
 * loading it reports why).
 */
export function unknownDataNames(files: readonly string[], data: Readonly<Record<string, string>>): string | undefined {
  const perFile = files.map(dataNamesOf);
  if (perFile.some((names) => names === undefined)) return undefined;
  const declared = [...new Set(perFile.flatMap((names) => names ?? []))];
  const unknown = Object.keys(data).filter((name) => !declared.includes(name));
  if (unknown.length === 0) return undefined;
  const known = declared.length > 0 ? `the suites declare: ${declared.join(', ')}` : 'the suites declare no data locations';
  return unknown.map((name) => `--data ${name}=...: no suite declares or uses a data location '${name}'${didYouMean(name, declared)}; ${known}`).join('\n');
}
