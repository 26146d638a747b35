/**
 * KV-cache decoding equals full recomputation: at every step, the cached step's logits equal
 * those of a fresh pass over the whole sequence with an empty past (all 8 inputs, 12 steps).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { StepLogits } from '../../../../models/generation/decoder.js';
import { bertDecoderFactory } from '../../../../models/generation/onnx/bert-decoder.js';
import { decoderOnlyFactory } from '../../../../models/generation/onnx/decoder-only.js';
import { encodePrompts } from '../../../../models/generation/onnx/encoder-decoder.js';
import { encoderDecoderFactory } from '../../../../models/generation/onnx/encoder-decoder.js';
import { KvCache } from '../../../../models/generation/onnx/kv-cache.js';
import { int64, lastPositionLogits } from '../../../../models/generation/onnx/tensors.js';
import { KV, decoderOnlyGraphs, embeddedPrompts, encoderDecoderGraphs, golden, maxAbsDiff, session } from './tiny-graphs.js';

const STEPS = 12;
const ROWS = [0, 1, 2, 3, 4, 5, 6, 7];

function argmaxRows(logits: StepLogits): number[] {
  return Array.from({ length: logits.rows }, (_, r) => {
    let best = 0;
    for (let i = 1; i < logits.vocab; i++) if (logits.data[r * logits.vocab + i]! > logits.data[r * logits.vocab + best]!) best = i;
    return best;
  });
}

/** Greedy with the cache; `full(generated)` recomputes from scratch; compares every step. */
async function compare(cachedFirst: () => Promise<StepLogits>, cachedNext: (t: number[]) => Promise<StepLogits>, full: (generated: number[][]) => Promise<StepLogits>): Promise<number> {
  let worst = 0;
  const generated: number[][] = ROWS.map(() => []);
  let logits = await cachedFirst();
  for (let step = 0; step < STEPS; step++) {
    worst = Math.max(worst, maxAbsDiff(logits.data, (await full(generated)).data));
    const tokens = argmaxRows(logits);
    tokens.forEach((t, r) => generated[r]!.push(t));
    logits = await cachedNext(tokens);
  }
  return worst;
}

test('bert-decoder: cached steps == recomputation over prompt + generated ids', async () => {
  const g = golden('bert-decoder');
  const graph = { session: await session('bert_text_decoder.onnx'), kvCache: KV };
  const image = { encoderHiddenStates: Float32Array.from(g.image!), encoderDims: g.imageDims! };
  const decoder = await bertDecoderFactory(graph, { ...image, promptIds: ROWS.map(() => g.prompt!) }).open(1);
  const worst = await compare(
    () => decoder.first(),
    (t) => decoder.next(null, t),
    async (generated) => {
      const fresh = await bertDecoderFactory(graph, { ...image, promptIds: generated.map((ids) => [...g.prompt!, ...ids]) }).open(1);
      return fresh.first();
    },
  );
  assert.ok(worst < 1e-4, `max |cached - full| = ${worst}`);
});

test('decoder-only: cached steps == recomputation (different left padding, same positions)', async () => {
  const g = golden('decoder-only');
  const graphs = await decoderOnlyGraphs();
  const prompts = embeddedPrompts(g, ROWS);
  const decoder = await decoderOnlyFactory(graphs, prompts, g.pad).open(1);
  const worst = await compare(
    () => decoder.first(),
    (t) => decoder.next(null, t),
    async (generated) => {
      const extended = prompts.map((p, r) => ({ ...p, promptIds: [...p.promptIds, ...generated[r]!] }));
      return (await decoderOnlyFactory(graphs, extended, g.pad).open(1)).first();
    },
  );
  assert.ok(worst < 1e-4, `max |cached - full| = ${worst}`);
});

test('encoder-decoder: cached steps == recomputation of the decoder over start + generated ids', async () => {
  const g = golden('encoder-decoder');
  const graphs = await encoderDecoderGraphs();
  const encoded = await encodePrompts(graphs, embeddedPrompts(g, ROWS), g.pad);
  const decoder = await encoderDecoderFactory(graphs, encoded, g.decoderStart!).open(1);
  const worst = await compare(
    () => decoder.first(),
    (t) => decoder.next(null, t),
    async (generated) => {
      const cache = new KvCache(KV, ROWS.length, 'llm_decoder');
      const outputs = await graphs.decoder.run({
        input_ids: int64(generated.map((ids) => [g.decoderStart!, ...ids])),
        encoder_hidden_states: encoded.states,
        encoder_attention_mask: int64(encoded.mask),
        ...cache.feeds(),
      });
      return lastPositionLogits(outputs['logits']!, 'llm_decoder');
    },
  );
  assert.ok(worst < 1e-4, `max |cached - full| = ${worst}`);
});

test.run();
