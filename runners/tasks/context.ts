/**
 * What a task executor gets: the model, the planned task with its effective settings, the run's
 * writers, the clock, and the run-wide switches (fail-fast, abort, events). Executors return how
 * many samples they processed; they never print.
 */
import type { LoadedModel } from '../../models/load.js';
import type { EffectiveSettings } from '../../suites/settings.js';
import type { Shard } from '../args.js';
import type { StageClock } from '../run/measure.js';
import type { TaskPlan } from '../run/plan.js';
import type { RunEvent } from '../run/events.js';
import type { BatchWriter } from './batch-writer.js';
import type { MediaDigests } from './media-digests.js';

export interface TaskContext {
  readonly model: LoadedModel;
  readonly plan: TaskPlan;
  readonly settings: EffectiveSettings;
  readonly shard: Shard | null;
  readonly clock: StageClock;
  readonly writer: BatchWriter;
  /**
   * The run's media digests: a task takes each sample's while it prepares the sample's media, so
   * that the writer can record them (a file that cannot be read fails the sample there).
   */
  readonly mediaDigests: MediaDigests;
  /** Keys of predictions already written (resume): `sampleId`, or `direction:sampleId` for retrieval. */
  readonly done: ReadonlySet<string>;
  readonly failFast: boolean;
  readonly signal: AbortSignal;
  /** How many media files are prepared (decoded, resized) at once. */
  readonly prepareConcurrency: number;
  /** How many batches may be inside the model at once (1: one decodes while the next is prepared). */
  readonly decodeConcurrency: number;
  readonly emit: (event: RunEvent) => void;
}

export class SampleFailedError extends Error {
  override name = 'SampleFailedError';
}

