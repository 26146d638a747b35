/**
 * Loader for the caption-metric golden data in test/golden/caption/ (official pycocoevalcap
 * outputs; see PROVENANCE.md there) and the relative-difference check the issue asks for.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const GOLDEN_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../golden/caption');

export const METRIC_KEYS = ['Bleu_1', 'Bleu_2', 'Bleu_3', 'Bleu_4', 'ROUGE_L', 'CIDEr'] as const;
export type MetricKey = (typeof METRIC_KEYS)[number];
export type MetricValues = Record<MetricKey, number>;

export interface GoldenImage {
  readonly id: string;
  readonly refs: readonly string[];
  readonly pred: string;
}

export interface GoldenCorpus {
  readonly name: string;
  readonly tokenize: 'ptb' | 'none';
  readonly images: readonly GoldenImage[];
}

export interface GoldenExpected {
  readonly metrics: MetricValues;
  readonly perImage: readonly (MetricValues & { readonly id: string })[];
  /** PTB corpora only: the official tokenizer's output, in image order. */
  readonly tokenized?: readonly GoldenImage[];
}

export const CORPUS_NAMES = [
  'spec-golden',
  'spec-golden-subset',
  'single-pair',
  'edge-cases',
  'punctuation-ptb',
  'random-500x5',
  'random-ptb-150x5',
] as const;

export function loadGolden(name: string): { corpus: GoldenCorpus; expected: GoldenExpected } {
  const read = (sub: string) => JSON.parse(readFileSync(join(GOLDEN_DIR, sub, `${name}.json`), 'utf8'));
  return { corpus: read('corpora') as GoldenCorpus, expected: read('expected') as GoldenExpected };
}

/** The corpus as the scorers see it: PTB corpora use the official tokenizer output. */
export function scorerInput(name: string): { references: string[][]; hypotheses: string[]; expected: GoldenExpected } {
  const { corpus, expected } = loadGolden(name);
  const images = expected.tokenized ?? corpus.images;
  return { references: images.map((im) => [...im.refs]), hypotheses: images.map((im) => im.pred), expected };
}

/** Relative difference |a - b| / max(|a|, |b|), 0 when both are 0. */
export function relativeDifference(actual: number, expected: number): number {
  if (actual === expected) return 0;
  return Math.abs(actual - expected) / Math.max(Math.abs(actual), Math.abs(expected));
}

/** Throws with the worst offender when any pair differs by more than `tolerance`. */
export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number, what: string): void {
  if (actual.length !== expected.length) throw new Error(`${what}: ${actual.length} values, expected ${expected.length}`);
  let worst = 0;
  let worstIndex = -1;
  for (let i = 0; i < actual.length; i++) {
    const diff = relativeDifference(actual[i]!, expected[i]!);
    if (!(diff <= worst)) {
      worst = diff;
      worstIndex = i;
    }
  }
  if (worst > tolerance || Number.isNaN(worst)) {
    throw new Error(
      `${what}: index ${worstIndex}: ${actual[worstIndex]} vs official ${expected[worstIndex]} (relative difference ${worst} > ${tolerance})`,
    );
  }
}
