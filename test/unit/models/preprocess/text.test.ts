import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { preCaption, preQuestion, processText } from '../../../../models/preprocess/text.js';

interface Case {
  input: string;
  caption: string;
  captionMax5: string;
  question: string;
  questionMax5: string;
  instruction: string;
}
const cases = JSON.parse(readFileSync('test/golden/preprocess/text-processors.json', 'utf8')) as Case[];

test('pre_caption matches LAVIS on every golden input', () => {
  for (const c of cases) {
    assert.is(preCaption(c.input), c.caption, JSON.stringify(c.input));
    assert.is(preCaption(c.input, 5), c.captionMax5, JSON.stringify(c.input));
  }
});

test('pre_question matches LAVIS on every golden input', () => {
  for (const c of cases) {
    assert.is(preQuestion(c.input), c.question, JSON.stringify(c.input));
    assert.is(preQuestion(c.input, 5), c.questionMax5, JSON.stringify(c.input));
  }
});

test('blip_instruction eval: empty text gives the prompt, anything else pre_caption', () => {
  for (const c of cases) {
    assert.is(processText({ kind: 'blip_instruction', prompt: 'a short description' }, c.input), c.instruction, JSON.stringify(c.input));
  }
});

test('blip_caption prepends the prompt to the processed caption (BLIP "a picture of ")', () => {
  assert.is(processText({ kind: 'blip_caption', prompt: 'a picture of ' }, 'A DOG; running!'), 'a picture of a dog running');
  assert.is(processText({ kind: 'blip_question' }, 'What colour is it?'), 'what colour is it?');
});

test.run();
