/**
 * Parity with PyTorch on the tiny decoder graphs of each kind: logits within 1e-4, greedy and
 * beam token sequences identical to the transformers-4.33-semantics reference, at batch 8 and
 * for every input alone.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { generate } from '../../../../models/generation/search.js';
import {
  bertFactory,
  decoderOnlyFactoryFor,
  encoderDecoderFactoryFor,
  golden,
  maxAbsDiff,
  toConfig,
  type FactoryFor,
  type GoldenKind,
} from './tiny-graphs.js';

const KINDS: readonly [string, (g: GoldenKind) => Promise<FactoryFor>][] = [
  ['bert-decoder', bertFactory],
  ['decoder-only', decoderOnlyFactoryFor],
  ['encoder-decoder', encoderDecoderFactoryFor],
];

for (const [name, makeFactory] of KINDS) {
  const test = suite(`parity ${name}`);
  const g = golden(name);
  const all = Array.from({ length: g.cases[0]!.sequences.length }, (_, i) => i);

  test('logits of the first step and of three cached steps match PyTorch within 1e-4', async () => {
    const factory = await (await makeFactory(g))(all);
    const decoder = await factory.open(1);
    const steps = [await decoder.first()];
    for (const tokens of g.traceTokens) steps.push(await decoder.next(null, tokens));
    decoder.dispose();
    steps.forEach((logits, i) => {
      const diff = maxAbsDiff(logits.data, g.logitsTrace[i]!);
      assert.ok(diff < 1e-4, `step ${i}: max |ORT - torch| = ${diff}`);
    });
  });

  for (const c of g.cases) {
    test(`${c.name}: batch of 8 gives PyTorch's sequences`, async () => {
      const factory = await (await makeFactory(g))(all);
      const out = await generate(factory, toConfig(c.config), { eosIds: g.eos, padId: g.pad }, { transformersEra: c.era });
      assert.equal(
        out.map((o) => o.ids),
        c.sequences,
      );
      if (c.scores !== null) {
        out.forEach((o, i) => assert.ok(Math.abs(o.score! - c.scores![i]!) < 1e-4, `input ${i}: score ${o.score} vs ${c.scores![i]}`));
      }
    });

    test(`${c.name}: each input alone gives the same sequence as in the batch`, async () => {
      const factoryFor = await makeFactory(g);
      for (const i of all) {
        const [out] = await generate(await factoryFor([i]), toConfig(c.config), { eosIds: g.eos, padId: g.pad }, { transformersEra: c.era });
        assert.equal(out!.ids, c.sequences[i], `input ${i}`);
      }
    });
  }

  test.run();
}
