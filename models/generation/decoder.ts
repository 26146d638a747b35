/**
 * The one decoder-step abstraction greedy, beam search and sampling are built on. A decoder
 * kind supplies a `StepDecoderFactory`; the search only sees rows of logits.
 *
 * Decoder kinds (models/CONTRACT.md section 6) differ only in the ids `generate` holds before the
 * first new token, which fixes what lengths count and what the repetition penalty covers:
 * - 'bert-decoder' (BLIP text_decoder): the prompt ids (`[DEC] a picture of`).
 * - 'decoder-only' (OPT, Vicuna fed inputs_embeds): nothing; the prompt lives in the embeddings.
 * - 'encoder-decoder' (T5): the decoder start id (`<pad>` = 0).
 */

export type DecoderKind = 'bert-decoder' | 'decoder-only' | 'encoder-decoder';

/** Logits for the next token of every row: rows x vocab, row-major. */
export interface StepLogits {
  readonly data: Float32Array;
  readonly rows: number;
  readonly vocab: number;
}

/**
 * One generation call's decoder state for `rows` = inputs x expansion rows (each input repeated
 * `expansion` times in a row, like torch's repeat_interleave).
 */
export interface StepDecoder {
  readonly rows: number;
  /** Feeds the prompt (and the initial ids) and returns the first next-token logits. */
  first(): Promise<StepLogits>;
  /**
   * Reorders the state so that row r continues row `sourceRows[r]` (beam search; null keeps the
   * order), then feeds one new token per row and returns the next-token logits.
   */
  next(sourceRows: readonly number[] | null, tokens: readonly number[]): Promise<StepLogits>;
  /** Releases tensors held for the cache. */
  dispose(): void;
}

export interface StepDecoderFactory {
  readonly kind: DecoderKind;
  /** Number of inputs of this call. */
  readonly inputs: number;
  /** The ids generate holds per input before the first new token (see the kinds above). */
  readonly initialIds: readonly (readonly number[])[];
  open(expansion: number): Promise<StepDecoder>;
}

/** The initial ids generate holds for a kind, for one input. */
export function initialIdsFor(kind: DecoderKind, prompt: { readonly promptIds?: readonly number[]; readonly decoderStartId?: number }): number[] {
  switch (kind) {
    case 'bert-decoder':
      if (prompt.promptIds === undefined) throw new Error("decoder kind 'bert-decoder' needs the prompt ids (e.g. [DEC] a picture of)");
      return [...prompt.promptIds];
    case 'decoder-only':
      return [];
    case 'encoder-decoder':
      if (prompt.decoderStartId === undefined) throw new Error("decoder kind 'encoder-decoder' needs the decoder start id (T5: <pad> = 0)");
      return [prompt.decoderStartId];
    default: {
      const never: never = kind;
      throw new Error(`unknown decoder kind ${String(never)}`);
    }
  }
}
