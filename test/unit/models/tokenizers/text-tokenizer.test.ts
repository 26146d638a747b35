import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadTokenizer, specialIdsFromManifest } from '../../../../models/tokenizers/load.js';
import type { TextTokenizer } from '../../../../models/tokenizers/types.js';

const fixtures = resolve(dirname(fileURLToPath(import.meta.url)), '../../../fixtures/tokenizers');

// Special ids as the manifests of each family declare them (model-contracts §1.3).
const BLIP_TEXT = { pad: 0, cls: 101, sep: 102, mask: 103, dec: 30522, enc: 30523 };
const OPT_LLM = { bos: 2, eos: 50118, pad: 1, decoderStart: null };
const T5_LLM = { eos: 1, pad: 0, decoderStart: 0 };
const VICUNA_LLM = { bos: 2, eos: 2, pad: 32000, decoderStart: null };

function load(file: string, kind: 'bert' | 'gpt2-bpe' | 't5-unigram' | 'llama-sp', specials: Record<string, number | null>, truncationSide: 'left' | 'right' = 'right'): TextTokenizer {
  return loadTokenizer({ file, kind, truncationSide, maxLength: null }, fixtures, specialIdsFromManifest(specials, file));
}

const bert = load('bert-blip.json', 'bert', BLIP_TEXT);
const opt = load('opt-gpt2.json', 'gpt2-bpe', OPT_LLM);
const t5 = load('t5-flan.json', 't5-unigram', T5_LLM);
const vicuna = load('llama-vicuna.json', 'llama-sp', VICUNA_LLM);

test('bert: BLIP caption prompt is [CLS] a picture of [SEP] = 101 1037 3861 1997 102', () => {
  assert.equal(bert.encode('a picture of ').ids, [101, 1037, 3861, 1997, 102]);
  assert.is(bert.tokenToId('[DEC]'), 30522);
  assert.is(bert.tokenToId('[ENC]'), 30523);
});

test('bert: uncased, punctuation split, unknown words -> [UNK] 100', () => {
  assert.equal(bert.encode('What Color is the Dog?').ids, [101, 2054, 3609, 2003, 1996, 3899, 1029, 102]);
  assert.equal(bert.encode('zebra').ids, [101, 100, 102]);
  assert.equal(bert.encode('photos').ids, [101, 6302, 2015, 102]);
});

test('bert: padding to max_length 35 for retrieval, right side', () => {
  const { ids, attentionMask } = bert.encodeBatch(['a dog', 'two cats on a table'], { padding: 'max_length', maxLength: 35 });
  assert.is(ids[0]!.length, 35);
  assert.equal(ids[0]!.slice(0, 5), [101, 1037, 3899, 102, 0]);
  assert.equal(attentionMask[1]!.slice(0, 9), [1, 1, 1, 1, 1, 1, 1, 1, 0]);
  assert.equal(ids[1]!.slice(0, 8), [101, 2048, 4937, 2015, 2006, 1037, 2795, 102]);
});

test('bert: right truncation keeps [SEP]; InstructBLIP Q-Former copy truncates on the left', () => {
  const text = 'what is on the red table';
  assert.equal(bert.encode(text, { maxLength: 5 }).ids, [101, 2054, 2003, 2006, 102]);
  const left = load('bert-blip.json', 'bert', BLIP_TEXT, 'left');
  assert.equal(left.encode(text, { maxLength: 5 }).ids, [101, 1996, 2417, 2795, 102]);
});

test('bert: padding longest; decode skips specials incl. [DEC]/[ENC] and cleans spaces like HF', () => {
  const batch = bert.encodeBatch(['yes', 'how many dogs are there?'], { padding: 'longest' });
  assert.equal(batch.ids[0], [101, 2748, 102, 0, 0, 0, 0, 0, 0]);
  assert.equal(batch.attentionMask[0], [1, 1, 1, 0, 0, 0, 0, 0, 0]);
  const caption = [30522, 1037, 3861, 1997, 1037, 3899, 1010, 2006, 1037, 2795, 1012, 102, 0, 0];
  assert.is(bert.decode(caption), 'a picture of a dog, on a table.');
  assert.is(bert.decode([30523, 2054, 2003, 1996, 3899, 1029, 102]), 'what is the dog?');
  assert.is(bert.decode([101, 6302, 2015, 102], { skipSpecialTokens: false }), '[CLS] photos [SEP]');
});

