/**
 * Manifest-vs-graph checks at load that io-check (graph vs its own declaration) does not make:
 * the outputs and inputs each capability reads, /llm/kind against the decoder's inputs, the
 * KV-cache sizes and the preprocessing sizes against fixed axes, and int64 ids. Each used to pass
 * load and fail on every sample.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as ort from 'onnxruntime-node';
import type { GraphRole, GraphSpec, ModelManifest } from '../../../../models/manifest-types.js';
import { ManifestError } from '../../../../models/manifest.js';
import { checkContract } from '../../../../models/onnx/contract-checks.js';
import { GraphSession } from '../../../../models/onnx/graphs.js';
import { tempDirFactory } from '../../helpers/temp-dirs.js';
import { loadError, tempRoot, tinyCopy, TINY, type Json } from './tiny-copy.js';

const tempDir = tempDirFactory(test);
const manifestOf = (model: string): Json => JSON.parse(readFileSync(join(TINY, model, 'model.json'), 'utf8'));

/** Sessions that report exactly the declared I/O (what io-check guarantees), without opening files. */
function declaredGraphs(manifest: ModelManifest): Map<GraphRole, GraphSession> {
  const meta = (tensors: GraphSpec['inputs']) => Object.entries(tensors).map(([name, t]) => ({ name, isTensor: true, type: t.dtype, shape: [...t.shape] }));
  const graphs = new Map<GraphRole, GraphSession>();
  for (const [role, spec] of Object.entries(manifest.graphs) as [GraphRole, GraphSpec][]) {
    const session = { inputMetadata: meta(spec.inputs), outputMetadata: meta(spec.outputs) } as unknown as ort.InferenceSession;
    graphs.set(role, new GraphSession(role, spec, `/m/${spec.file}`, session));
  }
  return graphs;
}

function contractError(manifest: Json): ManifestError {
  try {
    checkContract('/m/model.json', manifest, declaredGraphs(manifest));
  } catch (error) {
    assert.instance(error, ManifestError);
    return error as ManifestError;
  }
  assert.unreachable('the contract check must fail');
  throw new Error('unreachable');
}

test('every bundled tiny model passes the contract checks', () => {
  for (const model of ['tiny-albef', 'tiny-blip', 'tiny-blip2-opt', 'tiny-blip2-t5', 'tiny-instructblip-opt', 'tiny-instructblip-t5', 'tiny-xinstructblip']) {
    const manifest = manifestOf(model);
    checkContract('/m/model.json', manifest, declaredGraphs(manifest));
  }
});

test("retrieval without the qformer's image_feat, and captioning without language_embeds, are load errors", () => {
  const noFeat = manifestOf('tiny-blip2-opt');
  delete noFeat.graphs.qformer.outputs.image_feat;
  const error = contractError(noFeat);
  assert.is(error.pointer, '/graphs/qformer/outputs');
  assert.match(error.message, "/m/qformer.onnx (role qformer) has no output 'image_feat', which capability 'retrieval' reads");
  assert.match(error.message, "remove 'retrieval' from /capabilities");
  const noLanguage = manifestOf('tiny-blip2-opt');
  delete noLanguage.graphs.qformer.outputs.language_embeds;
  assert.match(contractError(noLanguage).message, "no output 'language_embeds', which capability 'captioning' reads");
});

test("ALBEF/BLIP: retrieval needs the vision graph's image_feat, VQA the fusion graph's multimodal_embeds", () => {
  const blip = manifestOf('tiny-blip');
  delete blip.graphs.vision_encoder.outputs.image_feat;
  assert.match(contractError(blip).message, "(role vision_encoder) has no output 'image_feat'");
  const albef = manifestOf('tiny-albef');
  delete albef.graphs.fusion_encoder.outputs.multimodal_embeds;
  assert.match(contractError(albef).message, "(role fusion_encoder) has no output 'multimodal_embeds', which capability 'vqa-rank' reads");
});

test('X-InstructBLIP: a declared modality needs its Q-Former output', () => {
  const x = manifestOf('tiny-xinstructblip');
  delete x.graphs.qformer_audio.outputs.language_embeds;
  assert.match(contractError(x).message, "(role qformer_audio) has no output 'language_embeds', which modality 'audio' reads (its outputs: query_output); re-export the graph with it, or remove 'audio' from /modalities");
});

