/**
 * A capability runs the requests of one call as one ONNX batch: the runner's batch (the suite's
 * batchSize, "samples per ONNX Runtime batch") reaches each graph whole. The adapters used to cut
 * every call into batches of 16 behind the suite's back, so batchSize 40 ran 16 + 16 + 8. Checked
 * at the ONNX layer: every InferenceSession.run is recorded with the leading dimension of the feeds
 * that identify the graph.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ort from 'onnxruntime-node';
import type { LoadedModel } from '../../../../models/load.js';
import type { PreparedMedia } from '../../../../models/capabilities.js';
import { config, ctx, load, prepare } from './tiny-fidelity-helpers.js';

/** More than the old fixed batch of 16. */
const BATCH = 20;
const IMAGES = Array.from({ length: BATCH }, (_, i) => `images/synth_test_${String(i + 1).padStart(12, '0')}.png`);

type Run = (this: ort.InferenceSession, feeds: Record<string, ort.Tensor>, ...rest: unknown[]) => Promise<ort.InferenceSession.OnnxValueMapType>;
/** The class every session is an instance of (the exported factory's type hides its prototype). */
const sessions = (ort.InferenceSession as unknown as { prototype: { run: Run } }).prototype;
const original = sessions.run;
const runs: Record<string, number[]> = {};

function recordRuns(): void {
  sessions.run = function (feeds, ...rest) {
    for (const name of ['pixel_values', 'encoder_embeds', 'image_embeds', 'input_ids', 'inputs_embeds']) {
      const tensor = feeds[name];
      if (tensor !== undefined) (runs[name] ??= []).push(tensor.dims[0]!);
    }
    return original.call(this, feeds, ...rest);
  };
}

function takeRuns(): Record<string, number[]> {
  const taken = { ...runs };
  for (const name of Object.keys(runs)) delete runs[name];
  return taken;
}

async function images(model: LoadedModel): Promise<PreparedMedia[]> {
  return Promise.all(IMAGES.map((path) => prepare(model, 'image', path)));
}

async function withModel(name: string, fn: (model: LoadedModel) => Promise<void>): Promise<void> {
  const model = await load(name);
  try {
    await fn(model);
  } finally {
    await model.adapter.dispose();
  }
}

test.before(recordRuns);
test.after(() => {
  sessions.run = original;
});

test('BLIP captioning: the vision encoder and the decoder see the whole batch of 20', async () => {
  await withModel('tiny-blip', async (model) => {
    const media = await images(model);
    takeRuns();
    const out = await model.adapter.captioning!.caption(media.map((image) => ({ image })), config({ numBeams: 1, maxLength: 6, minLength: 1 }), ctx);
    assert.is(out.length, BATCH);
    const seen = takeRuns();
    assert.equal(seen['pixel_values'], [BATCH], 'one vision encoder run of 20 images');
    assert.ok(seen['input_ids']!.length > 0 && seen['input_ids']!.every((rows) => rows === BATCH), `decoder runs over all 20 rows: ${seen['input_ids']}`);
  });
});

test('BLIP retrieval: images, texts and matching pairs each run as one batch of 20', async () => {
  await withModel('tiny-blip', async (model) => {
    const retrieval = model.adapter.retrieval!;
    const media = await images(model);
    const texts = IMAGES.map((_, i) => `a picture number ${i}`);
    takeRuns();
    await retrieval.embedImages(media, ctx);
    assert.equal(takeRuns()['pixel_values'], [BATCH], 'one vision run');
    await retrieval.embedTexts(texts, ctx);
    assert.equal(takeRuns()['input_ids'], [BATCH], 'one text encoder run');
    await retrieval.matchScores(media.map((image, i) => ({ image, text: texts[i]! })), ctx);
    assert.equal(takeRuns()['image_embeds'], [BATCH], 'one matching-head run (image states reused)');
  });
});

test('ALBEF answer ranking: the questions are encoded against the images as one batch of 20', async () => {
  await withModel('tiny-albef', async (model) => {
    const media = await images(model);
    takeRuns();
    const requests = media.map((image) => ({ image, question: 'what colour is the shape?', template: '{question}' }));
    const ranked = await model.adapter.answerRanking!.rankAnswers(requests, ['red', 'blue', 'green'], 2, ctx);
    assert.is(ranked.length, BATCH);
    const seen = takeRuns();
    assert.equal(seen['pixel_values'], [BATCH]);
    assert.equal(seen['image_embeds'], [BATCH], 'one fusion run');
  });
});

test('BLIP-2 captioning and InstructBLIP choice ranking: one vision and one Q-Former run of 20', async () => {
  await withModel('tiny-blip2-opt', async (model) => {
    const media = await images(model);
    takeRuns();
    await model.adapter.captioning!.caption(media.map((image) => ({ image })), config({ numBeams: 1, maxLength: 4, minLength: 1 }), ctx);
    const seen = takeRuns();
    assert.equal(seen['pixel_values'], [BATCH]);
    assert.equal(seen['encoder_embeds'], [BATCH]);
  });
  await withModel('tiny-instructblip-opt', async (model) => {
    const media = await images(model);
    takeRuns();
    const requests = media.map((image) => ({ media: [image], prompt: 'which colour?' }));
    const scores = await model.adapter.instruction!.scoreCandidates(requests, requests.map(() => ['red', 'blue']), ctx);
    assert.is(scores.length, BATCH);
    const seen = takeRuns();
    assert.equal(seen['pixel_values'], [BATCH], 'the choices are scored per sample, its image and instruction in one batch');
    assert.equal(seen['encoder_embeds'], [BATCH]);
  });
});

test('X-InstructBLIP: inputs of one modality decode as one LLM batch; mixed layouts come back in order', async () => {
  await withModel('tiny-xinstructblip', async (model) => {
    const instruction = model.adapter.instruction!;
    const media = await images(model);
    const settings = config({ numBeams: 1, maxLength: 5, minLength: 1 });
    takeRuns();
    const together = await instruction.generate(media.map((image) => ({ media: [image], prompt: 'what colour is the shape?' })), settings, ctx);
    assert.is(together.length, BATCH);
    const decoderRows = takeRuns()['inputs_embeds']!;
    assert.is(decoderRows[0], BATCH, `the prompt pass of the LLM runs all 20 rows: ${decoderRows}`);
    // A video's 4 x 32 soft tokens cannot share the decoder's prefix with an image's 32.
    const video = await prepare(model, 'video', 'video/frames/vid1');
    const requests = [media[0]!, video, media[1]!].map((item) => ({ media: [item], prompt: 'what is shown?' }));
    const mixed = await instruction.generate(requests, settings, ctx);
    for (const [i, request] of requests.entries()) {
      const [alone] = await instruction.generate([request], settings, ctx);
      assert.equal(mixed[i]!.tokenIds, alone!.tokenIds, `request ${i} decodes as it does alone`);
    }
  });
});

test.run();
