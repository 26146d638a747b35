/**
 * BLIP-2 (model-contracts §4): Q-Former retrieval (max-over-queries ITC, mean-over-queries ITM)
 * and the frozen LLM (OPT decoder-only or FlanT5 encoder-decoder) for captioning, zero-shot VQA
 * and instruction prompts. The Q-Former sees no text on the LLM path.
 */
import type { AdapterParts } from './registry.js';
import { baseParts, has, refuseUnwired } from './base.js';
import { graph, textTokenizer, type FamilyContext } from './context.js';
import { ImageStateCache } from './image-state-cache.js';
import { qformerRetrieval } from './qformer-retrieval.js';
import { llmParts } from './llm-bridge.js';
import { llmAnswerGeneration, llmCaptioning, llmInstruction, type LlmFamilyParts } from './llm-family.js';

export function blip2Adapter(ctx: FamilyContext): AdapterParts {
  refuseUnwired(ctx, ['retrieval', 'captioning', 'vqa-generate', 'instruction-generate', 'instruction-rank']);
  const base = baseParts(ctx);
  const imageStates = new ImageStateCache(graph(ctx, 'vision_encoder'));
  const usesLlm = ['captioning', 'vqa-generate', 'instruction-generate', 'instruction-rank'].some((c) => has(ctx, c as never));
  const family = (): LlmFamilyParts => ({
    soft: { qformer: graph(ctx, 'qformer'), imageStates, qformerTokenizer: null, qformerMaxLength: 0 },
    llm: llmParts(ctx),
    defaultCaptionPrompt: base.defaults.caption?.prompt ?? '',
  });
  const llm = usesLlm ? family() : null;
  return {
    ...base,
    retrieval: has(ctx, 'retrieval')
      ? qformerRetrieval({
          qformer: graph(ctx, 'qformer'),
          text: graph(ctx, 'qformer_text'),
          itm: graph(ctx, 'qformer_itm'),
          tokenizer: textTokenizer(ctx),
          maxTextLength: base.defaults.retrieval!.maxTextLength,
          imageStates,
          similarity: ctx.similarity,
        })
      : undefined,
    captioning: llm && has(ctx, 'captioning') ? llmCaptioning(llm) : undefined,
    answerGeneration: llm && has(ctx, 'vqa-generate') ? llmAnswerGeneration(llm) : undefined,
    instruction: llm && (has(ctx, 'instruction-generate') || has(ctx, 'instruction-rank')) ? llmInstruction(llm) : undefined,
  };
}
