import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { readManifest, ManifestError } from '../../../../models/manifest.js';
import { describeRunFailure, openGraphs } from '../../../../models/onnx/graphs.js';
import { SessionPool } from '../../../../models/onnx/session-pool.js';
import { sha256File } from '../../../../models/onnx/digest.js';
import { checkGraphIo } from '../../../../models/onnx/io-check.js';

const fixtures = resolve(dirname(fileURLToPath(import.meta.url)), '../../../fixtures/onnx');
const io = { inputs: { x: { dtype: 'float32', shape: ['batch', 3] } }, outputs: { y: { dtype: 'float32', shape: ['batch', 3] } } };

async function modelDir(graphFile = 'scale.onnx', declaration: Record<string, unknown> = io, digest?: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'vlbench-graphs-'));
  copyFileSync(join(fixtures, graphFile), join(dir, 'g.onnx'));
  const sha256 = digest ?? (await sha256File(join(dir, 'g.onnx')));
  const graph = { file: 'g.onnx', sha256, ...declaration };
  const manifest = {
    formatVersion: 1, name: 'fixture', family: 'albef', variant: 'test', llm: null, modalities: ['image'], capabilities: ['retrieval'],
    graphs: { vision_encoder: graph, text_encoder: graph, fusion_encoder: graph },
    tokenizers: {}, specialTokens: {}, preprocess: {}, prompts: {}, generation: {},
  };
  writeFileSync(join(dir, 'model.json'), JSON.stringify(manifest));
  return join(dir, 'model.json');
}

test('graphs open on CPU, share one session per file, and run', async () => {
  const pool = new SessionPool();
  const opened = await openGraphs(readManifest(await modelDir()), { device: 'cpu', verifyDigests: true, pool });
  assert.is(opened.provider.used, 'cpu');
  assert.is(pool.size, 1, 'three roles on one file share one session');
  const out = await opened.graphs.get('vision_encoder')!.run({ x: new ort.Tensor('float32', Float32Array.from([1, -2, 3]), [1, 3]) });
  assert.equal(Array.from(out.y!.data as Float32Array), [2, -4, 6]);
  await opened.release();
  assert.is(pool.size, 0, 'released when the last holder lets go');
});

test('two models on the same graph file share the pooled session', async () => {
  const pool = new SessionPool();
  const path = await modelDir();
  const a = await openGraphs(readManifest(path), { device: 'cpu', verifyDigests: false, pool });
  const b = await openGraphs(readManifest(path), { device: 'cpu', verifyDigests: false, pool });
  assert.is(pool.size, 1);
  await a.release();
  assert.is(pool.size, 1, 'still held by the second model');
  await b.release();
  assert.is(pool.size, 0);
});

test('a wrong digest is an error naming the pointer, unless the user opts out', async () => {
  const path = await modelDir('scale.onnx', io, 'b'.repeat(64));
  const pool = new SessionPool();
  try {
    await openGraphs(readManifest(path), { device: 'cpu', verifyDigests: true, pool });
    assert.unreachable('digest mismatch must fail');
  } catch (error) {
    assert.instance(error, ManifestError);
    assert.match((error as Error).message, /sha256 of .*g\.onnx is [0-9a-f]{64}, the manifest says b{64}.*--no-verify-digests/);
  }
  const opened = await openGraphs(readManifest(path), { device: 'cpu', verifyDigests: false, pool });
  // Not hashed, so not recorded: model.json's claimed b{64} must not reach the run manifest.
  assert.equal(opened.digests, {});
  await opened.release();
  const checked = await openGraphs(readManifest(await modelDir()), { device: 'cpu', verifyDigests: true, pool });
  assert.equal(Object.keys(checked.digests).sort(), ['fusion_encoder', 'text_encoder', 'vision_encoder']);
  await checked.release();
});

test('declared I/O that the graph lacks, extra graph inputs and mis-shaped axes are all listed', async () => {
  const declared = { inputs: { pixel_values: { dtype: 'float32', shape: ['batch', 3] } }, outputs: { y: { dtype: 'int64', shape: ['batch', 3] } } };
  try {
    await openGraphs(readManifest(await modelDir('scale.onnx', declared)), { device: 'cpu', verifyDigests: true, pool: new SessionPool() });
    assert.unreachable();
  } catch (error) {
    const message = (error as Error).message;
    assert.match(message, /input 'pixel_values': declared but not in the graph \(graph has: x\)/);
    assert.match(message, /input 'x': in the graph but not declared/);
    assert.match(message, /output 'y': dtype is float32 in the graph, int64 in model.json/);
  }
  try {
    await openGraphs(readManifest(await modelDir('fixed.onnx')), { device: 'cpu', verifyDigests: true, pool: new SessionPool() });
    assert.unreachable();
  } catch (error) {
    assert.match((error as Error).message, /axis 0: fixed to 1 in the graph but declared dynamic \('batch'\)/);
  }
});

