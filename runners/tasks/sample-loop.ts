/**
 * The batch loop shared by the per-sample tasks (captioning, VQA, instruction): stream the
 * task's samples, skip those already written (resume), record loader failures, group the rest
 * into batches, prepare media with bounded concurrency while the previous batch runs, run the
 * model, and write each batch's predictions before starting on the next. An abort (Ctrl-C)
 * lets the current batch finish and be written, then stops.
 */
import pLimit from 'p-limit';
import type { LoaderItem, MediaRef, Sample, SourceLocation } from '../../datasets/samples.js';
import type { PreparedMedia } from '../../models/capabilities.js';
import type { FailedPrediction, PredictionRecord } from '../../reports/records.js';
import { StageClock, zeroStages } from '../run/measure.js';
import { taskItems } from '../run/samples.js';
import { SampleFailedError, type TaskContext } from './context.js';

export interface Pending<S> {
  readonly index: number;
  readonly sample: S;
}

export interface Prepared<S> extends Pending<S> {
  readonly media: readonly PreparedMedia[];
}

/**
 * The generated token ids for a prediction record (EOS included, as generatedTokens counts them):
 * the text alone cannot tell ids that decode alike apart, nor show where EOS fell, and checking
 * parity with another implementation needs the ids. Ranked answers generate none.
 */
export function generatedIds(tokenIds: readonly number[]): { tokenIds?: readonly number[] } {
  return tokenIds.length === 0 ? {} : { tokenIds: [...tokenIds] };
}

export interface Output {
  /** Builds the record once the batch's per-sample latency is known. */
  readonly record: (latencyMs: number) => PredictionRecord;
  readonly generatedTokens: number;
}

/** A loader item the task can never use (wrong sample kind: the suite is wrong, so the run stops). */
export interface Unusable {
  readonly unusable: string;
}

/** One sample this task cannot score (say, a multiple-choice item without choices): recorded as failed. */
export interface Invalid {
  readonly invalid: string;
}

export interface SampleTask<S> {
  /** The sample this task consumes, or why this item cannot be used. */
  accept(item: Sample): S | Unusable | Invalid;
  media(sample: S): readonly MediaRef[];
  infer(batch: readonly Prepared<S>[], ctx: TaskContext): Promise<Output[]>;
}

export function failedRecord(ctx: TaskContext, index: number, sampleId: string, reason: string, location: string): FailedPrediction {
  return { kind: 'failed', sampleId, model: ctx.model.id, task: ctx.plan.task.id, sampleIndex: index, reason, location };
}

function describeSource(item: { readonly source: SourceLocation }): string {
  return `${item.source.file}:${item.source.at}`;
}

export interface LoopResult {
  readonly done: number;
  readonly failed: number;
  /** Samples (queries for retrieval) this task covers in this shard, written earlier or now. */
  readonly requested: number;
  readonly interrupted: boolean;
}

interface PreparedBatch<S> {
  readonly ready: Prepared<S>[];
  readonly failures: FailedPrediction[];
  readonly started: number;
  /** Time spent preparing this batch's media. */
  readonly prepareMs: number;
  /** This batch's own stage times: batches overlap, so one clock for all would mix them. */
  readonly clock: StageClock;
}

interface InferredBatch<S> {
  readonly prepared: PreparedBatch<S>;
  readonly outputs: Output[];
  /** Time the model spent on this batch (not waiting for the batch ahead of it to finish). */
  readonly inferMs: number;
}

/**
 * Batch n+1 is prepared while batch n decodes; up to `decodeConcurrency` batches decode at once;
 * writes stay in batch order. So batches overlap in time, and each is measured twice: its own
 * time (preparing + running, the latency its samples share) and its share of the elapsed time
 * (from the previous batch's write, or its own start if later, to its write), which adds up to
 * the task's wall time and gives samples/s.
 */
class SampleLoop<S extends { readonly id: string; readonly source: SourceLocation }> {
  private readonly state = { done: 0, failed: 0, requested: 0 };
  private readonly prepareLimit: ReturnType<typeof pLimit>;
  private readonly decodeLimit: ReturnType<typeof pLimit>;
  private batch: Pending<S>[] = [];
  private lastWrite: Promise<void> = Promise.resolve();
  private lastWrittenAt = -Infinity;
  private readonly pending: Promise<void>[] = [];

