/**
 * Instruction following (InstructBLIP held-out, X-InstructBLIP modalities): the prompt from the
 * template; open-ended answers are generated, multiple choice ranks every option by the model's
 * log-likelihood and takes the best. VQA-format datasets (VizWiz, GQA) are accepted as
 * open-ended instruction samples with the answer type as category.
 */
import type { InstructionSample, Sample } from '../../datasets/samples.js';
import type { InstructionPrediction } from '../../reports/records.js';
import { processText } from '../../models/preprocess/text.js';
import { applyCandidateTemplate, applyPromptTemplate } from '../../suites/templates.js';
import { asInstruction, instructionRecordCheck } from './instruction-records.js';
import type { TaskContext } from './context.js';
import { decodeBatch } from './sampled.js';
import { generatedIds, runSampleTask, type LoopResult, type Output, type Prepared, type SampleTask } from './sample-loop.js';

function output(ctx: TaskContext, b: Prepared<InstructionSample>, prompt: string, answer: string, chosenIndex: number, tokenIds: readonly number[]): Output {
  const mode = ctx.settings.kind === 'instruction' ? ctx.settings.mode : 'open';
  return {
    generatedTokens: tokenIds.length,
    record: (latencyMs: number): InstructionPrediction => ({
      kind: 'instruction', sampleId: b.sample.id, model: ctx.model.id, task: ctx.plan.task.id, sampleIndex: b.index,
      prompt, answer, mode, choices: b.sample.choices, chosenIndex, answerIndex: b.sample.answerIndex, answers: b.sample.answers,
      category: b.sample.category, generatedTokens: tokenIds.length, ...generatedIds(tokenIds), latencyMs, media: b.sample.media.map((m) => m.path),
    }),
  };
}

function argmax(values: readonly number[]): number {
  let best = 0;
  values.forEach((v, i) => {
    if (v > (values[best] ?? -Infinity)) best = i;
  });
  return best;
}

export function instructionTask(ctx: TaskContext): SampleTask<InstructionSample> {
  const settings = ctx.settings;
  if (settings.kind !== 'instruction') throw new Error('instructionTask needs instruction settings');
  const capability = ctx.model.adapter.instruction!;
  const recordProblem = instructionRecordCheck(settings);
  return {
    accept: (item: Sample) => {
      const sample = asInstruction(item);
      if ('unusable' in sample) return sample;
      const invalid = recordProblem(sample);
      return invalid === undefined ? sample : { invalid };
    },
    media: (sample) => sample.media,
    async infer(batch, taskCtx) {
      const question = (text: string): string => (settings.questionProcessor === 'none' ? text : processText({ kind: settings.questionProcessor }, text));
      const prompts = batch.map((b) => applyPromptTemplate(settings.template, { question: question(b.sample.question), context: b.sample.context, choices: b.sample.choices }));
      const asAnswer = settings.mode === 'open' && settings.decoding === 'answer';
      const requests = batch.map((b, i) => ({ media: b.media, prompt: prompts[i]!, ...(asAnswer ? { asAnswer } : {}) }));
      if (settings.mode === 'multiple-choice') {
        const candidates = batch.map((b) => b.sample.choices.map((c) => applyCandidateTemplate(settings.candidateTemplate, c)));
        const scores = await capability.scoreCandidates(requests, candidates, taskCtx.clock);
        return batch.map((b, i) => {
          const chosen = argmax(scores[i]!);
          return output(ctx, b, prompts[i]!, b.sample.choices[chosen] ?? '', chosen, []);
        });
      }
      const ids = batch.map((b) => b.sample.id);
      const generations = await decodeBatch(requests, ids, settings.generation, (r, config) => capability.generate(r, config, taskCtx.clock));
      return batch.map((b, i) => output(ctx, b, prompts[i]!, generations[i]!.text, -1, generations[i]!.tokenIds));
    },
  };
}

export function runInstruction(ctx: TaskContext): Promise<LoopResult> {
  return runSampleTask(instructionTask(ctx), ctx);
}
