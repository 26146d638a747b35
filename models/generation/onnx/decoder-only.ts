/**
 * Decoder kind 'decoder-only': an LLM (OPT, Vicuna) fed `inputs_embeds` = [prefix embeddings
 * (projected queries) ; embeddings of the prompt ids], with the prompt left-padded so the
 * padding sits between the prefix and the prompt, as BLIP-2/InstructBLIP build it. Position ids
 * are cumsum(mask) - 1 with pads at 1 (HF's prepare_inputs_for_generation). generate holds no ids
 * before the first new token, so lengths count generated tokens only.
 */
import type * as ort from 'onnxruntime-node';
import type { StepDecoder, StepDecoderFactory, StepLogits } from '../decoder.js';
import { KvCache, type KvCacheLayout } from './kv-cache.js';
import { asFloat32 } from './float16.js';
import { expandedRows, floatInput, gatherLogitRows, int64, lastPositionLogits, requireOutput } from './tensors.js';

export interface DecoderOnlyGraphs {
  /** `llm_embed`: input_ids -> inputs_embeds. */
  readonly embed: ort.InferenceSession;
  /** `llm_decoder`: inputs_embeds, attention_mask, position_ids, KV pairs -> logits, KV pairs. */
  readonly decoder: ort.InferenceSession;
  readonly kvCache: KvCacheLayout;
  readonly hidden: number;
}

export interface EmbeddedPrompt {
  /** [prefixLength, hidden] row-major (e.g. 32 projected queries); may be empty. */
  readonly prefixEmbeds: Float32Array;
  /** Prompt ids after the prefix (BOS included where the tokenizer adds one). */
  readonly promptIds: readonly number[];
}

const EMBED = 'llm_embed';
const ROLE = 'llm_decoder';

/** Runs `llm_embed` on rectangular ids: [rows, seq] -> [rows, seq, hidden] row-major float32. */
export async function embedIds(graphs: DecoderOnlyGraphs | { embed: ort.InferenceSession }, ids: readonly (readonly number[])[]): Promise<Float32Array> {
  if (ids.length === 0 || ids[0]!.length === 0) return new Float32Array(0);
  const outputs = await graphs.embed.run({ input_ids: int64(ids) });
  return asFloat32(requireOutput(outputs, 'inputs_embeds', EMBED));
}

/**
 * [prefix embeddings ; embeddings of the ids] per row, the ids right-padded with `padId` to the
 * longest row: the layout of the T5 encoder input and of teacher-forced candidate scoring.
 * All prefixes must share a length. Returns the row-major embeddings and the attention mask.
 */
export async function rightPaddedPrefixEmbeds(
  graphs: { readonly embed: ort.InferenceSession; readonly hidden: number },
  rows: readonly { readonly prefixEmbeds: Float32Array; readonly ids: readonly number[] }[],
  padId: number,
): Promise<{ embeds: Float32Array; seq: number; prefix: number; mask: number[][] }> {
  const { hidden } = graphs;
  const prefix = rows[0]!.prefixEmbeds.length / hidden;
  if (rows.some((r) => r.prefixEmbeds.length !== prefix * hidden)) throw new Error('prefix embeddings of one call must share a length');
  const longest = Math.max(...rows.map((r) => r.ids.length));
  const padded = rows.map((r) => [...r.ids, ...new Array<number>(longest - r.ids.length).fill(padId)]);
  const tokenEmbeds = await embedIds(graphs, padded);
  const seq = prefix + longest;
  const embeds = new Float32Array(rows.length * seq * hidden);
  rows.forEach((r, i) => {
    embeds.set(r.prefixEmbeds, i * seq * hidden);
    embeds.set(tokenEmbeds.subarray(i * longest * hidden, (i + 1) * longest * hidden), (i * seq + prefix) * hidden);
  });
  const mask = rows.map((r) => [...new Array<number>(prefix + r.ids.length).fill(1), ...new Array<number>(longest - r.ids.length).fill(0)]);
  return { embeds, seq, prefix, mask };
}

/** HF position ids: cumsum(mask) - 1, pads set to 1. */
export function positionIdsFromMask(mask: readonly number[]): number[] {
  let seen = 0;
  return mask.map((m) => {
    seen += m;
    return m === 0 ? 1 : seen - 1;
  });
}

