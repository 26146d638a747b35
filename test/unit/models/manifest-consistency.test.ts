import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadManifestJson as load, manifestErrorOf as errorOf } from './manifest-test-helpers.js';

const SHA = 'a'.repeat(64);
const t = (dtype: string, shape: (string | number)[]) => ({ dtype, shape });
const plain = { file: 'g.onnx', sha256: SHA, inputs: { x: t('float32', ['batch', 3]) }, outputs: { y: t('float32', ['batch', 3]) } };
const qformer = (instruction: boolean) => ({
  ...plain,
  inputs: { encoder_embeds: t('float32', ['batch', 'patches', 8]), ...(instruction ? { qformer_input_ids: t('int64', ['batch', 'seq']), qformer_attention_mask: t('int64', ['batch', 'seq']) } : {}) },
  outputs: { language_embeds: t('float32', ['batch', 32, 16]) },
});
const image = { size: 32, resize: 'stretch', mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] };

function llmModel(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    formatVersion: 1, name: 'test-blip2', family: 'blip2', variant: 'test', llm: { kind: 'decoder-only', name: 'opt' }, modalities: ['image'], capabilities: ['captioning'],
    graphs: { vision_encoder: plain, qformer: qformer(false), llm_embed: plain, llm_decoder: plain },
    tokenizers: {}, specialTokens: {}, preprocess: { image }, prompts: {}, generation: {}, ...overrides,
  };
}

test('a consistent BLIP-2 manifest loads', () => {
  assert.is(load(llmModel()).manifest.family, 'blip2');
});

test('maxLength and maxNewTokens that disagree are an error; equal ones (the T5 exports) load', () => {
  const error = errorOf(llmModel({ generation: { caption: { maxLength: 30, maxNewTokens: 5 } } }));
  assert.is(error.pointer, '/generation/caption');
  assert.match(error.message, /one length limit written two ways/);
  load(llmModel({ generation: { caption: { maxLength: 30, maxNewTokens: 30 } } }));
});

test('an LLM name contradicting its kind is an error', () => {
  const error = errorOf(llmModel({ llm: { kind: 'decoder-only', name: 't5' } }));
  assert.is(error.pointer, '/llm');
  assert.match(error.message, /llm 't5' is encoder-decoder/);
  assert.match(errorOf(llmModel({ llm: { kind: 'encoder-decoder', name: 'vicuna' } })).message, /'vicuna' is decoder-only/);
});

test('only X-InstructBLIP declares modalities other than image, and InstructBLIP video (its frames through the image graphs)', () => {
  const error = errorOf(llmModel({ modalities: ['image', 'audio'] }));
  assert.is(error.pointer, '/modalities/1');
  assert.match(error.message, /reads images only/);
  assert.match(errorOf(llmModel({ modalities: ['image', 'video'] })).message, /family 'blip2' reads images only; remove 'video'/);
  const instruct = { family: 'instructblip', capabilities: ['instruction-generate'], graphs: { vision_encoder: plain, qformer: qformer(true), llm_embed: plain, llm_decoder: plain } };
  const video = { frames: 4, sampling: 'uniform', size: 224, channelOrder: 'rgb' };
  assert.equal(load(llmModel({ ...instruct, modalities: ['image', 'video'], preprocess: { image, video } })).manifest.modalities, ['image', 'video']);
  const noPreprocess = errorOf(llmModel({ ...instruct, modalities: ['image', 'video'] }));
  assert.is(noPreprocess.pointer, '/preprocess/video');
  assert.match(errorOf(llmModel({ ...instruct, modalities: ['image', 'audio'] })).message, /family 'instructblip' reads images and video; remove 'audio'/);
});

test('X-InstructBLIP modalities need their roles and cues', () => {
  const x = { family: 'xinstructblip', capabilities: ['instruction-generate'], modalities: ['image', 'audio'],
    graphs: { vision_encoder: plain, qformer: qformer(true), llm_embed: plain, llm_decoder: plain },
    preprocess: { image, audio: { sampleRate: 16000, clips: 2, clipSeconds: 5.12, melBins: 128, framesPerClip: 512 } },
    xinstruct: { cues: { image: 'image: ', audio: 'audio: ' }, cleanTokenization: true, addSpace: true, prefix: '', postfix: '' } };
  assert.match(errorOf(llmModel(x)).message, /modality 'audio' needs graph role\(s\) audio_encoder, qformer_audio/);
  const withRoles = { ...x, graphs: { ...x.graphs, audio_encoder: plain, qformer_audio: qformer(true) } };
  load(llmModel(withRoles));
  assert.match(errorOf(llmModel({ ...withRoles, xinstruct: { ...x.xinstruct, cues: { image: 'image: ' } } })).message, /modality 'audio' has no cue/);
});

