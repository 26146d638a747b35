/**
 * Shards run on different machines: the same suites and data under other absolute roots (another
 * checkout, another mount point) are one experiment and merge; different data content is not.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { RunManifest, ScoresFile } from '../../../reports/records.js';
import { MergeError, mergeRuns } from '../../../runners/run/merge.js';
import { RunDirectory } from '../../../runners/run/run-dir.js';
import { runDouble, tempDir } from './helpers/run-double.js';

const ROOT = resolve('.');

/** Rewrites a shard's manifest as if it had run from a checkout at `elsewhere`. */
function movedTo(shard: string, elsewhere: string): void {
  const file = new RunDirectory(shard).manifest;
  const text = readFileSync(file, 'utf8');
  assert.ok(text.includes(ROOT), 'the manifest records absolute paths');
  writeFileSync(file, text.split(ROOT).join(elsewhere));
}

test('shards whose suites and data lie under different roots merge, scoring as the unsharded run', async () => {
  const reference = new RunDirectory((await runDouble()).dir);
  const shards = [(await runDouble({ shard: { index: 0, count: 2 } })).dir, (await runDouble({ shard: { index: 1, count: 2 } })).dir];
  movedTo(shards[1]!, '/srv/machine-b/vlbench');
  const merged = mergeRuns(shards, join(tempDir('merge-roots'), 'merged'));
  assert.equal(merged, reference.readJson<ScoresFile>(reference.scores));
});

test('shards with different data content are still refused', async () => {
  const shards = [(await runDouble({ shard: { index: 0, count: 2 } })).dir, (await runDouble({ shard: { index: 1, count: 2 } })).dir];
  movedTo(shards[1]!, '/srv/machine-b/vlbench');
  const dir = new RunDirectory(shards[1]!);
  const manifest = dir.readJson<RunManifest>(dir.manifest);
  const edited = { ...manifest, tasks: manifest.tasks.map((t, i) => (i === 0 ? { ...t, dataset: { ...t.dataset, files: t.dataset.files.map((f) => ({ ...f, sha256: '0'.repeat(64) })) } } : t)) };
  dir.writeJson(dir.manifest, edited);
  assert.throws(() => mergeRuns(shards, join(tempDir('merge-roots'), 'merged')), (e: unknown) => e instanceof MergeError && /datasets differ/.test((e as Error).message));
});

test.run();
