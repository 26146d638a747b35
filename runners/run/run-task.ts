/**
 * One (model, task) pair of a run: skip it when not applicable (recorded with the reason) or
 * already complete (resume), else run it to the end or to an abort, and mark it complete with
 * the number of samples it covers.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runCaptioning } from '../tasks/captioning.js';
import type { TaskContext } from '../tasks/context.js';
import { BatchWriter } from '../tasks/batch-writer.js';
import type { MediaDigests } from '../tasks/media-digests.js';
import { runInstruction } from '../tasks/instruction.js';
import { runRetrieval } from '../tasks/retrieval.js';
import type { LoopResult } from '../tasks/sample-loop.js';
import { runVqa } from '../tasks/vqa.js';
import type { RunOptions } from './execute.js';
import { donePredictions } from './execute.js';
import { StageClock } from './measure.js';
import type { PlannedModel, TaskPlan } from './plan.js';
import { RunDirectory, safeName } from './run-dir.js';

export interface TaskOutcome {
  readonly model: string;
  readonly task: string;
  readonly result: LoopResult;
}

export interface CompletionMarker {
  readonly requested: number;
}

export function completionFile(dir: RunDirectory, model: string, task: string): string {
  return join(dir.root, 'progress', safeName(model), `${safeName(task)}.complete.json`);
}

function dispatch(ctx: TaskContext): Promise<LoopResult> {
  switch (ctx.settings.kind) {
    case 'retrieval': return runRetrieval(ctx);
    case 'captioning': return runCaptioning(ctx);
    case 'vqa': return runVqa(ctx);
    case 'instruction': return runInstruction(ctx);
    default: {
      const never: never = ctx.settings;
      return never;
    }
  }
}

export async function executeTask(input: { dir: RunDirectory; model: PlannedModel; task: TaskPlan; session: number; options: RunOptions; mediaDigests: MediaDigests }): Promise<TaskOutcome | undefined> {
  const { dir, model, task, session, options, mediaDigests } = input;
  const modelId = model.loaded.id;
  const taskId = task.task.id;
  const pair = task.perModel.get(modelId);
  if (pair === undefined) return undefined;
  if (!pair.applicable) {
    options.emit({ type: 'not-applicable', model: modelId, task: taskId, reason: pair.reason });
    return undefined;
  }
  if (existsSync(completionFile(dir, modelId, taskId))) return undefined;
  const writer = new BatchWriter(modelId, taskId, session, { predictions: dir.predictions(modelId, taskId), progress: dir.progress(modelId, taskId) }, mediaDigests);
  const done = donePredictions(dir, modelId, taskId);
  const ctx: TaskContext = {
    model: model.loaded, plan: task, settings: pair.settings, shard: options.shard, clock: new StageClock(options.signal), writer, mediaDigests, done,
    failFast: options.failFast, signal: options.signal, prepareConcurrency: options.prepareConcurrency ?? 4, decodeConcurrency: options.decodeConcurrency ?? 1, emit: options.emit,
  };
  // Retrieval counts queries (images and captions), which the sample limit does not give.
  const total = pair.settings.kind === 'retrieval' ? null : pair.settings.limit;
  options.emit({ type: 'task-start', model: modelId, task: taskId, total, alreadyDone: done.size });
  const started = performance.now();
  try {
    const result = await dispatch(ctx);
    if (result.interrupted) options.emit({ type: 'interrupted', model: modelId, task: taskId });
    else dir.writeJson(completionFile(dir, modelId, taskId), { requested: result.requested } satisfies CompletionMarker);
    options.emit({ type: 'task-end', model: modelId, task: taskId, done: result.done, failed: result.failed, seconds: (performance.now() - started) / 1000 });
    return { model: modelId, task: taskId, result };
  } finally {
    writer.close();
  }
}
