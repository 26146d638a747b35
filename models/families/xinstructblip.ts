/**
 * X-InstructBLIP (model-contracts §6): one instruction-aware Q-Former per modality into one
 * frozen decoder-only LLM. The LLM input is assembled exactly as §6.2: [prefix] then, per
 * modality in order, [cue tokens][soft tokens][space token], then the prompt (+ postfix).
 */
import type * as ort from 'onnxruntime-node';
import type { AnswerGenerationCapability, CaptionCapability, Generation, InferenceContext, InstructionCapability, MediaModality, PreparedMedia } from '../capabilities.js';
import type { GraphRole, XInstructSpec } from '../manifest-types.js';
import type { GenerationConfig } from '../generation/config.js';
import type { EmbeddedPrompt } from '../generation/onnx/decoder-only.js';
import { embedIds } from '../generation/onnx/decoder-only.js';
import type { GraphSession } from '../onnx/graphs.js';
import type { TextTokenizer } from '../tokenizers/types.js';
import type { AdapterParts } from './registry.js';
import { baseParts, has, refuseUnwired } from './base.js';
import { graph, specialId, textTokenizer, type FamilyContext } from './context.js';
import { generateText, llmParts, scoreContinuations, type LlmParts } from './llm-bridge.js';
import { concatFloat32, float32Tensor, int64Tensor, outputData } from './tensors.js';
import { fillTemplate } from './prompts.js';
import { preQuestion } from '../preprocess/text.js';

const QFORMER_ROLE: Record<MediaModality, GraphRole> = { image: 'qformer', video: 'qformer_video', audio: 'qformer_audio', pointcloud: 'qformer_pointcloud' };
const ENCODER: Record<MediaModality, { role: GraphRole; input: string; output: string }> = {
  image: { role: 'vision_encoder', input: 'pixel_values', output: 'image_embeds' },
  video: { role: 'vision_encoder', input: 'pixel_values', output: 'image_embeds' },
  audio: { role: 'audio_encoder', input: 'fbank', output: 'audio_embeds' },
  pointcloud: { role: 'pointcloud_encoder', input: 'points', output: 'pointcloud_embeds' },
};

interface XParts {
  readonly ctx: FamilyContext;
  readonly llm: LlmParts;
  readonly spec: XInstructSpec;
  readonly qformerTokenizer: TextTokenizer;
  readonly bos: number;
}

/**
 * Soft tokens of one input: every unit (a frame, a clip, the single point cloud) goes through
 * the modality's encoder and Q-Former; the units' query outputs are concatenated in order.
 */
async function softTokens(x: XParts, media: PreparedMedia, qformerText: string, ctx: InferenceContext): Promise<Float32Array> {
  const encoder = ENCODER[media.modality];
  // Video [F,3,S,S] and audio [C,T,128] fold their units into the batch axis; images and clouds are one unit.
  const unitDims = media.modality === 'video' || media.modality === 'audio' ? media.dims.slice(1) : media.dims;
  const units = media.modality === 'video' || media.modality === 'audio' ? media.dims[0]! : 1;
  const encoded = await ctx.time('encode', () => graph(x.ctx, encoder.role).run({ [encoder.input]: float32Tensor(media.data, [units, ...unitDims]) }));
  const states = encoded[encoder.output];
  if (!states) throw new Error(`${encoder.role} returned no ${encoder.output}`);
  const text = x.qformerTokenizer.encodeBatch(new Array<string>(units).fill(qformerText), { padding: 'longest', maxLength: 128, truncationSide: 'left' });
  const qformer: GraphSession = graph(x.ctx, QFORMER_ROLE[media.modality]);
  const feeds: Record<string, ort.Tensor> = { encoder_embeds: states, qformer_input_ids: int64Tensor(text.ids), qformer_attention_mask: int64Tensor(text.attentionMask) };
  const result = await ctx.time('fusion', () => qformer.run(feeds));
  return outputData(result, 'language_embeds', qformer.role).data.slice();
}

/** The ids of a cue, with LAVIS's BOS rule (§6.2): clean tokenization keeps BOS only on the first cue without a prefix. */
function cueIds(x: XParts, modality: MediaModality, first: boolean): number[] {
  const cue = x.spec.cues[modality];
  if (cue === undefined) throw new Error(`${x.ctx.manifestPath}: /xinstruct/cues has no cue for ${modality}`);
  const text = x.spec.cleanTokenization ? cue.trimStart() : cue;
  const ids = x.llm.tokenizer.encode(text, { addSpecialTokens: false }).ids;
  const keepBos = !x.spec.cleanTokenization || (first && x.spec.prefix === '');
  return keepBos ? [x.bos, ...ids] : ids;
}

