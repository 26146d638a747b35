/**
 * The manifest's tokenizer kind is checked against what tokenizer.json itself holds (model.type
 * and its pre-tokenizer/decoder): another family's tokenizer, or a wrong kind, would run with
 * exit 0 and score garbage.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadModel } from '../../../../models/load.js';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { kindMismatch, kindOf, tokenizerModelFacts } from '../../../../models/tokenizers/vocabulary.js';
import { tempDirFactory } from '../../helpers/temp-dirs.js';
import { loadError, tempRoot, tinyCopy, TINY } from '../onnx/tiny-copy.js';

const FIXTURES = resolve(dirname(fileURLToPath(import.meta.url)), '../../../fixtures');
const tempDir = tempDirFactory(test);
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;

test('the four tokenizer fixtures are recognised as their kind', () => {
  const expected = { 'bert-blip.json': 'bert', 'opt-gpt2.json': 'gpt2-bpe', 't5-flan.json': 't5-unigram', 'llama-vicuna.json': 'llama-sp' };
  for (const [file, kind] of Object.entries(expected)) assert.is(kindOf(tokenizerModelFacts(readJson(join(FIXTURES, 'tokenizers', file)))), kind, file);
});

test('every tokenizer of the tiny models and the HF-exported fixtures matches the kind its manifest declares', () => {
  const dirs = [...readdirSync(TINY).map((d) => join(TINY, d)), ...readdirSync(join(FIXTURES, 'models/hf-tiny')).map((d) => join(FIXTURES, 'models/hf-tiny', d))];
  let checked = 0;
  for (const dir of dirs) {
    let manifest: { tokenizers: Record<string, { file: string; kind: 'bert' }> };
    try {
      manifest = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    } catch {
      continue; // not a model folder
    }
    for (const [side, entry] of Object.entries(manifest.tokenizers)) {
      assert.is(kindMismatch(entry.kind, readJson(join(dir, entry.file)), entry.file, `/tokenizers/${side}`), null, `${dir} ${side}`);
      checked += 1;
    }
  }
  assert.ok(checked >= 20, `checked ${checked} tokenizers`);
});

test('a tokenizer.json cut short is reported with its path, line and column', async () => {
  const dir = tempDir(tempRoot());
  const cut = join(dir, 'text.json');
  writeFileSync(cut, readFileSync(join(TINY, 'tiny-blip/tokenizer/text.json'), 'utf8').slice(0, 200));
  const path = tinyCopy(dir, 'tiny-blip', (m) => (m.tokenizers.text.file = cut));
  const error = await loadModel(path, { device: 'cpu', verifyDigests: true }).then(() => undefined, (e: Error) => e);
  assert.ok(error, 'loading must fail');
  assert.match(error!.message, `${cut}: the tokenizer.json is not valid JSON at line 1, column 201: `);
  assert.not.match(error!.message, 'Unexpected');
});

test("the BERT text tokenizer as the OPT model's LLM tokenizer is a load error naming the file, both kinds and the fix", async () => {
  const path = tinyCopy(tempDir(tempRoot()), 'tiny-blip2-opt', (m) => (m.tokenizers.llm.file = join(TINY, 'tiny-blip2-opt/tokenizer/text.json')));
  const error = await loadError(path);
  // The LLM's name fixes the kind, so the fix is the file, never the kind the file happens to be.
  assert.is(error.pointer, '/tokenizers/llm/file');
  assert.match(error.message, join(TINY, 'tiny-blip2-opt/tokenizer/text.json'));
  assert.match(error.message, "the LLM (/llm/name) reads 'gpt2-bpe' and fixes the kind");
  assert.not.match(error.message, 'set /tokenizers/llm/kind');
  assert.match(error.message, "kind 'gpt2-bpe' reads a byte-level BPE model");
  assert.match(error.message, "model.type 'WordPiece' (a 'bert' tokenizer)");
  assert.match(error.message, 'point /tokenizers/llm/file at the tokenizer.json exported with this checkpoint');
});

test("the T5 tokenizer in the OPT model, and kind 'bert' on the BPE file, are load errors", async () => {
  const t5 = tinyCopy(tempDir(tempRoot()), 'tiny-blip2-opt', (m) => (m.tokenizers.llm.file = join(TINY, 'tiny-blip2-t5/tokenizer/llm.json')));
  assert.match((await loadError(t5)).message, "model.type 'Unigram' (a 't5-unigram' tokenizer)");
  // Before the framing check, which would ask for a [CLS] id and hide the real problem.
  const bert = tinyCopy(tempDir(tempRoot()), 'tiny-blip2-opt', (m) => (m.tokenizers.llm.kind = 'bert'));
  const error = await loadError(bert);
  assert.is(error.pointer, '/tokenizers/llm/file');
  assert.match(error.message, "llm 'opt' (decoder-only) reads a 'gpt2-bpe' tokenizer, but 'bert' (WordPiece) is the kind of the text tokenizer");
});

test("another LLM's tokenizer declared with its own kind (T5 Unigram in an OPT model) is an error at /tokenizers/llm/file naming both kinds", async () => {
  // It used to load: the special ids fit, and every caption scored 0.
  const path = tinyCopy(tempDir(tempRoot()), 'tiny-blip2-opt', (m) => {
    m.tokenizers.llm.file = join(TINY, 'tiny-blip2-t5/tokenizer/llm.json');
    m.tokenizers.llm.kind = 't5-unigram';
  });
  const error = await loadError(path);
  assert.is(error.pointer, '/tokenizers/llm/file');
  assert.match(error.message, "llm 'opt' (decoder-only) reads a 'gpt2-bpe' tokenizer, but /tokenizers/llm/kind says 't5-unigram', the tokenizer of t5");
  assert.match(error.message, '(or, if the checkpoint\'s LLM is t5, set /llm to {"kind": "encoder-decoder", "name": "t5"})');
  assert.match(error.message, "point /tokenizers/llm/file at the tokenizer.json exported with this checkpoint's LLM (tokenizer.save_pretrained) and set /tokenizers/llm/kind to 'gpt2-bpe'");
  const t5 = tinyCopy(tempDir(tempRoot()), 'tiny-blip2-t5', (m) => (m.tokenizers.llm.kind = 'gpt2-bpe'));
  assert.match((await loadError(t5)).message, "llm 't5' (encoder-decoder) reads a 't5-unigram' tokenizer");
});

test("the BERT tokenizer given as the LLM's, with kind 'bert', names /tokenizers/llm/file, not a 'cls' special token the LLM roles cannot take", async () => {
  const path = tinyCopy(tempDir(tempRoot()), 'tiny-blip2-opt', (m) => {
    m.tokenizers.llm.file = 'tokenizer/text.json';
    m.tokenizers.llm.kind = 'bert';
  });
  const error = await loadError(path);
  assert.is(error.pointer, '/tokenizers/llm/file');
  assert.match(error.message, 'model.json');
  assert.match(error.message, "set /tokenizers/llm/kind to 'gpt2-bpe'");
  assert.not.match(error.message, 'cls');
});

test('a byte-level BPE declared llama-sp, and a BPE that is neither style, are refused', () => {
  const opt = readJson(join(FIXTURES, 'tokenizers/opt-gpt2.json'));
  assert.match(kindMismatch('llama-sp', opt, 'opt.json', '/tokenizers/llm') ?? '', "a 'gpt2-bpe' tokenizer");
  const plain = { ...opt, pre_tokenizer: { type: 'Whitespace' }, decoder: null };
  assert.match(kindMismatch('gpt2-bpe', plain, 'plain.json', '/tokenizers/llm') ?? '', 'neither byte-level nor SentencePiece-style; vlbench reads only');
});

test.run();