  constructor(private readonly task: SampleTask<S>, private readonly ctx: TaskContext) {
    this.prepareLimit = pLimit(ctx.prepareConcurrency);
    this.decodeLimit = pLimit(ctx.decodeConcurrency);
  }

  private fail(record: FailedPrediction): FailedPrediction {
    const ctx = this.ctx;
    if (ctx.failFast) throw new SampleFailedError(`${ctx.plan.task.id}, sample ${record.sampleId} (${record.location}): ${record.reason}`);
    ctx.emit({ type: 'sample-failed', model: ctx.model.id, task: ctx.plan.task.id, sampleId: record.sampleId, reason: record.reason, location: record.location });
    return record;
  }

  private async prepareOne(p: Pending<S>, clock: StageClock): Promise<{ ok: true; prepared: Prepared<S> } | { ok: false; failure: FailedPrediction }> {
    const media = this.task.media(p.sample);
    try {
      const prepare = () => Promise.all(media.map((m) => this.ctx.model.adapter.prepare(m, clock)));
      const prepared = await this.ctx.mediaDigests.alongside(media.map((m) => m.path), prepare);
      return { ok: true, prepared: { ...p, media: prepared } };
    } catch (error) {
      const paths = media.map((m) => m.path).join(', ');
      return { ok: false, failure: failedRecord(this.ctx, p.index, p.sample.id, preparationFailure(paths, error as Error), paths) };
    }
  }

  private async prepare(batch: readonly Pending<S>[]): Promise<PreparedBatch<S>> {
    const started = performance.now();
    const clock = new StageClock(this.ctx.signal);
    const results = await Promise.all(batch.map((p) => this.prepareLimit(() => this.prepareOne(p, clock))));
    return {
      ready: results.flatMap((r) => (r.ok ? [r.prepared] : [])),
      failures: results.flatMap((r) => (r.ok ? [] : [this.fail(r.failure)])),
      started, prepareMs: performance.now() - started, clock,
    };
  }

  /** Run the task on `ready` once the decode slot is free; `ms` is the run's own time. */
  private async timedInfer(ready: readonly Prepared<S>[], clock: StageClock): Promise<{ outputs: Output[]; ms: number }> {
    return this.decodeLimit(async () => {
      const start = performance.now();
      try {
        return { outputs: await this.task.infer(ready, { ...this.ctx, clock }), ms: performance.now() - start };
      } catch (error) {
        throw new TimedFailure(error, performance.now() - start);
      }
    });
  }

  private async infer(prepared: PreparedBatch<S>): Promise<InferredBatch<S>> {
    if (prepared.ready.length === 0) return { prepared, outputs: [], inferMs: 0 };
    try {
      const { outputs, ms } = await this.timedInfer(prepared.ready, prepared.clock);
      return { prepared, outputs, inferMs: ms };
    } catch (caught) {
      const { error, ms } = TimedFailure.of(caught);
      // A batch of one already says which sample failed: no second run.
      if (prepared.ready.length === 1) {
        const failures = [...prepared.failures, this.sampleFailed(prepared.ready[0]!, error)];
        return { prepared: { ...prepared, ready: [], failures }, outputs: [], inferMs: ms };
      }
      return this.inferOneByOne(prepared, ms);
    }
  }

  /**
   * A batch the model refused (one sample's prompt too long for the LM, an input the family cannot
   * take) is run again sample by sample, so that only the samples that fail on their own are lost.
   */
  private async inferOneByOne(prepared: PreparedBatch<S>, refusedMs: number): Promise<InferredBatch<S>> {
    const ready: Prepared<S>[] = [];
    const outputs: Output[] = [];
    const failures = [...prepared.failures];
    let inferMs = refusedMs;
    for (const p of prepared.ready) {
      try {
        const run = await this.timedInfer([p], prepared.clock);
        outputs.push(...run.outputs);
        inferMs += run.ms;
        ready.push(p);
      } catch (caught) {
        const { error, ms } = TimedFailure.of(caught);
        inferMs += ms;
        failures.push(this.sampleFailed(p, error));
      }
    }
    return { prepared: { ...prepared, ready, failures }, outputs, inferMs };
  }

