/**
 * The tokenizer interface every family adapter uses. One implementation (text-tokenizer.ts)
 * wraps @huggingface/tokenizers; the kind decides which special ids frame a text, as the
 * tokenizer class LAVIS used does (model-contracts §1.3).
 */
import type { TokenizerKind } from '../manifest-types.js';

export type { TokenizerKind };

/**
 * Special token ids, as the manifest's `specialTokens.text` / `specialTokens.llm` give them.
 * Which ones a kind needs: bert cls+sep+pad; gpt2-bpe bos+pad (OPT: `</s>` = 2 as BOS);
 * t5-unigram eos+pad; llama-sp bos+pad (LAVIS's Vicuna: BOS is `</s>` = 2, pad `[PAD]` = 32000).
 */
export interface SpecialTokenIds {
  readonly pad: number;
  readonly cls?: number | null | undefined;
  readonly sep?: number | null | undefined;
  readonly bos?: number | null | undefined;
  readonly eos?: number | null | undefined;
  /** Further ids the family treats as special (BLIP `[DEC]`/`[ENC]`, `[MASK]`, decoder start). */
  readonly extra?: readonly number[] | undefined;
}

export type Padding = 'none' | 'longest' | 'max_length';
export type Side = 'left' | 'right';

export interface EncodeOptions {
  /** Frame the text with the kind's special ids ([CLS] .. [SEP], BOS .., .. </s>). Default true. */
  readonly addSpecialTokens?: boolean;
  /** 'longest' pads to the longest text of the batch, 'max_length' to maxLength. Default 'none'. */
  readonly padding?: Padding;
  /** Default 'right'. Decoder-only LLM prompts for generation are padded on the left. */
  readonly paddingSide?: Side;
  /**
   * Truncate to this many ids including the specials (and the length 'max_length' pads to).
   * undefined = the manifest's maxLength for this tokenizer; null = no truncation.
   */
  readonly maxLength?: number | null;
  /** Which end truncation removes ids from; default: the tokenizer's own side (manifest). */
  readonly truncationSide?: Side;
}

export interface EncodedText {
  readonly ids: number[];
  readonly attentionMask: number[];
}

export interface EncodedBatch {
  /** batch x length, rectangular when padding is on. */
  readonly ids: number[][];
  readonly attentionMask: number[][];
}

export interface DecodeOptions {
  /** Drop special ids before joining (HF `skip_special_tokens`). Default true. */
  readonly skipSpecialTokens?: boolean;
}

export interface TextTokenizer {
  readonly kind: TokenizerKind;
  readonly specialIds: SpecialTokenIds;
  /** Ids this tokenizer can emit (highest id + 1, added tokens included): what a logits axis must cover. */
  readonly vocabularySize: number;
  encode(text: string, options?: EncodeOptions): EncodedText;
  encodeBatch(texts: readonly string[], options?: EncodeOptions): EncodedBatch;
  decode(ids: readonly number[], options?: DecodeOptions): string;
  decodeBatch(batch: readonly (readonly number[])[], options?: DecodeOptions): string[];
  /** Id of a token string (e.g. "[DEC]"), undefined when the vocabulary lacks it. */
  tokenToId(token: string): number | undefined;
}
