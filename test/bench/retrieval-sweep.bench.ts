/**
 * Retrieval's contrastive stage at COCO 5k test size (5,000 images x 25,000 captions, k_test
 * 256, both directions' top k): ONNX Runtime's GEMM through the in-memory similarity graph, for
 * one query vector (ALBEF, BLIP) and BLIP-2's 32, embedding width 256 as the real models have.
 * Until 2026-11-28 this was a JavaScript loop: about 25 minutes for the 32-vector case (30.5 s per 100 images).
 */
import type { ImageEmbedding } from '../../models/capabilities.js';
import { createPrng } from '../../models/generation/prng.js';
import { SimilarityKernel } from '../../models/onnx/similarity-kernel.js';
import { sweepTopK } from '../../runners/tasks/similarity-sweep.js';
import { TopK } from '../../runners/tasks/top-k.js';
import type { BenchResult } from './types.js';

const IMAGES = 5_000;
const TEXTS = 25_000;
const DIM = 256;
const K_TEST = 256;

function rows(count: number, seed: number): Float32Array {
  const prng = createPrng(seed);
  return Float32Array.from({ length: count * DIM }, () => prng.next() - 0.5);
}

async function sweepMs(kernel: SimilarityKernel, queries: number): Promise<number> {
  const imageData = rows(IMAGES * queries, 1);
  const textData = rows(TEXTS, 2);
  const images: ImageEmbedding[] = Array.from({ length: IMAGES }, (_, i) => ({ queries, dim: DIM, data: imageData.subarray(i * queries * DIM, (i + 1) * queries * DIM) }));
  const texts = Array.from({ length: TEXTS }, (_, t) => textData.subarray(t * DIM, (t + 1) * DIM));
  const start = performance.now();
  await sweepTopK({
    similarities: (block, textBlock) => kernel.maxOverQueries(block, textBlock),
    images, texts,
    imageTops: images.map(() => new TopK(K_TEST)),
    textTops: texts.map(() => new TopK(K_TEST)),
    signal: new AbortController().signal,
  });
  return performance.now() - start;
}

export default async function (): Promise<BenchResult[]> {
  const kernel = new SimilarityKernel('cpu');
  try {
    const single = await sweepMs(kernel, 1);
    const blip2 = await sweepMs(kernel, 32);
    const name = (queries: number): string => `retrieval sweep, ${IMAGES} images x ${TEXTS} texts, ${queries} query vector(s), dim ${DIM}, top ${K_TEST} both ways`;
    return [
      { name: name(1), value: single, unit: 'ms', notes: 'one run, wall time, CPU provider (sweepTopK + SimilarityKernel)' },
      { name: name(32), value: blip2, unit: 'ms', notes: 'one run, wall time, CPU provider' },
    ];
  } finally {
    await kernel.release();
  }
}
