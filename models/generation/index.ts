/**
 * The generation engine's public surface for family adapters: Hugging Face 4.33 decoding
 * (greedy, beam search, sampling) over one step-decoder abstraction, the ONNX drivers of the
 * three decoder kinds, and candidate ranking.
 */
export { HF_DEFAULT_GENERATION, type GenerationConfig } from './config.js';
export { initialIdsFor, type DecoderKind, type StepDecoder, type StepDecoderFactory, type StepLogits } from './decoder.js';
export { effectiveMaxLength, generate, type GenerateOptions, type GeneratedSequence, type SpecialIds, type TransformersEra } from './search.js';
export { labelSmoothedScore, rankAnswers, sumLogLikelihood, topAnswersByFirstToken } from './ranking.js';
export type { AnswerDecoderRun, AnswerRanking, RankAnswersInput, SequenceLogits } from './ranking.js';
export { bertDecoderFactory, type BertDecoderGraph, type BertDecoderInputs } from './onnx/bert-decoder.js';
export { decoderOnlyFactory, embedIds, positionIdsFromMask, type DecoderOnlyGraphs, type EmbeddedPrompt } from './onnx/decoder-only.js';
export { encodePrompts, encoderDecoderFactory, type EncodedInputs, type EncoderDecoderGraphs } from './onnx/encoder-decoder.js';
export { answerGenerationFactory, type AnswerGenerationInputs } from './onnx/answer-generation.js';
export { answerDecoderRun, scoreCandidatesDecoderOnly, scoreCandidatesEncoderDecoder } from './onnx/candidate-scoring.js';
export type { KvCacheLayout } from './onnx/kv-cache.js';
