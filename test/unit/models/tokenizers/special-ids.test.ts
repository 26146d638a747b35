/**
 * Special-token ids are checked against the tokenizer's vocabulary when the model loads: an EOS
 * past the vocabulary never stops generation, and a pad or CLS past it fails only mid-evaluation
 * with an ONNX Runtime Gather error. A tokenizer with more ids than the decoder has logits is
 * another model's tokenizer.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { loadModel } from '../../../../models/load.js';
import { describeRunFailure } from '../../../../models/onnx/graphs.js';
import { loadTokenizer, specialIdsFromManifest } from '../../../../models/tokenizers/load.js';
import { tempDirFactory } from '../../helpers/temp-dirs.js';
import { loadError, tempRoot, tinyCopy, TINY } from '../onnx/tiny-copy.js';

const fixtures = resolve(dirname(fileURLToPath(import.meta.url)), '../../../fixtures/tokenizers');
const HF_TINY = resolve(dirname(fileURLToPath(import.meta.url)), '../../../fixtures/models/hf-tiny');
const tempDir = tempDirFactory(test);

test('an LLM eos past the vocabulary is a load error naming the pointer, the size and the file', async () => {
  const path = tinyCopy(tempDir(tempRoot()), 'tiny-blip2-opt', (m) => (m.specialTokens.llm.eos = 999999));
  const error = await loadError(path);
  assert.is(error.pointer, '/specialTokens/llm/eos');
  assert.match(error.message, 'id 999999');
  assert.match(error.message, '716 ids');
  assert.match(error.message, join(TINY, 'tiny-blip2-opt/tokenizer/llm.json'));
});

test('text pad and cls past the vocabulary are load errors too', async () => {
  for (const [role, id] of [['pad', 999999], ['cls', 999999]] as const) {
    const path = tinyCopy(tempDir(tempRoot()), 'tiny-blip2-opt', (m) => (m.specialTokens.text[role] = id));
    const error = await loadError(path);
    assert.is(error.pointer, `/specialTokens/text/${role}`);
    assert.match(error.message, '267 ids');
  }
});

/** The hf-tiny BLIP caption export with [DEC]/[ENC] taken out of its tokenizer, as Hugging Face's BLIP tokenizers are. */
function blipWithoutDecEnc(dir: string): string {
  const source = join(HF_TINY, 'blip-caption');
  cpSync(source, dir, { recursive: true });
  const file = join(dir, 'tokenizer/text.json');
  const tokenizer = JSON.parse(readFileSync(file, 'utf8'));
  for (const token of ['[DEC]', '[ENC]']) delete tokenizer.model.vocab[token];
  tokenizer.added_tokens = tokenizer.added_tokens.filter((t: { content: string }) => t.content !== '[DEC]' && t.content !== '[ENC]');
  writeFileSync(file, JSON.stringify(tokenizer));
  return join(dir, 'model.json');
}

test('[DEC]/[ENC], which the runtime inserts by id, may lie outside the tokenizer (HF BLIP), but not outside the logits', async () => {
  const path = blipWithoutDecEnc(join(tempDir(tempRoot()), 'blip'));
  const loaded = await loadModel(path, { device: 'cpu', verifyDigests: false });
  await loaded.adapter.dispose();
  const manifest = JSON.parse(readFileSync(path, 'utf8'));
  manifest.specialTokens.text.dec = 144;
  writeFileSync(path, JSON.stringify(manifest));
  const error = await loadError(path, false);
  assert.is(error.pointer, '/specialTokens/text/dec');
  assert.match(error.message, 'outputs logits over 144 ids');
});

test('the last id of the vocabulary (an added token) and equal bos/eos are accepted', async () => {
  const path = tinyCopy(tempDir(tempRoot()), 'tiny-blip2-opt', (m) => {
    m.specialTokens.text.enc = 266;
    m.specialTokens.llm.eos = 2; // OPT's bos == eos == </s>
  });
  const loaded = await loadModel(path, { device: 'cpu', verifyDigests: true });
  await loaded.adapter.dispose();
});

test('a bare tokenizer file (no manifest) checks its framing ids against its sparse vocabulary', () => {
  const load = (eos: number) => loadTokenizer({ file: 't5-flan.json', kind: 't5-unigram', truncationSide: 'right', maxLength: null }, fixtures, specialIdsFromManifest({ eos, pad: 0 }, 'x'));
  assert.is(load(1).vocabularySize, 31);
  assert.throws(() => load(31), /'eos' is id 31, outside the vocabulary of .*t5-flan\.json: 31 ids/);
  const bert = loadTokenizer({ file: 'bert-blip.json', kind: 'bert', truncationSide: 'right', maxLength: null }, fixtures, { pad: 0, cls: 101, sep: 102 });
  assert.is(bert.vocabularySize, 30524, 'the highest id ([ENC] 30523) + 1, though the fixture keeps only 42 entries');
});

test("a tokenizer with more ids than the decoder's logits is a load error naming the tokenizer entry", async () => {
  // opt-gpt2.json is the real OPT vocabulary's id range (50k+); the tiny OPT decoder has 716 logits.
  const path = tinyCopy(tempDir(tempRoot()), 'tiny-blip2-opt', (m) => (m.tokenizers.llm.file = join(fixtures, 'opt-gpt2.json')));
  const error = await loadError(path);
  assert.is(error.pointer, '/tokenizers/llm/file');
  assert.match(error.message, /opt-gpt2\.json has 60014 ids .*llm_decoder .*logits over 716/);
});

test('a Gather failure on a fed token id blames the id, not the prompt length', () => {
  const gather = new Error("Non-zero status code returned while running Gather node. Name:'/word/Gather' Status Message: indices element out of data bounds, idx=999999 must be within the inclusive range [-267,266]");
  const ids = (values: number[]) => ({ input_ids: new ort.Tensor('int64', BigInt64Array.from(values.map(BigInt)), [1, values.length]) });
  assert.match(describeRunFailure('qformer_text', ids([2, 999999]), gather), "token id 999999 is past the graph's embedding table");
  assert.match(describeRunFailure('qformer_text', ids([2, 5]), gather), 'maximum sequence length');
});

test.run();
