/**
 * The on-disk run directory: the only thing reports, gates and diffs read. A run is
 * self-describing: everything needed to re-score, re-report or re-gate is in here, so no model
 * run is ever needed downstream.
 *
 *   RUN/manifest.json                     RunManifest
 *   RUN/predictions/<model>/<task>.jsonl  PredictionRecord per line, append-only, flushed per batch
 *   RUN/samples/<model>/<task>.jsonl      SampleScoreRecord per line (written when a task is scored)
 *   RUN/scores.json                       ScoresFile
 *   RUN/timings.json                      TimingsFile
 *   RUN/progress/<model>/<task>.jsonl     BatchProgressRecord per line, one per executed batch; the
 *                                         source of timings.json, so a resumed run keeps the times
 *                                         of its earlier sessions
 *
 * `<model>` is the model id, `<task>` the task id (both as in manifest.json). A JSONL file may
 * end in a truncated line when the writer was killed mid-write; readers ignore a last line
 * without its newline, and `vlbench run --resume` cuts it off before appending.
 *
 * Versioned: readers reject a `formatVersion` they do not know, with the fix.
 */

export const RUN_FORMAT_VERSION = 1;

/** Present in a run directory while a `vlbench run` writes it (runners/run/lock.ts). */
export const RUN_LOCK_FILE = '.vlbench.lock';

export type TaskKind = 'retrieval' | 'captioning' | 'vqa' | 'instruction';

/** Where a setting's value came from, so every override is visible in the record. */
export type SettingSource = 'default' | 'family-default' | 'suite' | 'cli';

export interface ResolvedSetting<T = unknown> {
  readonly value: T;
  readonly source: SettingSource;
}

export interface RunManifest {
  readonly formatVersion: typeof RUN_FORMAT_VERSION;
  readonly runId: string;
  /** ISO 8601. */
  readonly createdAt: string;
  /**
   * codeSha256: the digest of vlbench's own code and lock file (runners/run/environment.ts), so
   * that a resume by other code (another commit, or edits not committed) is refused; absent in
   * manifests written before 2026-11-28.
   */
  readonly vlbench: { readonly version: string; readonly gitCommit: string | null; readonly codeSha256?: string; readonly codeFiles?: Readonly<Record<string, string>> };
  readonly suites: readonly {
    readonly name: string;
    readonly file: string;
    readonly sha256: string;
    /** The suite as loaded (after defaults), for reproduction without the original file. */
    readonly resolved: unknown;
  }[];
  readonly models: readonly {
    readonly id: string;
    readonly family: string;
    readonly variant: string;
    readonly manifestPath: string;
    readonly manifestSha256: string;
    /** Graph role -> sha256 of the ONNX file. */
    readonly graphs: Readonly<Record<string, string>>;
    /**
     * Tokenizer file (and tokenizer_config) path relative to the model.json -> sha256: the
     * model.json names them without digests, and a changed vocabulary changes every output.
     * Absent in manifests written before 2026-11-28.
     */
    readonly tokenizers?: Readonly<Record<string, string>>;
    /** False when the graph files were not checked against these digests (--no-verify-digests). */
    readonly digestsVerified?: boolean;
    /** The execution provider that actually ran, and why others were skipped. */
    readonly provider: { readonly requested: string; readonly used: string; readonly skipped: readonly { readonly provider: string; readonly reason: string }[] };
  }[];
  readonly tasks: readonly {
    readonly id: string;
    readonly kind: TaskKind;
    readonly dataset: { readonly name: string; readonly files: readonly { readonly path: string; readonly sha256: string }[] };
    /** Model id -> resolved settings with provenance, or the reason the pair is not applicable. */
    readonly perModel: Readonly<Record<string, { readonly applicable: true; readonly settings: Readonly<Record<string, ResolvedSetting>> } | { readonly applicable: false; readonly reason: string }>>;
    readonly metrics: readonly string[];
  }[];
  readonly environment: {
    readonly onnxruntime: string;
    /** Installed version of each runtime dependency (absent before 2026-11-28). */
    readonly packages?: Readonly<Record<string, string>>;
    readonly node: string;
    readonly platform: string;
    readonly cpu: string;
    readonly gpu: string | null;
  };
  readonly seeds: Readonly<Record<string, number>>;
  readonly limit: number | null;
  readonly shard: { readonly index: number; readonly count: number } | null;
  /** Gates declared by the suites (read by `vlbench gate`). */
  readonly gates: readonly unknown[];
  /** Set by `vlbench merge`: the shard run directories this run was merged from. */
  readonly mergedFrom?: readonly string[] | undefined;
  /**
   * Set by `vlbench run --resume`: one entry per resumed session, with the vlbench version and
   * the suite files it ran with (a resume accepts another suite file that runs the same, or a
   * version bump with the same code); `vlbench` and `suites` above stay the first session's.
   * Absent in a run never resumed, and in manifests written before the field existed.
   */
  readonly resumes?: readonly {
    readonly session: number;
    /** ISO 8601. */
    readonly startedAt: string;
    readonly vlbench: { readonly version: string; readonly gitCommit: string | null };
    readonly suites: readonly { readonly name: string; readonly file: string; readonly sha256: string }[];
  }[] | undefined;
}

