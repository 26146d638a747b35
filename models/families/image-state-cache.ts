/**
 * Vision-encoder states per prepared image, computed once and reused: retrieval re-ranking asks
 * the matching head about many texts per image, and VQA/captioning batches repeat images. Keyed
 * by the PreparedMedia object, so the runner's lifetime of an input bounds the cache's.
 */
import type * as ort from 'onnxruntime-node';
import type { InferenceContext, PreparedMedia } from '../capabilities.js';
import type { GraphSession } from '../onnx/graphs.js';
import { concatRows, outputData, row, stackMedia } from './tensors.js';

export class ImageStateCache {
  private readonly states = new WeakMap<PreparedMedia, Float32Array>();
  private rest: readonly number[] | null = null;

  constructor(
    private readonly vision: GraphSession,
    /** The vision output holding per-token states. */
    private readonly output = 'image_embeds',
  ) {}

  /** Keeps the states of a batch the caller already encoded (e.g. while computing ITC features). */
  store(images: readonly PreparedMedia[], embeds: { data: Float32Array; dims: readonly number[] }): void {
    this.rest = embeds.dims.slice(1);
    images.forEach((image, i) => this.states.set(image, row(embeds.data, embeds.dims, i).slice()));
  }

  /** [images.length, ...] tensor of states, encoding the images not seen before in one batch (the caller's). */
  async statesFor(images: readonly PreparedMedia[], ctx: InferenceContext): Promise<ort.Tensor> {
    const missing = [...new Set(images.filter((image) => !this.states.has(image)))];
    if (missing.length > 0) {
      const result = await ctx.time('encode', () => this.vision.run({ pixel_values: stackMedia(missing) }));
      this.store(missing, outputData(result, this.output, this.vision.role));
    }
    if (!this.rest) throw new Error('ImageStateCache: no image has been encoded');
    return concatRows(images.map((image) => this.states.get(image)!), this.rest);
  }
}
