/**
 * Merging shards that are not one experiment names the differences in English ("the limit
 * differs", "the settings and limit differ") and each with its values ("--limit 4 -> 3"); shards that differ in what the identity leaves out, such as
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
  // Each part is named with its values, as resume names them: per task and model, then --limit.
  refused([a.dir, b.dir], `${b.dir}: the settings and limit differ from ${a.dir}'s (first-named shard -> this one: task captioning, model tiny-blip-double: limit 4 -> 3; --limit 4 -> 3); only shards of one run can be merged`);
  refused([b.dir, a.dir], `${a.dir}: the settings and limit differ from ${b.dir}'s (first-named shard -> this one: task captioning, model tiny-blip-double: limit 3 -> 4; --limit 3 -> 4); only shards of one run can be merged`);
  const c = new RunDirectory((await runDouble({ ...SMALL, limit: 4, shard: { index: 1, count: 2 } })).dir);
  c.writeJson(c.manifest, { ...c.readJson<RunManifest>(c.manifest), limit: null });
  refused([a.dir, c.root], `${c.root}: the limit differs from ${a.dir}'s (first-named shard -> this one: --limit 4 -> (none)); only shards of one run can be merged`);
});

test('other versions of vlbench, onnxruntime-node or a package are named with both versions', async () => {
  const a = await runDouble({ ...SMALL, shard: { index: 0, count: 2 } });
  const b = new RunDirectory((await runDouble({ ...SMALL, shard: { index: 1, count: 2 } })).dir);
  const manifest = b.readJson<RunManifest>(b.manifest);
  const packages = { ...manifest.environment.packages, sharp: '0.0.1' };
  b.writeJson(b.manifest, { ...manifest, environment: { ...manifest.environment, onnxruntime: '0.1.0', packages } });
  const before = new RunDirectory(a.dir).readJson<RunManifest>(new RunDirectory(a.dir).manifest).environment;
  assert.throws(() => mergeRuns([a.dir, b.root], join(tempDir('merge-versions'), 'm')), (e: Error) => e instanceof MergeError &&
    e.message.includes(`the onnxruntime-node version and package versions differ from ${a.dir}'s (first-named shard -> this one: onnxruntime-node ${before.onnxruntime} -> 0.1.0; package sharp ${before.packages?.sharp ?? '(none)'} -> 0.0.1)`));
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
