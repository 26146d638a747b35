/**
 * Decoder kind 'encoder-decoder' (FlanT5): `llm_encoder` runs once over [prefix embeddings ;
 * embeddings of the prompt ids (+ </s>)], right-padded; `llm_decoder` starts from the decoder
 * start id (`<pad>`) and caches its self-attention. generate holds the start id, so minLength
 * counts it and maxNewTokens counts from it.
 */
import type * as ort from 'onnxruntime-node';
import type { StepDecoder, StepDecoderFactory, StepLogits } from '../decoder.js';
import { rightPaddedPrefixEmbeds, type EmbeddedPrompt } from './decoder-only.js';
import { KvCache, type KvCacheLayout } from './kv-cache.js';
import { asInputType, expandedRows, floatInput, gatherRows, int64, lastPositionLogits, requireOutput } from './tensors.js';

export interface EncoderDecoderGraphs {
  readonly embed: ort.InferenceSession;
  /** `llm_encoder`: inputs_embeds, attention_mask -> encoder_hidden_states. */
  readonly encoder: ort.InferenceSession;
  /** `llm_decoder`: input_ids, encoder_hidden_states, encoder_attention_mask, KV pairs -> logits, KV pairs. */
  readonly decoder: ort.InferenceSession;
  readonly kvCache: KvCacheLayout;
  readonly hidden: number;
}

export interface EncodedInputs {
  /** [inputs, encSeq, hidden]. */
  readonly states: ort.Tensor;
  /** [inputs][encSeq], 1 = real. */
  readonly mask: number[][];
}

/** Runs the encoder over [prefix ; prompt] for every input, prompts right-padded with padId. */
export async function encodePrompts(graphs: EncoderDecoderGraphs, prompts: readonly EmbeddedPrompt[], padId: number): Promise<EncodedInputs> {
  const { hidden } = graphs;
  const rows = prompts.map((p) => ({ prefixEmbeds: p.prefixEmbeds, ids: p.promptIds }));
  const { embeds, seq, mask } = await rightPaddedPrefixEmbeds(graphs, rows, padId);
  const outputs = await graphs.encoder.run({ inputs_embeds: floatInput(graphs.encoder, 'inputs_embeds', embeds, [prompts.length, seq, hidden]), attention_mask: int64(mask) });
  return { states: requireOutput(outputs, 'encoder_hidden_states', 'llm_encoder'), mask };
}

export function encoderDecoderFactory(graphs: EncoderDecoderGraphs, encoded: EncodedInputs, decoderStartId: number): StepDecoderFactory {
  const inputs = encoded.mask.length;
  return {
    kind: 'encoder-decoder',
    inputs,
    initialIds: encoded.mask.map(() => [decoderStartId]),
    open: async (expansion) => new EncoderDecoderStep(graphs, encoded, decoderStartId, expansion),
  };
}

class EncoderDecoderStep implements StepDecoder {
  readonly rows: number;
  private readonly cache: KvCache;
  private readonly states: ort.Tensor;
  private readonly mask: ort.Tensor;

  constructor(
    private readonly graphs: EncoderDecoderGraphs,
    encoded: EncodedInputs,
    private readonly startId: number,
    expansion: number,
  ) {
    const rowsOf = expandedRows(encoded.mask.length, expansion);
    this.rows = rowsOf.length;
    this.states = gatherRows(asInputType(graphs.decoder, 'encoder_hidden_states', encoded.states), rowsOf);
    this.mask = int64(rowsOf.map((r) => encoded.mask[r]!));
    this.cache = new KvCache(graphs.kvCache, this.rows, 'llm_decoder', graphs.decoder);
  }

  private async run(ids: number[][]): Promise<StepLogits> {
    const outputs = await this.graphs.decoder.run({
      input_ids: int64(ids),
      encoder_hidden_states: this.states,
      encoder_attention_mask: this.mask,
      ...this.cache.feeds(),
    });
    this.cache.update(outputs);
    return lastPositionLogits(requireOutput(outputs, 'logits', 'llm_decoder'), 'llm_decoder');
  }

  first(): Promise<StepLogits> {
    return this.run(Array.from({ length: this.rows }, () => [this.startId]));
  }

  next(sourceRows: readonly number[] | null, tokens: readonly number[]): Promise<StepLogits> {
    if (sourceRows !== null) this.cache.reorder(sourceRows);
    return this.run(tokens.map((t) => [t]));
  }

  dispose(): void {
    this.cache.dispose();
  }
}
