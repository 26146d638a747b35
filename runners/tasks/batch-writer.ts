/**
 * Writes one task's results batch by batch: predictions (append-only, flushed) and the batch's
 * progress record (timings source). The first batch of each session is marked warm-up. Every
 * prediction passes here, so here each gets the digests of its media (media-digests.ts).
 */
import type { BatchProgressRecord, PredictionRecord } from '../../reports/records.js';
import { JsonlAppender } from '../run/jsonl.js';
import { rssBytes, type StageTimes } from '../run/measure.js';
import type { MediaDigests } from './media-digests.js';

export interface BatchStats {
  readonly phase: 'batch' | 'embed';
  readonly samples: number;
  readonly failed: number;
  readonly wallMs: number;
  readonly generatedTokens: number;
  readonly latenciesMs: readonly number[];
  readonly stagesMs: StageTimes;
}

export class BatchWriter {
  private warmedUp = false;
  private readonly predictions: JsonlAppender;
  private readonly progress: JsonlAppender;

  constructor(readonly model: string, readonly task: string, readonly session: number, files: { predictions: string; progress: string }, private readonly digests: MediaDigests) {
    this.predictions = new JsonlAppender(files.predictions);
    this.progress = new JsonlAppender(files.progress);
  }

  /** Predictions first, then the progress line: a kill between them loses timing, never results. */
  write(records: readonly PredictionRecord[], stats: BatchStats): void {
    this.predictions.append(records.map((r) => this.digests.stamp(r)));
    const warmup = stats.phase === 'batch' && !this.warmedUp && stats.samples > 0;
    if (warmup) this.warmedUp = true;
    const progress: BatchProgressRecord = { model: this.model, task: this.task, session: this.session, warmup, ...stats, rssBytes: rssBytes() };
    this.progress.append([progress]);
  }

  close(): void {
    this.predictions.close();
    this.progress.close();
  }
}
