/**
 * `vlbench run --tasks`: only the named tasks run; data locations that only the other tasks use
 * need not be given; an unknown id is a usage error with the suites' task ids; error pointers keep
 * the suite file's indices.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ScoresFile } from '../../../reports/records.js';
import { UsageError } from '../../../runners/errors.js';
import { mergeRuns } from '../../../runners/run/merge.js';
import { RunDirectory } from '../../../runners/run/run-dir.js';
import { SuiteError } from '../../../suites/messages.js';
import { createRunCommand } from '../../../runners/commands/run.js';
import { doubleModels, FIXTURE_SUITE, loadDouble } from './helpers/double-model.js';
import { runDouble, tempDir } from './helpers/run-double.js';

interface SuiteJson { data: Record<string, string | null>; tasks: { id: string; dataset: { files: Record<string, string>; mediaRoot?: string } }[]; gates?: unknown[] }

/** The fixture suite whose VQA tasks read from a location the user must give (`${data.vqa}`, null). */
function suiteNeedingVqaData(): string {
  const suite = JSON.parse(readFileSync(FIXTURE_SUITE, 'utf8')) as SuiteJson;
  suite.data = { d: join(dirname(FIXTURE_SUITE), 'data'), vqa: null };
  for (const task of suite.tasks.filter((t) => t.id.startsWith('vqa'))) {
    task.dataset.files = Object.fromEntries(Object.entries(task.dataset.files).map(([role, path]) => [role, path.replace('${data.d}', '${data.vqa}')]));
  }
  const file = join(tempDir('tasks-filter'), 'suite.suite.json');
  writeFileSync(file, JSON.stringify(suite));
  return file;
}

test('--tasks runs only the named tasks, without the data only the others need', async () => {
  const result = await runDouble({ suites: [suiteNeedingVqaData()], tasks: ['captioning', 'choice'] });
  const dir = new RunDirectory(result.dir);
  const scores = dir.readJson<ScoresFile>(dir.scores);
  assert.equal([...new Set([...scores.results, ...scores.notApplicable].map((r) => r.task))].sort(), ['captioning', 'choice']);
  const onlyChoice = await runDouble({ suites: [suiteNeedingVqaData()], tasks: ['choice'] });
  // The suite's gate on captioning stays recorded: gating this run against a baseline that has
  // captioning must fail on the dropped pair, not pass for want of a gate.
  const manifest = JSON.parse(readFileSync(join(onlyChoice.dir, 'manifest.json'), 'utf8')) as { gates: { task?: string }[] };
  assert.equal(manifest.gates.map((g) => g.task), ['captioning']);
  // Without --tasks, the VQA tasks' data location is required.
  await runDouble({ suites: [suiteNeedingVqaData()] }).then(
    () => assert.unreachable('ran without the vqa data location'),
    (error: Error) => assert.ok(error instanceof SuiteError && /data location 'vqa' is not set: pass --data vqa=PATH/.test(error.message), error.message),
  );
});

test('--tasks with an unknown id is a usage error naming the suites\' tasks', async () => {
  await runDouble({ tasks: ['captoning'] }).then(
    () => assert.unreachable('an unknown task ran'),
    (error: Error) => assert.ok(error instanceof UsageError && /--tasks: 'captoning' is not a task of the suites \(did you mean 'captioning'\?\); tasks: retrieval, captioning, vqa, vqa-rank, choice/.test(error.message), error.message),
  );
});

test('an empty --tasks or --models (an unset CI variable) is a usage error, not a run of nothing', async () => {
  const run = createRunCommand({ loadModel: loadDouble, registeredModels: doubleModels });
  for (const flag of ['--tasks', '--models']) {
    await run.run([FIXTURE_SUITE, flag, ' , ', '--out', join(tempDir('empty-list'), 'run')]).then(
      () => assert.unreachable(`${flag} empty ran`),
      (error: Error) => assert.ok(error instanceof UsageError && error.message.startsWith(`${flag} is empty`), error.message),
    );
  }
});

test('merging shards run with different --tasks names the tasks as the difference', async () => {
  const suite = suiteNeedingVqaData();
  const a = await runDouble({ suites: [suite], tasks: ['captioning'], shard: { index: 0, count: 2 } });
  const b = await runDouble({ suites: [suite], tasks: ['choice'], shard: { index: 1, count: 2 } });
  assert.throws(() => mergeRuns([a.dir, b.dir], join(tempDir('merge-tasks'), 'm')), /: the tasks \(--tasks\), [a-z, ]* differ from .*'s \(first-named shard -> this one: tasks captioning -> choice; .*\); only shards of one run can be merged/);
});

test('resuming with another --tasks is refused, naming the tasks that came and went', async () => {
  const suite = suiteNeedingVqaData();
  const out = join(tempDir('resume-tasks'), 'run');
  await runDouble({ suites: [suite], tasks: ['captioning'], out });
  await runDouble({ suites: [suite], tasks: ['choice'], out, resume: true }).then(
    () => assert.unreachable('resumed with other tasks'),
    (error: Error) => assert.match(error.message, /task captioning is no longer in the run \(another suite or --tasks\?\); task choice is new/),
  );
});

test.run();
