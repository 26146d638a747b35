/**
 * `vlbench` command-line entry: argv parsing only. Each subcommand lives in its own file under
 * commands/ and receives the arguments after its name; the library code it calls never prints.
 * A command's code is imported when it is named: reading it takes seconds, which a SIGINT or
 * SIGTERM may interrupt (loadCommand).
 */
import { EXIT } from './exit-codes.js';
import { UsageError, describeError } from './errors.js';
import type { Command } from './commands/command.js';

/** Each command's help line, and its code, imported only when the command is named. */
const COMMANDS: Record<string, { readonly summary: string; readonly load: () => Promise<Command> }> = {
  run: { summary: 'Run suites: every model on every task it supports; writes a run directory', load: async () => (await import('./commands/run.js')).runCommand },
  start: { summary: 'The main job: the default suite over the bundled benchmark, then the report', load: async () => (await import('./commands/run.js')).startCommand },
  merge: { summary: 'Merge the run directories of a sharded run into one', load: async () => (await import('./commands/merge.js')).mergeCommand },
  validate: { summary: 'Validate suites without running anything', load: async () => (await import('./commands/validate.js')).validateCommand },
  ls: { summary: 'List registered models, datasets or tasks', load: async () => (await import('./commands/ls.js')).lsCommand },
  score: { summary: 'Score predictions from any source: caption, vqa or retrieval (no model needed)', load: async () => (await import('./commands/score.js')).scoreCommand },
  preprocess: { summary: 'Write the tensor a model would see for one input (debug preprocessing)', load: async () => (await import('./commands/preprocess.js')).preprocessCommand },
  report: { summary: 'Render tables, Vega-Lite charts and an HTML report from run directories', load: async () => (await import('./commands/report.js')).reportCommand },
  gate: { summary: 'Gate a run against floors, ceilings and a baseline (CI)', load: async () => (await import('./commands/gate.js')).gateCommand },
  diff: { summary: 'Show the samples whose predictions or scores changed between two runs', load: async () => (await import('./commands/diff.js')).diffCommand },
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(11)} ${c.summary}`);
  return ['Usage: vlbench <command> [options]', '', 'Commands:', ...lines, '', 'Run `vlbench <command> --help` for the options of one command.'].join('\n');
}

/**
 * SIGINT and SIGTERM held while a command's code loads: without a listener they kill the process
 * with no word. Released once the command runs (`vlbench run` takes them over as it starts).
 */
function holdSignals(): { caught: () => boolean; release: () => void } {
  let caught = false;
  const onSignal = (): void => {
    caught = true;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    caught: () => caught,
    release: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

/**
 * The command, or null when a signal came while it loaded. A signal that came while the loading
 * held the thread is delivered at the event loop's next turn: one turn is waited for, or it
 * would be dropped with the listener.
 */
async function loadCommand(load: () => Promise<Command>, held: { caught: () => boolean }): Promise<Command | null> {
  const command = await load();
  await new Promise((resolve) => setImmediate(resolve));
  return held.caught() ? null : command;
}

export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage() + '\n');
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const load = Object.hasOwn(COMMANDS, name) ? COMMANDS[name]!.load : undefined;
  if (!load) {
    process.stderr.write(`vlbench: unknown command '${name}'.\n\n${usage()}\n`);
    return EXIT.usage;
  }
  const held = holdSignals();
  try {
    const command = await loadCommand(load, held);
    if (command === null) {
      const what = name === 'run' || name === 'start' ? 'before any sample was run; nothing was written' : 'before it began; nothing was done';
      process.stderr.write(`vlbench ${name}: interrupted while starting, ${what}\n`);
      return EXIT.interrupted;
    }
    // Started first: its first step (synchronous) takes the signals over where it handles them.
    const running = command.run(rest);
    held.release();
    return await running;
  } catch (error) {
    process.stderr.write(`vlbench ${name}: ${describeError(error)}\n`);
    return error instanceof UsageError ? EXIT.usage : EXIT.harnessError;
  } finally {
    held.release();
  }
}

/**
 * A reader that closes early (`vlbench run ... | head`) makes the next stdout write fail with
 * EPIPE, an unhandled 'error' event with a stack trace, and the run's cleanup skipped. What it did
 * not read is lost either way; the work goes on and exits with its own code.
 */
export function ignoreClosedStdout(stream: NodeJS.WriteStream = process.stdout): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'));
if (invokedDirectly) {
  ignoreClosedStdout();
  process.exitCode = await main(process.argv.slice(2));
}
