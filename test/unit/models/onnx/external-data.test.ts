/**
 * Graphs whose weights live in an external-data file (what exports of 1.5 GB and more get,
 * models/CONTRACT.md section 4): tiny-blip's text_encoder saved that way by onnx
 * (test/fixtures/models/external-data/README.md) must load through the manifest, have every
 * file's digest checked, and compute exactly what the single-file graph computes.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { copyFileSync, mkdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { InferenceContext } from '../../../../models/capabilities.js';
import { loadModel } from '../../../../models/load.js';
import { ManifestError } from '../../../../models/manifest.js';
import { sha256File } from '../../../../models/onnx/digest.js';
import { externalDataLocations } from '../../../../models/onnx/external-refs.js';
import { tempDirFactory } from '../../helpers/temp-dirs.js';

const here = dirname(fileURLToPath(import.meta.url));
const TINY_BLIP = resolve(here, '../../../../models/tiny/tiny-blip');
const EXTERNAL = resolve(here, '../../../fixtures/models/external-data');
const ctx: InferenceContext = { time: (_stage, fn) => fn() };
const tempDir = tempDirFactory(test);
const TEXTS = ['a red circle on the left', 'two shapes on a striped background', 'a big violet rhombus'];

interface Options {
  readonly dataDigest?: string;
  readonly copyData?: boolean;
  /** false: the manifest leaves the graph's data file out of externalData. */
  readonly declare?: boolean;
}

/** tiny-blip's manifest in a temp folder: other roles point at the committed graphs, text_encoder at the external-data copy. */
async function externalModel(options: Options = {}): Promise<string> {
  const dir = tempDir(join(tmpdir(), 'vlbench-external-'));
  const manifest = JSON.parse(readFileSync(join(TINY_BLIP, 'model.json'), 'utf8'));
  for (const graph of Object.values(manifest.graphs) as { file: string }[]) graph.file = join(TINY_BLIP, graph.file);
  for (const [key, tokenizer] of Object.entries(manifest.tokenizers) as [string, { file: string }][]) manifest.tokenizers[key].file = join(TINY_BLIP, tokenizer.file);
  copyFileSync(join(EXTERNAL, 'text_encoder.onnx'), join(dir, 'text_encoder.onnx'));
  if (options.copyData !== false) copyFileSync(join(EXTERNAL, 'text_encoder.onnx.data'), join(dir, 'text_encoder.onnx.data'));
  manifest.graphs.text_encoder.file = 'text_encoder.onnx';
  manifest.graphs.text_encoder.sha256 = await sha256File(join(EXTERNAL, 'text_encoder.onnx'));
  const dataDigest = options.dataDigest ?? (await sha256File(join(EXTERNAL, 'text_encoder.onnx.data')));
  manifest.graphs.text_encoder.externalData = options.declare === false ? [] : [{ file: 'text_encoder.onnx.data', sha256: dataDigest }];
  writeFileSync(join(dir, 'model.json'), JSON.stringify(manifest, null, 2));
  return join(dir, 'model.json');
}

async function textEmbeddings(path: string): Promise<number[][]> {
  const loaded = await loadModel(path, { device: 'cpu', verifyDigests: true });
  try {
    return (await loaded.adapter.retrieval!.embedTexts(TEXTS, ctx)).map((e) => Array.from(e));
  } finally {
    await loaded.adapter.dispose();
  }
}

test('the fixture really keeps its weights outside the graph file', () => {
  const graph = readFileSync(join(EXTERNAL, 'text_encoder.onnx'));
  const data = readFileSync(join(EXTERNAL, 'text_encoder.onnx.data'));
  assert.ok(graph.length < data.length / 5, `graph ${graph.length} bytes, data ${data.length} bytes`);
  assert.ok(graph.includes(Buffer.from('text_encoder.onnx.data')), 'the graph names its data file');
});

test('a graph with external data loads through the manifest and matches the single-file graph exactly', async () => {
  const external = await textEmbeddings(await externalModel());
  const single = await textEmbeddings(join(TINY_BLIP, 'model.json'));
  assert.equal(external, single);
  assert.is(external.length, TEXTS.length);
});

async function loadError(path: string, verifyDigests: boolean): Promise<string> {
  try {
    await loadModel(path, { device: 'cpu', verifyDigests });
  } catch (error) {
    assert.instance(error, ManifestError);
    return String((error as Error).message);
  }
  assert.unreachable('loading must fail');
  return '';
}

test('a wrong external-data digest names its JSON pointer', async () => {
  const message = await loadError(await externalModel({ dataDigest: 'c'.repeat(64) }), true);
  assert.match(message, '/graphs/text_encoder/externalData/0/sha256');
  assert.match(message, 'text_encoder.onnx.data');
});

