/**
 * Flags given twice, for every command: a single-value flag repeated is a usage error naming it
 * (parseArgs alone keeps the last value silently); list flags (--models, --tasks, --format) add
 * up; `--data NAME=` twice for one NAME, or with an empty path, is a usage error naming it; a
 * positive integer is digits only.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import type { ScoresFile } from '../../../reports/records.js';
import { parse, parseData, parseList, parsePositiveInt } from '../../../runners/args.js';
import { createRunCommand } from '../../../runners/commands/run.js';
import { validateCommand } from '../../../runners/commands/validate.js';
import { UsageError } from '../../../runners/errors.js';
import { RunDirectory } from '../../../runners/run/run-dir.js';
import { doubleModels, FIXTURE_SUITE, loadDouble } from './helpers/double-model.js';
import { tempDir } from './helpers/run-double.js';
import { rejectedMessage, thrownMessage } from '../helpers/thrown.js';

const usageError = (fn: () => unknown): string => thrownMessage(fn, UsageError);
const usageErrorOf = (run: Promise<unknown>): Promise<string> => rejectedMessage(run, UsageError);

const OPTIONS = { limit: { type: 'string' }, data: { type: 'string', multiple: true }, resume: { type: 'boolean' } } as const;

test('a single-value flag given twice is a usage error naming it and both values', () => {
  assert.is(usageError(() => parse('run', ['--limit', '1', '--limit=2'], OPTIONS)), "--limit is given twice ('1', then '2'); give it once. Run `vlbench run --help`.");
  assert.match(usageError(() => parse('gate', ['--limit', '1', '--limit', '2'], OPTIONS, 'Usage: vlbench gate')), /give it once\n\nUsage: vlbench gate$/);
  // Repeatable flags and booleans are not repeats to refuse.
  assert.equal({ ...parse('run', ['--data', 'a=1', '--data', 'b=2', '--resume', '--resume'], OPTIONS).values }, { data: ['a=1', 'b=2'], resume: true });
});

test('--data: one NAME twice, an empty path, or no NAME is a usage error naming the value', () => {
  assert.is(usageError(() => parseData(['bundled=/nonexistent', 'bundled=/data/bundled'])), "--data bundled is given twice ('/nonexistent', then '/data/bundled'); give each data location once");
  assert.is(usageError(() => parseData(['bundled='])), '--data bundled=: the path is empty (an unset variable?); give --data bundled=PATH');
  assert.match(usageError(() => parseData(['=/x'])), "--data expects NAME=PATH (e.g. --data coco=/data/coco), got '=/x'");
  assert.equal(parseData(['a=/x', 'b=/y=z']), { a: '/x', b: '/y=z' });
});

test('list flags add up when repeated, each item once; an empty occurrence is an error', () => {
  assert.equal(parseList('--models', ['a,b', 'c', 'a']), ['a', 'b', 'c']);
  assert.is(parseList('--models', undefined), null);
  assert.match(usageError(() => parseList('--models', ['a', ' '])), /^--models is empty/);
});

test('a positive integer flag takes digits only: 1e1, 0x10, 10.0 and -3 are usage errors, not numbers', () => {
  for (const value of ['1e1', '0x10', '10.0', '-3', '0', ' 7', '']) {
    assert.is(usageError(() => parsePositiveInt('--limit', value)), `--limit expects a positive integer (digits only), got '${value}'`);
  }
  assert.is(parsePositiveInt('--limit', '10'), 10);
  assert.is(parsePositiveInt('--limit', undefined), null);
});

test('vlbench validate: --data given twice for one name is refused, not the last one kept', async () => {
  const message = await usageErrorOf(validateCommand.run(['suites/bundled-test.suite.json', '--data', 'bundled=/nonexistent', '--data', `bundled=${join(process.cwd(), 'datasets/bundled')}`]));
  assert.match(message, "--data bundled is given twice ('/nonexistent', then ");
  assert.match(await usageErrorOf(validateCommand.run(['suites/bundled-test.suite.json', '--data', 'bundled='])), '--data bundled=: the path is empty');
});

test('vlbench run: --limit twice is refused before any model loads; --models twice runs both', async () => {
  let loads = 0;
  const counting: typeof loadDouble = (path, options) => ((loads += 1), loadDouble(path, options));
  const run = createRunCommand({ loadModel: counting, registeredModels: doubleModels });
  const out = (): string => join(tempDir('flags'), 'run');
  assert.match(await usageErrorOf(run.run([FIXTURE_SUITE, '--limit', '1', '--limit', '2', '--out', out()])), "--limit is given twice ('1', then '2')");
  assert.match(await usageErrorOf(run.run([FIXTURE_SUITE, '--device', 'cpu', '--device', 'cuda', '--out', out()])), '--device is given twice');
  assert.is(loads, 0);
  const dir = out();
  const [write, writeErr] = [process.stdout.write.bind(process.stdout), process.stderr.write.bind(process.stderr)];
  process.stdout.write = process.stderr.write = (() => true) as typeof process.stdout.write;
  try {
    assert.is(await run.run([FIXTURE_SUITE, '--models', 'double-blip', '--models', 'double-albef', '--tasks', 'captioning', '--limit', '1', '--out', dir]), 0);
  } finally {
    process.stdout.write = write;
    process.stderr.write = writeErr;
  }
  const scores = new RunDirectory(dir).readJson<ScoresFile>(new RunDirectory(dir).scores);
  assert.equal([...scores.results, ...scores.notApplicable].map((r) => r.model).sort(), ['tiny-albef-double', 'tiny-blip-double']);
});

test('vlbench run --help says how --models names a ${data.NAME} model and how repeats behave', async () => {
  let help = '';
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string) => ((help += chunk), true)) as typeof process.stdout.write;
  try {
    await createRunCommand({ loadModel: loadDouble, registeredModels: doubleModels }).run(['--help']);
  } finally {
    process.stdout.write = write;
  }
  assert.match(help, 'a ${data.NAME} model also by\n                        what it resolved to');
  assert.match(help, '--models a --models b is --models a,b');
});

test.run();
