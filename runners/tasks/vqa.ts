/**
 * VQA: the question through the prompt template, then either answer ranking over the answer list
 * (ALBEF/BLIP, two-stage as LAVIS) or generation with the family's decoding settings.
 */
import { readFileSync } from 'node:fs';
import type { Sample, VqaSample } from '../../datasets/samples.js';
import type { VqaPrediction } from '../../reports/records.js';
import type { VqaRequest } from '../../models/capabilities.js';
import { placeholdersOf, positionalFields, TemplateError, templateText } from '../../suites/templates.js';
import type { TaskContext } from './context.js';
import { decodeBatch } from './sampled.js';
import { generatedIds, runSampleTask, type LoopResult, type Output, type Prepared, type SampleTask } from './sample-loop.js';

export class AnswerListError extends Error {
  override name = 'AnswerListError';
}

export function readAnswerList(file: string): string[] {
  let list: unknown;
  try {
    list = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new AnswerListError(`${file}: cannot read the answer list: ${(error as Error).message}`);
  }
  if (!Array.isArray(list) || list.length === 0 || !list.every((a) => typeof a === 'string')) {
    throw new AnswerListError(`${file}: expected a non-empty JSON list of answer strings (LAVIS answer_list.json)`);
  }
  return list as string[];
}

function output(ctx: TaskContext, b: Prepared<VqaSample>, answer: string, tokenIds: readonly number[]): Output {
  return {
    generatedTokens: tokenIds.length,
    record: (latencyMs: number): VqaPrediction => ({
      kind: 'vqa', sampleId: b.sample.id, model: ctx.model.id, task: ctx.plan.task.id, sampleIndex: b.index,
      question: b.sample.question, answer, answers: b.sample.answers, answerType: b.sample.answerType, questionType: b.sample.questionType,
      imageId: b.sample.imageId, generatedTokens: tokenIds.length, ...generatedIds(tokenIds), latencyMs, media: [b.sample.media.path],
    }),
  };
}

/**
 * The VQA template with the question as `{question}`. A VQA sample has only a question (LAVIS
 * VQATask formats `prompt.format(question)`), so a template that also writes context or options
 * would reach the model with them empty or as literal text: it is refused.
 */
export function vqaTemplate(nameOrText: string): string {
  const text = templateText(nameOrText);
  const extra = placeholdersOf(text).filter((name) => name !== '' && name !== 'question');
  if (extra.length > 0 || positionalFields(text).includes('options')) {
    const what = extra.length > 0 ? extra.map((name) => `{${name}}`).join(', ') : "a second '{}' (the options)";
    throw new TemplateError(`VQA template '${nameOrText}' uses ${what}, but VQA samples have only a question; use an instruction task (its samples carry context and choices) or a template with {question} alone`);
  }
  return text.replace(/\{\}/g, '{question}');
}

export function vqaTask(ctx: TaskContext): SampleTask<VqaSample> {
  const settings = ctx.settings;
  if (settings.kind !== 'vqa') throw new Error('vqaTask needs vqa settings');
  const adapter = ctx.model.adapter;
  const template = vqaTemplate(settings.template);
  const answerList = settings.method === 'rank' ? readAnswerList(settings.answerList ?? '') : [];
  return {
    accept: (item: Sample) => (item.kind === 'vqa' ? item : { unusable: `a vqa task needs vqa samples, the loader gave ${item.kind}` }),
    media: (sample) => [sample.media],
    async infer(batch, taskCtx) {
      // The adapter applies the family's question processor (LAVIS blip_question), then fills the template.
      const requests: VqaRequest[] = batch.map((b) => ({ image: b.media[0]!, question: b.sample.question, template }));
      if (settings.method === 'rank') {
        const ranked = await adapter.answerRanking!.rankAnswers(requests, answerList, settings.numCandidates, taskCtx.clock);
        return batch.map((b, i) => output(ctx, b, ranked[i]!.answer, []));
      }
      const ids = batch.map((b) => b.sample.id);
      const generations = await decodeBatch(requests, ids, settings.generation, (r, config) => adapter.answerGeneration!.answer(r, config, taskCtx.clock));
      return batch.map((b, i) => output(ctx, b, generations[i]!.text, generations[i]!.tokenIds));
    },
  };
}

export function runVqa(ctx: TaskContext): Promise<LoopResult> {
  return runSampleTask(vqaTask(ctx), ctx);
}
