/**
 * ALBEF (model-contracts §2): retrieval (ITC top-k, ITM re-rank from the text encoder's states)
 * and VQA by two-stage answer ranking. No captioning: ALBEF has no image-grounded decoder.
 */
import type { AdapterParts } from './registry.js';
import { baseParts, has, refuseUnwired } from './base.js';
import { graph, specialId, textTokenizer, type FamilyContext } from './context.js';
import { ImageStateCache } from './image-state-cache.js';
import { itcRetrievalOf } from './itc-retrieval.js';
import { answerRanking } from './answer-ranking.js';

/** `AlbefVQA.from_config` default max_txt_len (the YAML does not set it). */
const ALBEF_MAX_QUESTION_TOKENS = 25;

export function albefAdapter(ctx: FamilyContext): AdapterParts {
  refuseUnwired(ctx, ['retrieval', 'vqa-rank']);
  const tokenizer = textTokenizer(ctx);
  const imageStates = new ImageStateCache(graph(ctx, 'vision_encoder'));
  const base = baseParts(ctx);
  return {
    ...base,
    retrieval: has(ctx, 'retrieval') ? itcRetrievalOf(ctx, imageStates, base.defaults.retrieval!.maxTextLength, { kind: 'text-states' }) : undefined,
    answerRanking: has(ctx, 'vqa-rank')
      ? answerRanking({
          text: graph(ctx, 'text_encoder'),
          fusion: graph(ctx, 'fusion_encoder'),
          answerDecoder: graph(ctx, 'answer_decoder'),
          tokenizer,
          imageStates,
          maxQuestionLength: ALBEF_MAX_QUESTION_TOKENS,
          encId: null,
          // ALBEF keeps the tokenizer's [CLS] as the answer start (its bos replacement is commented out in LAVIS).
          answerStartId: specialId(ctx, 'text', 'cls'),
          padId: specialId(ctx, 'text', 'pad'),
          sepId: specialId(ctx, 'text', 'sep'),
        })
      : undefined,
  };
}
