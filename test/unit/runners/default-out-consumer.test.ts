/**
 * Where `vlbench run` writes when no --out is given: runs/<timestamp> of the working directory,
 * claimed by creating it, so that two runs a script starts in the same second get two folders
 * (the second was refused, and told to "use another --out" it never gave). A quoted `--out '~/x'`
 * is refused: the shell did not expand it and vlbench does not.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRunCommand, timestamp } from '../../../runners/commands/run.js';
import { UsageError } from '../../../runners/errors.js';
import { claimNewDirectory, RunFileError } from '../../../runners/run/run-dir.js';
import { captureOutput } from '../helpers/capture-output.js';
import { rejectedMessage, thrownMessage } from '../helpers/thrown.js';
import { tempDirFactory } from '../helpers/temp-dirs.js';
import { doubleModels, FIXTURE_SUITE, loadDouble } from './helpers/double-model.js';

const tempDir = tempDirFactory(test);
const SAME_SECOND = new Date('2026-11-28T20:20:39.500Z');

/** Runs `body` with the working directory set to a fresh folder, as a project's script would. */
async function inFreshFolder<T>(body: (cwd: string) => Promise<T>): Promise<T> {
  const cwd = tempDir(join(tmpdir(), 'vlbench-default-out-'));
  const before = process.cwd();
  process.chdir(cwd);
  try {
    return await body(cwd);
  } finally {
    process.chdir(before);
  }
}

const command = createRunCommand({ loadModel: loadDouble, registeredModels: doubleModels, now: () => SAME_SECOND });
const ARGS = [FIXTURE_SUITE, '--models', 'double-blip', '--tasks', 'captioning', '--limit', '2'];

test('claimNewDirectory takes the next free name: base, base-2, base-3', () => {
  const base = join(tempDir(join(tmpdir(), 'vlbench-claim-')), 'runs', 'stamp');
  assert.equal([1, 2, 3].map(() => claimNewDirectory(base, 'fix')), [base, `${base}-2`, `${base}-3`]);
  const refused = (path: string): void => {
    throw Object.assign(new Error(`EROFS: read-only file system, mkdir '${path}'`), { code: 'EROFS' });
  };
  const message = thrownMessage(() => claimNewDirectory(join(base, 'x'), 'pass --out DIR', refused), RunFileError);
  assert.is(message, `cannot create directory ${join(base, 'x')} in ${base}: the file system is read-only; EROFS: read-only file system, mkdir '${join(base, 'x')}': pass --out DIR`);
});

test('two runs started in the same second without --out write two run directories', async () => {
  await inFreshFolder(async (cwd) => {
    const { value: codes, out, err } = await captureOutput(() => Promise.all([command.run(ARGS), command.run(ARGS)]));
    assert.equal(codes, [0, 0], err);
    const stamp = timestamp(SAME_SECOND);
    assert.equal(readdirSync(join(cwd, 'runs')).sort(), [stamp, `${stamp}-2`]);
    assert.match(out, `run written to ${join(cwd, 'runs', stamp)}\n`);
    assert.match(out, `run written to ${join(cwd, 'runs', `${stamp}-2`)}\n`);
    assert.not.match(err, '--out');
  });
});

test('a run that stops before writing leaves no empty default run directory', async () => {
  await inFreshFolder(async (cwd) => {
    await captureOutput(() => rejectedMessage(command.run([FIXTURE_SUITE, '--tasks', 'no-such-task']), UsageError));
    assert.not.ok(existsSync(join(cwd, 'runs')), 'the checks failed before any folder was made');
    const failing = createRunCommand({ loadModel: async () => { throw new Error('no model'); }, registeredModels: doubleModels, now: () => SAME_SECOND });
    await captureOutput(() => failing.run(ARGS).catch(() => undefined));
    assert.not.ok(existsSync(join(cwd, 'runs')), 'the claimed folder, and the runs/ made for it, are removed again');
    // A runs/ that was there before stays, empty or not: it is not this run's to remove.
    mkdirSync(join(cwd, 'runs'));
    await captureOutput(() => failing.run(ARGS).catch(() => undefined));
    assert.equal(readdirSync(join(cwd, 'runs')), []);
  });
});

test("--out '~/x' is refused, naming the value and the full path to write", async () => {
  await inFreshFolder(async (cwd) => {
    const message = await rejectedMessage(command.run([...ARGS, '--out', '~/vlb-tilde/run']), UsageError);
    assert.is(message, `--out '~/vlb-tilde/run' starts with ~, which vlbench does not expand (a shell does, and only when the path is not quoted): write the full path (${join(homedir(), 'vlb-tilde/run')}?)`);
    assert.not.ok(existsSync(join(cwd, '~')));
  });
});

test.run();