test('token ids declared (and exported) as int32 are a load error naming the dtype pointer', () => {
  const m = manifestOf('tiny-blip2-opt');
  m.graphs.qformer_text.inputs.input_ids.dtype = 'int32';
  const error = contractError(m);
  assert.is(error.pointer, '/graphs/qformer_text/inputs/input_ids/dtype');
  assert.match(error.message, 'token ids and masks are fed as int64');
});

test('decoder-only /llm/kind on T5 graphs names /llm/kind, the decoder file and the fix', async () => {
  // With OPT's tokenizer, so that the manifest agrees with itself and only the graphs tell.
  const path = tinyCopy(tempDir(tempRoot()), 'tiny-blip2-t5', (m) => {
    m.llm = { kind: 'decoder-only', name: 'opt' };
    m.tokenizers.llm = { ...m.tokenizers.llm, kind: 'gpt2-bpe', file: join(TINY, 'tiny-blip2-opt/tokenizer/llm.json') };
    m.specialTokens.llm = { bos: 2, eos: 14, pad: 1, decoderStart: null };
  });
  const error = await loadError(path);
  assert.is(error.pointer, '/llm/kind');
  assert.match(error.message, join(TINY, 'tiny-blip2-t5/llm_decoder.onnx (role llm_decoder)'));
  assert.match(error.message, "has no input 'inputs_embeds', 'attention_mask', 'position_ids'");
  assert.match(error.message, "the graph is an encoder-decoder export: set /llm/kind to 'encoder-decoder'");
});

test("kvCache heads and headDim must equal the graph's fixed past axes", async () => {
  for (const [key, axis, fixed] of [['heads', 1, 4], ['headDim', 3, 24]] as const) {
    const path = tinyCopy(tempDir(tempRoot()), 'tiny-blip2-opt', (m) => (m.graphs.llm_decoder.kvCache[key] += 2));
    const error = await loadError(path);
    assert.is(error.pointer, `/graphs/llm_decoder/kvCache/${key}`);
    assert.match(error.message, `fixes axis ${axis} of 'past_key_values.0.key' to ${fixed}`);
  }
});

test('a KV pair whose past and present dtypes differ is a load error naming the pair', () => {
  const manifest = manifestOf('tiny-blip2-opt');
  const [past, present] = manifest.graphs.llm_decoder.kvCache.pairs[1];
  manifest.graphs.llm_decoder.inputs[past].dtype = 'float16';
  const error = contractError(manifest);
  assert.is(error.pointer, '/graphs/llm_decoder/kvCache/pairs/1');
  assert.match(error.message, `pairs '${present}' (float32) with '${past}' (float16)`);
  assert.match(error.message, 'past and present both float32, or both float16');
});

test("retrieval.maxTextLength must equal a text graph's fixed input_ids axis", () => {
  const manifest = manifestOf('tiny-blip');
  manifest.graphs.text_encoder.inputs.input_ids.shape = ['batch', 64];
  manifest.graphs.text_encoder.inputs.attention_mask.shape = ['batch', 64];
  manifest.retrieval = { ...manifest.retrieval, maxTextLength: 100 };
  const error = contractError(manifest);
  assert.is(error.pointer, '/retrieval/maxTextLength');
  assert.match(error.message, "is 100, but /m/text_encoder.onnx (role text_encoder) takes 'input_ids' with axis 1 fixed to 64");
  assert.match(error.message, 'set it to 64');
});

test("preprocess image and video sizes must equal the vision graph's fixed pixel axes", async () => {
  const path = tinyCopy(tempDir(tempRoot()), 'tiny-blip2-opt', (m) => (m.preprocess.image.size = 224));
  const error = await loadError(path);
  assert.is(error.pointer, '/preprocess/image/size');
  assert.match(error.message, "is 224, but " + join(TINY, "tiny-blip2-opt/vision_encoder.onnx (role vision_encoder) takes 'pixel_values' with axis 2 fixed to 64; set it to 64"));
  const x = manifestOf('tiny-xinstructblip');
  x.preprocess.video.size = 96;
  assert.is(contractError(x).pointer, '/preprocess/video/size');
  const audio = manifestOf('tiny-xinstructblip');
  audio.preprocess.audio.melBins = 64;
  assert.is(contractError(audio).pointer, '/preprocess/audio/melBins');
});

test.run();
