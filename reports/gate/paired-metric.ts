/**
 * How each metric is recomputed on a resample of paired samples, per side of a comparison.
 *
 *   captioning Bleu_1..4, CIDEr   corpus metrics: the resampled images (duplicates included)
 *                                 form a new corpus whose score is recomputed (CIDEr-D's
 *                                 document frequencies over the resampled set, BLEU's summed
 *                                 clipped counts); captions are PTB-tokenized once up front
 *   captioning ROUGE_L            corpus value is the mean of per-image scores: resampled mean
 *   retrieval recall keys         from the per-query ranks, per direction (LAVIS's formulas)
 *   anything else                 mean of the per-sample values in samples/<model>/<task>.jsonl
 *                                 (VQA accuracy, instruction accuracy, ...)
 *
 * Pairing: the samples present (and not failed) in both runs, sorted by sample id.
 */
import { buildNgramCorpus, type NgramCorpus } from '../metrics/caption-ngrams.js';
import { computeBleu } from '../metrics/bleu.js';
import { computeCiderD } from '../metrics/cider-d.js';
import { computeRougeL } from '../metrics/rouge-l.js';
import { recallFromRanks, RETRIEVAL_METRIC_KEYS, type RetrievalMetricKey } from '../metrics/recall-at-k.js';
import { resampleNgramCorpus } from './resample-ngrams.js';
import type { RankSample, SnapshotResult } from './snapshot.js';

/** A metric value over the samples at `indices` (positions in the paired id list). */
export type SideStatistic = (indices: ArrayLike<number>) => number;

export interface PairedMetric {
  readonly ids: readonly string[];
  readonly baseline: SideStatistic;
  readonly current: SideStatistic;
  /** How the statistic is recomputed, for the verdict's notes. */
  readonly method: string;
  /** Both sides hold the same per-sample inputs: every paired difference is exactly 0. */
  readonly identical: boolean;
  /** A label per paired sample when replicates must resample within groups (retrieval directions). */
  readonly strata?: readonly number[];
}

/** Tokenizes captions the way the scorer did before BLEU/CIDEr-D (PTB for COCO). */
export type CaptionTokenizer = (captions: readonly string[]) => string[];

export class GateInputError extends Error {
  override name = 'GateInputError';
}

const BLEU_ORDER: Readonly<Record<string, number>> = { Bleu_1: 0, Bleu_2: 1, Bleu_3: 2, Bleu_4: 3 };

/**
 * Sorted by id (code-unit order), not in file order: the same seed draws the same samples
 * whatever order the runs wrote them in (concurrent batches, resumed or merged shards).
 */
