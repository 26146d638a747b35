/**
 * Retrieval with the BLIP-2 Q-Former (model-contracts §4.3): 32 normalised query features per
 * image, similarity = max over queries of the cosine with the text feature, ITM score = mean over
 * queries of the class-1 logit (folded into `qformer_itm`). Text starts with [CLS], no [ENC].
 */
import type { ImageEmbedding, InferenceContext, MatchPair, RetrievalCapability } from '../capabilities.js';
import type { GraphSession } from '../onnx/graphs.js';
import type { SimilarityKernel } from '../onnx/similarity-kernel.js';
import { preCaption } from '../preprocess/text.js';
import type { TextTokenizer } from '../tokenizers/types.js';
import type { ImageStateCache } from './image-state-cache.js';
import { int64Tensor, outputData, row } from './tensors.js';

export interface QformerRetrievalParts {
  readonly qformer: GraphSession;
  readonly text: GraphSession;
  readonly itm: GraphSession;
  readonly tokenizer: TextTokenizer;
  readonly maxTextLength: number;
  readonly imageStates: ImageStateCache;
  readonly similarity: SimilarityKernel;
}

/** Each call's images, texts or pairs run as one batch (the caller's, see base.ts). */
export function qformerRetrieval(parts: QformerRetrievalParts): RetrievalCapability {
  return {
    async embedImages(images, ctx) {
      if (images.length === 0) return [];
      const states = await parts.imageStates.statesFor(images, ctx);
      const result = await ctx.time('fusion', () => parts.qformer.run(qformerFeeds(parts.qformer, states)));
      const feat = outputData(result, 'image_feat', 'qformer');
      const [, queries, dim] = feat.dims;
      return images.map((_, i): ImageEmbedding => ({ queries: queries!, dim: dim!, data: row(feat.data, feat.dims, i).slice() }));
    },
    async embedTexts(texts, ctx) {
      if (texts.length === 0) return [];
      const encoded = parts.tokenizer.encodeBatch(texts.map((t) => preCaption(t)), { padding: 'max_length', maxLength: parts.maxTextLength, truncationSide: 'right' });
      const result = await ctx.time('encode', () => parts.text.run({ input_ids: int64Tensor(encoded.ids), attention_mask: int64Tensor(encoded.attentionMask) }));
      const feat = outputData(result, 'text_feat', 'qformer_text');
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

async function matchBatch(parts: QformerRetrievalParts, pairs: readonly MatchPair[], ctx: InferenceContext): Promise<number[]> {
  const states = await parts.imageStates.statesFor(pairs.map((p) => p.image), ctx);
  const encoded = parts.tokenizer.encodeBatch(pairs.map((p) => preCaption(p.text)), { padding: 'max_length', maxLength: parts.maxTextLength, truncationSide: 'right' });
  const result = await ctx.time('fusion', () =>
    parts.itm.run({ encoder_embeds: states, input_ids: int64Tensor(encoded.ids), attention_mask: int64Tensor(encoded.attentionMask) }),
  );
  return Array.from(outputData(result, 'itm_score', 'qformer_itm').data);
}

/** Feeds of a Q-Former without instruction text (BLIP-2's query-only path). */
export function qformerFeeds(qformer: GraphSession, states: import('onnxruntime-node').Tensor): Record<string, import('onnxruntime-node').Tensor> {
  if (qformer.has('qformer_input_ids')) throw new Error('qformer: this graph is instruction-aware; use the instruction path');
  return { encoder_embeds: states };
}

export type { InferenceContext };
