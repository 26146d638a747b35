/**
 * The in-memory similarity graph against a float64 reference written here: max over each
 * image's query vectors of the dot product with each text, for one query vector (ALBEF, BLIP)
 * and 32 (BLIP-2), on shapes that are not multiples of anything.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ImageEmbedding } from '../../../../models/capabilities.js';
import { createPrng } from '../../../../models/generation/prng.js';
import { SimilarityKernel } from '../../../../models/onnx/similarity-kernel.js';
import { similarityGraphBytes } from '../../../../models/onnx/similarity-graph.js';
import { rejectedMessage } from '../../helpers/thrown.js';

function unitRows(rows: number, dim: number, seed: number): Float32Array {
  const prng = createPrng(seed);
  const out = new Float32Array(rows * dim);
  for (let r = 0; r < rows; r++) {
    let norm = 0;
    for (let k = 0; k < dim; k++) norm += (out[r * dim + k] = prng.next() - 0.5) ** 2;
    for (let k = 0; k < dim; k++) out[r * dim + k]! /= Math.sqrt(norm);
  }
  return out;
}

function images(count: number, queries: number, dim: number, seed: number): ImageEmbedding[] {
  return Array.from({ length: count }, (_, i) => ({ queries, dim, data: unitRows(queries, dim, seed + i) }));
}

function texts(count: number, dim: number, seed: number): Float32Array[] {
  const all = unitRows(count, dim, seed);
  return Array.from({ length: count }, (_, t) => all.slice(t * dim, (t + 1) * dim));
}

function reference(image: ImageEmbedding, text: Float32Array): number {
  let best = -Infinity;
  for (let q = 0; q < image.queries; q++) {
    let sum = 0;
    for (let k = 0; k < image.dim; k++) sum += image.data[q * image.dim + k]! * text[k]!;
    best = Math.max(best, sum);
  }
  return best;
}

const kernel = new SimilarityKernel('cpu');
test.after(() => kernel.release());

for (const queries of [1, 32]) {
  test(`${queries} query vector(s): every image x text entry is the max over queries of the dot product`, async () => {
    const imgs = images(7, queries, 24, 100);
    const txts = texts(13, 24, 7);
    const sims = await kernel.maxOverQueries(imgs, txts);
    assert.is(sims.length, 7 * 13);
    imgs.forEach((image, i) => txts.forEach((text, t) => {
      const want = reference(image, text);
      assert.ok(Math.abs(sims[i * 13 + t]! - want) < 1e-6, `image ${i} text ${t}: ${sims[i * 13 + t]} vs ${want}`);
    }));
  });
}

test('the maximum is over queries only: a text equal to one query row of one image scores 1 there', async () => {
  const imgs = images(3, 4, 8, 5);
  const copy = imgs[1]!.data.slice(2 * 8, 3 * 8);
  const sims = await kernel.maxOverQueries(imgs, [copy]);
  assert.ok(Math.abs(sims[1]! - 1) < 1e-6, String(sims[1]));
  assert.ok(sims[0]! < 0.999 && sims[2]! < 0.999, `other images: ${sims[0]}, ${sims[2]}`);
});

test('an empty block gives an empty result without opening anything', async () => {
  const fresh = new SimilarityKernel('cpu');
  assert.is((await fresh.maxOverQueries([], texts(2, 4, 1))).length, 0);
  assert.is((await fresh.maxOverQueries(images(2, 1, 4, 1), [])).length, 0);
});

test('embeddings of different shapes are refused, naming which', async () => {
  const mixed = [...images(1, 2, 4, 1), ...images(1, 3, 4, 2)];
  assert.match(await rejectedMessage(kernel.maxOverQueries(mixed, texts(1, 4, 3)), Error), /image 1 has 3 x 4 features, image 0 has 2 x 4/);
  assert.match(await rejectedMessage(kernel.maxOverQueries(images(1, 1, 4, 1), texts(1, 5, 3)), Error), /text 0 has 5 features, the images have 4/);
});

test('the graph is a valid ONNX model: its first field is ir_version 7, and it names its producer', () => {
  const bytes = similarityGraphBytes();
  assert.equal([...bytes.subarray(0, 2)], [0x08, 7]);
  assert.ok(Buffer.from(bytes).includes(Buffer.from('vlbench')));
});

test.run();