export function decoderOnlyFactory(graphs: DecoderOnlyGraphs, prompts: readonly EmbeddedPrompt[], padId: number): StepDecoderFactory {
  const prefixLengths = new Set(prompts.map((p) => p.prefixEmbeds.length / graphs.hidden));
  if (prefixLengths.size > 1) throw new Error(`${ROLE}: prefix embeddings of one call must share a length (got ${[...prefixLengths].join(', ')})`);
  return {
    kind: 'decoder-only',
    inputs: prompts.length,
    initialIds: prompts.map(() => []),
    open: async (expansion) => new DecoderOnlyStep(graphs, prompts, padId, expansion),
  };
}

class DecoderOnlyStep implements StepDecoder {
  readonly rows: number;
  private readonly cache: KvCache;
  private masks: number[][] = [];
  private realCounts: number[] = [];

  constructor(
    private readonly graphs: DecoderOnlyGraphs,
    private readonly prompts: readonly EmbeddedPrompt[],
    private readonly padId: number,
    private readonly expansion: number,
  ) {
    this.rows = prompts.length * expansion;
    // The prompt pass runs once per input; the cache is then repeated for the beams.
    this.cache = new KvCache(graphs.kvCache, prompts.length, ROLE, graphs.decoder);
  }

  async first(): Promise<StepLogits> {
    const { hidden } = this.graphs;
    const inputs = this.prompts.length;
    const longest = Math.max(...this.prompts.map((p) => p.promptIds.length));
    const prefix = this.prompts[0]!.prefixEmbeds.length / hidden;
    const seq = prefix + longest;
    if (seq === 0) throw new Error(`${ROLE}: nothing to decode from: the prefix embeddings and the prompt ids are both empty`);
    const padded = this.prompts.map((p) => [...new Array<number>(longest - p.promptIds.length).fill(this.padId), ...p.promptIds]);
    const promptEmbeds = await embedIds(this.graphs, padded);
    const embeds = new Float32Array(inputs * seq * hidden);
    this.prompts.forEach((p, input) => {
      embeds.set(p.prefixEmbeds, input * seq * hidden);
      embeds.set(promptEmbeds.subarray(input * longest * hidden, (input + 1) * longest * hidden), (input * seq + prefix) * hidden);
    });
    this.masks = this.prompts.map((p) => [
      ...new Array<number>(prefix).fill(1),
      ...new Array<number>(longest - p.promptIds.length).fill(0),
      ...new Array<number>(p.promptIds.length).fill(1),
    ]);
    const logits = await this.run(floatInput(this.graphs.decoder, 'inputs_embeds', embeds, [inputs, seq, hidden]), this.masks.map(positionIdsFromMask));
    const rowsOf = expandedRows(inputs, this.expansion);
    this.cache.reorder(rowsOf);
    this.masks = rowsOf.map((input) => [...this.masks[input]!]);
    this.realCounts = this.masks.map((mask) => mask.reduce((a, b) => a + b, 0));
    return gatherLogitRows(logits, rowsOf);
  }

  async next(sourceRows: readonly number[] | null, tokens: readonly number[]): Promise<StepLogits> {
    if (sourceRows !== null) {
      this.cache.reorder(sourceRows);
      this.masks = sourceRows.map((s) => [...this.masks[s]!]);
      this.realCounts = sourceRows.map((s) => this.realCounts[s]!);
    }
    // Masks only grow by a 1 per row; keep them as arrays and count real positions incrementally
    // so a step's bookkeeping stays cheap as the sequence grows.
    for (const mask of this.masks) mask.push(1);
    this.realCounts = this.realCounts.map((n) => n + 1);
    const embeds = await embedIds(this.graphs, tokens.map((t) => [t]));
    const positions = this.realCounts.map((n) => [n - 1]);
    return this.run(floatInput(this.graphs.decoder, 'inputs_embeds', embeds, [this.rows, 1, this.graphs.hidden]), positions);
  }

  private async run(inputsEmbeds: ort.Tensor, positions: number[][]): Promise<StepLogits> {
    const outputs = await this.graphs.decoder.run({
      inputs_embeds: inputsEmbeds,
      attention_mask: int64(this.masks),
      position_ids: int64(positions),
      ...this.cache.feeds(),
    });
    this.cache.update(outputs);
    return lastPositionLogits(requireOutput(outputs, 'logits', ROLE), ROLE);
  }

  dispose(): void {
    this.cache.dispose();
  }
}
