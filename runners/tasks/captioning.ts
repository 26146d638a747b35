/** Captioning: the family's caption decoder on each image (or clip), prompt and decoding from the settings. */
import type { CaptionSample, Sample } from '../../datasets/samples.js';
import type { CaptionPrediction } from '../../reports/records.js';
import type { TaskContext } from './context.js';
import { decodeBatch } from './sampled.js';
import { generatedIds, runSampleTask, type LoopResult, type SampleTask } from './sample-loop.js';

export function captioningTask(ctx: TaskContext): SampleTask<CaptionSample> {
  const settings = ctx.settings;
  if (settings.kind !== 'captioning') throw new Error('captioningTask needs captioning settings');
  const captioner = ctx.model.adapter.captioning;
  if (captioner === undefined) throw new Error(`${ctx.model.id} has no captioning capability (the plan should have marked it not applicable)`);
  return {
    accept: (item: Sample) => (item.kind === 'caption' ? item : { unusable: `a captioning task needs caption samples, the loader gave ${item.kind}` }),
    media: (sample) => [sample.media],
    async infer(batch, taskCtx) {
      const requests = batch.map((b) => ({ image: b.media[0]!, prompt: settings.prompt }));
      const ids = batch.map((b) => b.sample.id);
      const generations = await decodeBatch(requests, ids, settings.generation, (r, config) => captioner.caption(r, config, taskCtx.clock));
      return batch.map((b, i) => {
        const generation = generations[i]!;
        return {
          generatedTokens: generation.tokenIds.length,
          record: (latencyMs: number): CaptionPrediction => ({
            kind: 'captioning', sampleId: b.sample.id, model: ctx.model.id, task: ctx.plan.task.id, sampleIndex: b.index,
            caption: generation.text, references: b.sample.references, generatedTokens: generation.tokenIds.length, ...generatedIds(generation.tokenIds), latencyMs, media: [b.sample.media.path],
          }),
        };
      });
    },
  };
}

export function runCaptioning(ctx: TaskContext): Promise<LoopResult> {
  return runSampleTask(captioningTask(ctx), ctx);
}