function pairedIds(base: readonly string[], current: readonly string[], failed: ReadonlySet<string>): string[] {
  const inCurrent = new Set(current);
  return base.filter((id) => inCurrent.has(id) && !failed.has(id)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function failedIds(base: SnapshotResult, current: SnapshotResult): Set<string> {
  return new Set([...(base.failed ?? []), ...(current.failed ?? [])]);
}

function corpusStatistic(result: SnapshotResult, ids: readonly string[], metric: string, tokenize: CaptionTokenizer): SideStatistic {
  const byId = new Map((result.captions ?? []).map((c) => [c.sampleId, c]));
  const rows = ids.map((id) => byId.get(id)!);
  const hypotheses = tokenize(rows.map((r) => r.caption));
  const flatRefs = tokenize(rows.flatMap((r) => r.references));
  let offset = 0;
  const references = rows.map((r) => flatRefs.slice(offset, (offset += r.references.length)));
  if (metric === 'ROUGE_L') {
    const perImage = computeRougeL(references, hypotheses).perImage;
    return (indices) => meanAt(perImage, indices);
  }
  const corpus = buildNgramCorpus(references, hypotheses);
  const resampled = (indices: ArrayLike<number>): NgramCorpus => resampleNgramCorpus(corpus, indices);
  if (metric === 'CIDEr') return (indices) => computeCiderD(resampled(indices)).corpus;
  const order = BLEU_ORDER[metric]!;
  return (indices) => computeBleu(resampled(indices)).corpus[order]!;
}

function meanAt(values: ArrayLike<number>, indices: ArrayLike<number>): number {
  let sum = 0;
  for (let k = 0; k < indices.length; k++) sum += values[indices[k]!]!;
  return sum / indices.length;
}

function rankStatistic(result: SnapshotResult, ids: readonly string[], metric: RetrievalMetricKey): SideStatistic {
  const byId = new Map((result.ranks ?? []).map((r) => [r.sampleId, r]));
  const rows: RankSample[] = ids.map((id) => byId.get(id)!);
  return (indices) => {
    const text: number[] = [];
    const image: number[] = [];
    for (let k = 0; k < indices.length; k++) {
      const row = rows[indices[k]!]!;
      (row.direction === 'i2t' ? text : image).push(row.rank);
    }
    return recallFromRanks(text, image)[metric];
  };
}

function sampleMeanStatistic(result: SnapshotResult, ids: readonly string[], metric: string): SideStatistic {
  const byId = new Map(result.samples.map((s) => [s.sampleId, s.scores[metric]]));
  const values = Float64Array.from(ids, (id) => byId.get(id)!);
  return (indices) => meanAt(values, indices);
}

function idsWithMetric(result: SnapshotResult, metric: string): string[] {
  return result.samples.filter((s) => typeof s.scores[metric] === 'number').map((s) => s.sampleId);
}

/** The paired statistic of `metric` for one (model, task) in both snapshots. */
export function pairMetric(metric: string, base: SnapshotResult, current: SnapshotResult, tokenize: CaptionTokenizer): PairedMetric {
  const where = `model '${current.model}', task '${current.task}', metric '${metric}'`;
  const failed = failedIds(base, current);
  let ids: string[];
  let method: string;
  let side: (r: SnapshotResult) => SideStatistic;
  let inputs: (r: SnapshotResult) => Map<string, unknown>;
  let strata: readonly number[] | undefined;
  if (current.kind === 'captioning' && (metric in BLEU_ORDER || metric === 'CIDEr' || metric === 'ROUGE_L')) {
    const captionIds = (r: SnapshotResult): string[] => (r.captions ?? []).map((c) => c.sampleId);
    ids = pairedIds(captionIds(base), captionIds(current), failed);
    method = metric === 'ROUGE_L' ? 'mean of per-image ROUGE-L' : 'corpus score recomputed per resample';
    side = (r) => corpusStatistic(r, ids, metric, tokenize);
    inputs = (r) => new Map((r.captions ?? []).map((c) => [c.sampleId, [c.caption, ...c.references]]));
  } else if (current.kind === 'retrieval' && (RETRIEVAL_METRIC_KEYS as readonly string[]).includes(metric)) {
    const rankIds = (r: SnapshotResult): string[] => (r.ranks ?? []).map((x) => x.sampleId);
    ids = pairedIds(rankIds(base), rankIds(current), failed);
    method = 'recall recomputed from per-query ranks';
    side = (r) => rankStatistic(r, ids, metric as RetrievalMetricKey);
    inputs = (r) => new Map((r.ranks ?? []).map((x) => [x.sampleId, [x.direction, x.rank]]));
    // Recall is computed per direction: a replicate without any image->text query has no TR@K.
    const direction = new Map((current.ranks ?? []).map((x) => [x.sampleId, x.direction]));
    strata = ids.map((id) => (direction.get(id) === 'i2t' ? 0 : 1));
  } else {
    ids = pairedIds(idsWithMetric(base, metric), idsWithMetric(current, metric), failed);
    method = 'mean of per-sample values';
    side = (r) => sampleMeanStatistic(r, ids, metric);
    inputs = (r) => new Map(r.samples.map((x) => [x.sampleId, [x.scores[metric]]]));
  }
  if (ids.length === 0) {
    throw new GateInputError(
      `${where}: no paired samples to compare. The baseline and the current run must share sample ids with per-sample ` +
        `data (predictions/ and samples/ in the run directory, or "captions"/"ranks"/"samples" in a baseline file).`,
    );
  }
  const baseInputs = inputs(base);
  const currentInputs = inputs(current);
  const identical = ids.every((id) => JSON.stringify(baseInputs.get(id)) === JSON.stringify(currentInputs.get(id)));
  return { ids, baseline: side(base), current: side(current), method, identical, ...(strata ? { strata } : {}) };
}
