/**
 * A TextTokenizer over @huggingface/tokenizers (the library transformers.js uses). The library
 * splits text into pieces; the framing with special ids, truncation and padding are done here,
 * per kind, because LAVIS's tokenizers frame text differently from what a tokenizer.json's
 * post-processor may say (OPT's and Vicuna's BOS is `</s>`, not what the file declares).
 */
import { Tokenizer } from '@huggingface/tokenizers';
import type {
  DecodeOptions,
  EncodeOptions,
  EncodedBatch,
  EncodedText,
  Side,
  SpecialTokenIds,
  TextTokenizer,
  TokenizerKind,
} from './types.js';

interface Framing {
  readonly prefix: readonly number[];
  readonly suffix: readonly number[];
  /** HF's default for clean_up_tokenization_spaces of the class LAVIS used (4.33). */
  readonly cleanUpSpaces: boolean;
}

function requireId(ids: SpecialTokenIds, role: 'cls' | 'sep' | 'bos' | 'eos', kind: TokenizerKind, source: string): number {
  const id = ids[role];
  if (id === undefined || id === null) {
    throw new Error(`${source}: tokenizer kind '${kind}' needs special token '${role}'; add it to the manifest's specialTokens`);
  }
  return id;
}

/** The special ids each kind puts around a text, as the tokenizer class LAVIS used does. */
export function framingFor(kind: TokenizerKind, ids: SpecialTokenIds, source: string): Framing {
  switch (kind) {
    case 'bert': // BertTokenizer: [CLS] text [SEP]
      return { prefix: [requireId(ids, 'cls', kind, source)], suffix: [requireId(ids, 'sep', kind, source)], cleanUpSpaces: true };
    case 'gpt2-bpe': // OPT's GPT2Tokenizer with add_bos_token: </s> text
      return { prefix: [requireId(ids, 'bos', kind, source)], suffix: [], cleanUpSpaces: true };
    case 't5-unigram': // T5TokenizerFast: text </s>
      return { prefix: [], suffix: [requireId(ids, 'eos', kind, source)], cleanUpSpaces: true };
    case 'llama-sp': // LlamaTokenizer (slow, legacy): BOS text, no EOS; cleanup off by default
      return { prefix: [requireId(ids, 'bos', kind, source)], suffix: [], cleanUpSpaces: false };
    default: {
      const never: never = kind;
      throw new Error(`${source}: unknown tokenizer kind ${String(never)}`);
    }
  }
}

export interface TextTokenizerInit {
  readonly kind: TokenizerKind;
  /** Parsed tokenizer.json. */
  readonly tokenizerJson: Record<string, unknown>;
  /** Parsed tokenizer_config.json, or {} when there is none. */
  readonly tokenizerConfig: Record<string, unknown>;
  /** vocabulary.ts `vocabularySize` of tokenizerJson (the loader has it from its checks). */
  readonly vocabularySize: number;
  readonly specialIds: SpecialTokenIds;
  /** The manifest's truncation side (InstructBLIP's Q-Former copy: left). */
  readonly truncationSide: Side;
  /** The manifest's maxLength: the default truncation length (null = none). */
  readonly maxLength?: number | null;
  /** Where the tokenizer came from, for error messages. */
  readonly source: string;
}

export class HfTextTokenizer implements TextTokenizer {
  readonly kind: TokenizerKind;
  readonly specialIds: SpecialTokenIds;
  readonly vocabularySize: number;
  private readonly tokenizer: Tokenizer;
  private readonly framing: Framing;
  private readonly truncationSide: Side;
  private readonly defaultMaxLength: number | null;
  private readonly skipIds: ReadonlySet<number>;
  private readonly cleanUpSpaces: boolean;
  private readonly source: string;

