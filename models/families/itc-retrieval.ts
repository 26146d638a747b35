/**
 * Retrieval for ALBEF and BLIP (LAVIS `compute_sim_matrix`, model-contracts §1.4, §2.3, §3.3):
 * contrastive features from the unimodal encoders (projection and L2 norm folded into the
 * graphs), cosine similarity without temperature, and the ITM head's raw class-1 logit for
 * re-ranking. The two families differ only in how the fusion encoder is fed, so that is the one
 * parameter here.
 */
import type { ImageEmbedding, InferenceContext, MatchPair, PreparedMedia, RetrievalCapability } from '../capabilities.js';
import { preCaption } from '../preprocess/text.js';
import type { GraphSession } from '../onnx/graphs.js';
import type { SimilarityKernel } from '../onnx/similarity-kernel.js';
import type { TextTokenizer } from '../tokenizers/types.js';
import { ImageStateCache } from './image-state-cache.js';
import { graph, textTokenizer, type FamilyContext } from './context.js';
import { int64Tensor, outputData, row, stackMedia } from './tensors.js';

export interface ItcRetrievalParts {
  readonly vision: GraphSession;
  readonly text: GraphSession;
  readonly fusion: GraphSession;
  readonly tokenizer: TextTokenizer;
  /** LAVIS pads/truncates retrieval texts to 35 ids. */
  readonly maxTextLength: number;
  /** BLIP overwrites position 0 with [ENC] for the ITM pass; ALBEF feeds the text encoder's states. */
  readonly fusionInput: { readonly kind: 'text-states' } | { readonly kind: 'ids'; readonly firstTokenId: number };
  readonly imageStates: ImageStateCache;
  readonly similarity: SimilarityKernel;
}

/** The retrieval capability of an ALBEF or BLIP manifest: its three graphs and its retrieval settings. */
export function itcRetrievalOf(ctx: FamilyContext, imageStates: ImageStateCache, maxTextLength: number, fusionInput: ItcRetrievalParts['fusionInput']): RetrievalCapability {
  return itcRetrieval({
    vision: graph(ctx, 'vision_encoder'),
    text: graph(ctx, 'text_encoder'),
    fusion: graph(ctx, 'fusion_encoder'),
    tokenizer: textTokenizer(ctx),
    maxTextLength,
    fusionInput,
    imageStates,
    similarity: ctx.similarity,
  });
}

/** Each call's images, texts or pairs run as one batch (the caller's, see base.ts). */
export function itcRetrieval(parts: ItcRetrievalParts): RetrievalCapability {
  return {
    async embedImages(images, ctx) {
      if (images.length === 0) return [];
      const result = await ctx.time('encode', () => parts.vision.run({ pixel_values: stackMedia(images) }));
      const feat = outputData(result, 'image_feat', 'vision_encoder');
      parts.imageStates.store(images, outputData(result, 'image_embeds', 'vision_encoder'));
      return images.map((_, i): ImageEmbedding => ({ queries: 1, dim: feat.dims[1]!, data: row(feat.data, feat.dims, i).slice() }));
    },
    async embedTexts(texts, ctx) {
      if (texts.length === 0) return [];
      const result = await ctx.time('encode', () => parts.text.run(encodeTexts(parts, texts)));
      const feat = outputData(result, 'text_feat', 'text_encoder');
      return texts.map((_, i) => row(feat.data, feat.dims, i).slice());
    },
    similarities(images, texts) {
      return parts.similarity.maxOverQueries(images, texts);
    },
    async matchScores(pairs, ctx) {
      return pairs.length === 0 ? [] : matchBatch(parts, pairs, ctx);
    },
  };
}

function encodeTexts(parts: ItcRetrievalParts, texts: readonly string[]): { input_ids: ReturnType<typeof int64Tensor>; attention_mask: ReturnType<typeof int64Tensor> } {
  const encoded = parts.tokenizer.encodeBatch(texts.map((t) => preCaption(t)), { padding: 'max_length', maxLength: parts.maxTextLength, truncationSide: 'right' });
  return { input_ids: int64Tensor(encoded.ids), attention_mask: int64Tensor(encoded.attentionMask) };
}

async function matchBatch(parts: ItcRetrievalParts, pairs: readonly MatchPair[], ctx: InferenceContext): Promise<number[]> {
  const imageEmbeds = await parts.imageStates.statesFor(pairs.map((p) => p.image), ctx);
  const encoded = parts.tokenizer.encodeBatch(pairs.map((p) => preCaption(p.text)), { padding: 'max_length', maxLength: parts.maxTextLength, truncationSide: 'right' });
  const mask = int64Tensor(encoded.attentionMask);
  const result = await ctx.time('fusion', async () => {
    if (parts.fusionInput.kind === 'ids') {
      const first = parts.fusionInput.firstTokenId;
      const ids = encoded.ids.map((r) => [first, ...r.slice(1)]);
      return parts.fusion.run({ input_ids: int64Tensor(ids), attention_mask: mask, image_embeds: imageEmbeds });
    }
    const text = await parts.text.run({ input_ids: int64Tensor(encoded.ids), attention_mask: mask });
    const textEmbeds = text['text_embeds'];
    if (!textEmbeds) throw new Error('text_encoder returned no text_embeds');
    return parts.fusion.run({ text_embeds: textEmbeds, attention_mask: mask, image_embeds: imageEmbeds });
  });
  const logits = outputData(result, 'itm_logits', 'fusion_encoder');
  return pairs.map((_, i) => logits.data[i * 2 + 1]!);
}

export type { PreparedMedia };
