/**
 * The scorer-side choices a gate must share with the scorer: caption tokenization before
 * BLEU/CIDEr-D (pycocoevalcap's PTB tokenizer, one batch per side as the scorer runs it) and each
 * metric's direction from the metric registry.
 */
import { ptbTokenizeBatch } from '../metrics/ptb-tokenize.js';
import { lookupMetric } from '../metrics/registry.js';
import type { CaptionTokenizer } from './paired-metric.js';

export const ptbTokenizer: CaptionTokenizer = (captions) => ptbTokenizeBatch(captions);

/** Throws the registry's error (with did-you-mean) for an unknown metric. */
export function higherIsBetter(metric: string): boolean {
  return lookupMetric(metric).higherIsBetter;
}
