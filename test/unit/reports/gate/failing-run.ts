/**
 * A copy of a fixture run in which the first `count` samples of one (model, task) failed, written
 * as the runner writes them: `failed` prediction records, no per-sample scores for them, and
 * scores.json counts that say so. The corpus metrics are left as they were: what a gate must not
 * trust is exactly a value computed over the samples that happened to work.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

interface Options {
  /** Drop the pair's metrics too, as scoring does when no sample was scored at all. */
  readonly dropMetrics?: boolean;
}

function readJsonl(file: string): Record<string, unknown>[] {
  return readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
}

function writeJsonl(file: string, rows: readonly unknown[]): void {
  writeFileSync(file, rows.map((row) => JSON.stringify(row)).join('\n') + '\n');
}

export function runWithFailures(source: string, dest: string, model: string, task: string, count: number, options: Options = {}): string {
  cpSync(source, dest, { recursive: true });
  const predictionsFile = join(dest, 'predictions', model, `${task}.jsonl`);
  const predictions = readJsonl(predictionsFile);
  const failed = new Set(predictions.slice(0, count).map((p) => p.sampleId));
  writeJsonl(predictionsFile, predictions.map((p, i) => (i < count ? { kind: 'failed', sampleId: p.sampleId, model, task, sampleIndex: i, reason: 'image file not found: media/gone.png', location: 'fixture' } : p)));
  const samplesFile = join(dest, 'samples', model, `${task}.jsonl`);
  writeJsonl(samplesFile, readJsonl(samplesFile).filter((s) => !failed.has(s.sampleId)));
  const scoresFile = join(dest, 'scores.json');
  const scores = JSON.parse(readFileSync(scoresFile, 'utf8')) as { results: { model: string; task: string; metrics: object; counts: { requested: number; scored: number; failed: number } }[] };
  const result = scores.results.find((r) => r.model === model && r.task === task)!;
  result.counts = { ...result.counts, scored: result.counts.scored - count, failed: result.counts.failed + count };
  if (options.dropMetrics) result.metrics = {};
  writeFileSync(scoresFile, JSON.stringify(scores, null, 1));
  return dest;
}
