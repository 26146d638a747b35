/**
 * X-InstructBLIP's `predict_answers` turns an empty answer into "unanswerable" (model-contracts
 * §6.2), for a VQA task and for an instruction task decoded as answers (`asAnswer`); free-form
 * generation keeps the empty text. The tiny model rarely ends at once, so a copy of its
 * model.json makes the token it says first the end of sequence: its answer is then empty.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import type { LoadedModel } from '../../../../models/load.js';
import { tempDirFactory } from '../../helpers/temp-dirs.js';
import { tempRoot, withTinyCopy } from '../onnx/tiny-copy.js';
import { BUNDLED, config, ctx, load } from './tiny-fidelity-helpers.js';

const tempDir = tempDirFactory(test);
const IMAGE = join(BUNDLED, 'images/synth_test_000000000001.png');
const PROMPT = 'Question: what colour is the shape? Short answer:';
const GREEDY = config({ numBeams: 1, maxNewTokens: 4, minLength: 0 });

async function firstToken(): Promise<number> {
  const model = await load('tiny-xinstructblip');
  try {
    const image = await model.adapter.prepare({ modality: 'image', path: IMAGE }, ctx);
    const [g] = await model.adapter.instruction!.generate([{ media: [image], prompt: PROMPT }], GREEDY, ctx);
    return g!.tokenIds[0]!;
  } finally {
    await model.adapter.dispose();
  }
}

function withEndingAt(token: number, fn: (model: LoadedModel) => Promise<void>): Promise<void> {
  return withTinyCopy(tempDir(tempRoot()), 'tiny-xinstructblip', (m) => (m.specialTokens.llm.eos = token), fn);
}

test('an empty answer is "unanswerable" when decoded as an answer, and stays empty as free text', async () => {
  const token = await firstToken();
  await withEndingAt(token, async (model) => {
    const image = await model.adapter.prepare({ modality: 'image', path: IMAGE }, ctx);
    const [free] = await model.adapter.instruction!.generate([{ media: [image], prompt: PROMPT }], GREEDY, ctx);
    assert.is(free!.text, '', 'the first token now ends the sequence');
    const [answer] = await model.adapter.instruction!.generate([{ media: [image], prompt: PROMPT, asAnswer: true }], GREEDY, ctx);
    assert.is(answer!.text, 'unanswerable');
    const [vqa] = await model.adapter.answerGeneration!.answer([{ image, question: 'what colour is the shape?', template: 'Question: {} Short answer:' }], GREEDY, ctx);
    assert.is(vqa!.text, 'unanswerable');
  });
});

test.run();
