/**
 * SIGINT and SIGTERM stop `vlbench run` with one exit code (EXIT.interrupted, 130), whenever they
 * come: while the command's code loads, while the suites are checked, while the models load, or
 * between batches; never the harness-error code, and never silently. Before the run wrote its
 * manifest there is nothing to resume, and the message says so.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRunCommand } from '../../../runners/commands/run.js';
import { EXIT } from '../../../runners/exit-codes.js';
import { RunDirectory } from '../../../runners/run/run-dir.js';
import { doubleModels, FIXTURE_SUITE, loadDouble } from './helpers/double-model.js';
import { runDouble, tempDir } from './helpers/run-double.js';

/** Starts `start()`, then sends `signal` to this process's listeners at once (before any of its work awaited). */
async function interrupted(start: () => Promise<number>, signal: NodeJS.Signals): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const err = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string) => ((stderr += chunk), true)) as typeof process.stderr.write;
  try {
    const running = start();
    process.emit(signal, signal);
    return { code: await running, stderr };
  } finally {
    process.stderr.write = err;
  }
}

function command(loads: { count: number }) {
  return createRunCommand({ loadModel: (path, options) => ((loads.count += 1), loadDouble(path, options)), registeredModels: doubleModels });
}

test('an early SIGINT: the interrupt code, no model loaded, nothing to resume', async () => {
  const out = join(tempDir('interrupt'), 'run');
  const loads = { count: 0 };
  const { code, stderr } = await interrupted(() => command(loads).run([FIXTURE_SUITE, '--tasks', 'captioning', '--out', out]), 'SIGINT');
  assert.is(code, EXIT.interrupted);
  assert.is(EXIT.interrupted, 130);
  assert.match(stderr, 'Ctrl-C again to quit at once');
  assert.match(stderr, 'interrupted before any sample was run; nothing to resume');
  assert.is(loads.count, 0, 'models loaded after the signal');
  assert.not.ok(new RunDirectory(out).exists());
});

test('SIGTERM: the same code; the message names the signal, not Ctrl-C; a resume gets the continue hint and keeps its results', async () => {
  const out = join(tempDir('interrupt'), 'run');
  await runDouble({ models: ['double-blip'], tasks: ['captioning'], out });
  const scores = readFileSync(new RunDirectory(out).scores, 'utf8');
  const loads = { count: 0 };
  const { code, stderr } = await interrupted(() => command(loads).run([FIXTURE_SUITE, '--models', 'double-blip', '--tasks', 'captioning', '--out', out, '--resume']), 'SIGTERM');
  assert.is(code, EXIT.interrupted);
  assert.match(stderr, 'SIGTERM: stopping after the current batch (send SIGTERM again to quit at once)');
  assert.not.match(stderr, 'Ctrl-C');
  assert.match(stderr, `Continue with: vlbench run ... --out ${out} --resume`);
  assert.is(loads.count, 0);
  // Stopped before it wrote anything: the finished run's results stand.
  assert.is(readFileSync(new RunDirectory(out).scores, 'utf8'), scores);
});

test('a signal while the command loads: the interrupt code and a word, not a silent kill', async () => {
  const out = join(tempDir('interrupt'), 'run');
  // cli.ts uses top-level await, which the CommonJS test hook cannot require: import it as ESM.
  const { main } = await import('../../../runners/cli.js');
  const { code, stderr } = await interrupted(() => main(['run', FIXTURE_SUITE, '--out', out]), 'SIGINT');
  assert.is(code, EXIT.interrupted);
  assert.match(stderr, 'vlbench run: interrupted while starting, before any sample was run; nothing was written');
  assert.not.ok(existsSync(out));
});

test.run();
