/**
 * Types of the model manifest (`model.json`), as models/CONTRACT.md section 4 defines it.
 * Validation lives in manifest.ts; the JSON Schema there mirrors these types.
 */
import type { FamilyName, MediaModality } from './capabilities.js';
import type { GenerationConfig } from './generation/config.js';

export const MANIFEST_FORMAT_VERSION = 1;

export const GRAPH_ROLES = [
  'vision_encoder',
  'audio_encoder',
  'pointcloud_encoder',
  'text_encoder',
  'fusion_encoder',
  'text_decoder',
  'answer_decoder',
  'qformer',
  'qformer_text',
  'qformer_itm',
  'qformer_audio',
  'qformer_video',
  'qformer_pointcloud',
  'llm_embed',
  'llm_encoder',
  'llm_decoder',
] as const;
export type GraphRole = (typeof GRAPH_ROLES)[number];

export const CAPABILITIES = ['retrieval', 'captioning', 'vqa-rank', 'vqa-generate', 'instruction-generate', 'instruction-rank'] as const;
export type Capability = (typeof CAPABILITIES)[number];

export const TOKENIZER_KINDS = ['bert', 'gpt2-bpe', 't5-unigram', 'llama-sp'] as const;
export type TokenizerKind = (typeof TOKENIZER_KINDS)[number];

/**
 * Special-token roles each side's record may name: the ones the tokenizer kinds frame texts with
 * (models/tokenizers/types.ts) and the ones the families read ([DEC], [ENC], [MASK], T5's decoder
 * start). Closed so that a misspelt role is an error, not an id nothing reads.
 */
export const TEXT_SPECIAL_ROLES = ['pad', 'cls', 'sep', 'mask', 'dec', 'enc'] as const;
export const LLM_SPECIAL_ROLES = ['bos', 'eos', 'pad', 'decoderStart'] as const;
export type TextSpecialRole = (typeof TEXT_SPECIAL_ROLES)[number];
export type LlmSpecialRole = (typeof LLM_SPECIAL_ROLES)[number];

/** The prompt kinds a manifest may set (`prompts.caption`, ...). */
export const PROMPT_KINDS = ['caption', 'vqa', 'instruction'] as const;
export type PromptKind = (typeof PROMPT_KINDS)[number];

export type TensorDtype = 'float32' | 'float16' | 'int64' | 'int32' | 'bool';
export type Dim = number | string;

export interface TensorSpec {
  readonly dtype: TensorDtype;
  readonly shape: readonly Dim[];
}

export interface KvCacheSpec {
  readonly layers: number;
  readonly heads: number;
  readonly headDim: number;
  /** [past input name, present output name], key and value of every layer. */
  readonly pairs: readonly (readonly [string, string])[];
}

export interface GraphSpec {
  readonly file: string;
  readonly sha256: string;
  readonly externalData?: readonly { readonly file: string; readonly sha256: string }[];
  readonly inputs: Readonly<Record<string, TensorSpec>>;
  readonly outputs: Readonly<Record<string, TensorSpec>>;
  readonly kvCache?: KvCacheSpec;
}

export interface TokenizerSpec {
  readonly file: string;
  /** Optional tokenizer_config.json beside it. */
  readonly config?: string;
  readonly kind: TokenizerKind;
  readonly truncationSide: 'left' | 'right';
  readonly maxLength: number | null;
}

export interface LlmSpec {
  readonly kind: 'decoder-only' | 'encoder-decoder';
  readonly name: 'opt' | 'vicuna' | 't5';
}

export interface ImagePreprocess {
  readonly size: number;
  readonly resize: 'stretch' | 'crop';
  readonly mean: readonly [number, number, number];
  readonly std: readonly [number, number, number];
}

/** Frames are resized to size x size (stretch), as both of LAVIS's video processors do. */
export interface VideoPreprocess {
  readonly frames: number;
  readonly sampling: 'uniform' | 'head-tail';
  readonly size: number;
  readonly channelOrder: 'rgb' | 'bgr';
}

export interface AudioPreprocess {
  readonly sampleRate: number;
  readonly clips: number;
  /** Seconds per clip; must equal framesPerClip × the fbank's 10 ms hop (checked at load: clips are cut by frames). */
  readonly clipSeconds: number;
  readonly melBins: number;
  /** Frames per clip the encoder expects (512 for BEATs at 5.12 s). */
  readonly framesPerClip: number;
}

/** X-InstructBLIP's 3D paths: 'modelnet' (FPS to `points`, xyz, shuffled) or 'ulip' (all columns). */
export interface PointcloudPreprocess {
  readonly points: number;
  readonly mode: 'modelnet' | 'ulip';
  /** The reference FPS start and shuffle are random; vlbench seeds them for reproducibility. */
  readonly seed: number;
}

export interface XInstructSpec {
  /** Cue text per modality, e.g. {"image": "image: "}. */
  readonly cues: Readonly<Partial<Record<MediaModality, string>>>;
  readonly cleanTokenization: boolean;
  readonly addSpace: boolean;
  readonly prefix: string;
  readonly postfix: string;
  /**
   * What the Q-Formers read: "prompt" (default, LAVIS) = the instruction itself; any other text is
   * used verbatim for every input (LAVIS `special_qformer_input_prompt`).
   */
  readonly qformerText?: string;
}

export interface ModelManifest {
  readonly formatVersion: typeof MANIFEST_FORMAT_VERSION;
  readonly name: string;
  readonly family: FamilyName;
  readonly variant: string;
  readonly description?: string;
  readonly llm: LlmSpec | null;
  readonly modalities: readonly MediaModality[];
  readonly capabilities: readonly Capability[];
  readonly graphs: Readonly<Partial<Record<GraphRole, GraphSpec>>>;
  readonly tokenizers: { readonly text?: TokenizerSpec; readonly llm?: TokenizerSpec };
  readonly specialTokens: {
    readonly text?: Readonly<Partial<Record<TextSpecialRole, number>>>;
    readonly llm?: Readonly<Partial<Record<LlmSpecialRole, number | null>>>;
  };
  readonly preprocess: {
    readonly image?: ImagePreprocess;
    readonly video?: VideoPreprocess;
    readonly audio?: AudioPreprocess;
    readonly pointcloud?: PointcloudPreprocess;
  };
  readonly prompts: Readonly<Partial<Record<PromptKind, string>>>;
  readonly generation: Readonly<Record<string, Partial<GenerationConfig>>>;
  readonly retrieval?: { readonly kTest: number; readonly maxTextLength: number } | null;
  /** numAnswerCandidates: answers ranked per question (vqa-rank only; 128, LAVIS's, when left out). */
  readonly vqa?: { readonly method: 'rank' | 'generate'; readonly numAnswerCandidates?: number } | null;
  readonly xinstruct?: XInstructSpec | null;
}
