/**
 * InstructBLIP (model-contracts §5): the instruction enters the Q-Former too (BERT tokens,
 * left-truncated to 128), so the soft visual prompt depends on it; the same text (never
 * truncated) follows the soft prompt into the frozen LLM.
 */
import type { AdapterParts } from './registry.js';
import { baseParts, has, refuseUnwired } from './base.js';
import { graph, textTokenizer, type FamilyContext } from './context.js';
import { ImageStateCache } from './image-state-cache.js';
import { llmParts } from './llm-bridge.js';
import { llmAnswerGeneration, llmCaptioning, llmInstruction, type LlmFamilyParts } from './llm-family.js';

/** InstructBLIP's Q-Former max_txt_len. */
const QFORMER_MAX_TOKENS = 128;

export function instructBlipAdapter(ctx: FamilyContext): AdapterParts {
  refuseUnwired(ctx, ['captioning', 'vqa-generate', 'instruction-generate', 'instruction-rank']);
  const base = baseParts(ctx);
  const imageStates = new ImageStateCache(graph(ctx, 'vision_encoder'));
  const parts: LlmFamilyParts = {
    soft: { qformer: graph(ctx, 'qformer'), imageStates, qformerTokenizer: textTokenizer(ctx), qformerMaxLength: ctx.manifest.tokenizers.text?.maxLength ?? QFORMER_MAX_TOKENS },
    llm: llmParts(ctx),
    defaultCaptionPrompt: base.defaults.caption?.prompt ?? '',
  };
  return {
    ...base,
    captioning: has(ctx, 'captioning') ? llmCaptioning(parts) : undefined,
    answerGeneration: has(ctx, 'vqa-generate') ? llmAnswerGeneration(parts) : undefined,
    instruction: has(ctx, 'instruction-generate') || has(ctx, 'instruction-rank') ? llmInstruction(parts) : undefined,
  };
}