test('a missing external-data file is an error naming the file', async () => {
  const message = await loadError(await externalModel({ copyData: false }), false);
  assert.match(message, '/graphs/text_encoder/externalData/0');
  assert.match(message, 'does not exist');
});

test('a truncated external-data file with digests unchecked names the file, its externalData pointer and the fix before onnxruntime', async () => {
  const path = await externalModel();
  const data = join(dirname(path), 'text_encoder.onnx.data');
  truncateSync(data, 5000);
  const message = await loadError(path, false);
  assert.ok(message.startsWith(`${path} at /graphs/text_encoder/externalData/0: ${data} is shorter than ${join(dirname(path), 'text_encoder.onnx')} needs`), message);
  assert.match(message, /\(a weight at bytes \d+\.\.\d+; the file has 5000\)/);
  assert.match(message, 'copy it or export the model again, and run without --no-verify-digests');
  assert.match(message, /onnxruntime: External initializer: .* given file_length: 5000 are out of bounds/);
  assert.not.match(message, 'execution provider');
});

test("the graph's own references are read from its initializers", () => {
  assert.equal(externalDataLocations(join(EXTERNAL, 'text_encoder.onnx')), ['text_encoder.onnx.data']);
  assert.equal(externalDataLocations(join(TINY_BLIP, 'text_encoder.onnx')), []);
});

test('external data the graph references but the manifest does not declare is a load error, digests checked or not', async () => {
  for (const verify of [true, false]) {
    const message = await loadError(await externalModel({ declare: false }), verify);
    assert.match(message, '/graphs/text_encoder/externalData');
    assert.match(message, /text_encoder\.onnx \(role text_encoder\) keeps weights in external data 'text_encoder\.onnx\.data'/);
    assert.match(message, 'is not declared, so its digest is never checked; add {"file":"text_encoder.onnx.data","sha256":"<its sha256 as exported>"}');
  }
});

test('undeclared external data that is also missing is named before any execution provider tries the graph', async () => {
  const message = await loadError(await externalModel({ declare: false, copyData: false }), false);
  assert.match(message, "'text_encoder.onnx.data'");
  assert.match(message, 'does not exist and is not declared');
  assert.not.match(message, 'execution provider');
});

test('a declared external-data file the graph does not reference is a load error', async () => {
  const path = await externalModel();
  const manifest = JSON.parse(readFileSync(path, 'utf8'));
  manifest.graphs.vision_encoder.externalData = [{ file: 'text_encoder.onnx.data', sha256: manifest.graphs.text_encoder.externalData[0].sha256 }];
  writeFileSync(path, JSON.stringify(manifest));
  const message = await loadError(path, true);
  assert.match(message, '/graphs/vision_encoder/externalData/0/file');
  assert.match(message, 'it keeps all its weights inside');
});

test("external data outside the graph's folder names the externalData pointer and the fix before onnxruntime refuses it", async () => {
  const path = await externalModel();
  const dir = dirname(path);
  // The same-length location '../t_encoder.onnx.data' keeps the protobuf lengths valid.
  const graph = readFileSync(join(EXTERNAL, 'text_encoder.onnx'));
  const patched = Buffer.from(graph.toString('latin1').split('text_encoder.onnx.data').join('../t_encoder.onnx.data'), 'latin1');
  mkdirSync(join(dir, 'sub'));
  writeFileSync(join(dir, 'sub', 'text_encoder.onnx'), patched);
  copyFileSync(join(EXTERNAL, 'text_encoder.onnx.data'), join(dir, 't_encoder.onnx.data'));
  const manifest = JSON.parse(readFileSync(path, 'utf8'));
  manifest.graphs.text_encoder.file = 'sub/text_encoder.onnx';
  manifest.graphs.text_encoder.externalData = [{ file: 't_encoder.onnx.data', sha256: manifest.graphs.text_encoder.externalData[0].sha256 }];
  writeFileSync(path, JSON.stringify(manifest));
  const message = await loadError(path, false);
  assert.match(message, '/graphs/text_encoder/externalData/0/file');
  assert.match(message, "keeps weights at '../t_encoder.onnx.data', outside its folder");
  assert.match(message, "onnxruntime only reads external data in or below the graph's folder; move the file there");
});

test('a Git LFS pointer in place of the graph says so and names git lfs pull', async () => {
  const path = await externalModel();
  writeFileSync(join(dirname(path), 'text_encoder.onnx'), 'version https://git-lfs.github.com/spec/v1\noid sha256:' + 'a'.repeat(64) + '\nsize 123\n');
  const message = await loadError(path, false);
  assert.match(message, '/graphs/text_encoder/file');
  assert.match(message, 'is a Git LFS pointer, not the graph: run `git lfs pull`');
});

test.run();
