/**
 * Counts of a scored task: a prediction without reference answers (a test-server split) is kept
 * and counted apart, never as scored, and stays out of the metric; failures are counted apart.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { CaptionPrediction, FailedPrediction, VqaPrediction } from '../../../reports/records.js';
import { consensusAnswer, scoreTask } from '../../../runners/run/scoring.js';

function vqa(sampleId: string, answer: string, answers: string[]): VqaPrediction {
  return {
    kind: 'vqa', sampleId, model: 'm', task: 't', sampleIndex: Number(sampleId), question: 'What colour?', answer, answers,
    answerType: 'other', questionType: 'what color', imageId: sampleId, generatedTokens: 1, latencyMs: 1, media: [],
  };
}

test('VQA: unannotated predictions are counted apart and stay out of the accuracy', () => {
  const tenRed = Array.from({ length: 10 }, () => 'red');
  const failed: FailedPrediction = { kind: 'failed', sampleId: '4', model: 'm', task: 't', sampleIndex: 4, reason: 'corrupt', location: 'x.png' };
  const { scores } = scoreTask({ model: 'm', task: 't', kind: 'vqa', metrics: ['vqa_accuracy'], tokenize: 'ptb', requested: 4 },
    [vqa('1', 'red', tenRed), vqa('2', 'blue', tenRed), vqa('3', 'red', []), failed]);
  // One right (100) and one wrong (0) among the two annotated questions.
  assert.equal(scores.metrics, { vqa_accuracy: 50 });
  assert.equal(scores.counts, { requested: 4, scored: 2, failed: 1, unannotated: 1 });
});

test('VQA exact match compares with the most frequent human answer, not the first annotator', () => {
  // The first annotator said "no"; seven of ten said "yes" (VQAv2's multiple_choice_answer).
  const answers = ['no', 'yes', 'yes', 'yeah', 'Yes.', 'yes', 'yes', 'yes', 'no', 'yes'];
  const { scores } = scoreTask({ model: 'm', task: 't', kind: 'vqa', metrics: ['exact_match'], tokenize: 'ptb', requested: 3 },
    [vqa('1', 'yes', answers), vqa('2', 'no', answers), vqa('3', 'two', ['2', 'two', 'three', 'three'])]);
  // "2" and "two" are one answer after normalisation (2 votes, earliest) against "three" (2 votes).
  assert.equal(scores.metrics, { exact_match: (2 / 3) * 100 });
  assert.is(consensusAnswer(['a', 'b', 'b', 'a']), 'a');
  assert.is(consensusAnswer(['The dog', 'dog', 'cat']), 'The dog');
});

test('a fully annotated task reports no unannotated count', () => {
  const { scores } = scoreTask({ model: 'm', task: 't', kind: 'vqa', metrics: ['vqa_accuracy'], tokenize: 'ptb', requested: 1 }, [vqa('1', 'red', ['red', 'red', 'red'])]);
  assert.equal(scores.counts, { requested: 1, scored: 1, failed: 0 });
});

test('captioning: images without references are counted apart; the metrics equal those of the annotated ones alone', () => {
  const caption = (sampleId: string, text: string, references: string[]): CaptionPrediction => ({
    kind: 'captioning', sampleId, model: 'm', task: 't', sampleIndex: Number(sampleId), caption: text, references,
    generatedTokens: 3, latencyMs: 1, media: [],
  });
  const annotated = [caption('1', 'a red square', ['a red square', 'a square that is red']), caption('2', 'a blue circle', ['a green circle'])];
  const request = { model: 'm', task: 't', kind: 'captioning' as const, metrics: ['CIDEr', 'Bleu_1'], tokenize: 'ptb' as const, requested: 3 };
  const alone = scoreTask({ ...request, requested: 2 }, annotated).scores;
  const mixed = scoreTask(request, [...annotated, caption('3', 'a dog', [])]).scores;
  assert.equal(mixed.metrics, alone.metrics);
  assert.equal(mixed.counts, { requested: 3, scored: 2, failed: 0, unannotated: 1 });
});

test('VQA without question types (VizWiz) has no nameless per-question-type breakdown', () => {
  const noType = (id: string): VqaPrediction => ({ ...vqa(id, 'red', ['red', 'red', 'red']), questionType: '' });
  const { scores } = scoreTask({ model: 'm', task: 't', kind: 'vqa', metrics: ['vqa_accuracy'], tokenize: 'ptb', requested: 2 }, [noType('1'), noType('2')]);
  assert.equal(Object.keys(scores.breakdowns), ['perAnswerType']);
});

test.run();
