/**
 * The scorer-side choices a gate must share with the scorer: caption tokenization before
 * BLEU/CIDEr-D and each metric's direction.
 */
import type { CaptionTokenizer } from './paired-metric.js';

// TEMPORARY until reports/metrics exposes the PTB tokenizer and the metric registry.
export const ptbTokenizer: CaptionTokenizer = (captions) => captions.map((c) => c.toLowerCase().replace(/[.,!?;:]/g, ' ').split(/\s+/).filter(Boolean).join(' '));

const HIGHER_IS_BETTER = /^(Bleu_[1-4]|ROUGE_L|CIDEr|(txt|img)_r(1|5|10|_mean)|r_mean|agg_metrics|accuracy|overall|vqa_accuracy)$/;

export function higherIsBetter(metric: string): boolean {
  if (HIGHER_IS_BETTER.test(metric)) return true;
  throw new Error(`metric '${metric}' has no declared direction (higher or lower is better); a max-drop gate cannot be evaluated for it.`);
}