  constructor(init: TextTokenizerInit) {
    this.kind = init.kind;
    this.specialIds = init.specialIds;
    this.vocabularySize = init.vocabularySize;
    this.source = init.source;
    this.truncationSide = init.truncationSide;
    this.defaultMaxLength = init.maxLength ?? null;
    this.framing = framingFor(init.kind, init.specialIds, init.source);
    // Framing is ours, so the library's own special-token handling is switched off (encode with
    // add_special_tokens false); its config only matters for decode-time behaviour.
    this.tokenizer = new Tokenizer(init.tokenizerJson, init.tokenizerConfig);
    const configured = init.tokenizerConfig['clean_up_tokenization_spaces'];
    this.cleanUpSpaces = typeof configured === 'boolean' ? configured : this.framing.cleanUpSpaces;
    this.skipIds = this.collectSkipIds(init.specialIds);
  }

  private collectSkipIds(ids: SpecialTokenIds): Set<number> {
    const skip = new Set<number>();
    for (const [id, token] of this.tokenizer.get_added_tokens_decoder()) if (token.special) skip.add(id);
    for (const role of ['pad', 'cls', 'sep', 'bos'] as const) {
      const id = ids[role];
      if (typeof id === 'number') skip.add(id);
    }
    // EOS is skipped only when the vocabulary marks it special: OPT's generation EOS is "\n",
    // an ordinary token that HF's decode keeps (LAVIS strips it afterwards).
    for (const id of ids.extra ?? []) skip.add(id);
    return skip;
  }

  tokenToId(token: string): number | undefined {
    return this.tokenizer.token_to_id(token);
  }

  encode(text: string, options: EncodeOptions = {}): EncodedText {
    const batch = this.encodeBatch([text], options);
    return { ids: batch.ids[0] ?? [], attentionMask: batch.attentionMask[0] ?? [] };
  }

  encodeBatch(texts: readonly string[], options: EncodeOptions = {}): EncodedBatch {
    const addSpecial = options.addSpecialTokens ?? true;
    const maxLength = options.maxLength === undefined ? this.defaultMaxLength : options.maxLength;
    const side = options.truncationSide ?? this.truncationSide;
    const rows = texts.map((text) => {
      let body = this.tokenizer.encode(text, { add_special_tokens: false }).ids;
      const framed = addSpecial ? this.framing.prefix.length + this.framing.suffix.length : 0;
      if (maxLength !== null) body = truncate(body, Math.max(0, maxLength - framed), side);
      return addSpecial ? [...this.framing.prefix, ...body, ...this.framing.suffix] : body;
    });
    return pad(rows, options, maxLength, this.specialIds.pad, this.source);
  }

  decode(ids: readonly number[], options: DecodeOptions = {}): string {
    const skip = options.skipSpecialTokens ?? true;
    const kept = skip ? ids.filter((id) => !this.skipIds.has(id)) : [...ids];
    if (kept.length === 0) return '';
    return this.tokenizer.decode(kept, { skip_special_tokens: skip, clean_up_tokenization_spaces: this.cleanUpSpaces });
  }

  decodeBatch(batch: readonly (readonly number[])[], options: DecodeOptions = {}): string[] {
    return batch.map((ids) => this.decode(ids, options));
  }
}

function truncate(ids: number[], keep: number, side: Side): number[] {
  if (ids.length <= keep) return ids;
  return side === 'right' ? ids.slice(0, keep) : ids.slice(ids.length - keep);
}

function pad(rows: number[][], options: EncodeOptions, maxLength: number | null, padId: number, source: string): EncodedBatch {
  const padding = options.padding ?? 'none';
  const masks = rows.map((row) => row.map(() => 1));
  if (padding === 'none') return { ids: rows, attentionMask: masks };
  let target: number;
  if (padding === 'max_length') {
    if (maxLength === null) throw new Error(`${source}: padding 'max_length' needs maxLength; pass maxLength or use padding 'longest'`);
    target = maxLength;
  } else {
    target = Math.max(0, ...rows.map((row) => row.length));
  }
  const left = (options.paddingSide ?? 'right') === 'left';
  const ids = rows.map((row) => {
    const fill = new Array<number>(Math.max(0, target - row.length)).fill(padId);
    return left ? [...fill, ...row] : [...row, ...fill];
  });
  const attentionMask = masks.map((mask) => {
    const fill = new Array<number>(Math.max(0, target - mask.length)).fill(0);
    return left ? [...fill, ...mask] : [...mask, ...fill];
  });
  return { ids, attentionMask };
}
