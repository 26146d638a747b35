/**
 * `vlbench` command-line entry: argv parsing only. Each subcommand lives in its own file under
 * commands/ and receives the arguments after its name; the library code it calls never prints.
 */
import { EXIT } from './exit-codes.js';
import { UsageError, describeError } from './errors.js';
import type { Command } from './commands/command.js';
import { scoreCommand } from './commands/score.js';
import { preprocessCommand } from './commands/preprocess.js';
import { runCommand, startCommand } from './commands/run.js';
import { mergeCommand } from './commands/merge.js';
import { validateCommand } from './commands/validate.js';
import { lsCommand } from './commands/ls.js';
import { reportCommand } from './commands/report.js';
import { gateCommand } from './commands/gate.js';
import { diffCommand } from './commands/diff.js';

const COMMANDS: Record<string, Command> = {
  run: runCommand,
  start: startCommand,
  merge: mergeCommand,
  validate: validateCommand,
  ls: lsCommand,
  score: scoreCommand,
  preprocess: preprocessCommand,
  report: reportCommand,
  gate: gateCommand,
  diff: diffCommand,
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(11)} ${c.summary}`);
  return ['Usage: vlbench <command> [options]', '', 'Commands:', ...lines, '', 'Run `vlbench <command> --help` for the options of one command.'].join('\n');
}

export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage() + '\n');
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`vlbench: unknown command '${name}'.\n\n${usage()}\n`);
    return EXIT.usage;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    process.stderr.write(`vlbench ${name}: ${describeError(error)}\n`);
    return error instanceof UsageError ? EXIT.usage : EXIT.harnessError;
  }
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'));
if (invokedDirectly) {
  process.exitCode = await main(process.argv.slice(2));
}
