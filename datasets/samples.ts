/**
 * The typed samples every loader yields and every task consumes. Loaders stream them (an async
 * iterable), so memory does not grow with the dataset. A sample that cannot be read is not
 * dropped: it is yielded as a `SampleFailure` that the runner records and counts.
 *
 * Leaf module: imports nothing outside datasets/.
 */

export type Modality = 'image' | 'audio' | 'video' | 'pointcloud';

/**
 * A media input, by location. Loaders never decode media (that is models/ preprocessing); they
 * only resolve paths, so a broken image surfaces when the runner prepares it, with this path.
 * `path` is absolute. Video: a folder of frames or a video file.
 */
export interface MediaRef {
  readonly modality: Modality;
  readonly path: string;
}

/** Where a sample came from, for error messages and provenance: file and row/JSON pointer. */
export interface SourceLocation {
  readonly file: string;
  /** 1-based line number for line formats (JSONL; CSV: the line a record starts on), else a JSON pointer like `/annotations/12`. */
  readonly at: string;
}

/** One image (or clip) with its reference captions (COCO Karpathy, NoCaps, AudioCaps, ...). */
export interface CaptionSample {
  readonly kind: 'caption';
  /** The image id used by the references file (COCO `image_id`), as a string. */
  readonly id: string;
  readonly media: MediaRef;
  readonly references: readonly string[];
  /** A breakdown category when the dataset has one (NoCaps domain), else absent. */
  readonly category?: string | undefined;
  readonly source: SourceLocation;
}

/**
 * One image of a retrieval split with its ground-truth captions (Karpathy layout: each image has
 * ~5 captions; text i belongs to exactly one image). The task builds img2txt / txt2img from these.
 */
export interface RetrievalSample {
  readonly kind: 'retrieval';
  readonly id: string;
  readonly media: MediaRef;
  readonly captions: readonly string[];
  readonly source: SourceLocation;
}

/** One VQAv2-style question with its human answers (10 for VQAv2) and official metadata. */
export interface VqaSample {
  readonly kind: 'vqa';
  /** The official `question_id`, as a string. */
  readonly id: string;
  readonly imageId: string;
  readonly media: MediaRef;
  readonly question: string;
  /** Human answers, in annotation order (the VQA metric needs all of them). Empty for test splits. */
  readonly answers: readonly string[];
  /** VQAv2 `answer_type` (yes/no, number, other) or a dataset's own category. */
  readonly answerType: string;
  /** VQAv2 `question_type` (first words of the question), or '' when the dataset has none. */
  readonly questionType: string;
  readonly source: SourceLocation;
}

/**
 * One zero-shot instruction sample (InstructBLIP held-out style; X-InstructBLIP modalities).
 * Open-ended samples have `answers`; multiple-choice samples have `choices` and the index of the
 * correct one. The prompt is built from a registered template and these fields.
 */
export interface InstructionSample {
  readonly kind: 'instruction';
  readonly id: string;
  /** One entry per modality input, in prompt order (X-InstructBLIP can take several). */
  readonly media: readonly MediaRef[];
  readonly question: string;
  /** ScienceQA-style textual context, '' when absent. */
  readonly context: string;
  /** Multiple choice: the options in order; empty for open-ended samples. */
  readonly choices: readonly string[];
  /** Multiple choice: index into `choices` of the correct option; -1 for open-ended samples. */
  readonly answerIndex: number;
  /** Open-ended: acceptable answers (exact match after VQA normalisation, or VQA accuracy). */
  readonly answers: readonly string[];
  /** Held-out instruction type / dataset category, for per-category breakdowns. */
  readonly category: string;
  readonly source: SourceLocation;
}

export type Sample = CaptionSample | RetrievalSample | VqaSample | InstructionSample;
export type SampleKind = Sample['kind'];

/** A sample the loader could not produce (broken row, missing file): recorded, never dropped. */
export interface SampleFailure {
  readonly kind: 'failure';
  /**
   * The sample id when it could be read, else a synthetic `row:<n>` id; unique among the items
   * of one load like sample ids (a repeated id becomes `<id>@<pointer>`, see ids.ts).
   */
  readonly id: string;
  readonly reason: string;
  readonly source: SourceLocation;
}

export type LoaderItem<S extends Sample = Sample> = S | SampleFailure;
