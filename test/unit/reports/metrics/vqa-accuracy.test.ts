import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { formatVqaPercent, scoreExactMatch, scoreVqa, vqaQuestionAccuracy } from '../../../../reports/metrics/vqa-accuracy.js';
import { vqaItemsFromOfficial } from '../../../../reports/metrics/vqa-official-format.js';
import { MetricInputError } from '../../../../reports/metrics/input-error.js';

const dir = new URL('../../../golden/vqa/', import.meta.url);
const readGolden = (name: string): unknown => JSON.parse(readFileSync(new URL(name, dir), 'utf8'));

interface Expected {
  readonly rounded: { overall: number; perQuestionType: Record<string, number>; perAnswerType: Record<string, number> };
  readonly unrounded: { overall: number; perQuestionType: Record<string, number>; perAnswerType: Record<string, number> };
  readonly perQuestionRounded: Record<string, number>;
  readonly perQuestionFraction: Record<string, number>;
}
const expected = readGolden('expected.json') as Expected;
const files = {
  questions: { file: 'questions.json', json: readGolden('questions.json') },
  annotations: { file: 'annotations.json', json: readGolden('annotations.json') },
  results: { file: 'results.json', json: readGolden('results.json') },
};

test('golden corpus: per-question accuracy equals the official evaluator exactly', () => {
  const scores = scoreVqa(vqaItemsFromOfficial(files));
  assert.is(scores.perQuestion.size, Object.keys(expected.perQuestionFraction).length);
  for (const [id, fraction] of Object.entries(expected.perQuestionFraction)) {
    assert.is(scores.perQuestion.get(id), 100 * fraction, `question ${id}`);
    assert.is(Number(formatVqaPercent(scores.perQuestion.get(id)!)), expected.perQuestionRounded[id], `question ${id}`);
  }
});

test('golden corpus: overall, per answer type and per question type, unrounded and rounded', () => {
  const scores = scoreVqa(vqaItemsFromOfficial(files));
  assert.is(scores.overall, expected.unrounded.overall);
  assert.equal(scores.perAnswerType, expected.unrounded.perAnswerType);
  assert.equal(scores.perQuestionType, expected.unrounded.perQuestionType);
  assert.is(Number(formatVqaPercent(scores.overall)), expected.rounded.overall);
  for (const [type, value] of Object.entries(scores.perQuestionType)) {
    assert.is(Number(formatVqaPercent(value)), expected.rounded.perQuestionType[type], type);
  }
  for (const [type, value] of Object.entries(scores.perAnswerType)) {
    assert.is(Number(formatVqaPercent(value)), expected.rounded.perAnswerType[type], type);
  }
});

// Hand-checked (harnesses-and-metrics.md §2.8, LAVIS column).
test('which answers get normalised: LAVIS variant B', () => {
  const ten = (a: string): string[] => Array(10).fill(a);
  assert.is(vqaQuestionAccuracy('Yes', ten('yes')), 1);
  assert.is(vqaQuestionAccuracy('yes.', ten('yes')), 1);
  // 8 subsets see both "2"s (2/3 each), 2 see one (1/3): (8*2/3 + 2/3) / 10, summed left to right.
  assert.is(vqaQuestionAccuracy('2', [...Array(4).fill('Two'), '2', '2', ...Array(4).fill('three')]), 0.6000000000000001);
  assert.is(vqaQuestionAccuracy('two', ten('2')), 1);
  assert.is(vqaQuestionAccuracy('yes', ten('Yes')), 0);
  assert.is(vqaQuestionAccuracy('yes', ten('yes ')), 0);
});

test('leave-one-out closed form: 0, 0.3, 0.6, 0.9, 1 for k = 0..4 matching answers', () => {
  const answers = (k: number): string[] => [...Array(k).fill('cat'), ...Array(10 - k).fill('dog')];
  const got = [0, 1, 2, 3, 4, 10].map((k) => vqaQuestionAccuracy('cat', answers(k)));
  assert.equal(got.map((x) => Math.round(x * 1e12) / 1e12), [0, 0.3, 0.6, 0.9, 1, 1]);
});

