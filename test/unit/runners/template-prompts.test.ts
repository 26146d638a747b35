/**
 * The prompts the instruction and VQA tasks hand to the model, against LAVIS (model-contracts
 * §5.3): predict_answers formats `prompt.format(question)` for VQA (a VQA sample has nothing else
 * to fill), and writes options `(a) x (b) y` only from a sample's choices (with none, LAVIS has no
 * prompt to build). A template that asks for what a sample lacks is refused, never sent with an
 * empty "Options: ." or a literal "{options}".
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { InstructionSample } from '../../../datasets/samples.js';
import type { InstructionRequest } from '../../../models/capabilities.js';
import { instructionTask } from '../../../runners/tasks/instruction.js';
import type { TaskContext } from '../../../runners/tasks/context.js';
import { vqaTemplate } from '../../../runners/tasks/vqa.js';
import { HF_DEFAULT_GENERATION } from '../../../models/generation/config.js';
import type { EffectiveSettings } from '../../../suites/settings.js';

function sample(id: string, choices: string[]): InstructionSample {
  return {
    kind: 'instruction', id, media: [{ modality: 'image', path: `/img/${id}.png` }], question: 'How many dots?', context: '', choices,
    answerIndex: choices.length > 0 ? 0 : -1, answers: choices.length > 0 ? [choices[0]!] : ['8'], category: '', source: { file: 'x.jsonl', at: '1' },
  } as InstructionSample;
}

function context(template: string, mode: 'open' | 'multiple-choice', seen: InstructionRequest[], decoding: 'generate' | 'answer' = 'generate'): TaskContext {
  const settings: EffectiveSettings = {
    kind: 'instruction', mode, template, candidateTemplate: 'choice', generation: HF_DEFAULT_GENERATION, modality: 'image', questionProcessor: 'none', decoding, batchSize: 8, limit: null,
  };
  const instruction = {
    async generate(requests: readonly InstructionRequest[]) {
      seen.push(...requests);
      return requests.map(() => ({ text: '8', tokenIds: [1] }));
    },
    async scoreCandidates(requests: readonly InstructionRequest[], candidates: readonly (readonly string[])[]) {
      seen.push(...requests);
      return candidates.map((c) => c.map(() => 0));
    },
  };
  return { settings, model: { id: 'm', adapter: { instruction } }, plan: { task: { id: 't' } } } as unknown as TaskContext;
}

test('an open task whose template writes {options} refuses a sample without choices', () => {
  const task = instructionTask(context('Question: {question} Options: {options}. Short answer:', 'open', []));
  const refused = task.accept(sample('gqa1', []));
  assert.ok('invalid' in refused, 'a sample without choices must not be prompted with an empty "Options: ."');
  assert.ok(/no choices/.test((refused as { invalid: string }).invalid));
  assert.equal(task.accept(sample('icon1', ['6', '8'])), sample('icon1', ['6', '8']));
});

test("a second LAVIS '{}' is the options too: refused without choices, filled (a) x (b) y with them", async () => {
  const seen: InstructionRequest[] = [];
  const task = instructionTask(context('Question: {} Options: {}. Short answer:', 'open', seen));
  assert.ok('invalid' in task.accept(sample('gqa1', [])));
  await task.infer([{ sample: sample('icon1', ['6', '8', '5']), index: 0, media: [] }] as never, { clock: undefined } as never);
  assert.is(seen[0]!.prompt, 'Question: How many dots? Options: (a) 6 (b) 8 (c) 5. Short answer:');
});

test("decoding 'answer' asks the model for answers (its predict_answers' post-processing); 'generate' does not", async () => {
  for (const decoding of ['answer', 'generate'] as const) {
    const seen: InstructionRequest[] = [];
    const task = instructionTask(context('Question: {} Short answer:', 'open', seen, decoding));
    await task.infer([{ sample: sample('q1', []), index: 0, media: [] }] as never, { clock: undefined } as never);
    assert.is(seen[0]!.asAnswer === true, decoding === 'answer', decoding);
  }
});

test('a template without options accepts samples without choices', () => {
  const task = instructionTask(context('Question: {} Short answer:', 'open', []));
  assert.not.ok('invalid' in task.accept(sample('gqa1', [])));
});

test('a VQA template may only place the question', () => {
  assert.is(vqaTemplate('Question: {} Short answer:'), 'Question: {question} Short answer:');
  assert.is(vqaTemplate('vqa-short-answer'), 'Question: {question} Short answer:');
  assert.throws(() => vqaTemplate('Context: {context} Question: {question} Short answer:'), /\{context\}/);
  assert.throws(() => vqaTemplate('Question: {question} Options: {options}. Answer:'), /\{options\}/);
  assert.throws(() => vqaTemplate('OCR tokens: {}. Question: {} Short answer:'), /second '\{\}'/);
});

test.run();
