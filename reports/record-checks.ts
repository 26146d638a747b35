/**
 * Whether a pair's per-sample records still hold what scores.json counted. Gates recompute and
 * pair metrics from the per-sample records, diffs compare them, and a baseline file carries them:
 * a file cut short (a full disk, a bad copy, a hand edit) would otherwise be gated on the samples
 * left, and a regression in the lost ones pass. scores.json's counts (records.ts) are exact:
 *
 *   predictions   one record per sample: `failed` records for counts.failed, the others for
 *                 counts.scored + counts.unannotated (retrieval: one per query, keyed by
 *                 predictionKey)
 *   samples       one record per prediction that entered the metrics (counts.scored) holds
 *                 scores; unannotated samples may have a record with none. A pair with no
 *                 metrics (nothing scored, or a retrieval run with one direction only) has none
 *
 * Fewer records than that, or one sample twice, is damage. More records than counted are left
 * alone: hand-made fixtures and runs that count a subset (coverage tests) are not damaged.
 */
import { predictionKey, type PredictionRecord, type SampleScoreRecord, type TaskScores } from './records.js';

/** What is wrong with a pair's records: the text, and whether it is a repeat (rather than a loss). */
export interface RecordProblem {
  readonly text: string;
  readonly repeated: boolean;
}

const lost = (text: string): RecordProblem => ({ text, repeated: false });

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** "sample 'x' has two records (records 3 and 7)" for the first repeated key, or null. */
function repeatedKey(keys: readonly string[], what = 'sample'): RecordProblem | null {
  const first = new Map<string, number>();
  for (const [i, key] of keys.entries()) {
    const earlier = first.get(key);
    if (earlier !== undefined) return { text: `${what} '${key}' has two records (records ${earlier + 1} and ${i + 1})`, repeated: true };
    first.set(key, i);
  }
  return null;
}

function written(counts: TaskScores['counts']): number {
  return counts.scored + (counts.unannotated ?? 0);
}

/** What is wrong with a pair's prediction records against its counts, or null. */
export function predictionRecordsProblem(result: TaskScores, predictions: readonly PredictionRecord[]): RecordProblem | null {
  const repeat = repeatedKey(predictions.map(predictionKey));
  if (repeat) return repeat;
  const failed = predictions.filter((p) => p.kind === 'failed').length;
  const others = predictions.length - failed;
  const expected = written(result.counts);
  if (others < expected) {
    const unannotated = result.counts.unannotated ? ` (${result.counts.scored} scored, ${result.counts.unannotated} without references)` : ' scored';
    return lost(`${plural(others, 'record')} for ${expected}${unannotated} samples`);
  }
  if (failed < result.counts.failed) return lost(`${plural(failed, 'failed-sample record')} for ${result.counts.failed} failed samples`);
  return null;
}

/** What is wrong with a pair's per-sample scores against its counts, or null. */
export function sampleScoresProblem(result: TaskScores, samples: readonly SampleScoreRecord[]): RecordProblem | null {
  const repeat = repeatedKey(samples.map((s) => s.sampleId));
  if (repeat) return repeat;
  if (Object.keys(result.metrics).length === 0) return null;
  const withScores = samples.filter((s) => Object.keys(s.scores).length > 0).length;
  if (withScores < result.counts.scored) return lost(`${plural(withScores, 'record')} with scores for ${result.counts.scored} scored samples`);
  return null;
}

/** A baseline result's captions (captioning) against its counts, or null. */
export function captionsProblem(result: TaskScores, captions: readonly { sampleId: string }[]): RecordProblem | null {
  const repeat = repeatedKey(captions.map((c) => c.sampleId));
  if (repeat) return repeat;
  const expected = written(result.counts);
  return captions.length < expected ? lost(`${plural(captions.length, 'caption')} for ${expected} captioned samples`) : null;
}

/** A baseline result's retrieval ranks against its counts, or null. */
export function ranksProblem(result: TaskScores, ranks: readonly { sampleId: string; direction: string }[]): RecordProblem | null {
  const repeat = repeatedKey(ranks.map((r) => `${r.direction}:${r.sampleId}`), 'query');
  if (repeat) return repeat;
  return ranks.length < result.counts.scored ? lost(`${plural(ranks.length, 'rank')} for ${result.counts.scored} scored queries`) : null;
}
