/**
 * Retrieval's contrastive similarity of a block of images with a block of texts, run as the
 * in-memory graph of similarity-graph.ts on the model's own execution provider. The session
 * opens on first use, so models that never retrieve never pay for it.
 */
import * as ort from 'onnxruntime-node';
import type { ImageEmbedding } from '../capabilities.js';
import { sessionOptions, shortReason, type ProviderName } from './providers.js';
import { SIMILARITY_INPUTS, SIMILARITY_OUTPUT, similarityGraphBytes } from './similarity-graph.js';

export class SimilarityKernel {
  private session: Promise<ort.InferenceSession> | null = null;
  /**
   * Packed inputs by the array they came from: a sweep passes one image block with every text
   * block and each text block with every image block, so each is packed (and the texts
   * transposed, a strided copy of the whole text side) once instead of once per call.
   */
  private readonly packedImages = new WeakMap<readonly ImageEmbedding[], Float32Array>();
  private readonly packedTexts = new WeakMap<readonly Float32Array[], Float32Array>();

  constructor(readonly provider: ProviderName) {}

  /**
   * sim[i * texts.length + t] = max over image i's query vectors of their dot product with text
   * t, in float32 as LAVIS's `image_feat @ text_feat.t()`. All images must share one shape.
   */
  async maxOverQueries(images: readonly ImageEmbedding[], texts: readonly Float32Array[]): Promise<Float32Array> {
    if (images.length === 0 || texts.length === 0) return new Float32Array(0);
    const { queries, dim } = images[0]!;
    const packed = cached(this.packedImages, images, () => packedImages(images));
    const textsT = cached(this.packedTexts, texts, () => transposed(texts, dim));
    const session = await this.open();
    const result = await session.run({
      [SIMILARITY_INPUTS.images]: new ort.Tensor('float32', packed, [images.length, queries, dim]),
      [SIMILARITY_INPUTS.textsT]: new ort.Tensor('float32', textsT, [dim, texts.length]),
    });
    return result[SIMILARITY_OUTPUT]!.data as Float32Array;
  }

  async release(): Promise<void> {
    const session = this.session;
    this.session = null;
    await (await session?.catch(() => null))?.release();
  }

  private open(): Promise<ort.InferenceSession> {
    this.session ??= ort.InferenceSession.create(similarityGraphBytes(), sessionOptions(this.provider)).catch((error: unknown) => {
      this.session = null;
      throw new Error(`the retrieval similarity graph could not open on ${this.provider}: ${shortReason(error)}`);
    });
    return this.session;
  }
}

function cached<K extends object>(cache: WeakMap<K, Float32Array>, key: K, make: () => Float32Array): Float32Array {
  let value = cache.get(key);
  if (value === undefined) cache.set(key, (value = make()));
  return value;
}

/** The images' query rows as one [images, queries, dim] array; all must share image 0's shape. */
function packedImages(images: readonly ImageEmbedding[]): Float32Array {
  const { queries, dim } = images[0]!;
  const packed = new Float32Array(images.length * queries * dim);
  images.forEach((image, i) => {
    if (image.queries !== queries || image.dim !== dim || image.data.length !== queries * dim) {
      throw new Error(`similarity: image ${i} has ${image.queries} x ${image.dim} features, image 0 has ${queries} x ${dim}; one model's embeddings all have one shape`);
    }
    packed.set(image.data, i * queries * dim);
  });
  return packed;
}

/** texts (rows of `dim`) as one [dim, texts] matrix, the layout the GEMM reads fastest. */
function transposed(texts: readonly Float32Array[], dim: number): Float32Array {
  const count = texts.length;
  const out = new Float32Array(dim * count);
  texts.forEach((text, t) => {
    if (text.length !== dim) throw new Error(`similarity: text ${t} has ${text.length} features, the images have ${dim}; the text and image graphs must project to one space`);
    for (let k = 0; k < dim; k++) out[k * count + t] = text[k]!;
  });
  return out;
}
