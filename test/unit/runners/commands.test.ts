/**
 * The small commands as a user meets them: `vlbench validate` (exit codes and the printed
 * problems), `vlbench ls`, and strict flag parsing (an unknown flag is a usage error).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lsCommand } from '../../../runners/commands/ls.js';
import { progressPrinter } from '../../../runners/commands/progress.js';
import { validateCommand } from '../../../runners/commands/validate.js';
import { createRunCommand } from '../../../runners/commands/run.js';
import { doubleModels, FIXTURE_SUITE } from './helpers/double-model.js';
import { UsageError } from '../../../runners/errors.js';
import { tempDir } from './helpers/run-double.js';
import { rejectedMessage } from '../helpers/thrown.js';
import { captureCommand } from '../helpers/capture-output.js';

const capture = captureCommand;

test('validate: a good suite exits 0, a broken one exits 1 and prints file, pointer and fix', async () => {
  const ok = await capture(validateCommand, ['suites/gqa.suite.json', '--no-files', '--data', 'model=/m/model.json', '--data', 'gqa=/data/gqa']);
  assert.is(ok.code, 0);
  assert.is(ok.out, "ok suites/gqa.suite.json: suite 'gqa', 1 task(s), 1 model(s)\n");
  const bad = join(tempDir('validate'), 'bad.suite.json');
  writeFileSync(bad, JSON.stringify({ name: 'bad', models: ['x/model.json'], tasks: [{ kind: 'vqa', id: 'q', dataset: { loader: 'vqa2', files: {} } }] }));
  const failed = await capture(validateCommand, [bad, '--no-files']);
  assert.is(failed.code, 1);
  assert.match(failed.err, `${bad}: /tasks/0/dataset/loader: unknown loader 'vqa2' (did you mean 'vqav2'?)`);
});

test('validate plans several suites as one run: a suite given twice, or task ids two suites share, fail as run would', async () => {
  const twice = await capture(validateCommand, ['suites/default.suite.json', 'suites/default.suite.json', '--no-files']);
  assert.is(twice.code, 1);
  assert.is(twice.err, 'suites/default.suite.json: (document): this suite file is given twice (suite 1 and 2 of the command line); pass it once\n');
  // A second suite reusing the default suite's task ids (the shipped suites' ids are all distinct).
  const other = join(mkdtempSync(join(tmpdir(), 'vlbench-validate-')), 'other.suite.json');
  writeFileSync(other, JSON.stringify({ ...JSON.parse(readFileSync('suites/default.suite.json', 'utf8')), name: 'other', $schema: undefined }));
  const shared = await capture(validateCommand, ['suites/default.suite.json', other, '--no-files']);
  assert.is(shared.code, 1);
  assert.match(shared.out, "ok suites/default.suite.json: suite 'default'");
  assert.match(shared.err, /other\.suite\.json: \/tasks\/0\/id: task id 'synth-retrieval' is also used by suite 'default' \(.*default\.suite\.json, \/tasks\/0\/id\); task ids must be unique across the suites of one run/);
  const shipped = await capture(validateCommand, ['suites/default.suite.json', 'suites/bundled-test.suite.json', '--no-files']);
  assert.is(shipped.code, 0, shipped.err);
});

const usageErrorOf = (run: Promise<unknown>): Promise<string> => rejectedMessage(run, UsageError);

test('a --data name no suite declares is a usage error with the declared names, for validate and run', async () => {
  const argv = ['suites/gqa.suite.json', '--no-files', '--data', 'model=/m/model.json', '--data', 'gqa=/data/gqa', '--data', 'gqq=/data/gqa'];
  assert.is(await usageErrorOf(validateCommand.run(argv)), "--data gqq=...: no suite declares or uses a data location 'gqq' (did you mean 'gqa'?); the suites declare: model, gqa");
  let loads = 0;
  const run = createRunCommand({ loadModel: async () => { loads += 1; throw new Error('loaded'); }, registeredModels: doubleModels });
  const message = await usageErrorOf(run.run([FIXTURE_SUITE, '--data', 'dd=/elsewhere', '--out', join(tempDir('data-typo'), 'run')]));
  assert.is(message, "--data dd=...: no suite declares or uses a data location 'dd' (did you mean 'd'?); the suites declare: d");
  assert.is(loads, 0);
});

test('ls datasets lists every registered loader with its roles and options', async () => {
  const { code, out } = await capture(lsCommand, ['datasets']);
  assert.is(code, 0);
  for (const name of ['karpathy-caption', 'vqav2', 'scienceqa', 'msvd-qa', 'jsonl', 'csv']) assert.match(out, new RegExp(`^${name} `, 'm'));
  assert.match(out, /option imageTemplate: string = "COCO_val2014_\{image_id:012\}\.jpg"/);
});

test('unknown flags and subjects are usage errors', async () => {
  const error = async (run: () => Promise<number>): Promise<unknown> => run().then(() => undefined, (e: unknown) => e);
  const flag = await error(() => validateCommand.run(['x.json', '--no-file']));
  assert.instance(flag, UsageError);
  // The closest flag and the list of them, not parseArgs's advice to pass the typo after `--`.
  assert.match((flag as Error).message, /^unknown option '--no-file' \(did you mean '--no-files'\?\); the options are .*--no-files/);
  assert.not.match((flag as Error).message, /positional/);
  assert.instance(await error(() => lsCommand.run(['suites'])), UsageError);
});

test('progress: a redrawn bar on a terminal, plain lines elsewhere', () => {
  const sink = (tty: boolean) => {
    const chunks: string[] = [];
    return { chunks, stream: { isTTY: tty, write: (c: string) => chunks.push(c) > 0 } as unknown as NodeJS.WriteStream };
  };
  const events = (print: ReturnType<typeof progressPrinter>) => {
    print({ type: 'task-start', model: 'm', task: 't', total: 10, alreadyDone: 0 });
    print({ type: 'progress', model: 'm', task: 't', done: 5, failed: 1 });
    print({ type: 'task-end', model: 'm', task: 't', done: 10, failed: 1, seconds: 2 });
  };
  const terminal = sink(true);
  events(progressPrinter(terminal.stream));
  assert.ok(terminal.chunks.some((c) => c.startsWith('\r\x1b[2Km / t [############............] 5/10 ')), 'bar redrawn in place');
  const log = sink(false);
  events(progressPrinter(log.stream));
  assert.ok(log.chunks.every((c) => !c.includes('\r')), 'no carriage returns in logs');
  assert.equal(log.chunks.filter((c) => c.endsWith('\n')).map((c) => c.trim()).filter((c) => !c.includes('/s')), ['m / t: started', 'm / t: 10 done, 1 failed in 2.0 s']);
});

test.run();
