import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import {
  VQA_CONTRACTIONS,
  VQA_PUNCTUATION,
  normalizeVqaPrediction,
  processDigitArticle,
  processPunctuation,
  pythonSplit,
  pythonStrip,
} from '../../../../reports/metrics/vqa-normalize.js';

interface NormalisationRow {
  readonly input: string;
  readonly punctuation: string;
  readonly digitArticle: string;
  readonly both: string;
}

const golden = JSON.parse(readFileSync(new URL('../../../golden/vqa/normalisation.json', import.meta.url), 'utf8')) as NormalisationRow[];

test('processPunctuation matches LAVIS vqa_eval.py on every golden string', () => {
  assert.ok(golden.length > 150);
  for (const row of golden) assert.is(processPunctuation(row.input), row.punctuation, JSON.stringify(row.input));
});

test('processDigitArticle matches LAVIS vqa_eval.py on every golden string', () => {
  for (const row of golden) {
    assert.is(processDigitArticle(row.input), row.digitArticle, JSON.stringify(row.input));
    assert.is(processDigitArticle(processPunctuation(row.input)), row.both, JSON.stringify(row.input));
  }
});

// Hand-checked table of harnesses-and-metrics.md §2.8 (input, after punctuation, after both).
const TABLE: readonly [string, string, string][] = [
  ['Two dogs.', 'Two dogs', '2 dogs'],
  ['1,000', '1000', '1000'],
  ['yes!', 'yes ', 'yes'],
  ["the man's hat", "the man's hat", "man's hat"],
  ['e-mail', 'e mail', 'e mail'],
  ['(left)', ' left ', 'left'],
  ['red/white', 'red white', 'red white'],
  ['1, 2', '1 2', '1 2'],
  ['it\'s 2.5 m.', "it's 2.5 m", "it's 2.5 m"],
  ['a - b', 'a  b', 'b'],
  ['none', 'none', '0'],
  ['1,000 and x-y', '1000 and xy', '1000 and xy'],
  ['a.m.', 'am', 'am'],
  ['5.', '5', '5'],
  ['3.5', '3.5', '3.5'],
];

test('the documented examples, including the comma rule and the period lookahead quirk', () => {
  for (const [input, punct, both] of TABLE) {
    assert.is(processPunctuation(input), punct, input);
    assert.is(processDigitArticle(processPunctuation(input)), both, input);
  }
});

test('at most 32 periods are removed per call (re.UNICODE passed as count)', () => {
  assert.is(processPunctuation('.'.repeat(40)), '.'.repeat(8));
  assert.is(processPunctuation('a.'.repeat(40)), 'a'.repeat(32) + 'a.'.repeat(8));
});

test('tables: 21 punctuation marks, 120 contractions, capitalised keys never fire', () => {
  assert.is(VQA_PUNCTUATION.length, 21);
  assert.is(VQA_CONTRACTIONS.size, 120);
  assert.is(processDigitArticle('Im'), 'im');
  assert.is(processDigitArticle("somebody'd"), 'somebodyd');
  assert.is(processDigitArticle('constructor toString'), 'constructor tostring');
});

test('Python whitespace: split/strip use str.isspace, not JavaScript \\s', () => {
  assert.equal(pythonSplit('a\u001cb\u0085c\ufeffd'), ['a', 'b', 'c\ufeffd']);
  assert.is(pythonStrip('\u0085 x \u3000'), 'x');
  assert.is(pythonStrip('\ufeffx'), '\ufeffx');
});

test('the prediction pipeline replaces tabs/newlines and strips before normalising', () => {
  assert.is(normalizeVqaPrediction('\tThe Two\ndogs. '), '2 dogs');
  assert.is(normalizeVqaPrediction('Yes'), 'yes');
});

test.run();
