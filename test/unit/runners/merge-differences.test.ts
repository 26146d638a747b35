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

test('a shard run with --no-verify-digests makes the merged run "not verified"', async () => {
  const a = await runDouble({ ...SMALL, shard: { index: 0, count: 2 } });
  const b = await runDouble({ ...SMALL, shard: { index: 1, count: 2 }, verifyDigests: false });
  const out = join(tempDir('merge-digests'), 'm');
  mergeRuns([a.dir, b.dir], out);
  const merged = new RunDirectory(out);
  assert.is(merged.readJson<RunManifest>(merged.manifest).models[0]!.digestsVerified, false);
  const both = join(tempDir('merge-digests'), 'both');
  mergeRuns([a.dir, (await runDouble({ ...SMALL, shard: { index: 1, count: 2 } })).dir], both);
  assert.is(new RunDirectory(both).readJson<RunManifest>(new RunDirectory(both).manifest).models[0]!.digestsVerified, true);
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
