import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { tempDirFactory } from '../../helpers/temp-dirs.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { executeScore } from '../../../../runners/commands/score.js';
import { MetricInputError } from '../../../../reports/metrics/input-error.js';
import { thrownMessage } from '../../helpers/thrown.js';

const tempDir = tempDirFactory(test);
const root = fileURLToPath(new URL('../../../../', import.meta.url));
const golden = (path: string): string => join(root, 'test/golden', path);
const dir = tempDir(join(tmpdir(), 'vlbench-score-files-'));
const vqaFiles = ['--questions', golden('vqa/questions.json'), '--annotations', golden('vqa/annotations.json')];
const goldenResults = JSON.parse(readFileSync(golden('vqa/results.json'), 'utf8')) as Record<string, unknown>[];

function writeJson(name: string, value: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(value));
  return file;
}

const inputError = (fn: () => unknown): string => thrownMessage(fn, MetricInputError);

test('vqa --per-question and caption --per-image create missing parent folders', () => {
  const perQuestion = join(dir, 'new', 'vqa', 'per-question.json');
  executeScore(['vqa', ...vqaFiles, '--results', golden('vqa/results.json'), '--per-question', perQuestion]);
  assert.is(Object.keys(JSON.parse(readFileSync(perQuestion, 'utf8'))).length, goldenResults.length);
  const refs = writeJson('refs.json', { 1: ['a red circle'], 2: ['two blue squares'] });
  const preds = writeJson('preds.json', { 1: 'a red circle', 2: 'a blue square' });
  const perImage = join(dir, 'new', 'caption', 'per-image.json');
  executeScore(['caption', '--refs', refs, '--preds', preds, '--tokenize', 'none', '--per-image', perImage]);
  assert.equal(Object.keys(JSON.parse(readFileSync(perImage, 'utf8'))), ['1', '2']);
});

test('vqa: a result without "answer" names the entry by JSON pointer (not "found undefined undefined")', () => {
  const results = goldenResults.map((r, i) => (i === 3 ? { question_id: r.question_id } : r));
  const file = writeJson('no-answer.json', results);
  const message = inputError(() => executeScore(['vqa', ...vqaFiles, '--results', file]));
  assert.is(message, `${file} at /3: entry has no "answer" key; it has "question_id". Every result needs "question_id" and "answer"`);
});

test('vqa: a misnamed key gets a suggestion; a missing question_id is reported the same way', () => {
  const renamed = writeJson('renamed.json', goldenResults.map((r, i) => (i === 0 ? { question_id: r.question_id, Answer: r.answer } : r)));
  assert.match(inputError(() => executeScore(['vqa', ...vqaFiles, '--results', renamed])), /at \/0: entry has no "answer" key \(did you mean 'Answer'\?\); it has "question_id", "Answer"/);
  const noId = writeJson('no-id.json', goldenResults.map((r, i) => (i === 1 ? { answer: r.answer } : r)));
  assert.match(inputError(() => executeScore(['vqa', ...vqaFiles, '--results', noId])), /at \/1: entry has no "question_id" key; it has "answer"/);
});

test('caption: a COCO results entry without "caption" names the entry by JSON pointer', () => {
  const refs = writeJson('refs2.json', { 1: ['a red circle'], 2: ['two blue squares'] });
  const preds = writeJson('preds-list.json', [{ image_id: 1, caption: 'a red circle' }, { image_id: 2, text: 'a blue square' }]);
  assert.match(inputError(() => executeScore(['caption', '--refs', refs, '--preds', preds])), /preds-list\.json at \/1: entry has no "caption" key; it has "image_id", "text"/);
});

test.run();
