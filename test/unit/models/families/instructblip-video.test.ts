/**
 * InstructBLIP on video, as LAVIS runs it (model-contracts §5.2 step 5): each frame through the
 * vision encoder and the instruction-aware Q-Former alone, the projected queries concatenated in
 * frame order before the instruction. The composition is checked on stand-in graphs whose soft
 * tokens are known by hand; the whole path on tiny-instructblip-t5 with video declared in a copy
 * of its model.json.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import type { LoadedModel } from '../../../../models/load.js';
import type { PreparedMedia } from '../../../../models/capabilities.js';
import * as ort from 'onnxruntime-node';
import { ImageStateCache } from '../../../../models/families/image-state-cache.js';
import { mediaSoftPrompts, type SoftPromptParts } from '../../../../models/families/llm-family.js';
import type { GraphSession } from '../../../../models/onnx/graphs.js';
import { tempDirFactory } from '../../helpers/temp-dirs.js';
import { tempRoot, withTinyCopy } from '../onnx/tiny-copy.js';
import { BUNDLED, config, ctx } from './tiny-fidelity-helpers.js';

const tempDir = tempDirFactory(test);
const VIDEO = join(BUNDLED, 'video/frames/vid1');
const FRAMES = 4;

function withVideoModel(fn: (model: LoadedModel) => Promise<void>): Promise<void> {
  return withTinyCopy(tempDir(tempRoot()), 'tiny-instructblip-t5', (m) => {
    m.modalities = ['image', 'video'];
    m.preprocess.video = { frames: FRAMES, sampling: 'uniform', size: m.preprocess.image.size, channelOrder: 'rgb' };
  }, fn);
}

/**
 * Stand-ins for the vision encoder and Q-Former: a frame's state is its mean pixel, and its 32
 * soft tokens (2 wide) are (state, query index): each frame's block is known by hand.
 */
function fakeParts(): { parts: SoftPromptParts; visionBatches: number[] } {
  const visionBatches: number[] = [];
  const vision = {
    role: 'vision_encoder',
    run: async (feeds: Record<string, ort.Tensor>) => {
      const pixels = feeds['pixel_values']!;
      const [n] = pixels.dims;
      visionBatches.push(n!);
      const size = pixels.data.length / n!;
      const data = Float32Array.from({ length: n! }, (_, i) => (pixels.data as Float32Array).subarray(i * size, (i + 1) * size).reduce((a, b) => a + b, 0) / size);
      return { image_embeds: new ort.Tensor('float32', data, [n!, 1, 1]) };
    },
  };
  const qformer = {
    role: 'qformer',
    has: () => false,
    run: async (feeds: Record<string, ort.Tensor>) => {
      const states = feeds['encoder_embeds']!;
      const n = states.dims[0]!;
      const data = new Float32Array(n * 32 * 2);
      for (let i = 0; i < n; i++) for (let q = 0; q < 32; q++) data.set([(states.data as Float32Array)[i]!, q], (i * 32 + q) * 2);
      return { language_embeds: new ort.Tensor('float32', data, [n, 32, 2]) };
    },
  };
  const parts = { qformer: qformer as unknown as GraphSession, imageStates: new ImageStateCache(vision as unknown as GraphSession), qformerTokenizer: null, qformerMaxLength: 128 };
  return { parts, visionBatches };
}

/** A [frames, 3, 2, 2] video whose frame f is filled with values[f]. */
function fakeVideo(path: string, values: readonly number[]): PreparedMedia {
  const frame = 3 * 2 * 2;
  const data = new Float32Array(values.length * frame);
  values.forEach((v, f) => data.fill(v, f * frame, (f + 1) * frame));
  return { modality: 'video', data, dims: [values.length, 3, 2, 2], path };
}

/** The soft tokens of a frame whose state is `state`, as the stand-ins give them. */
function block(state: number): number[] {
  return Array.from({ length: 32 }, (_, q) => [state, q]).flat();
}

test('a video soft prompt is its frames through the Q-Former one by one, 32 queries each, in frame order; a batch regroups by medium', async () => {
  const { parts, visionBatches } = fakeParts();
  const image: PreparedMedia = { modality: 'image', data: new Float32Array(12).fill(9), dims: [3, 2, 2], path: 'still.png' };
  const soft = await mediaSoftPrompts(parts, [fakeVideo('a', [1, 2, 3, 4]), image, fakeVideo('b', [7, 5])], ['q1', 'q2', 'q3'], ctx);
  assert.equal([...soft[0]!], [...block(1), ...block(2), ...block(3), ...block(4)]);
  assert.equal([...soft[1]!], block(9));
  assert.equal([...soft[2]!], [...block(7), ...block(5)]);
  assert.equal(visionBatches, [7], 'every frame of the call in one vision batch');
});

test('the instruction capability answers a video request, and a request of two media is still refused', async () => {
  await withVideoModel(async (model) => {
    const video = await model.adapter.prepare({ modality: 'video', path: VIDEO }, ctx);
    const [answer] = await model.adapter.instruction!.generate([{ media: [video], prompt: 'Question: what is moving? Short answer:' }], config({ numBeams: 1, maxNewTokens: 5 }), ctx);
    assert.ok(answer && answer.tokenIds.length > 0);
    const image = await model.adapter.prepare({ modality: 'image', path: join(BUNDLED, 'images/synth_test_000000000001.png') }, ctx);
    const refused = await model.adapter.instruction!.generate([{ media: [video, image], prompt: 'which?' }], config({ numBeams: 1, maxNewTokens: 2 }), ctx).then(() => undefined, (e: Error) => e);
    assert.match(refused!.message, 'takes exactly one image (or video) per instruction, got video, image');
  });
});

test.run();
