import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ptbTokenize, ptbTokenizeBatch } from '../../../../reports/metrics/ptb-tokenize.js';
import { GOLDEN_DIR, loadGolden } from './caption-golden.js';

interface TokenizationPair {
  readonly input: string;
  readonly output: string;
}

const pairs = JSON.parse(readFileSync(join(GOLDEN_DIR, 'ptb-tokenization.json'), 'utf8')) as TokenizationPair[];

function firstMismatches(inputs: readonly string[], actual: readonly string[], expected: readonly string[]): string[] {
  const out: string[] = [];
  inputs.forEach((input, i) => {
    if (actual[i] !== expected[i] && out.length < 5) {
      out.push(`${JSON.stringify(input)}: got ${JSON.stringify(actual[i])}, official ${JSON.stringify(expected[i])}`);
    }
  });
  return out;
}

test(`matches the official PTBTokenizer on ${pairs.length} captions (hand-written and fuzzed), tokenized in one batch`, () => {
  const inputs = pairs.map((p) => p.input);
  const expected = pairs.map((p) => p.output);
  assert.equal(firstMismatches(inputs, ptbTokenizeBatch(inputs), expected), []);
});

for (const name of ['punctuation-ptb', 'random-ptb-150x5']) {
  test(`matches the official tokenization of the ${name} corpus (references and predictions as eval.py runs them)`, () => {
    const { corpus, expected } = loadGolden(name);
    const tokenized = expected.tokenized!;
    const refs = corpus.images.flatMap((im) => im.refs);
    assert.equal(firstMismatches(refs, ptbTokenizeBatch(refs), tokenized.flatMap((im) => im.refs)), []);
    const preds = corpus.images.map((im) => im.pred);
    assert.equal(firstMismatches(preds, ptbTokenizeBatch(preds), tokenized.map((im) => im.pred)), []);
  });
}

// Outputs of Stanford CoreNLP 3.4.1's PTBTokenizer (built from the v3.4.1 sources, run as
// ptbtokenizer.py runs it, 2026-11-28): every UTF-16 half outside a URL is deleted on its own, so
// neighbouring astral characters must not merge into a character a letter class would keep.
const ASTRAL: readonly (readonly [string, string])[] = [
  ['\u{1D400}\u{1F600}', ''],
  ['\u{10348}\u{1F44D}', ''],
  ['\u{20000}\u{1F600}', ''],
  ['\u{1D400}\u{1D401}', ''],
  ['猫\u{20000}\u{20001}猫', '猫 猫'],
  ['\u{10348}\u{10348}\u{10348}', ''],
  ['http://x.com/\u{1D401}\u{20001}a x', 'http://x.com/\u{1D401}\u{20001}a x'],
  ['\uE000\u{1D400} a\uE000b http://e.com/\uE000\u{1F600}', 'a b http://e.com/\uE000\u{1F600}'],
  ['a dog \u{20000}\u{1F600}', 'a dog'],
];

test('runs of characters outside the BMP are deleted half by half, kept whole inside a URL', () => {
  const inputs = ASTRAL.map(([input]) => input);
  assert.equal(firstMismatches(inputs, ptbTokenizeBatch(inputs), ASTRAL.map(([, output]) => output)), []);
});

// Hand-checked examples from harnesses-and-metrics.md §2.1 (the spec's golden pairs).
test('spec examples: contractions, brackets, symbols, abbreviations', () => {
  assert.is(ptbTokenize("I don't think it can't be."), "i do n't think it ca n't be");
  assert.is(ptbTokenize('A man (wearing a hat) [left] {right}.'), 'a man -lrb- wearing a hat -rrb- -lsb- left -rsb- -lcb- right -rcb-');
  assert.is(ptbTokenize('A $5 bill and 50% off.'), 'a $ 5 bill and 50 % off');
  assert.is(ptbTokenize('a – b — c --- d -- e ----- f'), 'a b c d e ----- f');
  assert.is(ptbTokenize('Smiley :) face'), 'smiley :-rrb- face');
  assert.is(ptbTokenize('add 5 1/2 cup'), 'add 5\u00a01/2 cup');
  assert.is(ptbTokenize(''), '');
});

const WORDS = ['a', 'man', 'riding', 'wave', 'on', 'top', 'of', 'surfboard', 'two', 'dogs', 'i', 'x', 'can', 'not', 'gon', 'na', 'mr', 'st', 'etc', 'vs', 'c', 'y', 'ph', 'us'];

test('identity on lowercase words separated by single spaces (seeded random sentences)', () => {
  let seed = 12345;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (let n = 0; n < 500; n++) {
    const length = Math.floor(random() * 15);
    const caption = Array.from({ length }, () => WORDS[Math.floor(random() * WORDS.length)]!).join(' ');
    assert.is(ptbTokenize(caption), caption);
  }
});

test('the one exception to identity: assimilations split as the Java tokenizer does', () => {
  assert.is(ptbTokenize('they cannot wait we wanna go'), 'they can not wait we wan na go');
  assert.is(ptbTokenize('gonna gotta lemme gimme'), 'gon na got ta lem me gim me');
});

test('line-break characters inside a caption are spaces (the Java run would misalign images)', () => {
  assert.equal(ptbTokenizeBatch(['a dog\u2028runs', 'a cat\rsits', 'a bird\nflies']), ['a dog runs', 'a cat sits', 'a bird flies']);
});

test('a caption ending in a letter and a period depends on the next caption, as in the official batch', () => {
  assert.equal(ptbTokenizeBatch(['vitamin C.', 'A dog']), ['vitamin c', 'a dog']);
  assert.equal(ptbTokenizeBatch(['vitamin C.', 'dogs']), ['vitamin c.', 'dogs']);
});

// Java side: "x".toLowerCase(Locale.ENGLISH) on OpenJDK 17.0.15 (each input is one lexer token).
test('capital sigma lowercases as Java does (final form by word boundaries, digits inside words)', () => {
  const java: Record<string, string> = {
    't\u03a3-ca': 't\u03c3-ca',
    'n1\u03a3': 'n1\u03c2',
    'c\u03a36E': 'c\u03c36e',
    'A\u03a31': 'a\u03c21',
    '1\u03a3': '1\u03c3',
    'A\u03a3.b': 'a\u03c3.b',
    'A\u03a3': 'a\u03c2',
  };
  for (const [input, output] of Object.entries(java)) assert.is(ptbTokenize(input), output, input);
});

test.run();
