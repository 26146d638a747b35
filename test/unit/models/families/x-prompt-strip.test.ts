/**
 * X-InstructBLIP strips the prompt before generating (LAVIS generate) but ranks candidates after
 * the prompt as written (LAVIS _predict_class does not strip).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { config, ctx, load, prepare } from './tiny-fidelity-helpers.js';

test('ranking keeps a trailing space in the prompt; generation strips it', async () => {
  const model = await load('tiny-xinstructblip');
  try {
    const image = await prepare(model, 'image', 'images/synth_test_000000000001.png');
    const instruction = model.adapter.instruction!;
    const prompt = 'Question: what color is the object? Short answer:';
    const candidates = [['red', 'blue']];
    const [plain] = await instruction.scoreCandidates([{ media: [image], prompt }], candidates, ctx);
    const [spaced] = await instruction.scoreCandidates([{ media: [image], prompt: `${prompt} ` }], candidates, ctx);
    assert.not.equal(spaced, plain, 'the trailing space reached the LM when ranking');
    const settings = config({ numBeams: 1, maxLength: 5, minLength: 1 });
    const [a] = await instruction.generate([{ media: [image], prompt }], settings, ctx);
    const [b] = await instruction.generate([{ media: [image], prompt: `${prompt} ` }], settings, ctx);
    assert.equal(b!.tokenIds, a!.tokenIds);
  } finally {
    await model.adapter.dispose();
  }
});

test.run();
