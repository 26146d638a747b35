/** `vlbench validate SUITE... [--data NAME=PATH] [--models a,b] [--tasks a,b] [--no-files]`: schema + semantic checks, nothing runs. */
import { bundledModels } from '../../models/load.js';
import { parse, parseData, parseList } from '../args.js';
import { EXIT } from '../exit-codes.js';
import { UsageError } from '../errors.js';
import { loadSuite, type LoadedSuite, type LoadSuiteOptions } from '../../suites/load.js';
import { renderProblem, SuiteError, type SuiteProblem } from '../../suites/messages.js';
import type { Command } from './command.js';
import { selectTasks } from '../run/task-selection.js';
import { checkDataNames, planManifests } from './validate-suites.js';
import { datasetChecks, plannedScope } from '../run/datasets-ahead.js';

const HELP = `Usage: vlbench validate SUITE... [--data NAME=PATH]... [--models a,b] [--tasks a,b] [--no-files]

Checks each suite against the schema and the registered loaders, templates, metrics and models,
and (unless --no-files) that its dataset files and model manifests exist, that each task's
loader reads its annotation files and finds samples in them (media files are not opened), and
that every graph, external-data and tokenizer file a model.json names exists (not a Git LFS
pointer) and its tokenizers load (graphs are not opened and sha256 digests are not computed:
\`vlbench run\` checks those when it loads the model). Then plans the suites
together as \`vlbench run\` would, from each model's model.json (no model is loaded): task ids
shared between suites, settings that cannot work or would do nothing for a model once its
family's defaults apply, gates no runnable pair matches, suites of which nothing can run.

  --models a,b   only these models, as in \`vlbench run\` (a \${data.NAME} model also by what it
                 resolved to); a name that is no model of the suites is an error
  --tasks a,b    only these task ids, as in \`vlbench run\`: data locations only the other tasks
                 use need not be given, and a suite none of whose tasks is named is skipped
  --no-files     check away from the data: no dataset file, media folder, model manifest or
                 answer list has to exist and no annotation file is read

With --models/--tasks only the selection is planned and its data checked, and a selection of
which nothing can run is an error, as it is for \`vlbench run\`. Both add up when repeated.`;

/** Each suite loaded on its own, so that every one that does not load is reported (undefined). */
function loadEach(files: readonly string[], options: LoadSuiteOptions): (LoadedSuite | undefined)[] {
  return files.map((file) => {
    try {
      return loadSuite(file, options);
    } catch (error) {
      if (!(error instanceof SuiteError)) throw error;
      process.stderr.write(`${error.message}\n`);
      return undefined;
    }
  });
}

function okLine(file: string, suite: LoadedSuite, running: ReadonlySet<string>): string {
  const total = suite.suite.tasks.length;
  const tasks = suite.selected === undefined ? `${total} task(s)` : `${suite.selected.size} of ${total} task(s) (--tasks)`;
  const runs = suite.models.filter((ref) => running.has(ref.manifestPath)).length;
  const models = runs === suite.models.length ? `${runs} model(s)` : `${runs} of ${suite.models.length} model(s) (--models)`;
  return `ok ${file}: suite '${suite.suite.name}', ${tasks}, ${models}\n`;
}

export const validateCommand: Command = {
  async run(argv) {
    const { values, positionals } = parse('validate', argv, {
      data: { type: 'string', multiple: true },
      models: { type: 'string', multiple: true },
      tasks: { type: 'string', multiple: true },
      'no-files': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help) {
      process.stdout.write(HELP + '\n');
      return EXIT.ok;
    }
    if (positionals.length === 0) throw new UsageError('name at least one suite file');
    const data = parseData(values.data);
    const only = parseList('--models', values.models);
    const tasks = parseList('--tasks', values.tasks);
    const checkFiles = !values['no-files'];
    checkDataNames(positionals, data);
    const registered = bundledModels();
    const loaded = loadEach(positionals, { data, models: registered, checkFiles, ...(tasks === null ? {} : { tasks }) });
    const suites = loaded.filter((s): s is LoadedSuite => s !== undefined);
    if (suites.length < loaded.length && (only !== null || tasks !== null)) {
      // As `vlbench run`, which stops at a suite that does not load before it reads the selection.
      process.stderr.write('vlbench validate: --models/--tasks not checked: a suite did not load\n');
      return EXIT.harnessError;
    }
    // Plan the selected suites that loaded (together, as one run would), even when another did not.
    const selected = selectTasks(suites, tasks);
    const planned = planManifests(selected, { ...(only === null ? { only } : { only, registered }), manifestProblems: true, checkFiles });
    const checked = checkFiles ? await datasetChecks(selected, plannedScope(planned.tasks, null, planned.models)) : { problems: [], notes: [] };
    const problems = [...planned.problems, ...checked.problems];
    loaded.forEach((suite, i) => {
      if (suite === undefined || loaded.findIndex((s) => s?.file === suite.file) < i) return;
      if (!selected.includes(suite)) return void process.stdout.write(`skipped ${positionals[i]}: suite '${suite.suite.name}' has none of the --tasks\n`);
      // Planning names suites by absolute path; print them as they were given.
      const own = problems.filter((p) => p.file === suite.file).map((p): SuiteProblem => ({ ...p, file: positionals[i]! }));
      if (own.length > 0) process.stderr.write(own.map(renderProblem).join('\n') + '\n');
      else process.stdout.write(okLine(positionals[i]!, suite, planned.running));
      for (const note of checked.notes.filter((n) => n.file === suite.file)) process.stdout.write(`  note: task ${note.taskId}: ${note.message}\n`);
    });
    return problems.length > 0 || suites.length < loaded.length ? EXIT.harnessError : EXIT.ok;
  },
};
