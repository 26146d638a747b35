/**
 * The blockwise contrastive sweep against the dense computation: with blocks that do not divide
 * the gallery (images and texts split unevenly), every asked query's top k equals a full sort
 * of its row or column; queries not asked are left alone; Ctrl-C stops it between blocks.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ImageEmbedding } from '../../../models/capabilities.js';
import { createPrng } from '../../../models/generation/prng.js';
import { sweepTopK, type SweepInput } from '../../../runners/tasks/similarity-sweep.js';
import { TopK } from '../../../runners/tasks/top-k.js';

const DIM = 6;
const QUERIES = 3;

function vector(prng: { next(): number }, length: number): Float32Array {
  // Coarse values, so that equal similarities (ties) occur and their order is exercised.
  return Float32Array.from({ length }, () => Math.round(prng.next() * 4) / 4);
}

function gallery(images: number, texts: number): { images: ImageEmbedding[]; texts: Float32Array[] } {
  const prng = createPrng(11);
  return {
    images: Array.from({ length: images }, () => ({ queries: QUERIES, dim: DIM, data: vector(prng, QUERIES * DIM) })),
    texts: Array.from({ length: texts }, () => vector(prng, DIM)),
  };
}

function sim(image: ImageEmbedding, text: Float32Array): number {
  let best = -Infinity;
  for (let q = 0; q < image.queries; q++) best = Math.max(best, text.reduce((sum, x, k) => sum + x * image.data[q * DIM + k]!, 0));
  return Math.fround(best);
}

/** The model's side: records each call's block shape. */
function recordingSimilarities(calls: [number, number][]): SweepInput['similarities'] {
  return async (images, texts) => {
    calls.push([images.length, texts.length]);
    return Float32Array.from(images.flatMap((image) => texts.map((text) => sim(image, text))));
  };
}

function denseTop(scores: number[], k: number): { index: number; score: number }[] {
  return scores.map((score, index) => ({ index, score })).sort((a, b) => b.score - a.score || a.index - b.index).slice(0, k);
}

test('uneven blocks: each asked query keeps exactly the dense top k, both directions', async () => {
  const g = gallery(10, 23);
  const calls: [number, number][] = [];
  const k = 4;
  const imageTops = g.images.map((_, i) => (i % 3 === 1 ? undefined : new TopK(k)));
  const textTops = g.texts.map((_, t) => (t % 4 === 0 ? undefined : new TopK(k)));
  const finished = await sweepTopK(
    { similarities: recordingSimilarities(calls), ...g, imageTops, textTops, signal: new AbortController().signal },
    { images: 4, floats: 4 * QUERIES * 5 },
  );
  assert.ok(finished);
  // 3 image blocks (4, 4, 2) x 5 text blocks (5, 5, 5, 5, 3).
  assert.equal(calls, [4, 4, 2].flatMap((n) => [5, 5, 5, 5, 3].map((m) => [n, m])));
  g.images.forEach((image, i) => {
    if (imageTops[i] === undefined) return;
    assert.equal(imageTops[i]!.sorted(), denseTop(g.texts.map((text) => sim(image, text)), k), `image ${i}`);
  });
  g.texts.forEach((text, t) => {
    if (textTops[t] === undefined) return;
    assert.equal(textTops[t]!.sorted(), denseTop(g.images.map((image) => sim(image, text)), k), `text ${t}`);
  });
});

test('one query vector: the whole text side goes in one call when it fits the bound', async () => {
  const g = gallery(3, 40);
  const single = { images: g.images.map((image) => ({ queries: 1, dim: DIM, data: image.data.slice(0, DIM) })), texts: g.texts };
  const calls: [number, number][] = [];
  const tops = single.images.map(() => new TopK(2));
  await sweepTopK({ similarities: recordingSimilarities(calls), ...single, imageTops: tops, textTops: single.texts.map(() => undefined), signal: new AbortController().signal }, { images: 2, floats: 2 * 40 });
  assert.equal(calls, [[2, 40], [1, 40]]);
});

test('Ctrl-C between blocks stops the sweep and reports it', async () => {
  const g = gallery(8, 8);
  const controller = new AbortController();
  const calls: [number, number][] = [];
  const inner = recordingSimilarities(calls);
  const similarities: SweepInput['similarities'] = async (images, texts) => {
    controller.abort();
    return inner(images, texts);
  };
  const finished = await sweepTopK({ similarities, ...g, imageTops: g.images.map(() => new TopK(2)), textTops: g.texts.map(() => undefined), signal: controller.signal }, { images: 4, floats: 4 * QUERIES * 4 });
  assert.is(finished, false);
  assert.is(calls.length, 1);
});

test.run();
