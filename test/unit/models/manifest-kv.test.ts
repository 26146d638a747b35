import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadManifestJson, manifestErrorOf as errorOf } from './manifest-test-helpers.js';

const SHA = 'a'.repeat(64);
const t = (shape: (string | number)[]) => ({ dtype: 'float32', shape });
const graph = { file: 'g.onnx', sha256: SHA, inputs: { x: t(['batch', 3]) }, outputs: { y: t(['batch', 3]) } };

/** A BLIP text decoder with `layers` cached layers, pairs in the contract's order unless given. */
function decoder(layers: number, pairs?: string[][]) {
  const inputs: Record<string, unknown> = { input_ids: { dtype: 'int64', shape: ['batch', 'seq'] } };
  const outputs: Record<string, unknown> = { logits: t(['batch', 'seq', 10]) };
  const all: string[][] = [];
  for (let i = 0; i < layers; i++) {
    for (const part of ['key', 'value']) {
      inputs[`past_key_values.${i}.${part}`] = t(['batch', 2, 'past_seq', 4]);
      outputs[`present.${i}.${part}`] = t(['batch', 2, 'total_seq', 4]);
      all.push([`past_key_values.${i}.${part}`, `present.${i}.${part}`]);
    }
  }
  return { file: 'd.onnx', sha256: SHA, inputs, outputs, kvCache: { layers, heads: 2, headDim: 4, pairs: pairs ?? all } };
}

function blip(textDecoder: unknown): Record<string, unknown> {
  return {
    formatVersion: 1, name: 'test-blip', family: 'blip', variant: 'test', llm: null, modalities: ['image'], capabilities: ['captioning'],
    graphs: { vision_encoder: graph, text_decoder: textDecoder }, tokenizers: {}, specialTokens: {}, preprocess: {}, prompts: {}, generation: {},
  };
}

const swapped = (layers: number, a: number, b: number) => {
  const pairs = decoder(layers).kvCache.pairs.map((p) => [...p]);
  [pairs[a]![1], pairs[b]![1]] = [pairs[b]![1]!, pairs[a]![1]!];
  return pairs;
};

test('pairs in the contract layout load', () => {
  assert.is(loadManifestJson(blip(decoder(3))).manifest.graphs.text_decoder?.kvCache?.layers, 3);
});

test('present outputs swapped between two layers are an error naming the pair and the fix', () => {
  const error = errorOf(blip(decoder(2, swapped(2, 0, 2))));
  assert.is(error.pointer, '/graphs/text_decoder/kvCache/pairs/0/1');
  assert.match(error.message, /'past_key_values\.0\.key' is paired with 'present\.1\.key'.*pair it with 'present\.0\.key'/);
});

test('key and value swapped within a layer are an error', () => {
  const error = errorOf(blip(decoder(2, swapped(2, 0, 1))));
  assert.is(error.pointer, '/graphs/text_decoder/kvCache/pairs/0/1');
  assert.match(error.message, /layer 0 value/);
});

test('a layer paired twice, or one beyond kvCache.layers, is an error', () => {
  const twice = decoder(2).kvCache.pairs.map((p) => [...p]);
  twice[2] = [...twice[0]!];
  assert.match(errorOf(blip(decoder(2, twice))).message, /layer 0 key is paired twice \(pairs 0 and 2\)/);
  const big = decoder(3);
  const error = errorOf(blip({ ...big, kvCache: { ...big.kvCache, layers: 2, pairs: big.kvCache.pairs.slice(2) } }));
  assert.match(error.message, /names layer 2, but kvCache.layers is 2/);
});

test('names outside the contract pattern are an error', () => {
  const d = decoder(1);
  const inputs = { ...d.inputs, 'past.0.k': t(['batch', 2, 'past_seq', 4]) };
  const error = errorOf(blip({ ...d, inputs, kvCache: { ...d.kvCache, pairs: [['past.0.k', 'present.0.key'], d.kvCache.pairs[1]] } }));
  assert.is(error.pointer, '/graphs/text_decoder/kvCache/pairs/0/0');
  assert.match(error.message, /past_key_values\.<layer>\.key/);
});

test('a declared past input that belongs to no pair is an error at load', () => {
  const d = decoder(1);
  const inputs = { ...d.inputs, 'past_key_values.1.key': t(['batch', 2, 'past_seq', 4]) };
  const error = errorOf(blip({ ...d, inputs }));
  assert.is(error.pointer, '/graphs/text_decoder/inputs/past_key_values.1.key');
  assert.match(error.message, /belongs to no pair/);
  const { kvCache: _, ...noCache } = decoder(1);
  assert.match(errorOf(blip(noCache)).message, /declares no kvCache/);
});

test.run();
