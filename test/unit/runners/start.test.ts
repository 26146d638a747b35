/**
 * `vlbench start`'s path with the test doubles: run a suite into a fresh run directory, then the
 * report step reads that directory (reports/ is a separate reader of the run format, so this
 * checks the writer and the reader agree) and writes report.md / report.html next to it.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createStartCommand } from '../../../runners/commands/run.js';
import { doubleModels, FIXTURE_SUITE, loadDouble } from './helpers/double-model.js';
import { tempDir } from './helpers/run-double.js';

test('start runs the suite, writes the report next to the run and prints where both are', async () => {
  const out = join(tempDir('start'), 'run');
  const printed: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  const writeErr = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((chunk: string) => printed.push(String(chunk)) > 0) as typeof process.stdout.write;
  process.stderr.write = (() => true) as typeof process.stderr.write;
  let code: number;
  try {
    code = await createStartCommand({ loadModel: loadDouble, registeredModels: doubleModels }, FIXTURE_SUITE, ['md', 'json']).run(['--out', out]);
  } finally {
    process.stdout.write = write;
    process.stderr.write = writeErr;
  }
  assert.is(code, 0);
  assert.ok(existsSync(join(out, 'scores.json')));
  assert.ok(existsSync(join(out, 'report', 'report.json')));
  const text = printed.join('');
  assert.match(text, `run: ${out}`);
  assert.match(text, `report: ${join(out, 'report', 'report.md')}`);
  assert.match(readFileSync(join(out, 'report', 'report.md'), 'utf8'), /tiny-instructblip-double/);
});

test('start --resume continues the run in --out and writes its report; --resume without --out is a usage error', async () => {
  const out = join(tempDir('start-resume'), 'run');
  const start = createStartCommand({ loadModel: loadDouble, registeredModels: doubleModels }, FIXTURE_SUITE, ['md']);
  const quiet = async (argv: string[]): Promise<number> => {
    const [write, writeErr] = [process.stdout.write, process.stderr.write];
    process.stdout.write = (() => true) as typeof process.stdout.write;
    process.stderr.write = (() => true) as typeof process.stderr.write;
    try {
      return await start.run(argv);
    } finally {
      process.stdout.write = write;
      process.stderr.write = writeErr;
    }
  };
  assert.is(await quiet(['--out', out]), 0);
  rmSync(join(out, 'report'), { recursive: true });
  assert.is(await quiet(['--out', out, '--resume']), 0);
  assert.ok(existsSync(join(out, 'report', 'report.md')), 'the resumed run got its report');
  await start.run(['--resume']).then(() => assert.unreachable('ran'), (error: Error) => assert.match(error.message, /--resume needs --out DIR/));
});

test.run();
