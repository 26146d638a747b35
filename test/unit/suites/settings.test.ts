/**
 * Settings resolution with provenance, and prompt templates: which value wins (suite over
 * --limit only when smaller, family default over vlbench/HF default), and LAVIS's option
 * formatting `(a) x (b) y`.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { HF_DEFAULT_GENERATION } from '../../../models/generation/config.js';
import { resolveTaskSettings, type ModelFacts } from '../../../suites/settings.js';
import { applyCandidateTemplate, applyPromptTemplate, formatOptions } from '../../../suites/templates.js';
import type { TaskSpec } from '../../../suites/schema/suite.js';

const dataset = { loader: 'karpathy-caption', files: {} };
const blip: ModelFacts = {
  canRankAnswers: true, canGenerateAnswers: true,
  defaults: {
    caption: { prompt: 'a picture of ', generation: { ...HF_DEFAULT_GENERATION, numBeams: 3, maxLength: 20, minLength: 5 } },
    retrieval: { kTest: 256, maxTextLength: 35 },
  },
};

test('captioning: suite overrides, family defaults and HF defaults, each with its source', () => {
  const task: TaskSpec = { kind: 'captioning', id: 'c', dataset, limit: 100, generation: { numBeams: 5 } };
  const { effective, record } = resolveTaskSettings(task, blip, { limit: 10 }, 'image');
  assert.ok(effective.kind === 'captioning');
  assert.equal([effective.generation.numBeams, effective.generation.maxLength, effective.generation.topP, effective.prompt], [5, 20, 1, 'a picture of ']);
  assert.equal(record['generation.numBeams'], { value: 5, source: 'suite' });
  assert.equal(record['generation.minLength'], { value: 5, source: 'family-default' });
  // The family's generation config is complete (from its manifest), so it is the source even
  // where its value equals Hugging Face's; without one, HF's default is.
  assert.equal(record['generation.repetitionPenalty'], { value: 1, source: 'family-default' });
  const bare = resolveTaskSettings(task, { ...blip, defaults: {} }, { limit: null }, 'image').record;
  assert.equal(bare['generation.repetitionPenalty'], { value: 1, source: 'default' });
  assert.equal(bare.prompt, { value: null, source: 'default' });
  assert.equal(record.prompt, { value: 'a picture of ', source: 'family-default' });
  assert.equal(record.limit, { value: 10, source: 'cli' });
  assert.equal(record.tokenize, { value: 'ptb', source: 'default' });
});

test('open instruction tasks: decoding "answer" takes the family\'s VQA decoding (LAVIS predict_answers), "generate" its generate() defaults', () => {
  // InstructBLIP-T5's manifest blocks: generate() lp 1, max 30; predict_answers lp -1, max 10.
  const instructT5: ModelFacts = {
    canRankAnswers: false, canGenerateAnswers: true,
    defaults: {
      vqa: { promptTemplate: '{question}', numAnswerCandidates: 128, generation: { ...HF_DEFAULT_GENERATION, numBeams: 5, maxLength: 10, lengthPenalty: -1, repetitionPenalty: 1.5 } },
      instruction: { generation: { ...HF_DEFAULT_GENERATION, numBeams: 5, maxLength: 30, lengthPenalty: 1, repetitionPenalty: 1.5 } },
    },
  };
  const task: TaskSpec = { kind: 'instruction', id: 'vizwiz', mode: 'open', dataset, generation: { maxLength: 10 } };
  const answer = resolveTaskSettings({ ...task, decoding: 'answer' }, instructT5, { limit: null }, 'image');
  assert.equal(answer.record['generation.lengthPenalty'], { value: -1, source: 'family-default' });
  assert.equal(answer.record.decoding, { value: 'answer', source: 'suite' });
  const generate = resolveTaskSettings(task, instructT5, { limit: null }, 'image');
  assert.equal(generate.record['generation.lengthPenalty'], { value: 1, source: 'family-default' });
  assert.equal(generate.record.decoding, { value: 'generate', source: 'default' });
  assert.equal(generate.record['generation.maxLength'], { value: 10, source: 'suite' });
});

test('--limit larger than the suite limit does not raise it', () => {
  const task: TaskSpec = { kind: 'retrieval', id: 'r', dataset, limit: 5 };
  const { record, effective } = resolveTaskSettings(task, blip, { limit: 50 }, 'image');
  assert.equal(record.limit, { value: 5, source: 'suite' });
  // The 5 images the limit keeps cannot hold the family's k_test 256: the record shows what applies.
  assert.equal(record.kTest, { value: 5, source: 'suite' });
  assert.equal(record.kTestRequested, { value: 256, source: 'family-default' });
  assert.is(effective.limit, 5);
});

test('vqa: the method follows the family; ranking records no decoding settings', () => {
  const rank = resolveTaskSettings({ kind: 'vqa', id: 'v', dataset }, blip, { limit: null }, 'image');
  assert.equal(rank.record.method, { value: 'rank', source: 'family-default' });
  assert.is(rank.record['generation.numBeams'], undefined);
  const generateOnly: ModelFacts = { ...blip, canRankAnswers: false };
  const generate = resolveTaskSettings({ kind: 'vqa', id: 'v', dataset }, generateOnly, { limit: null }, 'image');
  assert.equal(generate.record.method, { value: 'generate', source: 'family-default' });
  assert.equal(generate.record.template, { value: 'question', source: 'default' });
  assert.equal(generate.record['generation.numBeams'], { value: 1, source: 'default' });
  assert.is(generate.record.answerList, undefined);
  assert.is(generate.record.numCandidates, undefined);
});

test("vqa: a model.json's declared method wins over ranking when the model can do it", () => {
  const vqaDefaults = { promptTemplate: '{question}', generation: { ...HF_DEFAULT_GENERATION, numBeams: 3, maxLength: 10 }, numAnswerCandidates: 128 };
  const declaresGenerate: ModelFacts = { ...blip, defaults: { ...blip.defaults, vqa: { ...vqaDefaults, method: 'generate' } } };
  const generate = resolveTaskSettings({ kind: 'vqa', id: 'v', dataset }, declaresGenerate, { limit: null }, 'image');
  assert.equal(generate.record.method, { value: 'generate', source: 'family-default' });
  assert.equal(generate.record['generation.numBeams'], { value: 3, source: 'family-default' });
  // Declared but impossible (a model that can only rank): ranking, as the capabilities allow.
  const rankOnly: ModelFacts = { ...declaresGenerate, canGenerateAnswers: false };
  assert.equal(resolveTaskSettings({ kind: 'vqa', id: 'v', dataset }, rankOnly, { limit: null }, 'image').record.method, { value: 'rank', source: 'family-default' });
});

test('length limit: a T5 family applies a suite maxLength as maxNewTokens (LAVIS), and the record shows what applies', () => {
  const t5: ModelFacts = { ...blip, defaults: { caption: { prompt: 'a photo of', generation: { ...HF_DEFAULT_GENERATION, numBeams: 5, maxLength: 30, maxNewTokens: 30 } } } };
  const task = (generation: Record<string, number>): TaskSpec => ({ kind: 'captioning', id: 'c', dataset, generation });
  const limited = resolveTaskSettings(task({ maxLength: 3 }), t5, { limit: null }, 'image');
  assert.ok(limited.effective.kind === 'captioning');
  assert.equal([limited.effective.generation.maxLength, limited.effective.generation.maxNewTokens], [3, 3]);
  assert.equal(limited.record['generation.maxNewTokens'], { value: 3, source: 'suite' });
  assert.equal(limited.record['generation.maxLength'], { value: 3, source: 'suite' });
  const newTokens = resolveTaskSettings(task({ maxNewTokens: 4 }), t5, { limit: null }, 'image');
  assert.equal([newTokens.record['generation.maxLength'], newTokens.record['generation.maxNewTokens']], [{ value: 4, source: 'suite' }, { value: 4, source: 'suite' }]);
  // A family that limits by maxLength: a suite maxNewTokens supersedes it (HF ignores max_length then).
  const opt = resolveTaskSettings(task({ maxNewTokens: 4 }), blip, { limit: null }, 'image');
  assert.ok(opt.effective.kind === 'captioning');
  assert.is(opt.effective.generation.maxNewTokens, 4);
  assert.equal(opt.record['generation.maxLength'], { value: null, source: 'suite' });
  const plain = resolveTaskSettings(task({ maxLength: 12 }), blip, { limit: null }, 'image').record;
  assert.equal([plain['generation.maxLength'], plain['generation.maxNewTokens']], [{ value: 12, source: 'suite' }, { value: null, source: 'default' }]);
});

test("the suite's top-level seed seeds sampling unless the task's generation sets one", () => {
  const task: TaskSpec = { kind: 'captioning', id: 'c', dataset, generation: { numBeams: 1, doSample: true } };
  assert.equal(resolveTaskSettings(task, blip, { limit: null }, 'image', 2026).record['generation.seed'], { value: 2026, source: 'suite' });
  const own: TaskSpec = { ...task, generation: { numBeams: 1, doSample: true, seed: 5 } };
  assert.equal(resolveTaskSettings(own, blip, { limit: null }, 'image', 2026).record['generation.seed'], { value: 5, source: 'suite' });
  assert.equal(resolveTaskSettings(task, blip, { limit: null }, 'image').record['generation.seed'], { value: 0, source: 'family-default' });
});

test('prompt templates: named and inline, LAVIS {} alias, options written (a) x (b) y', () => {
  assert.is(formatOptions(['red', 'blue', 'green']), '(a) red (b) blue (c) green');
  assert.is(applyPromptTemplate('scienceqa', { question: 'Which?', context: 'Hot day.', choices: ['sun', 'moon'] }), 'Context: Hot day. Question: Which? Options: (a) sun (b) moon. Answer:');
  assert.is(applyPromptTemplate('Question: {} Short answer:', { question: 'what colour?' }), 'Question: what colour? Short answer:');
  assert.is(applyCandidateTemplate('a-3d-model-of', 'chair'), ' a 3d model of a chair'); // LAVIS: " a 3d model of a {}"
  // Option text is taken as written: '$' sequences are not replacement patterns.
  for (const choice of ['costs $$', 'a$&b', "x$'y", '$`z', 'US$ 5']) assert.is(applyCandidateTemplate('the {choice}.', choice), `the ${choice}.`);
});

test.run();
