/**
 * The suite format: the TypeScript types are the source of truth; `suite.schema.json` next to
 * this file is generated from them (`npm run schema`) and a test fails when it is stale. JSDoc
 * tags (`@minimum`, `@pattern`, `@TJS-type`...) become schema constraints, and every object is
 * closed (`additionalProperties: false`), so a misspelled key is an error, never ignored.
 *
 * Everything inside a suite is data: loaders, prompt templates, metrics and models are referenced
 * by registered name (or, for models, a model.json path); no code, no expressions. The entries of
 * `models`, dataset `files`, `mediaRoot` and a VQA `answerList` may use `${data.NAME}` to take a
 * location from the suite's `data` block or from `vlbench run --data NAME=PATH`; anywhere else
 * (a prompt, a template, a dataset option, a `data` value) it is an error, as it would reach the
 * model or the loader as literal text (suites/variables.ts).
 *
 * This file is read by ts-json-schema-generator: keep it free of imports and runtime code.
 */

/** A suite: which models to evaluate on which tasks, how to score them and what gates CI. */
export interface Suite {
  /** Path to suite.schema.json (relative to the suite file), so editors complete and validate. */
  $schema?: string;
  /**
   * Suite name, used in run records and reports.
   * @pattern ^[a-z0-9][a-z0-9._-]*$
   */
  name: string;
  /** What the suite measures, for humans. */
  description?: string;
  /**
   * Named data locations (paths), referenced as `${data.NAME}` in models, dataset files, media
   * roots and answer lists. `--data NAME=PATH` on the command line overrides them. A relative
   * path is resolved against the suite file's folder. Use `null` for a location the user must
   * supply. A value is a path as written: it may not be empty or use another `${data.NAME}`.
   */
  data?: { [name: string]: string | null };
  /**
   * Models to evaluate: registered names (`vlbench ls models`) or paths to model.json manifests
   * (relative to the suite file). `vlbench run --models` narrows this list.
   * @minItems 1
   */
  models: string[];
  /**
   * The tasks. Each model runs every task its family supports; unsupported pairs are recorded as
   * not applicable.
   * @minItems 1
   */
  tasks: TaskSpec[];
  /** Quality and speed gates, read by `vlbench gate`. */
  gates?: GateSpec[];
  /**
   * Seed for sampled decoding (recorded in the run; the gate's bootstrap takes `vlbench gate --seed`).
   * Sampled decoding seeds each sample from this seed and the sample's id, so shards and resumed
   * runs sample alike.
   * @asType integer
   * @minimum 0
   * @maximum 4294967295
   */
  seed?: number;
}

/**
 * One task: a dataset, how to run it and which metrics to report.
 * @discriminator kind
 */
export type TaskSpec = RetrievalTaskSpec | CaptioningTaskSpec | VqaTaskSpec | InstructionTaskSpec;

interface TaskCommon {
  /**
   * Task id, unique in the suite; names the prediction files and report rows.
   * @pattern ^[a-z0-9][a-z0-9._-]*$
   */
  id: string;
  dataset: DatasetSpec;
  /**
   * Metrics to report (registered names, each once; `vlbench ls tasks` lists them). Default: all of the kind's.
   * @minItems 1
   */
  metrics?: string[];
  /**
   * Evaluate only the first N samples of the dataset (after loading, before sharding).
   * `vlbench run --limit` caps this further.
   * @asType integer
   * @minimum 1
   */
  limit?: number;
  /**
   * Samples per ONNX Runtime batch: each graph run takes up to this many rows (images, questions,
   * prompts; retrieval: gallery images, gallery captions, and image-caption pairs re-ranked by
   * the matching head). Multiple-choice ranking scores each sample's choices in calls of their
   * own; X-InstructBLIP runs each sample alone (its inputs' layouts differ).
   * @asType integer
   * @minimum 1
   * @maximum 4096
   */
  batchSize?: number;
  /**
   * Run this task only for these models: each as the suite's `models` writes it, or by its id
   * (the model.json's `name`); each once. Default all.
   * @minItems 1
   */
  models?: string[];
}

