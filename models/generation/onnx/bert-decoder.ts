/**
 * Decoder kind 'bert-decoder': BLIP's `text_decoder` role (input_ids, attention_mask over the
 * total length, encoder_hidden_states, KV pairs -> logits, KV pairs). The prompt ids are fed at
 * the first step and count in the lengths; the image mask is all ones, as LAVIS passes it.
 */
import type * as ort from 'onnxruntime-node';
import type { StepDecoder, StepDecoderFactory, StepLogits } from '../decoder.js';
import { KvCache, type KvCacheLayout } from './kv-cache.js';
import { asInputType, expandedRows, float32, gatherLogitRows, gatherRows, int64, lastPositionLogits, requireOutput } from './tensors.js';

export interface BertDecoderGraph {
  readonly session: ort.InferenceSession;
  readonly kvCache: KvCacheLayout;
}

export interface BertDecoderInputs {
  /** [inputs, patches, width] row-major. */
  readonly encoderHiddenStates: Float32Array;
  readonly encoderDims: readonly [number, number, number];
  /** The prompt ids of every input ([DEC] a picture of), one length for all. */
  readonly promptIds: readonly (readonly number[])[];
}

const ROLE = 'text_decoder';

export function bertDecoderFactory(graph: BertDecoderGraph, inputs: BertDecoderInputs): StepDecoderFactory {
  const [count] = inputs.encoderDims;
  if (inputs.promptIds.length !== count) throw new Error(`${ROLE}: ${inputs.promptIds.length} prompts for ${count} images`);
  return {
    kind: 'bert-decoder',
    inputs: count,
    initialIds: inputs.promptIds,
    open: async (expansion) => new BertStepDecoder(graph, inputs, expansion),
  };
}

class BertStepDecoder implements StepDecoder {
  readonly rows: number;
  private readonly cache: KvCache;
  private readonly inputStates: ort.Tensor;
  private readonly encoder: ort.Tensor;
  private readonly rowsOf: number[];
  private total = 0;

  constructor(
    private readonly graph: BertDecoderGraph,
    private readonly inputs: BertDecoderInputs,
    expansion: number,
  ) {
    this.rowsOf = expandedRows(inputs.encoderDims[0], expansion);
    this.rows = this.rowsOf.length;
    const states = float32(inputs.encoderHiddenStates, inputs.encoderDims);
    this.inputStates = asInputType(graph.session, 'encoder_hidden_states', states);
    this.encoder = gatherRows(this.inputStates, this.rowsOf);
    // The prompt pass runs once per input; the cache is then repeated for the beams.
    this.cache = new KvCache(graph.kvCache, inputs.encoderDims[0], ROLE, graph.session);
  }

  private async run(ids: readonly (readonly number[])[], encoder: ort.Tensor): Promise<StepLogits> {
    this.total += ids[0]!.length;
    const mask = ids.map(() => new Array<number>(this.total).fill(1));
    const outputs = await this.graph.session.run({
      input_ids: int64(ids),
      attention_mask: int64(mask),
      encoder_hidden_states: encoder,
      ...this.cache.feeds(),
    });
    this.cache.update(outputs);
    return lastPositionLogits(requireOutput(outputs, 'logits', ROLE), ROLE);
  }

  async first(): Promise<StepLogits> {
    const logits = await this.run(this.inputs.promptIds, this.inputStates);
    this.cache.reorder(this.rowsOf);
    return gatherLogitRows(logits, this.rowsOf);
  }

  next(sourceRows: readonly number[] | null, tokens: readonly number[]): Promise<StepLogits> {
    if (sourceRows !== null) this.cache.reorder(sourceRows);
    return this.run(tokens.map((t) => [t]), this.encoder);
  }

  dispose(): void {
    this.cache.dispose();
  }
}