  /** The failed record of a sample the model threw on (with --fail-fast, the error that stops the run). */
  private sampleFailed(p: Prepared<S>, error: unknown): FailedPrediction {
    const reason = `the model failed on this sample: ${(error as Error).message}`;
    if (this.ctx.failFast) throw new SampleFailedError(`${this.ctx.plan.task.id}, sample ${p.sample.id}: ${reason}`);
    const paths = p.media.map((m) => m.path).join(', ');
    // A sample without media (a text-only record) is located by its place in the annotation file.
    return this.fail(failedRecord(this.ctx, p.index, p.sample.id, reason, paths || describeSource(p.sample)));
  }

  private write({ prepared, outputs, inferMs }: InferredBatch<S>): void {
    const ctx = this.ctx;
    const now = performance.now();
    const wallMs = now - Math.max(this.lastWrittenAt, prepared.started);
    this.lastWrittenAt = now;
    const perSample = prepared.ready.length > 0 ? (prepared.prepareMs + inferMs) / prepared.ready.length : 0;
    const records = [...outputs.map((o) => o.record(perSample)), ...prepared.failures];
    records.sort((a, b) => (a.sampleIndex ?? 0) - (b.sampleIndex ?? 0));
    ctx.writer.write(records, {
      phase: 'batch', samples: prepared.ready.length, failed: prepared.failures.length, wallMs,
      generatedTokens: outputs.reduce((sum, o) => sum + o.generatedTokens, 0),
      latenciesMs: prepared.ready.map(() => perSample), stagesMs: prepared.clock.take(),
    });
    this.state.done += prepared.ready.length;
    this.state.failed += prepared.failures.length;
    ctx.emit({ type: 'progress', model: ctx.model.id, task: ctx.plan.task.id, done: this.state.done, failed: this.state.failed });
  }

  private async flush(): Promise<void> {
    const current = this.batch;
    this.batch = [];
    const previous = this.lastWrite;
    const written = this.prepare(current).then((p) => this.infer(p)).then(async (result) => {
      await previous;
      this.write(result);
    });
    // Awaited below or at the end; this only keeps Node from reporting the rejection earlier.
    written.catch(() => {});
    this.lastWrite = written;
    this.pending.push(written);
    while (this.pending.length > this.ctx.decodeConcurrency) await this.pending.shift();
  }

  private async recordLoaderFailure(index: number, item: LoaderItem & { kind: 'failure' }): Promise<void> {
    const record = this.fail(failedRecord(this.ctx, index, item.id, item.reason, describeSource(item)));
    await this.lastWrite;
    this.ctx.writer.write([record], { phase: 'batch', samples: 0, failed: 1, wallMs: 0, generatedTokens: 0, latenciesMs: [], stagesMs: zeroStages() });
    this.state.failed += 1;
  }

  async run(): Promise<LoopResult> {
    const ctx = this.ctx;
    for await (const { index, item } of taskItems(ctx.plan, ctx.settings.limit, ctx.shard)) {
      if (ctx.signal.aborted) break;
      this.state.requested += 1;
      if (ctx.done.has(item.id)) continue;
      if (item.kind === 'failure') {
        await this.recordLoaderFailure(index, item);
        continue;
      }
      const accepted = this.task.accept(item);
      if ('unusable' in accepted) throw new SampleFailedError(`${ctx.plan.task.id}: ${describeSource(item)}: ${accepted.unusable}`);
      if ('invalid' in accepted) {
        await this.recordLoaderFailure(index, { kind: 'failure', id: item.id, reason: accepted.invalid, source: item.source });
        continue;
      }
      this.batch.push({ index, sample: accepted });
      if (this.batch.length >= ctx.settings.batchSize) await this.flush();
    }
    if (this.batch.length > 0 && !ctx.signal.aborted) await this.flush();
    for (const written of this.pending) await written;
    return { ...this.state, interrupted: ctx.signal.aborted };
  }
}

/** A model call that threw, with how long it ran before it did. */
class TimedFailure {
  constructor(readonly error: unknown, readonly ms: number) {}

  static of(caught: unknown): TimedFailure {
    return caught instanceof TimedFailure ? caught : new TimedFailure(caught, 0);
  }
}

export function runSampleTask<S extends { readonly id: string; readonly source: SourceLocation }>(task: SampleTask<S>, ctx: TaskContext): Promise<LoopResult> {
  return new SampleLoop(task, ctx).run();
}

/** Why media could not be prepared, naming its path once (decoders already start with it). */
export function preparationFailure(paths: string, error: Error): string {
  return error.message.startsWith(paths) ? `cannot prepare ${error.message}` : `cannot prepare ${paths}: ${error.message}`;
}
