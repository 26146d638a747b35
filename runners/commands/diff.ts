/** `vlbench diff RUN_A RUN_B [--json] [--limit N] [--task ID] [--model ID]` */
import { parseArgs } from 'node:util';
import type { Command } from './command.js';
import { EXIT } from '../exit-codes.js';
import { UsageError } from '../errors.js';
import { DiffFilterError, diffRuns, diffText, type RunDiff } from '../../reports/diff.js';

const HELP = `Usage: vlbench diff RUN_A RUN_B [options]

Lists the samples whose predictions or per-sample scores changed from RUN_A to RUN_B, largest
change first (|delta| relative to the metric's observed range).

Options:
  --json        print every change as JSON
  --limit N     rows in the text table (default 30)
  --task ID     only this task
  --model ID    only this model`;

/** A --task or --model that neither run has is a usage error (a typo would otherwise report "0 changed"). */
function filteredDiff(runA: string, runB: string, task: string | undefined, model: string | undefined): RunDiff {
  try {
    return diffRuns(runA, runB, { task, model });
  } catch (error) {
    if (error instanceof DiffFilterError) throw new UsageError(`--${error.field}: ${error.message}.`);
    throw error;
  }
}

export const diffCommand: Command = {
  summary: 'Show the samples whose predictions or scores changed between two runs',
  async run(argv) {
    let parsed;
    try {
      parsed = parseArgs({ args: [...argv], allowPositionals: true, options: { json: { type: 'boolean' }, limit: { type: 'string' }, task: { type: 'string' }, model: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
    } catch (error) {
      throw new UsageError(`${(error as Error).message}\n\n${HELP}`);
    }
    const { values, positionals } = parsed;
    if (values.help) {
      process.stdout.write(HELP + '\n');
      return EXIT.ok;
    }
    if (positionals.length !== 2) throw new UsageError(`expected RUN_A and RUN_B, got ${positionals.length} argument(s).\n\n${HELP}`);
    const limit = values.limit === undefined ? 30 : Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit ${values.limit}: expected a positive integer.`);
    const diff = filteredDiff(positionals[0]!, positionals[1]!, values.task, values.model);
    process.stdout.write(values.json ? JSON.stringify(diff, null, 2) + '\n' : diffText(diff, limit));
    return EXIT.ok;
  },
};
