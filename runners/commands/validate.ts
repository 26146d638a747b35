/** `vlbench validate SUITE... [--data NAME=PATH] [--no-files]`: schema + semantic checks, nothing runs. */
import { parse, parseData } from '../args.js';
import { EXIT } from '../exit-codes.js';
import { UsageError } from '../errors.js';
import { loadSuite, type LoadedSuite } from '../../suites/load.js';
import { renderProblem, SuiteError, type SuiteProblem } from '../../suites/messages.js';
import type { Command } from './command.js';
import { checkDataNames, planManifests } from './validate-suites.js';
import { datasetChecks, plannedScope } from '../run/datasets-ahead.js';

const HELP = `Usage: vlbench validate SUITE... [--data NAME=PATH]... [--no-files]

Checks each suite against the schema and the registered loaders, templates, metrics and models,
and (unless --no-files) that its dataset files and model manifests exist, that each task's
loader reads its annotation files and finds samples in them (media files are not opened), and
that every graph, external-data and tokenizer file a model.json names exists (not a Git LFS
pointer) and its tokenizers load (graphs are not opened and sha256 digests are not computed:
\`vlbench run\` checks those when it loads the model). Then plans the suites
together as \`vlbench run\` would, from each model's model.json (no model is loaded): task ids
shared between suites, settings that cannot work or would do nothing for a model once its
family's defaults apply, gates no runnable pair matches, suites of which nothing can run.`;

export const validateCommand: Command = {
  summary: 'Validate suites without running anything',
  async run(argv) {
    const { values, positionals } = parse('validate', argv, {
      data: { type: 'string', multiple: true },
      'no-files': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help) {
      process.stdout.write(HELP + '\n');
      return EXIT.ok;
    }
    if (positionals.length === 0) throw new UsageError('name at least one suite file');
    const data = parseData(values.data);
    checkDataNames(positionals, data);
    const loaded: (LoadedSuite | undefined)[] = positionals.map((file) => {
      try {
        return loadSuite(file, { data, checkFiles: !values['no-files'] });
      } catch (error) {
        if (!(error instanceof SuiteError)) throw error;
        process.stderr.write(`${error.message}\n`);
        return undefined;
      }
    });
    // Plan the suites that loaded (together, as one run would), even when another did not.
    const suites = loaded.filter((s): s is LoadedSuite => s !== undefined);
    const planned = planManifests(suites, { only: null, manifestProblems: true, checkFiles: !values['no-files'] });
    const checked = values['no-files'] ? { problems: [], notes: [] } : await datasetChecks(suites, plannedScope(planned.tasks, null, planned.models));
    const problems = [...planned.problems, ...checked.problems];
    loaded.forEach((suite, i) => {
      if (suite === undefined || loaded.findIndex((s) => s?.file === suite.file) < i) return;
      // Planning names suites by absolute path; print them as they were given.
      const own = problems.filter((p) => p.file === suite.file).map((p): SuiteProblem => ({ ...p, file: positionals[i]! }));
      if (own.length > 0) process.stderr.write(own.map(renderProblem).join('\n') + '\n');
      else process.stdout.write(`ok ${positionals[i]}: suite '${suite.suite.name}', ${suite.suite.tasks.length} task(s), ${suite.suite.models.length} model(s)\n`);
      for (const note of checked.notes.filter((n) => n.file === suite.file)) process.stdout.write(`  note: task ${note.taskId}: ${note.message}\n`);
    });
    return problems.length > 0 || suites.length < loaded.length ? EXIT.harnessError : EXIT.ok;
  },
};
