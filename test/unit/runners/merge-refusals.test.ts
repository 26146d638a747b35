/**
 * What merge refuses before it writes anything: shards whose suites declare other gates (the
 * merged verdict would depend on the order the shards are named; a description-only difference
 * merges), and shards with a pair that did not finish. A refused merge leaves no --out behind,
 * so the same merge succeeds once the shard is finished.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { RunManifest } from '../../../reports/records.js';
import { MergeError, mergeRuns } from '../../../runners/run/merge.js';
import { mergeCommand } from '../../../runners/commands/merge.js';
import { UsageError } from '../../../runners/errors.js';
import { rejectedMessage } from '../helpers/thrown.js';
import { RunDirectory } from '../../../runners/run/run-dir.js';
import { completionFile } from '../../../runners/run/run-task.js';
import { FIXTURE_SUITE } from './helpers/double-model.js';
import { runDouble, tempDir } from './helpers/run-double.js';

const SMALL = { models: ['double-blip'], tasks: ['captioning'] };

/** A copy of the fixture suite, edited, in a directory of its own (its data still the fixture's). */
function suiteCopy(edit: (suite: Record<string, unknown>) => void): string {
  const suite = JSON.parse(readFileSync(FIXTURE_SUITE, 'utf8')) as Record<string, unknown>;
  suite.data = { d: join(dirname(FIXTURE_SUITE), 'data') };
  edit(suite);
  const file = join(tempDir('merge-suite'), 'suite.suite.json');
  writeFileSync(file, JSON.stringify(suite));
  return file;
}

const shard = (suite: string, index: number) => runDouble({ ...SMALL, suites: [suite], shard: { index, count: 3 } }).then((r) => r.dir);

/** The first `n` of three shards of the fixture run. */
async function shards(n: number): Promise<string[]> {
  const dirs: string[] = [];
  for (let index = 0; index < n; index++) dirs.push((await runDouble({ ...SMALL, shard: { index, count: 3 } })).dir);
  return dirs;
}

test('a merge killed while writing (its mark, no manifest.json) is started again over; another non-empty --out is still refused', async () => {
  const dirs = await shards(3);
  const out = join(tempDir('merge-killed'), 'm');
  mergeRuns(dirs, out);
  const expected = readFileSync(join(out, 'scores.json'), 'utf8');
  // What a kill -9 after the predictions were written leaves: the mark, no manifest.json.
  rmSync(join(out, 'manifest.json'));
  rmSync(join(out, 'scores.json'));
  writeFileSync(join(out, '.vlbench-merging'), '12345\n');
  mergeRuns(dirs, out);
  assert.ok(existsSync(join(out, 'manifest.json')));
  assert.not.ok(existsSync(join(out, '.vlbench-merging')), 'the mark goes once the merge is written');
  const strip = (text: string) => JSON.stringify({ ...JSON.parse(text), runId: null, createdAt: null });
  assert.is(strip(readFileSync(join(out, 'scores.json'), 'utf8')), strip(expected));
  const other = join(tempDir('merge-other'), 'm');
  cpSync(out, other, { recursive: true });
  rmSync(join(other, 'manifest.json'));
  assert.throws(() => mergeRuns(dirs, other), (e: Error) => e instanceof MergeError && /already exists and is not empty/.test(e.message));
});

test("the merged manifest carries no shard's resumed sessions: each stays in its own shard's manifest", async () => {
  const dirs = await shards(3);
  await runDouble({ ...SMALL, shard: { index: 0, count: 3 }, out: dirs[0]!, resume: true });
  const shard0 = JSON.parse(readFileSync(join(dirs[0]!, 'manifest.json'), 'utf8')) as RunManifest;
  assert.is(shard0.resumes?.length, 1, "shard 0's resume is recorded in shard 0");
  const out = join(tempDir('merge-resumes'), 'm');
  mergeRuns(dirs, out);
  const merged = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as RunManifest;
  assert.is(merged.resumes, undefined);
  assert.equal(merged.mergedFrom, dirs);
});

