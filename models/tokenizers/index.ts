/** Tokenizers of the four kinds the BLIP family uses (model-contracts §1.3). */
export { loadTokenizer, specialIdsFromManifest } from './load.js';
export { HfTextTokenizer, framingFor, type TextTokenizerInit } from './text-tokenizer.js';
export type { DecodeOptions, EncodeOptions, EncodedBatch, EncodedText, Padding, Side, SpecialTokenIds, TextTokenizer, TokenizerKind } from './types.js';