test('formatVqaPercent rounds like Python 3 round(x, 2): exact ties to even', () => {
  assert.is(formatVqaPercent(57.125), '57.12');
  assert.is(formatVqaPercent(57.375), '57.38');
  assert.is(formatVqaPercent(0.125), '0.12');
  assert.is(formatVqaPercent(2.675), '2.67');
  assert.is(formatVqaPercent(66.66666666666667), '66.67');
  assert.is(formatVqaPercent(100), '100.00');
});

test('scoreVqa rejects empty input, duplicate ids and questions without answers', () => {
  assert.throws(() => scoreVqa([]), /at least one question/);
  const item = { questionId: '1', prediction: 'a', answers: ['a'], answerType: 'other', questionType: 'what' };
  assert.throws(() => scoreVqa([item, item]), /'1' appears twice/);
  assert.throws(() => scoreVqa([{ ...item, answers: [] }]), /no human answers/);
});

test('official-format reader: missing, unknown and duplicate results, identical answer dicts', () => {
  const annotations = {
    annotations: [{ question_id: 1, answer_type: 'other', question_type: 'what', answers: [{ answer: 'a', answer_id: 1 }, { answer: 'b', answer_id: 2 }] }],
  };
  const questions = { questions: [{ question_id: 1 }] };
  const read = (results: unknown, ann: unknown = annotations): unknown =>
    vqaItemsFromOfficial({ questions: { file: 'q.json', json: questions }, annotations: { file: 'a.json', json: ann }, results: { file: 'r.json', json: results } });
  assert.throws(() => read([]), (e: unknown) => e instanceof MetricInputError && /r\.json: the results array is empty/.test(e.message));
  assert.throws(() => read([{ question_id: 2, answer: 'a' }]), /r\.json at \/0\/question_id: question_id 2 is not annotated in a\.json/);
  assert.throws(() => read([{ question_id: '1', answer: 'a' }]), /question_id "1" is not annotated/);
  assert.throws(() => read([{ question_id: 1, answer: 'a' }, { question_id: 1, answer: 'b' }]), /r\.json at \/1: question_id 1 has a second result/);
  assert.throws(() => read([{ question_id: 1, answer: 3 }]), /r\.json at \/0\/answer: expected a string, found number 3/);
  const twins = { annotations: [{ ...annotations.annotations[0], answers: [{ answer: 'a' }, { answer: 'a' }] }] };
  assert.throws(() => read([{ question_id: 1, answer: 'a' }], twins), /a\.json at \/annotations\/0\/answers\/1: answer is identical to answer 0/);
  const items = read([{ question_id: 1, answer: 'b' }]) as { answers: string[] }[];
  assert.equal(items[0]?.answers, ['a', 'b']);
});

test('official-format reader: missing result names the question, multiple choice is enforced', () => {
  const ann = { annotations: [1, 2].map((id) => ({ question_id: id, answer_type: 't', question_type: 'q', answers: [{ answer: 'x', answer_id: 1 }] })) };
  const questions = { task_type: 'Multiple Choice', questions: [1, 2].map((id) => ({ question_id: id, multiple_choices: ['x', 'y'] })) };
  const read = (results: unknown): unknown =>
    vqaItemsFromOfficial({ questions: { file: 'q.json', json: questions }, annotations: { file: 'a.json', json: ann }, results: { file: 'r.json', json: results } });
  assert.throws(() => read([{ question_id: 1, answer: 'x' }]), /no result for annotated question_id 2/);
  assert.throws(() => read([{ question_id: 1, answer: 'x' }, { question_id: 2, answer: 'z' }]), /"z" is not one of the question's multiple_choices/);
});

interface GqaGolden {
  readonly items: { id: string; prediction: string; answer: string; hit: number; hitPredictionOnly: number }[];
  readonly accuracy: number;
  readonly accuracyPredictionOnly: number;
}

test('gqa exact match equals the LAVIS GQATask loop (both variants)', () => {
  const gqa = readGolden('gqa-exact-match.json') as GqaGolden;
  const both = scoreExactMatch(gqa.items);
  const predOnly = scoreExactMatch(gqa.items, 'prediction-only');
  assert.is(both.accuracy, gqa.accuracy);
  assert.is(predOnly.accuracy, gqa.accuracyPredictionOnly);
  for (const item of gqa.items) {
    assert.is(both.perItem.get(item.id), item.hit, item.id);
    assert.is(predOnly.perItem.get(item.id), item.hitPredictionOnly, item.id);
  }
});

test.run();
