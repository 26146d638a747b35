/**
 * The frozen-LLM half of BLIP-2, InstructBLIP and X-InstructBLIP: prefix embeddings (projected
 * Q-Former queries, cues) + prompt ids -> generated text, or -> summed log-likelihood of
 * candidate continuations. Decoder-only (OPT, Vicuna) and encoder-decoder (T5) LLMs differ in
 * how prompts are framed and what is scored (model-contracts §4.4-4.5, §5.2-5.3).
 */
import type * as ort from 'onnxruntime-node';
import type { Generation, InferenceContext } from '../capabilities.js';
import type { GenerationConfig } from '../generation/config.js';
import { generate } from '../generation/search.js';
import { decoderOnlyFactory, type EmbeddedPrompt } from '../generation/onnx/decoder-only.js';
import { encodePrompts, encoderDecoderFactory, type EncoderDecoderGraphs } from '../generation/onnx/encoder-decoder.js';
import type { KvCacheLayout } from '../generation/onnx/kv-cache.js';
import { scoreCandidatesDecoderOnly, scoreCandidatesEncoderDecoder } from '../generation/onnx/candidate-scoring.js';
import { ManifestError } from '../manifest.js';
import type { TextTokenizer } from '../tokenizers/types.js';
import { pythonStrip } from '../preprocess/text.js';
import { graph, llmTokenizer, specialId, type FamilyContext } from './context.js';

export interface LlmParts {
  readonly kind: 'decoder-only' | 'encoder-decoder';
  readonly name: 'opt' | 'vicuna' | 't5';
  readonly embed: ort.InferenceSession;
  readonly encoder: ort.InferenceSession | null;
  readonly decoder: ort.InferenceSession;
  readonly kvCache: KvCacheLayout;
  readonly hidden: number;
  readonly tokenizer: TextTokenizer;
  readonly eosId: number;
  readonly padId: number;
  /** The encoder-decoder's first decoder input: specialTokens.llm.decoderStart, else pad (T5's). */
  readonly decoderStartId: number;
}

export function llmParts(ctx: FamilyContext): LlmParts {
  const llm = ctx.manifest.llm;
  if (!llm) throw new Error(`${ctx.manifestPath}: /llm is required for ${ctx.manifest.family}`);
  const decoder = graph(ctx, 'llm_decoder');
  const embed = graph(ctx, 'llm_embed');
  const hidden = embed.spec.outputs['inputs_embeds']?.shape[2];
  if (typeof hidden !== 'number') throw new Error(`${ctx.manifestPath}: /graphs/llm_embed/outputs/inputs_embeds needs a fixed hidden size as its last axis`);
  if (!decoder.spec.kvCache) {
    // The step decoders feed one new token per step and keep earlier positions only in the cache.
    throw new ManifestError(ctx.manifestPath, '/graphs/llm_decoder/kvCache', `is required: generation feeds llm_decoder one new token per step and keeps the earlier positions only in its self-attention KV cache; re-export llm_decoder with the cache (inputs past_key_values.<i>.key/value, outputs present.<i>.key/value, models/CONTRACT.md section 1) and declare its pairs here`);
  }
  return {
    kind: llm.kind,
    name: llm.name,
    embed: embed.session,
    encoder: llm.kind === 'encoder-decoder' ? graph(ctx, 'llm_encoder').session : null,
    decoder: decoder.session,
    kvCache: decoder.spec.kvCache,
    hidden,
    tokenizer: llmTokenizer(ctx),
    eosId: specialId(ctx, 'llm', 'eos'),
    padId: specialId(ctx, 'llm', 'pad'),
    decoderStartId: ctx.manifest.specialTokens.llm?.decoderStart ?? specialId(ctx, 'llm', 'pad'),
  };
}

/** Prompt ids as the family's LLM tokenizer frames them (OPT/Vicuna: BOS `</s>` first; T5: `</s>` last). */
export function promptIds(llm: LlmParts, prompt: string, addSpecialTokens = true): number[] {
  return llm.tokenizer.encode(prompt, { addSpecialTokens }).ids;
}

export async function generateText(llm: LlmParts, prompts: readonly EmbeddedPrompt[], config: GenerationConfig, ctx: InferenceContext): Promise<Generation[]> {
  const special = { eosIds: [llm.eosId], padId: llm.padId };
  const sequences = await ctx.time('decode', async () => {
    if (llm.kind === 'decoder-only') return generate(decoderOnlyFactory(llm, prompts, llm.padId), config, special);
    const encoderGraphs = encoderDecoderGraphs(llm);
    const encoded = await encodePrompts(encoderGraphs, prompts, llm.padId);
    return generate(encoderDecoderFactory(encoderGraphs, encoded, llm.decoderStartId), config, special);
  });
  return sequences.map((sequence) => {
    // LAVIS's Vicuna path maps id 0 to 2 before decoding; harmless elsewhere only for Vicuna.
    const ids = llm.name === 'vicuna' ? sequence.newIds.map((id) => (id === 0 ? 2 : id)) : sequence.newIds;
    const content = ids.filter((id) => id !== llm.eosId);
    return { text: pythonStrip(llm.tokenizer.decode(content, { skipSpecialTokens: true })), tokenIds: sequence.newIds };
  });
}

/**
 * Summed log-likelihood of each candidate after [prefix ; prompt], teacher-forced, no length
 * normalisation (InstructBLIP `predict_class`). Decoder-only: candidate tokens without BOS or
 * EOS. Encoder-decoder: candidate tokens + `</s>` as decoder labels.
 */
export async function scoreContinuations(llm: LlmParts, prompt: EmbeddedPrompt, candidates: readonly string[], ctx: InferenceContext): Promise<number[]> {
  const candidateIds = candidates.map((c) => llm.tokenizer.encode(continuationText(llm, c), { addSpecialTokens: false }).ids);
  return ctx.time('decode', async () => {
    if (llm.kind === 'decoder-only') return scoreCandidatesDecoderOnly(llm, prompt, candidateIds, llm.padId);
    const graphs = encoderDecoderGraphs(llm);
    const encoded = await encodePrompts(graphs, [prompt], llm.padId);
    return scoreCandidatesEncoderDecoder(graphs, encoded, 0, candidateIds, { decoderStartId: llm.decoderStartId, eosId: llm.eosId, padId: llm.padId });
  });
}

/**
 * A candidate continues the prompt after a space. SentencePiece tokenizers (Llama, T5) mark the
 * word start themselves; byte-level BPE (OPT) needs the space in the text, else "red" and " red"
 * are different tokens and the candidate is scored as glued to the prompt's last word.
 */
function continuationText(llm: LlmParts, candidate: string): string {
  return llm.tokenizer.kind === 'gpt2-bpe' && !/^\s/.test(candidate) ? ` ${candidate}` : candidate;
}

function encoderDecoderGraphs(llm: LlmParts): EncoderDecoderGraphs {
  if (!llm.encoder) throw new Error('llm_encoder is required for an encoder-decoder LLM');
  return { embed: llm.embed, encoder: llm.encoder, decoder: llm.decoder, kvCache: llm.kvCache, hidden: llm.hidden };
}
