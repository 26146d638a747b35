/**
 * BLIP answer generation on the cache-less `answer_decoder` (full recomputation each step). The
 * tiny answer decoder shares its weights with the tiny text decoder, so with the image tokens as
 * "question states" and an all-ones mask it must reproduce PyTorch's bert-decoder sequences.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { answerGenerationFactory } from '../../../../models/generation/onnx/answer-generation.js';
import { float32 } from '../../../../models/generation/onnx/tensors.js';
import { generate } from '../../../../models/generation/search.js';
import { golden, session, toConfig } from './tiny-graphs.js';

const g = golden('bert-decoder');

for (const c of g.cases) {
  test(`${c.name}: recomputing answer_decoder gives PyTorch's cached-decoder sequences`, async () => {
    const [count, patches] = g.imageDims!;
    const factory = answerGenerationFactory(await session('bert_answer_decoder.onnx'), {
      questionStates: float32(Float32Array.from(g.image!), g.imageDims!),
      questionMask: Array.from({ length: count }, () => new Array<number>(patches).fill(1)),
      promptIds: Array.from({ length: count }, () => g.prompt!),
    });
    const out = await generate(factory, toConfig(c.config), { eosIds: g.eos, padId: g.pad }, { transformersEra: c.era });
    assert.equal(
      out.map((o) => o.ids),
      c.sequences,
    );
  });
}

test.run();
