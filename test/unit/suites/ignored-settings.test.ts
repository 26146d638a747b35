/**
 * Settings that a run would silently ignore are errors at their pointer, when the suite loads
 * (so `vlbench validate` reports them): a filter given by half, a list separator or a field
 * option the loader or the record kind never reads, a prompt template that drops the question,
 * a question option a fixed-instruction template drops, an empty metrics list.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSuite } from '../../../suites/load.js';
import { SuiteError } from '../../../suites/messages.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const models = new Map([['tiny-blip', '/models/blip/model.json'], ['tiny-blip2-opt', '/models/blip2/model.json'], ['tiny-xinstructblip', '/models/x/model.json']]);
const dir = mkdtempSync(join(tmpdir(), 'vlbench-ignored-'));

function problemsOf(task: Json): string[] {
  const file = join(dir, 'case.suite.json');
  writeFileSync(file, JSON.stringify({ name: 'case', models: ['tiny-blip', 'tiny-blip2-opt', 'tiny-xinstructblip'], tasks: [{ id: 't', ...task }] }));
  try {
    loadSuite(file, { models, checkFiles: false });
  } catch (error) {
    if (error instanceof SuiteError) return error.problems.map((p) => `${p.pointer}: ${p.message}`);
    throw error;
  }
  return [];
}

const jsonl = (options: Json): Json => ({ loader: 'jsonl', files: { records: '/d/r.jsonl' }, options });
const csv = (options: Json): Json => ({ loader: 'csv', files: { records: '/d/r.csv' }, options });
const open = (template: string | undefined, options: Json = { kind: 'instruction' }): Json => ({ kind: 'instruction', mode: 'open', ...(template === undefined ? {} : { template }), dataset: jsonl(options) });
const modelnet = (template: string, options: Json): Json => ({
  kind: 'instruction', mode: 'multiple-choice', template, candidateTemplate: 'a-3d-model-of',
  dataset: { loader: 'modelnet', files: { shapeNames: '/d/names.txt', shapes: '/d/test.txt' }, mediaRoot: '/d', options },
});
const vqa = (template: string): Json => ({ kind: 'vqa', method: 'generate', template, dataset: { loader: 'vqav2', files: { questions: '/d/q.json', annotations: '/d/a.json' }, mediaRoot: '/d' } });

test('filterValue without filterField is an error at filterValue (every record would be kept)', () => {
  assert.equal(problemsOf(open('{question}', { kind: 'instruction', filterValue: 'open_ended' })), [
    `/tasks/0/dataset/options/filterValue: 'filterValue' needs 'filterField', the field whose value it must equal; without it every record is kept. Add "filterField": "<field name>", or remove filterValue`,
  ]);
});

test('filterField without filterValue is an error at filterField (only empty fields would match)', () => {
  assert.equal(problemsOf(open('{question}', { kind: 'instruction', filterField: 'format' })), [
    `/tasks/0/dataset/options/filterField: 'filterField' needs 'filterValue', the value 'format' must have; without it only records whose field is empty are kept. Add "filterValue", or remove filterField`,
  ]);
  assert.equal(problemsOf(open('{question}', { kind: 'instruction', filterField: 'format', filterValue: 'open_ended' })), []);
});

test('listSeparator is the CSV loader\'s: the JSONL loader has no such option', () => {
  assert.equal(problemsOf(open('{question}', { kind: 'instruction', listSeparator: ';' })), [
    "/tasks/0/dataset/options/listSeparator: loader 'jsonl' has no option 'listSeparator' (only 'csv' has it); options: kind, modality, idField, mediaField, questionField, answersField, choicesField, answerIndexField, contextField, categoryField, captionsField, answerTypeField, questionTypeField, filterField, filterValue",
  ]);
  assert.equal(problemsOf({ ...open('{question}'), dataset: csv({ kind: 'instruction', listSeparator: ';' }) }), []);
});

test('a field option the record kind never reads is an error naming the option and the kind', () => {
  const caption = { kind: 'captioning', dataset: jsonl({ kind: 'caption', choicesField: 'c', questionField: 'q', answerIndexField: 'i', captionsField: 'refs' }) };
  const reads = 'caption samples read categoryField, captionsField';
  assert.equal(problemsOf(caption), [
    `/tasks/0/dataset/options/choicesField: 'choicesField' is read only for instruction samples, and this task's records become caption samples ("kind": "caption"); remove it (${reads})`,
    `/tasks/0/dataset/options/questionField: 'questionField' is read only for vqa and instruction samples, and this task's records become caption samples ("kind": "caption"); remove it (${reads})`,
    `/tasks/0/dataset/options/answerIndexField: 'answerIndexField' is read only for instruction samples, and this task's records become caption samples ("kind": "caption"); remove it (${reads})`,
  ]);
  const retrieval = { kind: 'retrieval', dataset: csv({ kind: 'retrieval', categoryField: 'c' }) };
  assert.equal(problemsOf(retrieval), [
    `/tasks/0/dataset/options/categoryField: 'categoryField' is read only for caption and instruction samples, and this task's records become retrieval samples ("kind": "retrieval"); remove it (retrieval samples read captionsField)`,
  ]);
});

test('without a kind option the generic loaders make instruction samples, and are judged as such', () => {
  assert.equal(problemsOf({ kind: 'captioning', dataset: jsonl({ captionsField: 'refs' }) }), [
    "/tasks/0/dataset/loader: loader 'jsonl' yields instruction samples; a captioning task needs one of: karpathy-caption, coco-captions, nocaps, jsonl, csv, audiocaps, clotho-caption, video-caption; set dataset.options.kind to 'caption'",
    `/tasks/0/dataset/options/captionsField: 'captionsField' is read only for caption and retrieval samples, and this task's records become instruction samples ('kind' is not set, so instruction, its default); remove it (instruction samples read questionField, answersField, choicesField, answerIndexField, contextField, categoryField)`,
  ]);
});

test('a VQA template that does not write the question is an error at /tasks/N/template', () => {
  assert.equal(problemsOf(vqa('Short answer:')), [
    `/tasks/0/template: the VQA template 'Short answer:' does not write the question, so every sample would get the same prompt; add {question} (e.g. "Question: {question} Short answer:")`,
  ]);
  assert.equal(problemsOf(vqa('describe-3d')), [
    `/tasks/0/template: the VQA template 'describe-3d' ('describe the 3d model.') does not write the question, so every sample would get the same prompt; add {question} (e.g. "Question: {question} Short answer:")`,
  ]);
  assert.equal(problemsOf(vqa('Context: {context} Q: {question}')), [
    "/tasks/0/template: the VQA template 'Context: {context} Q: {question}' uses {context}, but VQA samples have only a question; use {question} alone, or an instruction task (its samples carry context and choices)",
  ]);
  for (const fine of ['Question: {} Short answer:', 'Question: {question} Answer:', 'vqa-short-answer']) assert.equal(problemsOf(vqa(fine)), [], fine);
});

test('an open instruction template must write the question', () => {
  assert.equal(problemsOf(open('Short answer:')), [
    `/tasks/0/template: the template 'Short answer:' does not write the question, so every sample would be asked the same thing and its own question dropped; add {question} (e.g. "Question: {question} Short answer:")`,
  ]);
  assert.equal(problemsOf(open('describe-audio')).length, 1);
  assert.equal(problemsOf(open(undefined)), [], 'the default template is {question}');
});

test('a fixed multiple-choice instruction (describe-3d) is fine, unless a dataset option supplies the question it drops', () => {
  assert.equal(problemsOf(modelnet('describe-3d', { fileTemplate: '{shape}/{name}.npy' })), []);
  assert.equal(problemsOf(modelnet('describe-3d', { question: 'what is this 3d thing?' })), [
    `/tasks/0/dataset/options/question: the template 'describe-3d' ('describe the 3d model.') does not write the question, so 'question' would be ignored; remove it, or use a template with {question} (e.g. "template": "{question}")`,
  ]);
  assert.equal(problemsOf(modelnet('{question}', { question: 'what is this 3d thing?' })), []);
  const choice = { kind: 'instruction', mode: 'multiple-choice', template: 'Pick one.', dataset: jsonl({ kind: 'instruction', questionField: 'prompt' }) };
  assert.equal(problemsOf(choice), [
    `/tasks/0/dataset/options/questionField: the template 'Pick one.' does not write the question, so 'questionField' would be ignored; remove it, or use a template with {question} (e.g. "template": "{question}")`,
  ]);
});

test('an empty metrics list is refused by the schema', () => {
  assert.equal(problemsOf({ ...vqa('{question}'), metrics: [] }), ['/tasks/0/metrics: expected at least 1 item, got 0']);
});

test.run();