interface PredictionBase {
  readonly sampleId: string;
  readonly model: string;
  readonly task: string;
  /**
   * Position of the sample in the dataset's order (after the limit, before sharding). Scores are
   * computed over predictions sorted by it, so resumed and merged runs sum in the same order as
   * an uninterrupted one.
   */
  readonly sampleIndex?: number | undefined;
}

/** The media a prediction was made from. */
interface PredictionMedia {
  /** Input files (absolute paths in real runs), for the report's sample browser. */
  readonly media: readonly string[];
  /**
   * Parallel to `media`: the sha256 (hex) of each file's bytes; for a folder of video frames, of
   * the text of one `name\tsha256\n` line per frame in the order the video loader reads them
   * (runners/tasks/media-digests.ts). Baselines carry them, so a gate refuses to compare runs
   * that read other media under the same ids. Absent in runs written by an earlier vlbench.
   */
  readonly mediaSha256?: readonly string[] | undefined;
}

export interface CaptionPrediction extends PredictionBase, PredictionMedia {
  readonly kind: 'captioning';
  readonly caption: string;
  readonly references: readonly string[];
  readonly generatedTokens: number;
  /** The generated token ids, EOS included (generatedTokens counts them); absent for a ranked answer. */
  readonly tokenIds?: readonly number[] | undefined;
  readonly latencyMs: number;
}

export interface VqaPrediction extends PredictionBase, PredictionMedia {
  readonly kind: 'vqa';
  readonly question: string;
  readonly answer: string;
  /** Human answers (10 for VQAv2) and official types, so VQA accuracy can be recomputed. */
  readonly answers: readonly string[];
  readonly answerType: string;
  readonly questionType: string;
  readonly imageId: string;
  readonly generatedTokens: number;
  /** The generated token ids, EOS included (generatedTokens counts them); absent for a ranked answer. */
  readonly tokenIds?: readonly number[] | undefined;
  readonly latencyMs: number;
}

export interface InstructionPrediction extends PredictionBase, PredictionMedia {
  readonly kind: 'instruction';
  readonly prompt: string;
  readonly answer: string;
  readonly mode: 'open' | 'multiple-choice';
  /** Multiple choice: the options, the chosen index and the correct index. */
  readonly choices: readonly string[];
  readonly chosenIndex: number;
  readonly answerIndex: number;
  readonly answers: readonly string[];
  readonly category: string;
  readonly generatedTokens: number;
  /** The generated token ids, EOS included (generatedTokens counts them); absent for a ranked answer. */
  readonly tokenIds?: readonly number[] | undefined;
  readonly latencyMs: number;
}

/**
 * Retrieval records one line per query: an image (i2t) or a text (t2i), with the rank of its
 * best ground truth in the final (re-ranked) ordering and the top 10, so recall is recomputable.
 */
export interface RetrievalPrediction extends PredictionBase, PredictionMedia {
  readonly kind: 'retrieval';
  readonly direction: 'i2t' | 't2i';
  /** 0-based rank of the best ground-truth item; recall@K counts rank < K. */
  readonly rank: number;
  readonly top: readonly string[];
  readonly groundTruth: readonly string[];
  readonly latencyMs: number;
}

/** A sample that failed (unreadable image, broken row): counted in the results, never dropped. */
export interface FailedPrediction extends PredictionBase {
  readonly kind: 'failed';
  readonly reason: string;
  readonly location: string;
  /** Retrieval: the query direction that failed (an unreadable image fails its i2t query). */
  readonly direction?: 'i2t' | 't2i' | undefined;
}

export type PredictionRecord = CaptionPrediction | VqaPrediction | InstructionPrediction | RetrievalPrediction | FailedPrediction;

/** Per-sample metric values (for per-sample browsing, diffs and the bootstrap). */
export interface SampleScoreRecord {
  readonly sampleId: string;
  readonly scores: Readonly<Record<string, number>>;
}

