/**
 * Merging shards that are not one experiment names the differences in English ("the limit
 * differs", "the settings and limit differ"); shards that differ in what the identity leaves out, such as
 * --no-verify-digests or the machine, merge, and the merged manifest records the weaker of them
 * and every execution provider the shards ran on.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import type { RunManifest, TimingsFile } from '../../../reports/records.js';
import { MergeError, mergeRuns } from '../../../runners/run/merge.js';
import { RunDirectory } from '../../../runners/run/run-dir.js';
import { loadDouble } from './helpers/double-model.js';
import { runDouble, tempDir } from './helpers/run-double.js';
import type { ProviderName } from '../../../models/onnx/providers.js';

const SMALL = { models: ['double-blip'], tasks: ['captioning'] };

test('shards that differ name every differing part in English, "differs" for one singular part', async () => {
  const a = await runDouble({ ...SMALL, limit: 4, shard: { index: 0, count: 2 } });
  const b = await runDouble({ ...SMALL, limit: 3, shard: { index: 1, count: 2 } });
  const refused = (dirs: string[], message: string): void =>
    assert.throws(() => mergeRuns(dirs, join(tempDir('merge-limit'), 'm')), (e: Error) => e instanceof MergeError && e.message === message);
  // The limit is also each pair's recorded setting.
  refused([a.dir, b.dir], `${b.dir}: the settings and limit differ from ${a.dir}'s; only shards of one run can be merged`);
  const c = new RunDirectory((await runDouble({ ...SMALL, limit: 4, shard: { index: 1, count: 2 } })).dir);
  c.writeJson(c.manifest, { ...c.readJson<RunManifest>(c.manifest), limit: 5 });
  refused([a.dir, c.root], `${c.root}: the limit differs from ${a.dir}'s; only shards of one run can be merged`);
});

test('a shard run with --no-verify-digests makes the merged run "not verified", with no digests claimed', async () => {
  // As models/load.ts records them: the checked digests, or none when the files were not hashed.
  const hashed: typeof loadDouble = async (path, options) => ({ ...(await loadDouble(path, options)), graphs: (options.verifyDigests ? { text_decoder: 'a'.repeat(64) } : {}) as Record<string, string> });
  const a = await runDouble({ ...SMALL, shard: { index: 0, count: 2 }, loadModel: hashed });
  const b = await runDouble({ ...SMALL, shard: { index: 1, count: 2 }, verifyDigests: false, loadModel: hashed });
  const out = join(tempDir('merge-digests'), 'm');
  mergeRuns([a.dir, b.dir], out);
  const merged = new RunDirectory(out);
  const unverified = merged.readJson<RunManifest>(merged.manifest).models[0]!;
  assert.is(unverified.digestsVerified, false);
  assert.equal(unverified.graphs, {}, 'no digests claimed for files one shard never hashed');
  const both = join(tempDir('merge-digests'), 'both');
  mergeRuns([a.dir, (await runDouble({ ...SMALL, shard: { index: 1, count: 2 }, loadModel: hashed })).dir], both);
  const verified = new RunDirectory(both).readJson<RunManifest>(new RunDirectory(both).manifest).models[0]!;
  assert.is(verified.digestsVerified, true);
  assert.equal(verified.graphs, { text_decoder: 'a'.repeat(64) });
});

test('shards that ran on different execution providers: the merged manifest and timings name both', async () => {
  const on = (used: ProviderName): typeof loadDouble => async (path, options) => {
    const loaded = await loadDouble(path, options);
    return { ...loaded, provider: { ...loaded.provider, used } };
  };
  const a = await runDouble({ ...SMALL, shard: { index: 0, count: 2 }, loadModel: on('cuda') });
  const b = await runDouble({ ...SMALL, shard: { index: 1, count: 2 }, loadModel: on('cpu') });
  const out = join(tempDir('merge-providers'), 'm');
  mergeRuns([a.dir, b.dir], out);
  const merged = new RunDirectory(out);
  assert.is(merged.readJson<RunManifest>(merged.manifest).models[0]!.provider.used, 'cuda, cpu');
  assert.is(merged.readJson<TimingsFile>(merged.timings).results[0]!.provider, 'cuda, cpu');
});

test.run();