test('shards whose suites declare other gates are refused in either order, naming both lists', async () => {
  const same = suiteCopy(() => {});
  const other = suiteCopy((s) => {
    s.gates = [{ kind: 'max-drop', metric: 'CIDEr', maxDropPercent: 2 }, { kind: 'floor', metric: 'CIDEr', min: 5, task: 'captioning' }];
  });
  const [sh0, f1, sh2] = [await shard(same, 0), await shard(other, 1), await shard(same, 2)];
  const fixture = '[CIDEr >= 0.5 (task captioning)]';
  const changed = '[CIDEr drop <= 2%; CIDEr >= 5 (task captioning)]';
  for (const [dirs, first, firstGates, refused, refusedGates] of [
    [[sh0, f1, sh2], sh0, fixture, f1, changed],
    [[f1, sh0, sh2], f1, changed, sh0, fixture],
  ] as const) {
    const out = join(tempDir('merge-gates'), 'm');
    assert.throws(() => mergeRuns(dirs, out), (e: Error) => e instanceof MergeError &&
      e.message.startsWith(`${refused}: its suites declare other gates than ${first}'s (${first}: ${firstGates}; ${refused}: ${refusedGates});`));
    assert.not.ok(existsSync(out), 'nothing written');
  }
});

test('shards whose suites differ only in their description merge', async () => {
  const same = suiteCopy(() => {});
  const described = suiteCopy((s) => {
    s.description = 'the same suite, described otherwise';
  });
  const out = join(tempDir('merge-description'), 'm');
  mergeRuns([await shard(same, 0), await shard(described, 1), await shard(same, 2)], out);
  const merged = new RunDirectory(out);
  assert.equal(merged.readJson<RunManifest>(merged.manifest).gates, [{ kind: 'floor', metric: 'CIDEr', min: 0.5, task: 'captioning' }]);
});

test('a shard with an unfinished pair is refused before anything is written; once finished, the same merge succeeds', async () => {
  const [sh0, sh1, sh2] = await shards(3);
  const unfinished = join(tempDir('merge-unfinished'), 'sh1');
  cpSync(sh1!, unfinished, { recursive: true });
  const marker = completionFile(new RunDirectory(unfinished), 'tiny-blip-double', 'captioning');
  const kept = readFileSync(marker, 'utf8');
  rmSync(marker);
  const parent = tempDir('merge-unfinished-out');
  const out = join(parent, 'm');
  assert.throws(() => mergeRuns([sh0!, unfinished, sh2!], out), (e: Error) => e instanceof MergeError &&
    e.message === `${unfinished}: tiny-blip-double / captioning did not finish; resume that shard (vlbench run ... --resume) before merging`);
  assert.equal(readdirSync(parent), [], '--out not created');
  writeFileSync(marker, kept);
  mergeRuns([sh0!, unfinished, sh2!], out);
  assert.ok(new RunDirectory(out).exists());
});

test('a refusal after an empty --out existed leaves it empty', async () => {
  const [sh0, sh1] = await shards(2);
  const out = tempDir('merge-empty-out');
  assert.throws(() => mergeRuns([sh0!, sh1!], out), (e: Error) => e instanceof MergeError && /shard 2\/3 is missing/.test(e.message));
  assert.equal(readdirSync(out), []);
});

test('a merge that fails while writing removes the --out it created', async () => {
  const [sh0, sh1, sh2] = await shards(3);
  // Whole and without overlap, so every check passes; scoring the caption without references then throws.
  const damaged = join(tempDir('merge-write-fails'), 'sh1');
  cpSync(sh1!, damaged, { recursive: true });
  const file = new RunDirectory(damaged).predictions('tiny-blip-double', 'captioning');
  const lines = readFileSync(file, 'utf8').trim().split('\n').map((line, i) => (i === 0 ? JSON.stringify({ ...JSON.parse(line), references: null }) : line));
  writeFileSync(file, lines.join('\n') + '\n');
  const parent = tempDir('merge-write-fails-out');
  assert.throws(() => mergeRuns([sh0!, damaged, sh2!], join(parent, 'm')));
  assert.equal(readdirSync(parent), [], 'what the merge wrote is gone');
});

test("merge --out '~/x' is refused before any shard is read: vlbench does not expand ~", async () => {
  const message = await rejectedMessage(mergeCommand.run(['/nonexistent/shard-0', '--out', '~/merged']), UsageError);
  assert.match(message, "--out '~/merged' starts with ~, which vlbench does not expand");
});

test.run();
