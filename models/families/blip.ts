/**
 * BLIP (model-contracts §3): retrieval ([ENC] for the ITM pass), captioning with the
 * image-grounded decoder, VQA by answer ranking or generation ([ENC] question, [DEC] answers).
 */
import type { AdapterParts } from './registry.js';
import { baseParts, has, refuseUnwired } from './base.js';
import { graph, specialId, textTokenizer, type FamilyContext } from './context.js';
import { ImageStateCache } from './image-state-cache.js';
import { itcRetrievalOf } from './itc-retrieval.js';
import { answerGeneration, answerRanking, type QuestionEncoderParts } from './answer-ranking.js';
import { blipCaptioning } from './blip-caption.js';

/** `BlipVQA` max_txt_len. */
const BLIP_MAX_QUESTION_TOKENS = 35;

export function blipAdapter(ctx: FamilyContext): AdapterParts {
  refuseUnwired(ctx, ['retrieval', 'captioning', 'vqa-rank', 'vqa-generate']);
  const tokenizer = textTokenizer(ctx);
  const imageStates = new ImageStateCache(graph(ctx, 'vision_encoder'));
  const base = baseParts(ctx);
  const encId = specialId(ctx, 'text', 'enc');
  const decId = specialId(ctx, 'text', 'dec');
  const padId = specialId(ctx, 'text', 'pad');
  const sepId = specialId(ctx, 'text', 'sep');
  const vqa = (): QuestionEncoderParts => ({
    text: graph(ctx, 'fusion_encoder'),
    fusion: graph(ctx, 'fusion_encoder'),
    answerDecoder: graph(ctx, 'answer_decoder'),
    tokenizer,
    imageStates,
    maxQuestionLength: BLIP_MAX_QUESTION_TOKENS,
    encId,
    answerStartId: decId,
    padId,
    sepId,
  });
  return {
    ...base,
    retrieval: has(ctx, 'retrieval') ? itcRetrievalOf(ctx, imageStates, base.defaults.retrieval!.maxTextLength, { kind: 'ids', firstTokenId: encId }) : undefined,
    captioning: has(ctx, 'captioning')
      ? blipCaptioning({ decoder: graph(ctx, 'text_decoder'), tokenizer, imageStates, defaultPrompt: base.defaults.caption!.prompt, decId, sepId, padId })
      : undefined,
    answerRanking: has(ctx, 'vqa-rank') ? answerRanking(vqa()) : undefined,
    answerGeneration: has(ctx, 'vqa-generate') ? answerGeneration(vqa()) : undefined,
  };
}
