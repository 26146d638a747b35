/**
 * `vlbench score <caption|vqa|retrieval>`: scores predictions from any source with the
 * official-scorer-exact metrics, without loading a model. The subcommands live in runners/score/;
 * this file dispatches and prints.
 */
import type { Command } from './command.js';
import { EXIT } from '../exit-codes.js';
import { UsageError } from '../errors.js';
import type { ScoreOutput, ScoreSubcommand } from '../score/subcommand.js';
import { vqaSubcommand } from '../score/vqa.js';
import { retrievalSubcommand } from '../score/retrieval.js';
import { captionSubcommand } from '../score/caption.js';

const SUBCOMMANDS: readonly ScoreSubcommand[] = [captionSubcommand, vqaSubcommand, retrievalSubcommand];

const USAGE = `Usage: vlbench score <subcommand> [options]

Scores predictions from anywhere, no model needed.

Subcommands:
${SUBCOMMANDS.map((s) => `  ${s.name.padEnd(10)} ${s.summary}`).join('\n')}

Run \`vlbench score <subcommand> --help\` for its options.`;

/** Runs one score subcommand and returns what it prints on stdout (exported for in-process tests). */
export function executeScore(argv: readonly string[]): string {
  return executeScoreWithNotes(argv).stdout;
}

/** Runs one score subcommand: its stdout text and the notes the CLI prints on stderr. */
export function executeScoreWithNotes(argv: readonly string[]): ScoreOutput {
  const [name, ...rest] = argv;
  if (name === undefined) throw new UsageError(`missing subcommand.\n\n${USAGE}`);
  if (name === '--help' || name === '-h' || name === 'help') return { stdout: USAGE, notes: [] };
  const subcommand = SUBCOMMANDS.find((s) => s.name === name);
  if (!subcommand) throw new UsageError(`unknown subcommand '${name}'; expected ${SUBCOMMANDS.map((s) => s.name).join(', ')}`);
  return subcommand.run(rest);
}

export const scoreCommand: Command = {
  async run(argv) {
    const { stdout, notes } = executeScoreWithNotes(argv);
    // Notes first: a reader of the terminal sees them above the numbers they qualify.
    for (const note of notes) process.stderr.write(`vlbench score ${argv[0]}: note: ${note}\n`);
    process.stdout.write(stdout + '\n');
    return EXIT.ok;
  },
};
