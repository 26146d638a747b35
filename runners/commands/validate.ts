/** `vlbench validate SUITE... [--data NAME=PATH] [--no-files]`: schema + semantic checks, nothing runs. */
import { parse, parseData } from '../args.js';
import { EXIT } from '../exit-codes.js';
import { UsageError } from '../errors.js';
import { loadSuite } from '../../suites/load.js';
import { SuiteError } from '../../suites/messages.js';
import type { Command } from './command.js';

const HELP = `Usage: vlbench validate SUITE... [--data NAME=PATH]... [--no-files]

Checks each suite against the schema and the registered loaders, templates, metrics and models,
and (unless --no-files) that its dataset files and model manifests exist. Runs nothing.`;

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
    let failed = false;
    for (const file of positionals) {
      try {
        const loaded = loadSuite(file, { data, checkFiles: !values['no-files'] });
        process.stdout.write(`ok ${file}: suite '${loaded.suite.name}', ${loaded.suite.tasks.length} task(s), ${loaded.suite.models.length} model(s)\n`);
      } catch (error) {
        if (!(error instanceof SuiteError)) throw error;
        failed = true;
        process.stderr.write(`${error.message}\n`);
      }
    }
    return failed ? EXIT.harnessError : EXIT.ok;
  },
};
