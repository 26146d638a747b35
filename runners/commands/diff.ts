/** `vlbench diff RUN_A RUN_B [--json | --limit N] [--task ID] [--model ID]` */
import type { Command } from './command.js';
import { EXIT } from '../exit-codes.js';
import { UsageError } from '../errors.js';
import { parse } from '../args.js';
import { DiffFilterError, diffRuns, diffText, type RunDiff } from '../../reports/diff.js';

const HELP = `Usage: vlbench diff RUN_A RUN_B [options]

Lists the samples whose predictions or per-sample scores changed from RUN_A to RUN_B, largest
change first (|delta| relative to the metric's observed range). Each row shows the metric whose
change ranked it; equal changes list by task, model and sample id (numbers in numeric order).

Options:
  --json        print every change as JSON (all of them: not with --limit)
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
  async run(argv) {
    const options = { json: { type: 'boolean' }, limit: { type: 'string' }, task: { type: 'string' }, model: { type: 'string' }, help: { type: 'boolean', short: 'h' } } as const;
    const { values, positionals } = parse('diff', argv, options, HELP);
    if (values.help) {
      process.stdout.write(HELP + '\n');
      return EXIT.ok;
    }
    if (positionals.length !== 2) throw new UsageError(`expected RUN_A and RUN_B, got ${positionals.length} argument(s).\n\n${HELP}`);
    // --limit cuts the text table; the JSON is every change, for tools to filter (jq '.changes[:N]').
    if (values.json && values.limit !== undefined) throw new UsageError(`--limit sets the rows of the text table, and --json prints every change: leave out --limit (or filter the JSON, e.g. jq '.changes[:${values.limit}]').`);
    const limit = values.limit === undefined ? 30 : Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit ${values.limit}: expected a positive integer.`);
    const diff = filteredDiff(positionals[0]!, positionals[1]!, values.task, values.model);
    process.stdout.write(values.json ? JSON.stringify(diff, null, 2) + '\n' : diffText(diff, limit));
    return EXIT.ok;
  },
};
