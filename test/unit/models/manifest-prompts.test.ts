import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readManifest, ManifestError } from '../../../models/manifest.js';

const SHA = 'a'.repeat(64);
const graph = { file: 'g.onnx', sha256: SHA, inputs: { x: { dtype: 'float32', shape: ['batch', 3] } }, outputs: { y: { dtype: 'float32', shape: ['batch', 3] } } };

function blip(prompts: Record<string, string>, capabilities = ['captioning', 'vqa-generate']): string {
  const dir = mkdtempSync(join(tmpdir(), 'vlbench-prompts-'));
  const path = join(dir, 'model.json');
  const manifest = {
    formatVersion: 1, name: 'test-blip', family: 'blip', variant: 'test', llm: null, modalities: ['image'], capabilities,
    graphs: { vision_encoder: graph, fusion_encoder: graph, answer_decoder: graph, text_decoder: graph }, tokenizers: {}, specialTokens: {}, preprocess: {}, prompts, generation: {},
  };
  writeFileSync(path, JSON.stringify(manifest));
  return path;
}

function errorOf(prompts: Record<string, string>, capabilities?: string[]): ManifestError {
  try {
    readManifest(blip(prompts, capabilities));
  } catch (error) {
    assert.instance(error, ManifestError);
    return error as ManifestError;
  }
  throw new Error('expected a ManifestError');
}

test('the templates the exporters write load', () => {
  for (const vqa of ['{question}', 'Question: {question} Short answer:', 'Question: {} Short answer:']) {
    assert.is(readManifest(blip({ caption: 'a picture of ', vqa })).manifest.prompts.vqa, vqa);
  }
});

test('a VQA template without a placeholder is an error at load, naming /prompts/vqa', () => {
  const error = errorOf({ vqa: 'Question: Short answer:' });
  assert.is(error.pointer, '/prompts/vqa');
  assert.match(error.message, /has no \{question\} placeholder/);
});

test('a misspelt placeholder gets a did-you-mean', () => {
  const error = errorOf({ vqa: '{qestion}' });
  assert.is(error.pointer, '/prompts/vqa');
  assert.match(error.message, /unknown placeholder \{qestion\}.*did you mean \{question\}/);
});

test('placeholders nothing fills are errors: {hint}, and {context}/{options} in a VQA template', () => {
  assert.match(errorOf({ vqa: 'Question: {question} {hint} Short answer:' }).message, /unknown placeholder \{hint\}/);
  assert.match(errorOf({ vqa: 'Context: {context} Question: {question}' }).message, /unknown placeholder \{context\}/);
  assert.match(errorOf({ vqa: '{question} Options: {options}' }).message, /unknown placeholder \{options\}/);
});

test('a prompt no capability of the model reads is an error (a retrieval export with a caption prompt)', () => {
  const caption = errorOf({ caption: 'a picture of ', vqa: '{question}' }, ['vqa-generate']);
  assert.is(caption.pointer, '/prompts/caption');
  assert.match(caption.message, /only 'captioning' reads this prompt, and the model has none of them/);
  assert.is(errorOf({ vqa: '{question}' }, ['captioning']).pointer, '/prompts/vqa');
  assert.is(readManifest(blip({ vqa: '{question}' }, ['vqa-rank'])).manifest.prompts.vqa, '{question}');
});

test('the caption prompt takes no placeholders', () => {
  const error = errorOf({ caption: 'a picture of {question}' });
  assert.is(error.pointer, '/prompts/caption');
  assert.match(error.message, /takes no placeholders/);
});

test.run();