test('gpt2-bpe (OPT): </s> BOS, fairseq ids, newline 50118 kept by decode', () => {
  // HF's BLIP-2 OPT integration test output: "a woman sitting on the beach with a dog\n".
  const encoded = opt.encode('a woman sitting on the beach with a dog\n');
  assert.equal(encoded.ids, [2, 102, 693, 2828, 15, 5, 4105, 19, 10, 2335, 50118]);
  assert.is(opt.decode(encoded.ids), 'a woman sitting on the beach with a dog\n');
  assert.is(opt.decode([2, 102, 2335, 11, 5, 4105, 6, 15, 10, 693, 4, 1, 1]), 'a dog in the beach, on a woman.');
});

test('gpt2-bpe (OPT): left padding with pad 1 for batched VQA prompts', () => {
  const { ids, attentionMask } = opt.encodeBatch(['a dog', 'a woman and a dog'], { padding: 'longest', paddingSide: 'left' });
  assert.equal(ids[0], [1, 1, 1, 2, 102, 2335]);
  assert.equal(attentionMask[0], [0, 0, 0, 1, 1, 1]);
  assert.equal(ids[1], [2, 102, 693, 8, 10, 2335]);
});

test('t5-unigram: </s> 1 appended, pad 0', () => {
  assert.equal(t5.encode('a photo of').ids, [4, 5, 6, 1]);
  assert.equal(t5.encode('Question: what is the dog?', { addSpecialTokens: true }).ids.at(-1), 1);
  const batch = t5.encodeBatch(['a dog', 'a photo of a dog'], { padding: 'longest' });
  assert.equal(batch.ids[0], [4, 7, 1, 0, 0, 0]);
  assert.is(t5.decode([0, 4, 5, 6, 7, 1]), 'a photo of dog');
});

test('llama-sp (Vicuna): LAVIS BOS </s> = 2, [PAD] 32000 on the left, LLaMA ids', () => {
  assert.equal(vicuna.encode('Hello world').ids, [2, 15043, 3186]);
  const { ids, attentionMask } = vicuna.encodeBatch(['Hello world', 'the'], { padding: 'longest', paddingSide: 'left' });
  assert.equal(ids[1], [32000, 2, 278]);
  assert.equal(attentionMask[1], [0, 1, 1]);
  assert.equal(vicuna.encode('a\n', { addSpecialTokens: false }).ids, [263, 13]);
  assert.is(vicuna.decode([2, 15043, 3186, 2]), 'Hello world');
  assert.is(vicuna.decode([32000, 2, 278, 310, 29973]), 'the of?');
});

test('a kind without its required special id is an error naming the file and the role', () => {
  assert.throws(() => load('t5-flan.json', 't5-unigram', { pad: 0 }), /t5-flan\.json.*'eos'/);
});

test('a missing or malformed tokenizer.json is an error naming the file', () => {
  assert.throws(() => load('nope.json', 'bert', BLIP_TEXT), /nope\.json: cannot read/);
  const dir = mkdtempSync(join(tmpdir(), 'vlbench-tok-'));
  writeFileSync(join(dir, 'bad.json'), '{"version": "1.0"}');
  assert.throws(
    () => loadTokenizer({ file: 'bad.json', kind: 'bert', truncationSide: 'right', maxLength: null }, dir, { pad: 0, cls: 101, sep: 102 }),
    /bad\.json: \/model is missing/,
  );
});

test("the manifest's maxLength is the default truncation; null turns it off for one call", () => {
  const capped = loadTokenizer({ file: 'bert-blip.json', kind: 'bert', truncationSide: 'left', maxLength: 4 }, fixtures, specialIdsFromManifest(BLIP_TEXT, 'x'));
  assert.equal(capped.encode('what is on the red table').ids, [101, 2417, 2795, 102]);
  assert.equal(capped.encode('what is on', { maxLength: null }).ids, [101, 2054, 2003, 2006, 102]);
  assert.is(capped.encodeBatch(['a'], { padding: 'max_length' }).ids[0]!.length, 4);
});

test('max_length padding without maxLength is an error', () => {
  assert.throws(() => bert.encodeBatch(['a'], { padding: 'max_length' }), /maxLength/);
});

test.run();