test('InstructBLIP graphs declared as blip2, and BLIP-2 graphs as instructblip, are errors', () => {
  const asBlip2 = errorOf(llmModel({ graphs: { vision_encoder: plain, qformer: qformer(true), llm_embed: plain, llm_decoder: plain } }));
  assert.is(asBlip2.pointer, '/graphs/qformer/inputs/qformer_input_ids');
  assert.match(asBlip2.message, /set "family": "instructblip"/);
  const asInstruct = errorOf(llmModel({ family: 'instructblip' }));
  assert.match(asInstruct.message, /set "family": "blip2"/);
});

test('float16 only in the decoder-only LLM roles', () => {
  const halfVision = { ...plain, outputs: { y: t('float16', ['batch', 3]) } };
  const error = errorOf(llmModel({ graphs: { vision_encoder: halfVision, qformer: qformer(false), llm_embed: plain, llm_decoder: plain } }));
  assert.is(error.pointer, '/graphs/vision_encoder/outputs/y/dtype');
  load(llmModel({ graphs: { vision_encoder: plain, qformer: qformer(false), llm_embed: halfVision, llm_decoder: plain } }));
  const t5 = { llm: { kind: 'encoder-decoder', name: 't5' }, graphs: { vision_encoder: plain, qformer: qformer(false), llm_embed: halfVision, llm_encoder: plain, llm_decoder: plain } };
  assert.match(errorOf(llmModel(t5)).message, /float16 T5 overflows/);
});

function albefModel(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    formatVersion: 1, name: 'test-albef', family: 'albef', variant: 'test', llm: null, modalities: ['image'], capabilities: ['retrieval', 'vqa-rank'],
    graphs: { vision_encoder: plain, text_encoder: plain, fusion_encoder: plain, answer_decoder: plain },
    tokenizers: {}, specialTokens: {}, preprocess: { image }, prompts: {}, generation: {}, vqa: { method: 'rank', numAnswerCandidates: 128 }, ...overrides,
  };
}

test('a generation block no capability decodes with is an error (ALBEF ranks VQA answers: generation.vqa was loaded and ignored)', () => {
  const contradictory = { numBeams: 2, doSample: true, maxLength: 1, minLength: 9 };
  const error = errorOf(albefModel({ generation: { vqa: contradictory } }));
  assert.is(error.pointer, '/generation/vqa');
  assert.match(error.message, "only the capability 'vqa-generate' decodes with them and the model does not have it, so they would never be used; remove /generation/vqa");
  assert.is(errorOf(llmModel({ generation: { instruction: { numBeams: 5 } } })).pointer, '/generation/instruction');
  assert.is(errorOf(albefModel({ capabilities: ['vqa-rank'], generation: { caption: { numBeams: 3 } } })).pointer, '/generation/caption');
});

test('a generation block that is read is checked at load, not on its first sample', () => {
  const sampling = errorOf(llmModel({ generation: { caption: { numBeams: 2, doSample: true } } }));
  assert.is(sampling.pointer, '/generation/caption');
  assert.match(sampling.message, /doSample = true is invalid: beam sampling/);
  const unreachable = errorOf(llmModel({ generation: { caption: { maxLength: 1, minLength: 9 } } }));
  assert.is(unreachable.pointer, '/generation/caption/minLength');
  assert.match(unreachable.message, 'minLength 9 can never be reached under maxLength 1');
  assert.match(errorOf(llmModel({ generation: { caption: { maxNewTokens: 5, minLength: 7 } } })).message, 'under maxNewTokens 5');
  load(llmModel({ generation: { caption: { maxNewTokens: 5, minLength: 6 } } })); // one more than the new tokens: T5's decoder start counts in minLength
});

test('numAnswerCandidates only with vqa-rank; optional there (128 by default)', () => {
  const generating = llmModel({ capabilities: ['captioning', 'vqa-generate'], vqa: { method: 'generate', numAnswerCandidates: 128 } });
  const error = errorOf(generating);
  assert.is(error.pointer, '/vqa/numAnswerCandidates');
  assert.match(error.message, "the model has no 'vqa-rank' capability (it generates answers); remove numAnswerCandidates");
  load(llmModel({ capabilities: ['captioning', 'vqa-generate'], vqa: { method: 'generate' } }));
  load(albefModel());
  load(albefModel({ vqa: { method: 'rank' } }));
});

test.run();
