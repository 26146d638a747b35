/**
 * Sharding and merging: three shards of the fixture run, merged with `vlbench merge`, give the
 * scores and per-sample scores of one unsharded run (corpus metrics recomputed on the merged
 * predictions). Merging refuses incomplete or overlapping shard sets.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PredictionRecord, RunManifest, ScoresFile } from '../../../reports/records.js';
import { readJsonl } from '../../../runners/run/jsonl.js';
import { MergeError, mergeRuns } from '../../../runners/run/merge.js';
import { writeReport } from '../../../reports/report.js';
import { RunDirectory } from '../../../runners/run/run-dir.js';
import { runDouble, tempDir } from './helpers/run-double.js';

let reference: RunDirectory;
let shards: string[];

test.before(async () => {
  reference = new RunDirectory((await runDouble()).dir);
  shards = [];
  for (let index = 0; index < 3; index++) shards.push((await runDouble({ shard: { index, count: 3 } })).dir);
});

test('each shard answers a disjoint part of every task', () => {
  const file = (root: string) => new RunDirectory(root).predictions('tiny-blip-double', 'captioning');
  const ids = shards.map((s) => readJsonl<PredictionRecord>(file(s)).records.map((r) => r.sampleId));
  assert.equal(ids.map((list) => list.length), [5, 4, 4]);
  assert.equal(ids.flat().sort(), readJsonl<PredictionRecord>(file(reference.root)).records.map((r) => r.sampleId).sort());
});

test('merged shards score exactly as the unsharded run, per task and per sample', () => {
  const out = join(tempDir('merge'), 'merged');
  const merged = mergeRuns(shards, out);
  assert.equal(merged, reference.readJson<ScoresFile>(reference.scores));
  const dir = new RunDirectory(out);
  for (const r of merged.results) {
    const a = readFileSync(dir.samples(r.model, r.task), 'utf8').split('\n').sort();
    const b = readFileSync(reference.samples(r.model, r.task), 'utf8').split('\n').sort();
    assert.equal(a, b, `${r.model}/${r.task} per-sample scores`);
  }
  const manifest = dir.readJson<RunManifest>(dir.manifest);
  assert.is(manifest.shard, null);
  assert.equal(manifest.mergedFrom, shards);
});

test('merging refuses a missing or repeated shard', () => {
  assert.throws(() => mergeRuns([shards[0]!, shards[2]!], join(tempDir('merge'), 'x')), (e: Error) => e instanceof MergeError && e.message === 'shard 1/3 is missing; pass each of the 3 shard directories once');
  assert.throws(() => mergeRuns([shards[0]!, shards[1]!, shards[1]!], join(tempDir('merge'), 'y')), (e: Error) => e instanceof MergeError && /shard 1\/3 is given 2 times/.test(e.message));
  assert.throws(() => mergeRuns([reference.root], join(tempDir('merge'), 'z')), (e: Error) => /not a shard/.test(e.message));
});

test('a run that is not a shard is named as such, also beside shards (not as "the shard counts differ")', () => {
  const notShard = (root: string, what: string) => (e: Error) => e instanceof MergeError && e.message.startsWith(`${root}: not a shard (${what});`);
  for (const dirs of [[shards[0]!, reference.root], [reference.root, shards[0]!]]) {
    assert.throws(() => mergeRuns(dirs, join(tempDir('merge'), 'full')), notShard(reference.root, 'it ran without --shard i/N'));
  }
  const merged = join(tempDir('merge'), 'merged');
  mergeRuns(shards, merged);
  assert.throws(() => mergeRuns([...shards, merged], join(tempDir('merge'), 'again')), notShard(merged, 'it is already a merge of shards'));
});

test('merging refuses a shard whose predictions lost lines after it finished', () => {
  const cut = join(tempDir('merge-cut'), 'shard1');
  cpSync(shards[1]!, cut, { recursive: true });
  const file = join(cut, 'predictions', 'tiny-blip-double', 'captioning.jsonl');
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  writeFileSync(file, lines.slice(1).join('\n') + '\n');
  assert.throws(() => mergeRuns([shards[0]!, cut, shards[2]!], join(tempDir('merge'), 'cut')),
    (e: Error) => e instanceof MergeError && e.message.includes(`${lines.length - 1} prediction records for ${lines.length} requested samples`));
});

test('a report of one shard says so in its title; of the merged run, not', async () => {
  const out = tempDir('shard-report');
  await writeReport([shards[1]!], out, ['md']);
  assert.match(readFileSync(join(out, 'report.md'), 'utf8').split('\n')[0]!, /\(shard 1\/3 only: partial results; merge the shards with vlbench merge\)$/);
  const merged = join(tempDir('merge'), 'whole');
  mergeRuns(shards, merged);
  const whole = tempDir('whole-report');
  await writeReport([merged], whole, ['md']);
  assert.not.match(readFileSync(join(whole, 'report.md'), 'utf8'), /partial results/);
});

test.run();
