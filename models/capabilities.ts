/**
 * What a family adapter can do, as small batch-first capability interfaces. The runner plans
 * work from the capabilities an adapter declares (ALBEF has no captioner, so captioning is "not
 * applicable" for it, never a crash) and only ever talks to adapters through these types.
 *
 * Leaf module: models/ imports nothing from datasets/, suites/, runners/ or reports/. Media
 * inputs are therefore described here structurally (datasets' MediaRef has the same shape).
 */
import type { GenerationConfig } from './generation/config.js';

export type FamilyName = 'albef' | 'blip' | 'blip2' | 'instructblip' | 'xinstructblip';
export type MediaModality = 'image' | 'audio' | 'video' | 'pointcloud';

/** A media input by location (absolute path); preprocessing happens in `prepare`. */
export interface MediaInput {
  readonly modality: MediaModality;
  readonly path: string;
}

/**
 * A preprocessed input: the tensor the encoder of its modality consumes (float32, row-major),
 * e.g. [3,S,S] for an image, [F,3,S,S] for video frames, [C,T,128] for audio clips.
 */
export interface PreparedMedia {
  readonly modality: MediaModality;
  readonly data: Float32Array;
  readonly dims: readonly number[];
  readonly path: string;
}

/** Pipeline stages whose time the runner reports separately. */
export type Stage = 'preprocess' | 'encode' | 'fusion' | 'decode';

/** Passed to every adapter call: where to record stage times, and how to stop early. */
export interface InferenceContext {
  /** Runs `fn`, adding its wall time to `stage` for the current task. */
  time<T>(stage: Stage, fn: () => Promise<T>): Promise<T>;
  readonly signal?: AbortSignal | undefined;
}

/** One generated sequence. */
export interface Generation {
  /** Decoded text after the family's post-processing (prompt removed, stripped). */
  readonly text: string;
  /** The new token ids (prompt excluded), for token counts and debugging. */
  readonly tokenIds: readonly number[];
}

/**
 * Retrieval (LAVIS protocol, models/CONTRACT.md): unimodal embeddings for the contrastive
 * stage, the family's similarity, and the matching head for re-ranking the top k.
 */
export interface RetrievalCapability {
  /** Normalised contrastive embeddings: [queries, dim] per image (queries = 1, or 32 for BLIP-2). */
  embedImages(images: readonly PreparedMedia[], ctx: InferenceContext): Promise<ImageEmbedding[]>;
  /** Normalised contrastive text embeddings, texts truncated/padded as the family does (35). */
  embedTexts(texts: readonly string[], ctx: InferenceContext): Promise<Float32Array[]>;
  /**
   * Contrastive similarity as the family defines it (cosine; BLIP-2: max over queries) of every
   * image with every text, float32, row-major [images.length x texts.length].
   */
  similarities(images: readonly ImageEmbedding[], texts: readonly Float32Array[]): Promise<Float32Array>;
  /** Matching-head score (raw class-1 logit; BLIP-2: mean over queries) for each (image, text) pair. */
  matchScores(pairs: readonly MatchPair[], ctx: InferenceContext): Promise<number[]>;
}

export interface ImageEmbedding {
  readonly queries: number;
  readonly dim: number;
  /** queries x dim, row-major, each row L2-normalised. */
  readonly data: Float32Array;
}

export interface MatchPair {
  readonly image: PreparedMedia;
  readonly text: string;
}

export interface CaptionRequest {
  readonly image: PreparedMedia;
  /** Overrides the family's caption prompt ("a picture of " for BLIP); undefined = family default. */
  readonly prompt?: string | undefined;
}

export interface CaptionCapability {
  caption(requests: readonly CaptionRequest[], config: GenerationConfig, ctx: InferenceContext): Promise<Generation[]>;
}

export interface VqaRequest {
  readonly image: PreparedMedia;
  /** The raw question; the adapter applies the family's question processor (LAVIS blip_question). */
  readonly question: string;
  /**
   * Prompt template with a `{question}` placeholder, filled with the processed question
   * (BLIP-2 zero-shot: "Question: {question} Short answer:"; ALBEF/BLIP: "{question}").
   */
  readonly template: string;
}

/** VQA by answer ranking over a closed answer list (ALBEF, BLIP): two-stage, as LAVIS. */
export interface AnswerRankingCapability {
  rankAnswers(requests: readonly VqaRequest[], answerList: readonly string[], numCandidates: number, ctx: InferenceContext): Promise<RankedAnswer[]>;
}

export interface RankedAnswer {
  readonly answer: string;
  /** Scores of the candidates that reached the second stage, best first. */
  readonly candidates: readonly { readonly answer: string; readonly score: number }[];
}

export interface AnswerGenerationCapability {
  answer(requests: readonly VqaRequest[], config: GenerationConfig, ctx: InferenceContext): Promise<Generation[]>;
}

/** An instruction with one or more modality inputs (X-InstructBLIP: several, in order). */
export interface InstructionRequest {
  readonly media: readonly PreparedMedia[];
  /** The LLM prompt after the template was applied. */
  readonly prompt: string;
  /** The text given to the Q-Former, when it differs from the prompt (instruction-aware Q-Former). */
  readonly qformerText?: string | undefined;
  /**
   * Decoded as the family's VQA `predict_answers` (a task's `decoding: "answer"`): its decoding
   * settings come with it, and what predict_answers does to the text (X-InstructBLIP: an empty
   * answer becomes "unanswerable") is done too.
   */
  readonly asAnswer?: boolean | undefined;
}

export interface InstructionCapability {
  generate(requests: readonly InstructionRequest[], config: GenerationConfig, ctx: InferenceContext): Promise<Generation[]>;
  /** Summed log-likelihood of each candidate continuation given the request (higher is better). */
  scoreCandidates(requests: readonly InstructionRequest[], candidates: readonly (readonly string[])[], ctx: InferenceContext): Promise<number[][]>;
}

/** What a loaded model can do; absent capabilities are simply undefined. */
export interface FamilyAdapter {
  readonly family: FamilyName;
  readonly variant: string;
  /** Stable id used in run records (manifest name). */
  readonly id: string;
  /** Media the model accepts (X-InstructBLIP: several). */
  readonly modalities: readonly MediaModality[];
  /** Preprocess one input (decode, resize, normalise) as the family does; throws on unreadable input. */
  prepare(media: MediaInput, ctx: InferenceContext): Promise<PreparedMedia>;
  readonly retrieval?: RetrievalCapability | undefined;
  readonly captioning?: CaptionCapability | undefined;
  readonly answerRanking?: AnswerRankingCapability | undefined;
  readonly answerGeneration?: AnswerGenerationCapability | undefined;
  readonly instruction?: InstructionCapability | undefined;
  /** The family's LAVIS evaluation defaults per task (from its manifest), before suite overrides. */
  readonly defaults: TaskDefaults;
  /** Releases the inference sessions this adapter holds (shared sessions are ref-counted). */
  dispose(): Promise<void>;
}

export interface TaskDefaults {
  readonly caption?: { readonly prompt: string; readonly generation: GenerationConfig } | undefined;
  /** `method`: the model.json's default VQA method (`/vqa/method`), when it declares one. */
  readonly vqa?: { readonly promptTemplate: string; readonly generation: GenerationConfig; readonly numAnswerCandidates: number; readonly method?: 'rank' | 'generate' } | undefined;
  readonly instruction?: { readonly generation: GenerationConfig } | undefined;
  readonly retrieval?: { readonly kTest: number; readonly maxTextLength: number } | undefined;
}