/** Image-text retrieval as LAVIS evaluates it: contrastive top-k, re-ranked by the matching head. */
export interface RetrievalTaskSpec extends TaskCommon {
  kind: 'retrieval';
  /**
   * Candidates re-ranked by the matching head per query (LAVIS `k_test`). Family default (the
   * model.json's `retrieval.kTest`, LAVIS's eval configs): BLIP 256 (COCO) / 128 (Flickr30k),
   * ALBEF and BLIP-2 128. At most the gallery's size, as LAVIS's top-k needs; under a `limit` (or `--limit`) smaller than
   * kTest the run re-ranks every image of the shrunk gallery and records the applied value.
   * @asType integer
   * @minimum 1
   */
  kTest?: number;
  /**
   * Text length in tokens for the text encoder (LAVIS hard-codes 35).
   * @asType integer
   * @minimum 1
   * @maximum 512
   */
  maxTextLength?: number;
}

/** Image (or clip) captioning, scored against reference captions. */
export interface CaptioningTaskSpec extends TaskCommon {
  kind: 'captioning';
  /** Caption prompt (BLIP `"a picture of "`, BLIP-2 `"a photo of"`). Default: the family's. */
  prompt?: string;
  /** Decoding settings; unset fields take the family's LAVIS evaluation defaults. */
  generation?: GenerationOverrides;
  /** Caption text normalisation before scoring: COCO's PTB tokenization (default) or none. */
  tokenize?: 'ptb' | 'none';
}

/** Visual question answering: generate an answer, or rank a closed answer list (ALBEF, BLIP). */
export interface VqaTaskSpec extends TaskCommon {
  kind: 'vqa';
  /** `rank` (ALBEF/BLIP in LAVIS) or `generate`. Default: rank when the family can, else generate. */
  method?: 'generate' | 'rank';
  /**
   * JSON file with the candidate answers (LAVIS `answer_list.json`); required for `rank`, and an
   * error (with `numCandidates`) when every model of the task generates.
   */
  answerList?: string;
  /**
   * Candidates kept after the first ranking stage (LAVIS `num_ans_candidates`, 128). Like LAVIS,
   * a value above the answer list's length takes the whole list; the run records the applied value.
   * @asType integer
   * @minimum 1
   */
  numCandidates?: number;
  /** Prompt template: a registered name (`vlbench ls tasks`) or an inline text with `{question}` (required). */
  template?: string;
  generation?: GenerationOverrides;
}

/** Zero-shot instruction following (InstructBLIP held-out, X-InstructBLIP modalities). */
export interface InstructionTaskSpec extends TaskCommon {
  kind: 'instruction';
  /** `open`: generate and compare with the answers; `multiple-choice`: rank the choices. */
  mode: 'open' | 'multiple-choice';
  /**
   * Prompt template: a registered name or inline text with `{question}`, `{context}`, `{options}`.
   * Open mode needs `{question}`; a multiple-choice template without it (`describe-3d`) is a fixed
   * instruction, and then no dataset option may supply a question.
   */
  template?: string;
  /** Multiple choice: how each choice is written as a candidate, a registered name or inline text with `{choice}`. */
  candidateTemplate?: string;
  /** The modality the dataset provides; models that cannot read it are not applicable. */
  modality?: 'image' | 'audio' | 'video' | 'pointcloud';
  /**
   * LAVIS text processor applied to the question before the template (the dataset's eval
   * `text_processor`): `blip_question` (QA datasets), `blip_caption` (LAVIS's MSVD/MSRVTT-QA),
   * or `none` (default: the question as the dataset writes it).
   */
  questionProcessor?: 'none' | 'blip_question' | 'blip_caption';
  /**
   * Open mode: whose decoding defaults apply under `generation`. `generate` (default): the
   * model.json's `generation.instruction`, LAVIS's `generate()` defaults for free-form answers.
   * `answer`: the model.json's `generation.vqa`, what LAVIS's VQA task decodes short answers
   * with (`predict_answers`: length penalty 0 for OPT/Vicuna, -1 for FlanT5, repetition penalty
   * 1.5), as InstructBLIP's held-out QA benchmarks (VizWiz, MSVD-QA, ...) were evaluated.
   */
  decoding?: 'generate' | 'answer';
  generation?: GenerationOverrides;
}

/** Where a task's samples come from. */
export interface DatasetSpec {
  /** A registered loader name (`vlbench ls datasets`), e.g. `karpathy-caption`, `vqav2`. */
  loader: string;
  /**
   * The loader's files by role (e.g. `{ "annotations": "${data.coco}/coco_karpathy_test.json" }`);
   * each loader documents its roles. Relative paths resolve against the suite file's folder.
   */
  files: { [role: string]: string };
  /**
   * Folder that media paths in the annotations are relative to. Where a loader does not require
   * it (`jsonl`, `csv`), relative media paths without it resolve against the annotation file's
   * folder, never the working directory.
   */
  mediaRoot?: string;
  /** Loader options (e.g. `{ "split": "test" }`); each loader documents its options. */
  options?: { [option: string]: string | number | boolean };
}

