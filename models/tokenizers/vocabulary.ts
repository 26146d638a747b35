/**
 * What a tokenizer.json holds, read from the file itself rather than trusted from the manifest:
 * how many ids it can produce (the size an embedding table or a logits axis must cover) and
 * which kind of tokenizer it is. A tokenizer of the wrong kind or from another model still
 * encodes and decodes without complaint, so these facts are checked when the model loads.
 */
import type { TokenizerKind } from './types.js';

/** Number of ids the tokenizer can emit: highest id in the vocabulary or the added tokens, plus one. */
export function vocabularySize(tokenizerJson: Record<string, unknown>): number {
  let highest = -1;
  const vocab = (tokenizerJson['model'] as { vocab?: unknown } | undefined)?.vocab;
  if (Array.isArray(vocab)) highest = vocab.length - 1; // Unigram: [piece, score] rows, the id is the row
  else if (vocab !== null && typeof vocab === 'object') {
    for (const id of Object.values(vocab)) if (typeof id === 'number' && id > highest) highest = id;
  }
  const added = tokenizerJson['added_tokens'];
  if (Array.isArray(added)) {
    for (const token of added) {
      const id = (token as { id?: unknown } | null)?.id;
      if (typeof id === 'number' && id > highest) highest = id;
    }
  }
  // The highest id, not the number of entries: trimmed vocabularies (test fixtures) are sparse.
  return highest + 1;
}

/** The tokenizer algorithm a tokenizer.json describes, in the terms the manifest's `kind` uses. */
export interface TokenizerModelFacts {
  /** model.type (WordPiece, BPE, Unigram, WordLevel), inferred from the layout when absent. */
  readonly type: string;
  /** A ByteLevel pre-tokenizer or decoder: GPT-2 style bytes-to-unicode BPE. */
  readonly byteLevel: boolean;
  /** SentencePiece markers: byte_fallback, a Metaspace step, or '▁' replacing spaces. */
  readonly sentencePiece: boolean;
}

/** Every component of a (possibly nested Sequence) normalizer / pre-tokenizer / decoder. */
function components(node: unknown): Record<string, unknown>[] {
  if (node === null || typeof node !== 'object') return [];
  const record = node as Record<string, unknown>;
  const nested = ['pretokenizers', 'normalizers', 'decoders'].flatMap((key) => (Array.isArray(record[key]) ? (record[key] as unknown[]) : []));
  return [record, ...nested.flatMap(components)];
}

export function tokenizerModelFacts(tokenizerJson: Record<string, unknown>): TokenizerModelFacts {
  const model = (tokenizerJson['model'] ?? {}) as Record<string, unknown>;
  const declared = model['type'];
  // Old tokenizer.json files omit model.type; the library infers it from the layout the same way.
  const inferred = Array.isArray(model['vocab']) ? 'Unigram' : 'merges' in model ? 'BPE' : 'WordPiece';
  const type = typeof declared === 'string' ? declared : inferred;
  const steps = ['normalizer', 'pre_tokenizer', 'decoder'].flatMap((key) => components(tokenizerJson[key]));
  const byteLevel = steps.some((s) => s['type'] === 'ByteLevel');
  const spaceMarker = steps.some((s) => (s['type'] === 'Replace' || s['type'] === 'Prepend') && JSON.stringify(s).includes('\u2581'));
  const sentencePiece = model['byte_fallback'] === true || spaceMarker || steps.some((s) => s['type'] === 'Metaspace' || s['type'] === 'ByteFallback');
  return { type, byteLevel, sentencePiece };
}

/** What each kind reads, in words, for error messages. */
const KIND_NEEDS: Record<TokenizerKind, string> = {
  bert: 'a WordPiece model (BERT)',
  'gpt2-bpe': 'a byte-level BPE model (GPT-2/OPT: model.type BPE with a ByteLevel pre-tokenizer)',
  't5-unigram': 'a Unigram model (T5 SentencePiece)',
  'llama-sp': 'a SentencePiece BPE model (LLaMA/Vicuna: model.type BPE with byte_fallback or Metaspace, no ByteLevel)',
};

/** The kind whose tokenizer.json looks like `facts`, or null when none of the four does. */
export function kindOf(facts: TokenizerModelFacts): TokenizerKind | null {
  if (facts.type === 'WordPiece') return 'bert';
  if (facts.type === 'Unigram') return 't5-unigram';
  if (facts.type !== 'BPE') return null;
  if (facts.byteLevel) return 'gpt2-bpe';
  return facts.sentencePiece ? 'llama-sp' : null;
}

function describe(facts: TokenizerModelFacts): string {
  const style = facts.type !== 'BPE' ? '' : facts.byteLevel ? ', byte-level' : facts.sentencePiece ? ', SentencePiece-style' : ', neither byte-level nor SentencePiece-style';
  return `model.type '${facts.type}'${style}`;
}

/**
 * Null when the file fits `kind`; else the problem and its fix, naming the kind found. `entry`
 * is the JSON pointer of the manifest's tokenizer entry (its `kind` and `file`).
 */
export function kindMismatch(kind: TokenizerKind, tokenizerJson: Record<string, unknown>, file: string, entry: string, fixedBy?: string): string | null {
  const facts = tokenizerModelFacts(tokenizerJson);
  const kindAt = `${entry}/kind`;
  const fileAt = `${entry}/file`;
  const found = kindOf(facts);
  if (found === kind) return null;
  // fixedBy: the kind follows from another field (the LLM's name), so only the file can be wrong.
  const fix =
    found === null
      ? `vlbench reads only bert, gpt2-bpe, t5-unigram and llama-sp tokenizers; point ${fileAt} at the tokenizer.json exported with this checkpoint`
      : fixedBy !== undefined
        ? `${fixedBy} fixes the kind, so the file belongs to another model: point ${fileAt} at the tokenizer.json exported with this checkpoint`
        : `if this is the model's own tokenizer, set ${kindAt} to '${found}'; otherwise the file belongs to another model: point ${fileAt} at the tokenizer.json exported with this checkpoint`;
  return `kind '${kind}' reads ${KIND_NEEDS[kind]}, but ${file} holds ${describe(facts)}${found ? ` (a '${found}' tokenizer)` : ''}; ${fix}`;
}
