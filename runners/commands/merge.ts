/** `vlbench merge RUN... --out DIR`: one run directory from the shards of a sharded run. */
import { parse } from '../args.js';
import { UsageError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import { mergeRuns } from '../run/merge.js';
import { scoresTable } from '../run/summary.js';
import { checkNoHomeTilde, RunDirectory } from '../run/run-dir.js';
import type { TimingsFile } from '../../reports/records.js';
import type { Command } from './command.js';

const HELP = `Usage: vlbench merge RUN... --out DIR

Merges the run directories of a sharded run (vlbench run --shard i/N, every shard once) into one.
The shards must be one run (same suites and gates, models, data, limit, vlbench version) and
finished; every check comes before anything is written, so a refused merge leaves no --out.
Corpus metrics are recomputed on the merged predictions, so the scores equal an unsharded run's.`;

export const mergeCommand: Command = {
  async run(argv) {
    const { values, positionals } = parse('merge', argv, { out: { type: 'string' }, help: { type: 'boolean', short: 'h' } });
    if (values.help) {
      process.stdout.write(HELP + '\n');
      return EXIT.ok;
    }
    if (values.out === undefined) throw new UsageError('--out DIR is required: where the merged run is written');
    if (positionals.length === 0) throw new UsageError('name the shard run directories to merge');
    checkNoHomeTilde('--out', values.out);
    const scores = mergeRuns(positionals, values.out);
    const merged = new RunDirectory(values.out);
    process.stdout.write(`${scoresTable(scores, merged.readJson<TimingsFile>(merged.timings))}\n\nmerged ${positionals.length} shards into ${values.out}\n`);
    return EXIT.ok;
  },
};
