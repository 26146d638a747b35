/**
 * float16 at the graph boundary: bit conversions against known IEEE half values, and the
 * decoder-only driver on graphs whose float inputs/outputs are float16 (Cast-wrapped copies of
 * the fp32 fixtures, test/fixtures/generation/make_fp16_io.py).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fromHalfBits, toHalfBits } from '../../../../models/generation/onnx/float16.js';
import { decoderOnlyFactory } from '../../../../models/generation/onnx/decoder-only.js';
import { generate } from '../../../../models/generation/search.js';
import { KV, HIDDEN, embeddedPrompts, golden, maxAbsDiff, session, toConfig } from './tiny-graphs.js';

test('float32 -> float16 bits: known values, rounding to nearest even, subnormals, overflow', () => {
  const cases: [number, number][] = [
    [1, 0x3c00],
    [-2, 0xc000],
    [0.1, 0x2e66],
    [65504, 0x7bff],
    [65520, 0x7c00], // rounds up to infinity
    [1e6, 0x7c00],
    [2 ** -24, 0x0001], // smallest subnormal
    [2 ** -26, 0x0000], // rounds to zero
    [1 + 2 ** -11, 0x3c00], // halfway between 1 and 1+2^-10: ties to even
    [1 + 3 * 2 ** -11, 0x3c02], // halfway, odd below: rounds up
    [Infinity, 0x7c00],
    [-0, 0x8000],
  ];
  for (const [value, bits] of cases) assert.is(toHalfBits(value), bits, `${value}`);
  assert.ok(Number.isNaN(fromHalfBits(toHalfBits(NaN))));
  for (const bits of [0x3c00, 0xc000, 0x2e66, 0x7bff, 0x0001, 0x03ff, 0x0400]) assert.is(toHalfBits(fromHalfBits(bits)), bits);
  assert.is(fromHalfBits(0x3555), 0.333251953125);
});

test('decoder-only driver on float16-I/O graphs: logits close to fp32 PyTorch, greedy sequences equal', async () => {
  const g = golden('decoder-only');
  const graphs = { embed: await session('decoder_only_llm_embed_fp16io.onnx'), decoder: await session('decoder_only_llm_decoder_fp16io.onnx'), kvCache: KV, hidden: HIDDEN };
  const rows = [0, 1, 2, 3, 4, 5, 6, 7];
  const decoder = await decoderOnlyFactory(graphs, embeddedPrompts(g, rows), g.pad).open(1);
  const steps = [await decoder.first()];
  for (const tokens of g.traceTokens) steps.push(await decoder.next(null, tokens));
  decoder.dispose();
  steps.forEach((logits, i) => {
    const diff = maxAbsDiff(logits.data, g.logitsTrace[i]!);
    assert.ok(diff < 0.05, `step ${i}: max |fp16 graph - fp32 torch| = ${diff}`);
  });
  const greedy = g.cases.find((c) => c.name === 'greedy-min8')!;
  const out = await generate(await decoderOnlyFactory(graphs, embeddedPrompts(g, rows), g.pad), toConfig(greedy.config), { eosIds: g.eos, padId: g.pad });
  assert.equal(
    out.map((o) => o.ids),
    greedy.sequences,
  );
});

test.run();
