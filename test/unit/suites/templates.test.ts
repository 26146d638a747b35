/**
 * Prompt templates as LAVIS fills them (model-contracts §5.3 `predict_answers`): a single `{}`
 * is the question; two `{}` are the question then the options written `(a) x (b) y`; more than
 * two cannot be filled. Any `{...}` the templates do not know is a problem, never literal text
 * sent to the model.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSuite } from '../../../suites/load.js';
import { SuiteError } from '../../../suites/messages.js';
import { applyPromptTemplate, placeholdersOf, TemplateError, templateText, templateUsesOptions } from '../../../suites/templates.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const base: Json = JSON.parse(readFileSync('test/fixtures/suites/valid.suite.json', 'utf8'));
const models = new Map([['tiny-albef', '/models/albef/model.json'], ['tiny-blip', '/models/blip/model.json'], ['tiny-blip2-opt', '/models/blip2/model.json']]);
const dir = mkdtempSync(join(tmpdir(), 'vlbench-templates-'));

const PROMPTS = 'question, vqa-short-answer, vqa-short-answer-capital, vqa-answer, scienceqa, iconqa, xinstructblip-respond, xinstructblip-respond-vizwiz, xinstructblip-respond-video, describe-3d, describe-audio';

function problemsWithTemplate(template: string): string[] {
  return problemsWith((suite) => { suite.tasks[3].template = template; });
}

function problemsWith(edit: (suite: Json) => void): string[] {
  const suite = structuredClone(base);
  edit(suite);
  const file = join(dir, 'case.suite.json');
  writeFileSync(file, JSON.stringify(suite));
  try {
    loadSuite(file, { models, checkFiles: false, data: { extra: '/tmp' } });
  } catch (error) {
    if (error instanceof SuiteError) return error.problems.map((p) => `${p.pointer}: ${p.message}`);
    throw error;
  }
  return [];
}

test('two {} are the question then the options, as LAVIS predict_answers formats them', () => {
  // LAVIS: prompt.format(text_input, " ".join(f"({letter}) {choice}")) when the prompt has two {}.
  const prompt = applyPromptTemplate('Question: {} Options: {}. Short answer:', { question: 'how many dots?', choices: ['6', '8', '5'] });
  assert.is(prompt, 'Question: how many dots? Options: (a) 6 (b) 8 (c) 5. Short answer:');
  assert.ok(templateUsesOptions('Question: {} Options: {}. Short answer:'));
});

test('one {} is the question; {options} marks a template that writes the options', () => {
  assert.is(applyPromptTemplate('Question: {} Short answer:', { question: 'what colour?' }), 'Question: what colour? Short answer:');
  assert.not.ok(templateUsesOptions('Question: {} Short answer:'));
  assert.ok(templateUsesOptions('iconqa'));
  assert.not.ok(templateUsesOptions('vqa-short-answer'));
});

test('more than two {} cannot be filled (Python would raise IndexError)', () => {
  assert.throws(() => applyPromptTemplate('{} {} {}', { question: 'q', choices: ['a'] }), (e: unknown) => e instanceof TemplateError && /3 '\{\}' placeholders/.test((e as Error).message));
});

test('a placeholder the templates do not know is never left in the prompt as literal text', () => {
  assert.equal(placeholdersOf('Question: {Question} Answer: {0} {question }'), ['Question', '0', 'question ']);
  assert.throws(() => applyPromptTemplate('Question: {Question} Answer:', { question: 'q' }), (e: unknown) => e instanceof TemplateError);
});

test('validation reports placeholders written with capitals, spaces or numbers', () => {
  assert.equal(problemsWithTemplate('Question: {Question} Answer:'), [
    "/tasks/3/template: unknown placeholder '{Question}' (did you mean 'question'?); a prompt template may use {question}, {context}, {options}"]);
  const numbered = problemsWithTemplate('Question: {0} Answer:');
  assert.is(numbered.length, 1);
  assert.ok(numbered[0]!.startsWith("/tasks/3/template: unknown placeholder '{0}'"), numbered[0]);
  assert.not.ok(numbered[0]!.includes("did you mean ''"), numbered[0]);
});

test('a one-word instruction that names no template is inline text: a fixed multiple-choice instruction, an open one without the question', () => {
  assert.equal(problemsWithTemplate('Choose.'), []);
  assert.is(templateText('Choose.'), 'Choose.');
  const open = (edit: (task: Json) => void): string[] => problemsWith((s) => { edit(s.tasks[3]); s.tasks[3].mode = 'open'; s.tasks[3].metrics = ['exact_match']; });
  assert.equal(open((t) => { t.template = 'Describe.'; }), [
    `/tasks/3/template: the template 'Describe.' does not write the question, so every sample would be asked the same thing and its own question dropped; add {question} (e.g. "Question: {question} Short answer:")`]);
});

test('a word close to a registered name is still a misspelt name, and the message says how to write it as text', () => {
  assert.equal(problemsWithTemplate('questoin'), [
    `/tasks/3/template: unknown prompt template 'questoin' (did you mean 'question'?); registered: ${PROMPTS}; a word this close to a name is read as a misspelt name: to send it as inline text instead, write it with punctuation, another word or a placeholder (e.g. "questoin.")`]);
  assert.equal(problemsWith((s) => { s.tasks[3].candidateTemplate = 'choise'; }), [
    `/tasks/3/candidateTemplate: unknown candidate template 'choise' (did you mean 'choice'?); registered: choice, a-3d-model-of, an-audio-of; a word this close to a name is read as a misspelt name: to send it as inline text instead, write it with punctuation, another word or a placeholder (e.g. "choise.")`]);
});

test.run();
