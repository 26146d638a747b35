/**
 * The self-attention KV cache of a decoder graph: `past_key_values.{i}.key/value` inputs paired
 * with `present.{i}.key/value` outputs as the manifest's kvCache declares (models/CONTRACT.md
 * section 1). The first step feeds a zero-length past; beam search reorders rows between steps.
 */
import * as ort from 'onnxruntime-node';
import { inputFloatType } from './float16.js';
import { gatherRows, requireOutput } from './tensors.js';

/** The manifest's kvCache (same shape as models/manifest-types.ts KvCacheSpec). */
export interface KvCacheLayout {
  readonly layers: number;
  readonly heads: number;
  readonly headDim: number;
  readonly pairs: readonly (readonly [string, string])[];
}

export class KvCache {
  private past = new Map<string, ort.Tensor>();

  /** `session` (the decoder) gives the float type of the past inputs; float32 without it. */
  constructor(
    private readonly layout: KvCacheLayout,
    rows: number,
    private readonly role: string,
    session?: ort.InferenceSession,
  ) {
    if (layout.pairs.length !== 2 * layout.layers) {
      throw new Error(`${role}: kvCache declares ${layout.pairs.length} pairs for ${layout.layers} layers; expected key and value per layer`);
    }
    for (const [pastName] of layout.pairs) {
      const dims = [rows, layout.heads, 0, layout.headDim];
      const half = session !== undefined && inputFloatType(session, pastName) === 'float16';
      this.past.set(pastName, half ? new ort.Tensor('float16', new Uint16Array(0), dims) : new ort.Tensor('float32', new Float32Array(0), dims));
    }
  }

  /** Length of the cached sequence. */
  get length(): number {
    const first = this.past.values().next().value;
    return first === undefined ? 0 : (first.dims[2] ?? 0);
  }

  feeds(): Record<string, ort.Tensor> {
    return Object.fromEntries(this.past);
  }

  update(outputs: ort.InferenceSession.ReturnType): void {
    const next = new Map<string, ort.Tensor>();
    for (const [pastName, presentName] of this.layout.pairs) next.set(pastName, requireOutput(outputs, presentName, this.role));
    this.past = next;
  }

  reorder(sourceRows: readonly number[]): void {
    if (sourceRows.every((source, row) => source === row)) return;
    const next = new Map<string, ort.Tensor>();
    for (const [name, tensor] of this.past) next.set(name, gatherRows(tensor, sourceRows));
    this.past = next;
  }

  dispose(): void {
    for (const tensor of this.past.values()) tensor.dispose();
    this.past.clear();
  }
}