/** `strip`: generate() strips the prompt; _predict_class (candidate ranking) does not (§6.4). */
async function assemble(x: XParts, media: readonly PreparedMedia[], prompt: string, qformerText: string, ctx: InferenceContext, strip: boolean): Promise<EmbeddedPrompt> {
  const hidden = x.llm.hidden;
  const pieces: Float32Array[] = [];
  const embedText = async (ids: number[]) => (ids.length === 0 ? new Float32Array(0) : embedIds(x.llm, [ids]));
  if (x.spec.prefix !== '') pieces.push(await embedText(x.llm.tokenizer.encode(x.spec.prefix, { addSpecialTokens: false }).ids));
  const space = x.spec.addSpace ? x.llm.tokenizer.encode(' ', { addSpecialTokens: false }).ids : [];
  for (const [i, item] of media.entries()) {
    pieces.push(await embedText(cueIds(x, item.modality, i === 0)));
    pieces.push(await softTokens(x, item, qformerText, ctx));
    pieces.push(await embedText(space));
  }
  const prefixEmbeds = concatFloat32(pieces);
  if (prefixEmbeds.length % hidden !== 0) throw new Error('xinstructblip: assembled prefix is not a whole number of embeddings');
  const text = (strip ? prompt.trim() : prompt) + x.spec.postfix;
  return { prefixEmbeds, promptIds: x.llm.tokenizer.encode(text, { addSpecialTokens: !x.spec.cleanTokenization }).ids };
}

/** The Q-Former text: the instruction (before strip), unless the manifest fixes a special one (§6.2). */
function qformerTextOf(x: XParts, request: { readonly prompt: string; readonly qformerText?: string | undefined }): string {
  const special = x.spec.qformerText;
  return special === undefined || special === 'prompt' ? (request.qformerText ?? request.prompt) : special;
}

/**
 * One LLM batch per prefix length: inputs with other modality layouts (a video's 4 x 32 soft
 * tokens against an image's 32) cannot share the decoder's prefix, so they decode apart; the
 * generations come back in request order.
 */
async function generateByPrefixLength(x: XParts, prompts: readonly EmbeddedPrompt[], config: GenerationConfig, ctx: InferenceContext): Promise<Generation[]> {
  const groups = new Map<number, number[]>();
  prompts.forEach((p, i) => {
    const group = groups.get(p.prefixEmbeds.length);
    if (group === undefined) groups.set(p.prefixEmbeds.length, [i]);
    else group.push(i);
  });
  const out = new Array<Generation>(prompts.length);
  for (const indices of groups.values()) {
    const generations = await generateText(x.llm, indices.map((i) => prompts[i]!), config, ctx);
    indices.forEach((requestIndex, k) => (out[requestIndex] = generations[k]!));
  }
  return out;
}

function instruction(x: XParts): InstructionCapability {
  return {
    async generate(requests, config, ctx) {
      const prompts: EmbeddedPrompt[] = [];
      for (const r of requests) prompts.push(await assemble(x, r.media, r.prompt, qformerTextOf(x, r), ctx, true));
      const generations = await generateByPrefixLength(x, prompts, config, ctx);
      return generations.map((g, i) => (requests[i]!.asAnswer ? unanswerableIfEmpty(g) : g));
    },
    async scoreCandidates(requests, candidates, ctx) {
      const out: number[][] = [];
      for (const [i, r] of requests.entries()) {
        const prompt = await assemble(x, r.media, r.prompt, qformerTextOf(x, r), ctx, false);
        out.push(await scoreContinuations(x.llm, prompt, candidates[i] ?? [], ctx));
      }
      return out;
    },
  };
}

function captioning(x: XParts, defaultPrompt: string): CaptionCapability {
  const inner = instruction(x);
  return {
    caption: (requests, config, ctx) => inner.generate(requests.map((r) => ({ media: [r.image], prompt: r.prompt ?? defaultPrompt })), config, ctx),
  };
}

/** X-InstructBLIP's `predict_answers` turns an empty answer into "unanswerable" (model-contracts §6.2). */
function unanswerableIfEmpty(g: Generation): Generation {
  return g.text === '' ? { ...g, text: 'unanswerable' } : g;
}

/** `predict_answers`: the template filled with the processed question; empty answers become "unanswerable" (§6.2). */
function answerGeneration(x: XParts): AnswerGenerationCapability {
  const inner = instruction(x);
  return {
    async answer(requests, config, ctx) {
      const prompts = requests.map((r) => ({ media: [r.image], prompt: fillTemplate(r.template, preQuestion(r.question)) }));
      return inner.generate(prompts.map((p) => ({ ...p, asAnswer: true })), config, ctx);
    },
  };
}

export function xInstructBlipAdapter(ctx: FamilyContext): AdapterParts {
  refuseUnwired(ctx, ['captioning', 'vqa-generate', 'instruction-generate', 'instruction-rank']);
  const spec = ctx.manifest.xinstruct;
  if (!spec) throw new Error(`${ctx.manifestPath}: /xinstruct (cues, cleanTokenization, addSpace, prefix, postfix) is required for xinstructblip`);
  if (ctx.manifest.llm?.kind !== 'decoder-only') throw new Error(`${ctx.manifestPath}: X-InstructBLIP runs a decoder-only LLM (Vicuna); /llm/kind must be decoder-only`);
  const x: XParts = { ctx, llm: llmParts(ctx), spec, qformerTokenizer: textTokenizer(ctx), bos: specialId(ctx, 'llm', 'bos') };
  const base = baseParts(ctx);
  return {
    ...base,
    captioning: has(ctx, 'captioning') ? captioning(x, base.defaults.caption?.prompt ?? '') : undefined,
    answerGeneration: has(ctx, 'vqa-generate') ? answerGeneration(x) : undefined,
    instruction: has(ctx, 'instruction-generate') || has(ctx, 'instruction-rank') ? instruction(x) : undefined,
  };
}
