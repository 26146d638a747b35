/**
 * The batch loop shared by the per-sample tasks (captioning, VQA, instruction): stream the
 * task's samples, skip those already written (resume), record loader failures, group the rest
 * into batches, prepare media with bounded concurrency while the previous batch runs, run the
 * model, and write each batch's predictions before starting on the next. An abort (Ctrl-C)
 * lets the current batch finish and be written, then stops.
 */
import pLimit from 'p-limit';
import type { LoaderItem, MediaRef, Sample } from '../../datasets/samples.js';
import type { PreparedMedia } from '../../models/capabilities.js';
import type { FailedPrediction, PredictionRecord } from '../../reports/records.js';
import { taskItems } from '../run/samples.js';
import { SampleFailedError, type TaskContext } from './context.js';

export interface Pending<S> {
  readonly index: number;
  readonly sample: S;
}

export interface Prepared<S> extends Pending<S> {
  readonly media: readonly PreparedMedia[];
}

export interface Output {
  /** Builds the record once the batch's per-sample latency is known. */
  readonly record: (latencyMs: number) => PredictionRecord;
  readonly generatedTokens: number;
}

export interface SampleTask<S> {
  /** The sample this task consumes, or why this item cannot be used. */
  accept(item: Sample): S | { readonly unusable: string };
  media(sample: S): readonly MediaRef[];
  infer(batch: readonly Prepared<S>[], ctx: TaskContext): Promise<Output[]>;
}

export function failedRecord(ctx: TaskContext, index: number, sampleId: string, reason: string, location: string): FailedPrediction {
  return { kind: 'failed', sampleId, model: ctx.model.id, task: ctx.plan.task.id, sampleIndex: index, reason, location };
}

function describeSource(item: LoaderItem): string {
  return `${item.source.file}:${item.source.at}`;
}

export interface LoopResult {
  readonly done: number;
  readonly failed: number;
  /** Samples (queries for retrieval) this task covers in this shard, written earlier or now. */
  readonly requested: number;
  readonly interrupted: boolean;
}

export async function runSampleTask<S extends { readonly id: string }>(task: SampleTask<S>, ctx: TaskContext): Promise<LoopResult> {
  const state = { done: 0, failed: 0, requested: 0 };
  const prepareLimit = pLimit(ctx.prepareConcurrency);
  const fail = (record: FailedPrediction): FailedPrediction => {
    if (ctx.failFast) throw new SampleFailedError(`${ctx.plan.task.id}, sample ${record.sampleId} (${record.location}): ${record.reason}`);
    ctx.emit({ type: 'sample-failed', model: ctx.model.id, task: ctx.plan.task.id, sampleId: record.sampleId, reason: record.reason });
    return record;
  };

  const prepare = async (batch: readonly Pending<S>[]): Promise<{ ready: Prepared<S>[]; failures: FailedPrediction[]; started: number }> => {
    const started = performance.now();
    const results = await Promise.all(batch.map((p) => prepareLimit(async () => {
      try {
        const media = await Promise.all(task.media(p.sample).map((m) => ctx.model.adapter.prepare(m, ctx.clock)));
        return { ok: true as const, prepared: { ...p, media } };
      } catch (error) {
        const paths = task.media(p.sample).map((m) => m.path).join(', ');
        return { ok: false as const, failure: failedRecord(ctx, p.index, p.sample.id, `cannot prepare ${paths}: ${(error as Error).message}`, paths) };
      }
    })));
    return {
      ready: results.flatMap((r) => (r.ok ? [r.prepared] : [])),
      failures: results.flatMap((r) => (r.ok ? [] : [fail(r.failure)])),
      started,
    };
  };

  const decodeLimit = pLimit(ctx.decodeConcurrency);
  const infer = async (prepared: Awaited<ReturnType<typeof prepare>>) => {
    const outputs = prepared.ready.length > 0 ? await decodeLimit(() => task.infer(prepared.ready, ctx)) : [];
    return { prepared, outputs, wallMs: performance.now() - prepared.started };
  };

  const write = ({ prepared, outputs, wallMs }: Awaited<ReturnType<typeof infer>>): void => {
    const perSample = prepared.ready.length > 0 ? wallMs / prepared.ready.length : 0;
    const records = [...outputs.map((o) => o.record(perSample)), ...prepared.failures];
    records.sort((a, b) => (a.sampleIndex ?? 0) - (b.sampleIndex ?? 0));
    ctx.writer.write(records, {
      phase: 'batch', samples: prepared.ready.length, failed: prepared.failures.length, wallMs,
      generatedTokens: outputs.reduce((sum, o) => sum + o.generatedTokens, 0),
      latenciesMs: prepared.ready.map(() => perSample), stagesMs: ctx.clock.take(),
    });
    state.done += prepared.ready.length;
    state.failed += prepared.failures.length;
    ctx.emit({ type: 'progress', model: ctx.model.id, task: ctx.plan.task.id, done: state.done, failed: state.failed });
  };

  // Batch n+1 is prepared while batch n decodes; up to decodeConcurrency batches decode at once.
  // Writes stay in batch order. Each chain is awaited below; the empty catch only keeps Node from
  // reporting a rejection before that await reaches it.
  let batch: Pending<S>[] = [];
  let lastWrite: Promise<void> = Promise.resolve();
  const pending: Promise<void>[] = [];
  const flush = async (): Promise<void> => {
    const current = batch;
    batch = [];
    const previous = lastWrite;
    const written = prepare(current).then(infer).then(async (result) => {
      await previous;
      write(result);
    });
    written.catch(() => {});
    lastWrite = written;
    pending.push(written);
    while (pending.length > ctx.decodeConcurrency) await pending.shift();
  };

  for await (const { index, item } of taskItems(ctx.plan, ctx.settings.limit, ctx.shard)) {
    if (ctx.signal.aborted) break;
    state.requested += 1;
    if (ctx.done.has(item.id)) continue;
    if (item.kind === 'failure') {
      const record = fail(failedRecord(ctx, index, item.id, item.reason, describeSource(item)));
      await lastWrite;
      ctx.writer.write([record], { phase: 'batch', samples: 0, failed: 1, wallMs: 0, generatedTokens: 0, latenciesMs: [], stagesMs: ctx.clock.take() });
      state.failed += 1;
      continue;
    }
    const accepted = task.accept(item);
    if ('unusable' in accepted) throw new SampleFailedError(`${ctx.plan.task.id}: ${describeSource(item)}: ${accepted.unusable}`);
    batch.push({ index, sample: accepted });
    if (batch.length >= ctx.settings.batchSize) await flush();
  }
  if (batch.length > 0 && !ctx.signal.aborted) await flush();
  for (const written of pending) await written;
  return { ...state, interrupted: ctx.signal.aborted };
}
