/**
 * The task defaults a model.json declares (LAVIS evaluation settings of the family, before suite
 * overrides). Read from the manifest alone, so `vlbench validate` can check a suite's effective
 * settings against them without opening a graph; adapters expose the same object.
 */
import type { TaskDefaults } from '../capabilities.js';
import { HF_DEFAULT_GENERATION, type GenerationConfig } from '../generation/config.js';
import type { ModelManifest } from '../manifest-types.js';

/** The manifest's decoding settings for one task over Hugging Face's defaults. */
export function generationOf(manifest: Pick<ModelManifest, 'generation'>, task: 'caption' | 'vqa' | 'instruction'): GenerationConfig {
  return { ...HF_DEFAULT_GENERATION, ...manifest.generation[task] };
}

export function taskDefaultsOf(m: ModelManifest): TaskDefaults {
  const has = (...capabilities: ModelManifest['capabilities']): boolean => capabilities.some((c) => m.capabilities.includes(c));
  return {
    caption: has('captioning') ? { prompt: m.prompts['caption'] ?? '', generation: generationOf(m, 'caption') } : undefined,
    vqa: has('vqa-rank', 'vqa-generate') ? { promptTemplate: m.prompts['vqa'] ?? '{question}', generation: generationOf(m, 'vqa'), numAnswerCandidates: m.vqa?.numAnswerCandidates ?? 128, ...(m.vqa?.method ? { method: m.vqa.method } : {}) } : undefined,
    instruction: has('instruction-generate', 'instruction-rank') ? { generation: generationOf(m, 'instruction') } : undefined,
    retrieval: has('retrieval') ? { kTest: m.retrieval?.kTest ?? 128, maxTextLength: m.retrieval?.maxTextLength ?? 35 } : undefined,
  };
}