export interface TaskScores {
  readonly model: string;
  readonly task: string;
  readonly kind: TaskKind;
  /** Metric name -> corpus value, on the metric's reference scale (documented per metric). */
  readonly metrics: Readonly<Record<string, number>>;
  /** Per-category breakdowns, e.g. { perAnswerType: { "yes/no": 91.2, ... } }. */
  readonly breakdowns: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /**
   * `scored`: predictions that entered the metrics; `failed`: samples that produced none;
   * `unannotated`: predictions written for samples without reference answers (a test-server
   * split, say): kept for submission, in no metric. Absent when zero.
   */
  readonly counts: { readonly requested: number; readonly scored: number; readonly failed: number; readonly unannotated?: number };
}

export interface ScoresFile {
  readonly formatVersion: typeof RUN_FORMAT_VERSION;
  readonly results: readonly TaskScores[];
  readonly notApplicable: readonly { readonly model: string; readonly task: string; readonly reason: string }[];
}

export interface TaskTimings {
  readonly model: string;
  readonly task: string;
  readonly provider: string;
  readonly wallSeconds: number;
  readonly samples: number;
  readonly samplesPerSecond: number;
  readonly generatedTokens: number;
  readonly tokensPerSecond: number;
  /** Per-sample latency percentiles in ms (warm-up excluded). */
  readonly latencyMs: { readonly p50: number; readonly p95: number; readonly p99: number; readonly mean: number };
  /** Per-sample latencies in ms, for latency-distribution charts. */
  readonly latencySamplesMs: readonly number[];
  /**
   * How many consecutive entries of latencySamplesMs each measured batch gave: a batch's samples
   * share one latency (its time over its size), so the gate resamples batches, not samples.
   * Absent in timings written before 2026-11-28 19:30 UTC.
   */
  readonly latencyBatchSizes?: readonly number[] | undefined;
  /** Seconds spent per stage. */
  readonly stages: Readonly<Record<'preprocess' | 'encode' | 'fusion' | 'decode', number>>;
  readonly peakRssBytes: number;
  readonly warmupSamples: number;
}

/** One executed batch (RUN/progress/<model>/<task>.jsonl); timings.json aggregates these. */
export interface BatchProgressRecord {
  readonly model: string;
  readonly task: string;
  /** 1 for the first `vlbench run`, +1 for each `--resume`. */
  readonly session: number;
  /**
   * The first batch of each session is warm-up, left out of throughput and latency (except for
   * retrieval throughput, and a task that ran as one batch: runners/run/timings.ts).
   */
  readonly warmup: boolean;
  /** 'embed' = retrieval's embedding pass over the whole gallery (no queries answered). */
  readonly phase: 'batch' | 'embed';
  readonly samples: number;
  readonly failed: number;
  /**
   * The batch's share of the elapsed time: from the previous batch's write (or its own start, if
   * later) to its write. Batches overlap (one is prepared while the one before it runs), so these
   * add up to the task's wall time, where each batch's start-to-finish span would not.
   */
  readonly wallMs: number;
  readonly generatedTokens: number;
  /** Per-sample latency in ms: the batch's own time (preparing its media, running the model) shared by its samples. */
  readonly latenciesMs: readonly number[];
  readonly stagesMs: Readonly<Record<'preprocess' | 'encode' | 'fusion' | 'decode', number>>;
  readonly rssBytes: number;
}

/**
 * A pair that ranks (ALBEF/BLIP answer lists, multiple choice, retrieval) generates no token by
 * design: its tokens/s is not a measured zero. Tables show n/a, charts and the long CSV leave it
 * out, report.json writes null, and a tokens/s gate is not applicable to it.
 */
export function ranksOnly(timing: Pick<TaskTimings, 'generatedTokens'>): boolean {
  return timing.generatedTokens === 0;
}

/**
 * A prediction's key within its model and task: the sample id, and for retrieval the query
 * direction too (`i2t:<image id>`, `t2i:<caption id>`), as per-sample scores are keyed; resume,
 * merge and diff match predictions by it.
 */
export function predictionKey(record: PredictionRecord): string {
  if (record.kind === 'retrieval') return `${record.direction}:${record.sampleId}`;
  if (record.kind === 'failed' && record.direction !== undefined) return `${record.direction}:${record.sampleId}`;
  return record.sampleId;
}

export interface TimingsFile {
  readonly formatVersion: typeof RUN_FORMAT_VERSION;
  readonly results: readonly TaskTimings[];
}
