/**
 * `vlbench validate --tasks/--models` checks the selection `vlbench run` with the same flags
 * would run: only the data locations the selected tasks use must be given, unknown names get
 * run's did-you-mean errors, and a selection of which nothing can run is an error.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { validateCommand } from '../../../runners/commands/validate.js';
import { runCommand } from '../../../runners/commands/run.js';
import { UsageError } from '../../../runners/errors.js';
import { rejectedMessage } from '../helpers/thrown.js';
import { tempDir } from './helpers/run-double.js';
import { captureCommand } from '../helpers/capture-output.js';

const capture = captureCommand;

const HELDOUT = 'suites/instructblip-heldout.suite.json';
const SCIENCEQA = ['--no-files', '--data', 'model=tiny-instructblip-t5', '--data', 'scienceqa=/x'];

test('validate --tasks needs only the data locations of the selected tasks', async () => {
  const one = await capture(validateCommand, [HELDOUT, '--tasks', 'scienceqa-img', ...SCIENCEQA]);
  assert.is(one.err, '');
  assert.is(one.code, 0);
  assert.is(one.out, "ok suites/instructblip-heldout.suite.json: suite 'instructblip-heldout', 1 of 4 task(s) (--tasks), 1 model(s)\n");
  // Without --tasks every task's data location is required, as for run.
  const all = await capture(validateCommand, [HELDOUT, ...SCIENCEQA]);
  assert.is(all.code, 1);
  assert.match(all.err, "data location 'iconqa' is not set: pass --data iconqa=PATH");
});

/** The usage error validate gives for `argv`, asserted to be the one run stops on. */
async function sameRefusal(argv: readonly string[]): Promise<string> {
  const validated = await rejectedMessage(validateCommand.run([...argv, '--no-files']), UsageError);
  const ran = await rejectedMessage(runCommand.run([...argv, '--out', join(tempDir('validate-refusal'), 'run')]), UsageError);
  assert.is(validated, ran);
  return validated;
}

test('validate --tasks skips a suite none of whose tasks is selected, and its task data', async () => {
  const r = await capture(validateCommand, ['suites/default.suite.json', 'suites/gqa.suite.json', '--no-files', '--tasks', 'synth-caption', '--data', 'model=tiny-blip']);
  assert.is(r.err, '');
  assert.is(r.code, 0);
  assert.is(r.out, "ok suites/default.suite.json: suite 'default', 1 of 10 task(s) (--tasks), 7 model(s)\nskipped suites/gqa.suite.json: suite 'gqa' has none of the --tasks\n");
});

test('validate --tasks with an unknown id is the usage error run gives, with a suggestion', async () => {
  const validated = await sameRefusal(['suites/default.suite.json', '--tasks', 'synth-captoin']);
  assert.match(validated, /^--tasks: 'synth-captoin' is not a task of the suites \(did you mean 'synth-caption'\?\); tasks: synth-retrieval, synth-caption, /);
});

test('validate --models selects models as run does; one not in the suites is an error naming theirs', async () => {
  const albef = await capture(validateCommand, ['suites/default.suite.json', '--no-files', '--models', 'tiny-albef']);
  assert.is(albef.code, 0, albef.err);
  assert.is(albef.out, "ok suites/default.suite.json: suite 'default', 10 task(s), 1 of 7 model(s) (--models)\n");
  // A ${data.model} model goes by what it resolved to.
  const resolved = await capture(validateCommand, [HELDOUT, '--tasks', 'scienceqa-img', '--models', 'tiny-instructblip-t5', ...SCIENCEQA]);
  assert.is(resolved.code, 0, resolved.err);
  const unknown = await rejectedMessage(validateCommand.run([HELDOUT, '--tasks', 'scienceqa-img', '--models', 'tiny-instructblip', ...SCIENCEQA]), UsageError);
  assert.is(unknown, "--models: 'tiny-instructblip' is not a model of the suites (did you mean 'tiny-instructblip-t5'?); models: tiny-instructblip-t5 (${data.model})");
  // The same message run stops on (run needs the data files, which the default suite has).
  const validated = await sameRefusal(['suites/default.suite.json', '--models', 'tiny-albf']);
  assert.match(validated, /^--models: 'tiny-albf' is not a model of the suites \(did you mean 'tiny-albef'\?\); models: tiny-albef, tiny-blip, /);
});

test('validate: a --models/--tasks selection of which nothing can run exits 1, as run stops', async () => {
  const r = await capture(validateCommand, ['suites/default.suite.json', '--no-files', '--models', 'tiny-albef', '--tasks', 'synth-caption']);
  assert.is(r.code, 1);
  assert.is(r.out, '');
  assert.match(r.err, /^suites\/default\.suite\.json: \(document\): nothing selected from this suite can run: the --models\/--tasks selection leaves no \(model, task\) pair that runs \(synth-caption: tiny-albef \(albef\) has no caption decoder\)/);
});

test('validate --help names --models and --tasks', async () => {
  const help = await capture(validateCommand, ['--help']);
  assert.match(help.out, /^Usage: vlbench validate SUITE\.\.\. \[--data NAME=PATH\]\.\.\. \[--models a,b\] \[--tasks a,b\] \[--no-files\]/);
});

test.run();
