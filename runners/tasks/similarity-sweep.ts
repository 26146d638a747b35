/**
 * Retrieval's contrastive stage: the similarity of every image with every text, computed by the
 * model in blocks (one GEMM each) and never held whole (COCO 5k x 25k), each query keeping only
 * its top k. Both directions are fed from the same block.
 */
import type { ImageEmbedding } from '../../models/capabilities.js';
import type { TopK } from './top-k.js';

export interface SweepBlocks {
  /** Images per similarity call. */
  readonly images: number;
  /** Bound on images x queries x texts per call: the GEMM's per-query intermediate, in floats. */
  readonly floats: number;
}

/** 256 images a call and 2^25 floats (128 MB): all texts at once for one query vector, 4,096 for BLIP-2's 32. */
export const SWEEP_BLOCKS: SweepBlocks = { images: 256, floats: 1 << 25 };

export interface SweepInput {
  /** The model's similarity of a block: float32, row-major [images x texts]. */
  readonly similarities: (images: readonly ImageEmbedding[], texts: readonly Float32Array[]) => Promise<Float32Array>;
  readonly images: readonly ImageEmbedding[];
  readonly texts: readonly Float32Array[];
  /** By image position: that image's image->text query, undefined when it is not asked (done, another shard). */
  readonly imageTops: readonly (TopK | undefined)[];
  /** By text position: that text's text->image query, likewise. */
  readonly textTops: readonly (TopK | undefined)[];
  readonly signal: AbortSignal;
}

/**
 * Feeds every (image, text) similarity into the image's and the text's top k. Returns false
 * when stopped by Ctrl-C: a real gallery is minutes of GEMMs on a CPU, so the event loop gets a
 * turn before each block and the abort is honoured there.
 */
export async function sweepTopK(input: SweepInput, blocks: SweepBlocks = SWEEP_BLOCKS): Promise<boolean> {
  const { images, texts, imageTops, textTops } = input;
  const queries = images[0]?.queries ?? 1;
  const textBlock = Math.max(blocks.images, Math.floor(blocks.floats / (blocks.images * queries)));
  // The same block arrays on every call, so the model can keep what it derives from them.
  const textBlocks: Float32Array[][] = [];
  for (let t0 = 0; t0 < texts.length; t0 += textBlock) textBlocks.push(texts.slice(t0, t0 + textBlock));
  for (let i0 = 0; i0 < images.length; i0 += blocks.images) {
    const i1 = Math.min(i0 + blocks.images, images.length);
    const imageBlock = images.slice(i0, i1);
    for (const [b, textSlice] of textBlocks.entries()) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (input.signal.aborted) return false;
      const t0 = b * textBlock;
      const t1 = t0 + textSlice.length;
      const sims = await input.similarities(imageBlock, textSlice);
      for (let i = i0; i < i1; i++) feedLine(sims, (i - i0) * (t1 - t0), t1 - t0, imageTops[i], t0);
      // Text by text, so that each text's heap is fetched once per block: pushed into pair by
      // pair in image order, 25,000 heaps (77 MB at k 256) were a cache miss per push.
      const byText = transposed(sims, i1 - i0, t1 - t0);
      for (let t = t0; t < t1; t++) feedLine(byText, (t - t0) * (i1 - i0), i1 - i0, textTops[t], i0);
    }
  }
  return true;
}

/** values[start .. start + length) into `top` as candidates first, first + 1, ... */
function feedLine(values: Float32Array, start: number, length: number, top: TopK | undefined, first: number): void {
  if (top === undefined) return;
  let floor = top.floor;
  for (let j = 0; j < length; j++) {
    const value = values[start + j]!;
    if (value < floor) continue;
    top.push(value, first + j);
    floor = top.floor;
  }
}

const TILE = 64;

/** A rows x cols row-major matrix as cols x rows, tile by tile so both sides stay in cache. */
function transposed(matrix: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r0 = 0; r0 < rows; r0 += TILE) {
    const r1 = Math.min(r0 + TILE, rows);
    for (let c0 = 0; c0 < cols; c0 += TILE) {
      const c1 = Math.min(c0 + TILE, cols);
      for (let r = r0; r < r1; r++) {
        for (let c = c0; c < c1; c++) out[c * rows + r] = matrix[r * cols + c]!;
      }
    }
  }
  return out;
}