test('an explicit GPU provider that cannot load is an error, never a silent CPU run', async () => {
  try {
    await openGraphs(readManifest(await modelDir()), { device: 'cuda', verifyDigests: true, pool: new SessionPool() });
    assert.unreachable('cuda is not installed on this machine');
  } catch (error) {
    assert.is((error as Error).name, 'ProviderError');
    assert.match((error as Error).message, /--device cuda: the CUDA execution provider could not load/);
  }
});

test('auto tries GPU providers first and records why each was skipped', async () => {
  const opened = await openGraphs(readManifest(await modelDir()), { device: 'auto', verifyDigests: true, pool: new SessionPool() });
  // This machine has no GPU: both GPU providers must be skipped with a reason, and CPU runs.
  assert.is(opened.provider.used, 'cpu');
  assert.equal(opened.provider.skipped.map((s) => s.provider), ['cuda', 'webgpu']);
  for (const s of opened.provider.skipped) assert.ok(s.reason.length > 0);
  await opened.release();
});

test('checkGraphIo accepts a graph that is more general than its declaration', () => {
  const problems = checkGraphIo(
    { file: 'x', sha256: 'x', inputs: { a: { dtype: 'float32', shape: [2, 'seq'] } }, outputs: { b: { dtype: 'float32', shape: [2] } } },
    {
      inputMetadata: [{ name: 'a', isTensor: true, type: 'float32', shape: ['n', 'seq'] }],
      outputMetadata: [{ name: 'b', isTensor: true, type: 'float32', shape: [3] }],
    },
  );
  assert.equal(problems, [{ direction: 'output', name: 'b', problem: 'axis 0: size 3 in the graph, 2 in model.json' }]);
});

test('a broadcast failure between a fixed position table and longer ids names /retrieval/maxTextLength', () => {
  const error = new Error("Non-zero status code returned while running Add node. Name:'/emb/Add' Status Message: Attempting to broadcast an axis by a dimension other than 1. 64 by 100");
  const feeds = { input_ids: new ort.Tensor('int64', new BigInt64Array(100), [1, 100]), attention_mask: new ort.Tensor('int64', new BigInt64Array(100), [1, 100]) };
  const message = describeRunFailure('text_encoder', feeds, error);
  assert.match(message, "'input_ids' has 100 positions, but the graph's fixed position table has 64: retrieval texts are padded to /retrieval/maxTextLength in model.json, so set it to at most 64");
  assert.not.match(describeRunFailure('text_encoder', feeds, new Error('broadcast 100 by 64')), 'maxTextLength');
});

test("the broadcast hint names the setting that bounds the input that overflowed: the Q-Former's instruction, a decoder's sequence", () => {
  const error = new Error('Attempting to broadcast an axis by a dimension other than 1. 64 by 67');
  const ids = (n: number) => new ort.Tensor('int64', new BigInt64Array(n), [1, n]);
  const qformer = describeRunFailure('qformer', { encoder_embeds: new ort.Tensor('float32', new Float32Array(17 * 32), [1, 17, 32]), qformer_input_ids: ids(67), qformer_attention_mask: ids(67) }, error);
  assert.match(qformer, "'qformer_input_ids' has 67 positions, but the graph's fixed position table has 64: the Q-Former's copy of the instruction is cut at /tokenizers/text/maxLength in model.json, so set it to at most 64");
  assert.not.match(qformer, '/retrieval/maxTextLength');
  assert.not.match(qformer, '/generation/');
  const decoder = describeRunFailure('text_decoder', { input_ids: ids(67), attention_mask: ids(67) }, error);
  assert.match(decoder, 'generated sequences grow up to /generation/<task>/maxLength in model.json, so set it to at most 64');
  assert.not.match(decoder, '/retrieval/maxTextLength');
  assert.match(describeRunFailure('qformer_itm', { input_ids: ids(67), attention_mask: ids(67) }, error), '/retrieval/maxTextLength');
});

test.run();