/** Decoding settings with Hugging Face `generate` semantics (models/generation/config.ts). */
export interface GenerationOverrides {
  /**
   * @asType integer
   * @minimum 1
   * @maximum 64
   */
  numBeams?: number;
  doSample?: boolean;
  /**
   * The length limit as LAVIS's max_len: counted as the family counts it (BLIP: prompt ids
   * included; LLMs fed embeddings: new tokens). A family whose model.json limits by maxNewTokens
   * (FlanT5) applies it as maxNewTokens, as LAVIS does. Set this or maxNewTokens, not both.
   * @asType integer
   * @minimum 1
   */
  maxLength?: number;
  /**
   * The length limit in new tokens only (Hugging Face max_new_tokens). Set this or maxLength.
   * @asType integer
   * @minimum 1
   */
  maxNewTokens?: number;
  /**
   * @asType integer
   * @minimum 0
   */
  minLength?: number;
  lengthPenalty?: number;
  /** @exclusiveMinimum 0 */
  repetitionPenalty?: number;
  /**
   * @asType integer
   * @minimum 0
   */
  noRepeatNgramSize?: number;
  earlyStopping?: boolean;
  /**
   * @asType integer
   * @minimum 0
   */
  topK?: number;
  /**
   * @exclusiveMinimum 0
   * @maximum 1
   */
  topP?: number;
  /** @exclusiveMinimum 0 */
  temperature?: number;
  /**
   * Sampling seed for this task (default: the suite's seed); each sample is seeded from it and
   * its id. Only with doSample.
   * @asType integer
   * @minimum 0
   * @maximum 4294967295
   */
  seed?: number;
}

/**
 * A gate evaluated by `vlbench gate` (same shape as reports/gate-spec.ts, which reads the copy the
 * runner writes into manifest.json): absolute floors and ceilings on a metric, or the largest
 * allowed drop against a baseline run for quality, throughput and latency. The confidence of the
 * paired bootstrap is a `vlbench gate --confidence` setting.
 * @discriminator kind
 */
export type GateSpec = FloorGate | CeilingGate | MaxDropGate | MaxThroughputDropGate | MaxLatencyIncreaseGate;

interface GateScope {
  /** Model id the gate applies to; default every model. */
  model?: string;
  /** Family the gate applies to (albef, blip, blip2, instructblip, xinstructblip); default every family. */
  family?: 'albef' | 'blip' | 'blip2' | 'instructblip' | 'xinstructblip';
  /** Task id the gate applies to; default every task that reports the metric. */
  task?: string;
}

/**
 * Fails when the metric is below `min`. `metric`: a quality metric name, or a timing measure
 * (`samplesPerSecond`, `tokensPerSecond`, `latencyMs.mean`, `latencyMs.p50`, `latencyMs.p95`, `latencyMs.p99`).
 */
export interface FloorGate extends GateScope {
  kind: 'floor';
  metric: string;
  min: number;
}

/** Fails when the metric (typically a latency) is above `max`. */
export interface CeilingGate extends GateScope {
  kind: 'ceiling';
  metric: string;
  max: number;
}

/** Quality may not drop against the baseline by more than the tolerance: exactly one of `maxDrop` (metric units) or `maxDropPercent`. */
export interface MaxDropGate extends GateScope {
  kind: 'max-drop';
  metric: string;
  /** @minimum 0 */
  maxDrop?: number;
  /** @minimum 0 */
  maxDropPercent?: number;
}

/** Throughput may not drop against the baseline by more than this percentage. */
export interface MaxThroughputDropGate extends GateScope {
  kind: 'max-throughput-drop';
  measure: 'samplesPerSecond' | 'tokensPerSecond';
  /** @minimum 0 */
  maxDropPercent: number;
}

/** Latency may not increase against the baseline by more than this percentage. */
export interface MaxLatencyIncreaseGate extends GateScope {
  kind: 'max-latency-increase';
  statistic: 'mean' | 'p50' | 'p95' | 'p99';
  /** @minimum 0 */
  maxIncreasePercent: number;
}
