/**
 * /preprocess against what vlbench implements and what the encoders declare (manifest-preprocess.ts):
 * audio clipSeconds used to be required and never read (any value loaded), sampleRate/melBins were
 * refused per sample only, and a point-cloud mode the encoder's channel axis cannot take failed in
 * ONNX Runtime on every sample. Also: every shipped and fixture manifest still loads.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, existsSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readManifest } from '../../../models/manifest.js';
import { loadManifestJson as load, manifestErrorOf as errorOf } from './manifest-test-helpers.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const SHA = 'a'.repeat(64);
const t = (dtype: string, shape: (string | number)[]) => ({ dtype, shape });
const plain = { file: 'g.onnx', sha256: SHA, inputs: { x: t('float32', ['batch', 3]) }, outputs: { y: t('float32', ['batch', 3]) } };
const qformer = {
  ...plain,
  inputs: { encoder_embeds: t('float32', ['batch', 'patches', 8]), qformer_input_ids: t('int64', ['batch', 'seq']), qformer_attention_mask: t('int64', ['batch', 'seq']) },
  outputs: { language_embeds: t('float32', ['batch', 32, 16]) },
};
const AUDIO = { sampleRate: 16000, clips: 2, clipSeconds: 5.12, melBins: 128, framesPerClip: 512 };
const POINTCLOUD = { points: 1024, mode: 'modelnet', seed: 0 };

/** An X-InstructBLIP manifest taking images, audio and point clouds; `pointShape` is the encoder's 'points' input. */
function xModel(preprocess: Record<string, unknown> = {}, pointShape: (string | number)[] = ['batch', 'points', 3]): Record<string, unknown> {
  return {
    formatVersion: 1, name: 'test-x', family: 'xinstructblip', variant: 'test', llm: { kind: 'decoder-only', name: 'vicuna' },
    modalities: ['image', 'audio', 'pointcloud'], capabilities: ['instruction-generate'],
    graphs: {
      vision_encoder: plain, qformer, audio_encoder: plain, qformer_audio: qformer, qformer_pointcloud: qformer, llm_embed: plain, llm_decoder: plain,
      pointcloud_encoder: { ...plain, inputs: { points: t('float32', pointShape) } },
    },
    tokenizers: {}, specialTokens: {}, prompts: {}, generation: {},
    preprocess: { image: { size: 32, resize: 'crop', mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] }, audio: AUDIO, pointcloud: POINTCLOUD, ...preprocess },
    xinstruct: { cues: { image: 'image: ', audio: 'audio: ', pointcloud: '3d: ' }, cleanTokenization: true, addSpace: true, prefix: '', postfix: '' },
  };
}

test('a consistent X-InstructBLIP manifest loads', () => {
  assert.is(load(xModel()).manifest.preprocess.audio?.clipSeconds, 5.12);
});

test('audio clipSeconds must be framesPerClip x the 10 ms fbank hop (it used to be ignored)', () => {
  const error = errorOf(xModel({ audio: { ...AUDIO, clipSeconds: 10 } }));
  assert.is(error.pointer, '/preprocess/audio/clipSeconds');
  assert.match(error.message, 'is 10 s, but clips are cut by fbank frames: framesPerClip 512 at the fbank\'s 10 ms hop is 5.12 s; set clipSeconds to 5.12 (framesPerClip is the audio_encoder graph\'s frame axis');
  load(xModel({ audio: { ...AUDIO, clipSeconds: 10.24, framesPerClip: 1024 } }));
});

test('audio sampleRate and melBins other than BEATs\' are load errors, not per-sample ones', () => {
  const rate = errorOf(xModel({ audio: { ...AUDIO, sampleRate: 44100 } }));
  assert.is(rate.pointer, '/preprocess/audio/sampleRate');
  assert.match(rate.message, /BEATs' front end only.*set it to 16000/);
  assert.is(errorOf(xModel({ audio: { ...AUDIO, melBins: 64 } })).pointer, '/preprocess/audio/melBins');
});

test("point clouds: 'modelnet' (xyz) against an encoder fixed to 6 channels is a load error naming the mode", () => {
  const error = errorOf(xModel({}, ['batch', 'points', 6]));
  assert.is(error.pointer, '/preprocess/pointcloud/mode');
  assert.match(error.message, "'modelnet' feeds x, y, z only (3 channels), but the point-cloud encoder takes 6 (/graphs/pointcloud_encoder/inputs/points/shape/2); set \"mode\": \"ulip\"");
  load(xModel({ pointcloud: { ...POINTCLOUD, mode: 'ulip' } }, ['batch', 'points', 6]));
  load(xModel({ pointcloud: { ...POINTCLOUD, mode: 'ulip' } }));
  load(xModel({}, ['batch', 'points', 'channels']));
  assert.is(errorOf(xModel({ pointcloud: { ...POINTCLOUD, mode: 'ulip' } }, ['batch', 'points', 2])).pointer, '/graphs/pointcloud_encoder/inputs/points/shape/2');
});

test('point clouds: a fixed point axis must equal preprocess.pointcloud.points', () => {
  const error = errorOf(xModel({}, ['batch', 8192, 3]));
  assert.is(error.pointer, '/preprocess/pointcloud/points');
  assert.match(error.message, 'is 1024, but the point-cloud encoder takes exactly 8192 points');
  load(xModel({ pointcloud: { ...POINTCLOUD, points: 8192 } }, ['batch', 8192, 3]));
});

test('image mean/std on the 0-255 scale are a load error naming the value and its /255 fix (they used to run mis-normalised)', () => {
  const image = { size: 32, resize: 'crop', mean: [123.675, 116.28, 103.53], std: [0.5, 0.5, 0.5] };
  const mean = errorOf(xModel({ image }));
  assert.is(mean.pointer, '/preprocess/image/mean/0');
  assert.match(mean.message, 'is 123.675, but vlbench normalises pixels on the 0-1 scale');
  assert.match(mean.message, 'divide them by 255 ([0.485,0.456,0.406])');
  const std = errorOf(xModel({ image: { ...image, mean: [0.5, 0.5, 0.5], std: [0.2, 58, 58] } }));
  assert.is(std.pointer, '/preprocess/image/std/1');
  assert.match(std.message, "LAVIS's are mean [0.48145466");
  assert.is(errorOf(xModel({ image: { ...image, mean: [0.5, 0.5, 0.5], std: [0.5, 0, 0.5] } })).pointer, '/preprocess/image/std/1');
  // Normalisation folded into the graph (mean 0, std 1) is the bound itself and loads.
  load(xModel({ image: { ...image, mean: [0, 0, 0], std: [1, 1, 1] } }));
});

test('every bundled tiny model and every hf-tiny fixture manifest loads', () => {
  const dirs = [join(ROOT, 'models/tiny'), join(ROOT, 'test/fixtures/models/hf-tiny')];
  let count = 0;
  for (const dir of dirs) {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry, 'model.json');
      if (!existsSync(path)) continue;
      readManifest(path);
      count++;
    }
  }
  assert.is(count, 17);
});

test.run();
