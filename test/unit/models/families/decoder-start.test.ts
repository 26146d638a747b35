/**
 * specialTokens.llm.decoderStart is the encoder-decoder LLM's first decoder input (transformers'
 * decoder_start_token_id); T5's is <pad>, the default when the manifest leaves it out.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadModel } from '../../../../models/load.js';
import { config, ctx, prepare, ROOT } from './tiny-fidelity-helpers.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function greedyCaption(decoderStart: number | undefined): Promise<string> {
  const dir = join(mkdtempSync(join(tmpdir(), 'vlbench-decstart-')), 'm');
  cpSync(join(ROOT, 'models/tiny/tiny-blip2-t5'), dir, { recursive: true });
  const manifest: Json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
  if (decoderStart === undefined) delete manifest.specialTokens.llm.decoderStart;
  else manifest.specialTokens.llm.decoderStart = decoderStart;
  writeFileSync(join(dir, 'model.json'), JSON.stringify(manifest));
  const model = await loadModel(join(dir, 'model.json'), { device: 'cpu', verifyDigests: false });
  try {
    const image = await prepare(model, 'image', 'images/synth_test_000000000001.png');
    const [caption] = await model.adapter.captioning!.caption([{ image, prompt: '' }], config({ numBeams: 1, maxLength: 12, maxNewTokens: 12, minLength: 1 }), ctx);
    return caption!.tokenIds.join(' ');
  } finally {
    await model.adapter.dispose();
  }
}

test('the decoder starts from decoderStart, and from pad when it is not given', async () => {
  const fromPad = await greedyCaption(0);
  assert.is(await greedyCaption(undefined), fromPad);
  assert.is.not(await greedyCaption(5), fromPad, 'another start id changes the caption');
});

test.run();
