/**
 * The shared body of BLIP-2 and InstructBLIP: image -> frozen vision encoder -> Q-Former (with
 * the instruction for InstructBLIP) -> projected queries -> frozen LLM. Captioning, VQA by
 * generation, open instructions and candidate ranking are the same LLM call with different
 * prompts (model-contracts §4.4-4.5, §5.2-5.3).
 */
import type * as ort from 'onnxruntime-node';
import type { AnswerGenerationCapability, CaptionCapability, FamilyName, InferenceContext, InstructionCapability, PreparedMedia } from '../capabilities.js';
import type { GraphSession } from '../onnx/graphs.js';
import { preQuestion } from '../preprocess/text.js';
import type { TextTokenizer } from '../tokenizers/types.js';
import type { EmbeddedPrompt } from '../generation/onnx/decoder-only.js';
import type { ImageStateCache } from './image-state-cache.js';
import { generateText, promptIds, scoreContinuations, type LlmParts } from './llm-bridge.js';
import { fillTemplate } from './prompts.js';
import { concatFloat32, int64Tensor, outputData, row } from './tensors.js';

export interface SoftPromptParts {
  readonly qformer: GraphSession;
  readonly imageStates: ImageStateCache;
  /** The BERT tokenizer of an instruction-aware Q-Former (InstructBLIP); null for BLIP-2. */
  readonly qformerTokenizer: TextTokenizer | null;
  readonly qformerMaxLength: number;
}

/** Projected query embeddings per image: [32 x llm_hidden] each, row-major. */
export async function softPrompts(parts: SoftPromptParts, images: readonly PreparedMedia[], qformerTexts: readonly string[], ctx: InferenceContext): Promise<Float32Array[]> {
  const states = await parts.imageStates.statesFor(images, ctx);
  const feeds: Record<string, ort.Tensor> = { encoder_embeds: states };
  if (parts.qformer.has('qformer_input_ids')) {
    if (!parts.qformerTokenizer) throw new Error('qformer: instruction-aware graph but no text tokenizer in the manifest');
    const encoded = parts.qformerTokenizer.encodeBatch(qformerTexts, { padding: 'longest', maxLength: parts.qformerMaxLength, truncationSide: 'left' });
    feeds['qformer_input_ids'] = int64Tensor(encoded.ids);
    feeds['qformer_attention_mask'] = int64Tensor(encoded.attentionMask);
  }
  const result = await ctx.time('fusion', () => parts.qformer.run(feeds));
  const embeds = outputData(result, 'language_embeds', 'qformer');
  return images.map((_, i) => row(embeds.data, embeds.dims, i).slice());
}

export interface LlmFamilyParts {
  readonly soft: SoftPromptParts;
  readonly llm: LlmParts;
  readonly defaultCaptionPrompt: string;
}

async function promptsFor(parts: LlmFamilyParts, media: readonly PreparedMedia[], texts: readonly string[], qformerTexts: readonly string[], ctx: InferenceContext): Promise<EmbeddedPrompt[]> {
  const soft = await mediaSoftPrompts(parts.soft, media, qformerTexts, ctx);
  return texts.map((text, i) => ({ prefixEmbeds: soft[i]!, promptIds: promptIds(parts.llm, text) }));
}

/**
 * One soft prompt per medium. A video (InstructBLIP, model-contracts §5.2 step 5) is its frames,
 * each through the vision encoder and the instruction-aware Q-Former alone, their projected
 * queries concatenated in frame order (4 frames: 4 x 32 soft tokens).
 */
export async function mediaSoftPrompts(parts: SoftPromptParts, media: readonly PreparedMedia[], qformerTexts: readonly string[], ctx: InferenceContext): Promise<Float32Array[]> {
  const frames = media.map(framesOf);
  const soft = await softPrompts(parts, frames.flat(), frames.flatMap((f, i) => f.map(() => qformerTexts[i]!)), ctx);
  let next = 0;
  return frames.map((f) => concatFloat32(soft.slice(next, (next += f.length))));
}

/** A video's frames as images ([F, 3, S, S] -> F x [3, S, S]); any other medium is itself. */
function framesOf(medium: PreparedMedia): PreparedMedia[] {
  if (medium.modality !== 'video') return [medium];
  return Array.from({ length: medium.dims[0]! }, (_, f) => ({ modality: 'image' as const, data: row(medium.data, medium.dims, f), dims: medium.dims.slice(1), path: `${medium.path}#frame${f}` }));
}

/*
 * Each call's requests are one batch (the caller's, see base.ts): one vision encoder and Q-Former
 * run over all of them, then one generate call (candidate scoring: one call per request, as its
 * candidates differ).
 */
export function llmCaptioning(parts: LlmFamilyParts): CaptionCapability {
  return {
    async caption(requests, config, ctx) {
      if (requests.length === 0) return [];
      const texts = requests.map((r) => r.prompt ?? parts.defaultCaptionPrompt);
      return generateText(parts.llm, await promptsFor(parts, requests.map((r) => r.image), texts, texts, ctx), config, ctx);
    },
  };
}

export function llmAnswerGeneration(parts: LlmFamilyParts): AnswerGenerationCapability {
  return {
    async answer(requests, config, ctx) {
      if (requests.length === 0) return [];
      const texts = requests.map((r) => fillTemplate(r.template, preQuestion(r.question)));
      return generateText(parts.llm, await promptsFor(parts, requests.map((r) => r.image), texts, texts, ctx), config, ctx);
    },
  };
}

/**
 * The families whose instruction requests take exactly one image (their adapters use
 * llmInstruction): BLIP-2 and InstructBLIP put one image's soft prompt before the text
 * (InstructBLIP: or one video's, when its model.json declares video).
 * `vlbench validate` and the run's data check read it to flag multi-image or text-only records.
 */
export const ONE_IMAGE_PER_INSTRUCTION: readonly FamilyName[] = ['blip2', 'instructblip'];

/** What those families take: exactly one medium, an image (or a video, whose frames are images). */
export function isOneImage(media: readonly { readonly modality: string }[]): boolean {
  return media.length === 1 && (media[0]!.modality === 'image' || media[0]!.modality === 'video');
}

export function llmInstruction(parts: LlmFamilyParts): InstructionCapability {
  const single = (media: readonly PreparedMedia[]): PreparedMedia => {
    if (!isOneImage(media)) throw new Error(`this model takes exactly one image (or video) per instruction, got ${media.map((m) => m.modality).join(', ') || 'none (a text-only record: leave such records out, e.g. ScienceQA with imageOnly true)'}`);
    return media[0]!;
  };
  return {
    async generate(requests, config, ctx) {
      if (requests.length === 0) return [];
      const prompts = await promptsFor(parts, requests.map((r) => single(r.media)), requests.map((r) => r.prompt), requests.map((r) => r.qformerText ?? r.prompt), ctx);
      return generateText(parts.llm, prompts, config, ctx);
    },
    async scoreCandidates(requests, candidates, ctx) {
      if (requests.length === 0) return [];
      const prompts = await promptsFor(parts, requests.map((r) => single(r.media)), requests.map((r) => r.prompt), requests.map((r) => r.qformerText ?? r.prompt), ctx);
      const out: number[][] = [];
      for (const [i, prompt] of prompts.entries()) out.push(await scoreContinuations(parts.llm, prompt, candidates[i] ?? [], ctx));
      return out;
    },
  };
}
