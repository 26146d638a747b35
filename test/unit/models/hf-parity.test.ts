/**
 * Parity with transformers on tiny random BLIP / BLIP-2 / InstructBLIP models exported by
 * models/export (the real-checkpoint path): transformers' own outputs (verify_tiny_random.py,
 * transformers 5.17, see test/fixtures/models/hf-tiny/PROVENANCE.md) must come out of vlbench.
 *   - every exported model loads through models/load.ts with digests verified;
 *   - vision / Q-Former tensors within 1e-4;
 *   - first-step logits within 1e-4;
 *   - greedy and 3-beam generate() sequences identical (beam scores within 1e-4), driven through
 *     the generation engine on the fixture's tensors, and greedy also through the family adapter.
 * Beam search follows transformers 5.x's rules here (transformersEra '5.x', generation/beam-era.ts);
 * the families keep LAVIS's releases. Regenerate the fixtures with models/export/gpu-check.sh.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { InferenceContext, PreparedMedia } from '../../../models/capabilities.js';
import { HF_DEFAULT_GENERATION, type GenerationConfig } from '../../../models/generation/config.js';
import type { StepDecoderFactory } from '../../../models/generation/decoder.js';
import { answerGenerationFactory } from '../../../models/generation/onnx/answer-generation.js';
import { bertDecoderFactory } from '../../../models/generation/onnx/bert-decoder.js';
import { decoderOnlyFactory, type EmbeddedPrompt } from '../../../models/generation/onnx/decoder-only.js';
import { encodePrompts, encoderDecoderFactory } from '../../../models/generation/onnx/encoder-decoder.js';
import { generate } from '../../../models/generation/search.js';
import { maxAbsDiff } from './parity-helpers.js';
import { loadModel } from '../../../models/load.js';
import type { ModelManifest } from '../../../models/manifest-types.js';

const here = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(here, '../../fixtures/models/hf-tiny');
const TOL = 1e-4;
/** fp16 LLM graphs against transformers' fp16 outputs: float16 keeps ~3 significant digits. */
const TOL_FP16 = 5e-2;
/** Two float16 logits closer than this are a tie that rounding may break either way. */
const FP16_TIE = 1e-2;

interface Tensor {
  shape: number[];
  data: number[];
}
interface GenerateRecord {
  generate_kwargs: Record<string, unknown>;
  sequences: number[][];
  sequences_scores?: number[];
}
interface CaseRecord {
  status: 'ok' | 'error';
  derived_from?: string;
  dtype?: string;
  external_data?: boolean;
  traceback?: string;
  model?: string;
  inputs: Record<string, unknown>;
  tensors: Record<string, Tensor>;
  generate?: Record<string, GenerateRecord>;
}
interface Expected {
  versions: Record<string, string>;
  cases: Record<string, CaseRecord>;
}

const expected = JSON.parse(readFileSync(resolve(ROOT, 'expected.json'), 'utf8')) as Expected;
const ctx: InferenceContext = { time: (_stage, fn) => fn() };

function manifestOf(caseName: string): { path: string; dir: string; manifest: ModelManifest } {
  const path = resolve(ROOT, expected.cases[caseName]!.model!);
  return { path, dir: dirname(path), manifest: JSON.parse(readFileSync(path, 'utf8')) as ModelManifest };
}

const sessions = new Map<string, Promise<ort.InferenceSession>>();
function session(dir: string, manifest: ModelManifest, role: keyof ModelManifest['graphs']): Promise<ort.InferenceSession> {
  const file = resolve(dir, manifest.graphs[role]!.file);
  let s = sessions.get(file);
  if (s === undefined) {
    s = ort.InferenceSession.create(file, { intraOpNumThreads: 1, interOpNumThreads: 1 });
    sessions.set(file, s);
  }
  return s;
}

function kvOf(manifest: ModelManifest, role: 'text_decoder' | 'llm_decoder') {
  const kv = manifest.graphs[role]!.kvCache!;
  return { layers: kv.layers, heads: kv.heads, headDim: kv.headDim, pairs: kv.pairs };
}

/** Row `i` of a [B, ...] fixture tensor. */
function row(t: Tensor, i: number): Float32Array {
  const size = t.data.length / t.shape[0]!;
  return Float32Array.from(t.data.slice(i * size, (i + 1) * size));
}

/** transformers generate() kwargs -> vlbench GenerationConfig for the decoder kind (CONTRACT section 6). */
function configFrom(kwargs: Record<string, unknown>, kind: 'bert-decoder' | 'decoder-only' | 'encoder-decoder'): GenerationConfig {
  const n = (key: string, fallback: number) => (typeof kwargs[key] === 'number' ? (kwargs[key] as number) : fallback);
  const common = {
    ...HF_DEFAULT_GENERATION,
    numBeams: n('num_beams', 1),
    lengthPenalty: n('length_penalty', 1),
    repetitionPenalty: n('repetition_penalty', 1),
  };
  switch (kind) {
    case 'bert-decoder':
      return { ...common, maxLength: n('max_length', 20), minLength: n('min_length', 0) };
    case 'decoder-only': // inputs_embeds only: generated tokens are what max/min count
      return { ...common, maxLength: n('max_new_tokens', 20), minLength: n('min_new_tokens', 0) };
    case 'encoder-decoder':
      return { ...common, maxNewTokens: n('max_new_tokens', 20), maxLength: n('max_new_tokens', 20), minLength: n('min_length', 0) };
    default: {
      const never: never = kind;
      throw new Error(`unknown kind ${String(never)}`);
    }
  }
}

/** A transformers row up to and including its first EOS after `start` (drops the batch padding). */
function cut(ids: readonly number[], start: number, eos: number): number[] {
  const at = ids.indexOf(eos, start);
  return at < 0 ? [...ids] : ids.slice(0, at + 1);
}

function image(t: Tensor, i: number): PreparedMedia {
  return { modality: 'image', data: row(t, i), dims: t.shape.slice(1), path: `fixture-image-${i}` };
}

function checkGenerations(
  test: ReturnType<typeof suite>,
  c: CaseRecord,
  task: string,
  kind: 'bert-decoder' | 'decoder-only' | 'encoder-decoder',
  factory: () => Promise<StepDecoderFactory>,
  start: number,
  tol: number,
): void {
  for (const label of ['greedy', 'beam3', 'beam3-lp0']) {
    const record = c.generate?.[`${task}/${label}`];
    if (!record) continue;
    if (label === 'greedy' && c.dtype === 'float16') {
      test(`${task}/greedy: each transformers fp16 token is vlbench's argmax up to a float16 tie`, async () => {
        await greedyWithinTies(await factory(), record, kind, FP16_TIE);
      });
      continue;
    }
    test(`${task}/${label}: sequences identical to transformers`, async () => {
      const eos = record.generate_kwargs['eos_token_id'] as number;
      const pad = record.generate_kwargs['pad_token_id'] as number;
      const out = await generate(await factory(), configFrom(record.generate_kwargs, kind), { eosIds: [eos], padId: pad }, { transformersEra: '5.x' });
      assert.equal(
        out.map((o) => o.ids),
        record.sequences.map((s) => cut(s, start, eos)),
      );
      record.sequences_scores?.forEach((want, i) => {
        const got = out[i]!.score!;
        assert.ok(Math.abs(got - want) < tol, `row ${i}: beam score ${got} vs transformers ${want}`);
      });
    });
  }
}

/**
 * fp16 greedy: float16 logits tie at ~1e-3, so onnxruntime and torch may round a near-tie apart
 * and the two sequences fork there. Teacher-forced on transformers' tokens, each must be vlbench's
 * best next token within `tie` (EOS excluded before the minimum length).
 */
async function greedyWithinTies(factory: StepDecoderFactory, record: GenerateRecord, kind: 'bert-decoder' | 'decoder-only' | 'encoder-decoder', tie: number): Promise<void> {
  assert.is(kind, 'decoder-only', 'teacher forcing here reads decoder-only rows (generated tokens only)');
  assert.is(record.generate_kwargs['repetition_penalty'] ?? 1, 1, 'teacher forcing assumes no repetition penalty');
  const eos = record.generate_kwargs['eos_token_id'] as number;
  const minNew = (record.generate_kwargs['min_new_tokens'] as number | undefined) ?? 0;
  const rows = record.sequences;
  const decoder = await factory.open(1);
  try {
    let logits = await decoder.first();
    for (let step = 0; step < rows[0]!.length; step++) {
      rows.forEach((seq, r) => {
        if (seq.slice(0, step).includes(eos)) return; // finished: the rest is padding
        const scores = logits.data.subarray(r * logits.vocab, (r + 1) * logits.vocab);
        let best = -Infinity;
        scores.forEach((score, id) => {
          if (step >= minNew || id !== eos) best = Math.max(best, score);
        });
        const chosen = scores[seq[step]!]!;
        assert.ok(chosen >= best - tie, `row ${r} step ${step}: transformers chose ${seq[step]} at ${chosen}, vlbench's best scores ${best}`);
      });
      if (step + 1 < rows[0]!.length) logits = await decoder.next(null, rows.map((seq) => seq[step]!));
    }
  } finally {
    decoder.dispose();
  }
}

function tensorTest(test: ReturnType<typeof suite>, name: string, got: () => Promise<ArrayLike<number>>, want: Tensor, tol = TOL): void {
  test(`${name} within ${tol} of transformers`, async () => {
    const diff = maxAbsDiff(await got(), want.data);
    assert.ok(diff < tol, `${name}: max |vlbench - transformers| = ${diff}`);
  });
}

async function run(dir: string, m: ModelManifest, role: keyof ModelManifest['graphs'], feeds: Record<string, ort.Tensor>, output: string) {
  const s = await session(dir, m, role);
  return (await s.run(feeds))[output]!.data as Float32Array;
}

const f32 = (t: Tensor) => new ort.Tensor('float32', Float32Array.from(t.data), t.shape);
const i64 = (rows: number[][]) => new ort.Tensor('int64', BigInt64Array.from(rows.flat().map(BigInt)), [rows.length, rows[0]!.length]);

/** vision_encoder on the pixels, then fusion_encoder on (ids, mask, image_embeds): BLIP's ITM / question encoder. */
async function fusionOutput(dir: string, m: ModelManifest, pixels: Tensor, ids: number[][], mask: number[][], output: string): Promise<Float32Array> {
  const image = await run(dir, m, 'vision_encoder', { pixel_values: f32(pixels) }, 'image_embeds');
  const vis = m.graphs.vision_encoder!.outputs['image_embeds']!.shape;
  const imageEmbeds = new ort.Tensor('float32', image, [pixels.shape[0]!, vis[1] as number, vis[2] as number]);
  return run(dir, m, 'fusion_encoder', { input_ids: i64(ids), attention_mask: i64(mask), image_embeds: imageEmbeds }, output);
}

/**
 * A derived case (the same checkpoint exported another way) is checked against its base case's
 * records, except those it recorded itself (the fp16 case's LLM runs with transformers in fp16).
 */
function recordsOf(raw: CaseRecord): CaseRecord {
  if (raw.derived_from === undefined) return raw;
  const base = expected.cases[raw.derived_from]!;
  return {
    ...base,
    inputs: { ...base.inputs, ...raw.inputs },
    tensors: { ...base.tensors, ...raw.tensors },
    generate: { ...base.generate, ...raw.generate },
    dtype: raw.dtype,
    status: raw.status,
    traceback: raw.traceback,
    model: raw.model,
  };
}

for (const [caseName, raw] of Object.entries(expected.cases)) {
  const test = suite(`hf-tiny ${caseName}`);
  test('exported by verify_tiny_random without error', () => {
    assert.equal(raw.status, 'ok', raw.traceback);
  });
  if (raw.status !== 'ok') {
    test.run();
    continue;
  }
  const c = recordsOf(raw);
  const name = raw.derived_from ?? caseName;
  const llmTol = raw.dtype === 'float16' ? TOL_FP16 : TOL;
  const { path, dir, manifest } = manifestOf(caseName);
  if (raw.dtype === 'float16') {
    test('LLM graphs declared and stored in float16', () => {
      assert.is(manifest.graphs.llm_decoder!.inputs['inputs_embeds']!.dtype, 'float16');
      assert.is(manifest.graphs.llm_decoder!.outputs['logits']!.dtype, 'float16');
    });
  }
  if (raw.external_data) {
    test('every graph keeps its weights in a declared external-data file', () => {
      for (const [role, graph] of Object.entries(manifest.graphs)) {
        assert.ok((graph?.externalData ?? []).length > 0, `${role} has no externalData entry`);
        for (const data of graph!.externalData!) assert.ok(existsSync(resolve(dir, data.file)), `${role}: ${data.file} missing`);
      }
    });
  }
  test('loads through vlbench with digests verified', async () => {
    assert.ok(existsSync(path));
    const loaded = await loadModel(path, { device: 'cpu', verifyDigests: true });
    assert.equal(loaded.family, manifest.family);
    await loaded.adapter.dispose();
  });
  const pixels = c.inputs['pixel_values'] as Tensor;
  if (c.tensors['image_embeds']) {
    tensorTest(test, 'vision_encoder image_embeds', () => run(dir, manifest, 'vision_encoder', { pixel_values: f32(pixels) }, 'image_embeds'), c.tensors['image_embeds']);
  }
  if (name === 'blip-retrieval') {
    test('itm_logits (vision_encoder -> fusion_encoder with [ENC] ids) within 1e-4 of transformers', async () => {
      const fused = await fusionOutput(dir, manifest, pixels, c.inputs['itm_input_ids'] as number[][], c.inputs['attention_mask'] as number[][], 'itm_logits');
      const diff = maxAbsDiff(fused, c.tensors['itm_logits']!.data);
      assert.ok(diff < TOL, `itm_logits: max diff ${diff}`);
    });
    test('itc_cosine (image_feat . text_feat with [CLS] ids) within 1e-4 of transformers', async () => {
      const imageFeat = await run(dir, manifest, 'vision_encoder', { pixel_values: f32(pixels) }, 'image_feat');
      const text = { input_ids: i64(c.inputs['input_ids'] as number[][]), attention_mask: i64(c.inputs['attention_mask'] as number[][]) };
      const textFeat = await run(dir, manifest, 'text_encoder', text, 'text_feat');
      const dim = imageFeat.length / pixels.shape[0]!;
      const texts = textFeat.length / dim;
      const cosine: number[] = [];
      for (let i = 0; i < pixels.shape[0]!; i++) {
        for (let t = 0; t < texts; t++) {
          let dot = 0;
          for (let d = 0; d < dim; d++) dot += imageFeat[i * dim + d]! * textFeat[t * dim + d]!;
          cosine.push(dot);
        }
      }
      const diff = maxAbsDiff(cosine, c.tensors['itc_cosine']!.data);
      assert.ok(diff < TOL, `itc_cosine: max diff ${diff}`);
    });
  }
  if (name === 'blip2-itm') {
    test('qformer image_feat, qformer_text text_feat and qformer_itm score within 1e-4 of transformers', async () => {
      const image = await run(dir, manifest, 'vision_encoder', { pixel_values: f32(pixels) }, 'image_embeds');
      const vis = manifest.graphs.vision_encoder!.outputs['image_embeds']!.shape;
      const states = new ort.Tensor('float32', image, [pixels.shape[0]!, vis[1] as number, vis[2] as number]);
      const text = { input_ids: i64(c.inputs['input_ids'] as number[][]), attention_mask: i64(c.inputs['attention_mask'] as number[][]) };
      const feat = await run(dir, manifest, 'qformer', { encoder_embeds: states }, 'image_feat');
      assert.ok(maxAbsDiff(feat, c.tensors['image_feat']!.data) < TOL, 'image_feat');
      const textFeat = await run(dir, manifest, 'qformer_text', text, 'text_feat');
      assert.ok(maxAbsDiff(textFeat, c.tensors['text_feat']!.data) < TOL, 'text_feat');
      const score = await run(dir, manifest, 'qformer_itm', { encoder_embeds: states, ...text }, 'itm_score');
      const logits = c.tensors['itm_logits_per_image']!;
      const class1 = [0, 1].map((i) => logits.data[i * 2 + 1]!);
      assert.ok(maxAbsDiff(score, class1) < TOL, `itm_score ${Array.from(score)} vs ${class1}`);
    });
  }
  if (name === 'blip-vqa') {
    const questionStates = c.tensors['question_states']!;
    test('question_states (vision_encoder -> fusion_encoder with [ENC] ids) within 1e-4 of transformers', async () => {
      const fused = await fusionOutput(dir, manifest, pixels, c.inputs['question_ids'] as number[][], c.inputs['question_mask'] as number[][], 'multimodal_embeds');
      const diff = maxAbsDiff(fused, questionStates.data);
      assert.ok(diff < TOL, `question_states: max diff ${diff}`);
    });
    const dec = manifest.specialTokens.text!['dec'] as number;
    const factory = async () =>
      answerGenerationFactory(await session(dir, manifest, 'answer_decoder'), {
        questionStates: f32(questionStates),
        // all ones, as verify_tiny_random passes to transformers (and LAVIS's generate does)
        questionMask: Array.from({ length: questionStates.shape[0]! }, () => Array<number>(questionStates.shape[1]!).fill(1)),
        promptIds: Array.from({ length: questionStates.shape[0]! }, () => [dec]),
      });
    checkGenerations(test, c, 'vqa', 'bert-decoder', factory, 1, TOL);
  }
  if (manifest.family === 'blip' && c.generate && name !== 'blip-vqa') {
    const states = c.tensors['image_embeds']!;
    const prompt = (c.inputs['decoder_input_ids'] as number[][] | undefined) ?? null;
    if (prompt) {
      const graph = async () => ({ session: await session(dir, manifest, 'text_decoder'), kvCache: kvOf(manifest, 'text_decoder') });
      const factory = async () =>
        bertDecoderFactory(await graph(), { encoderHiddenStates: Float32Array.from(states.data), encoderDims: states.shape as [number, number, number], promptIds: prompt });
      checkGenerations(test, c, 'caption', 'bert-decoder', factory, prompt[0]!.length, TOL);
      test('caption greedy through the blip adapter', async () => {
        const record = c.generate!['caption/greedy']!;
        const loaded = await loadModel(path, { device: 'cpu', verifyDigests: false });
        const out = await loaded.adapter.captioning!.caption([0, 1].map((i) => ({ image: image(pixels, i) })), configFrom(record.generate_kwargs, 'bert-decoder'), ctx);
        const eos = record.generate_kwargs['eos_token_id'] as number;
        const strip = (ids: readonly number[]) => ids.filter((id) => id !== eos);
        assert.equal(out.map((g) => strip(g.tokenIds)), record.sequences.map((s) => strip(cut(s, prompt[0]!.length, eos).slice(prompt[0]!.length))));
        await loaded.adapter.dispose();
      });
    }
  }
  if (manifest.llm !== null && c.tensors['language_embeds'] !== undefined) { // blip2-itm carries a placeholder llm entry
    const queries = c.tensors['language_embeds']!;
    if (c.inputs['qformer_input_ids']) {
      const feeds = { encoder_embeds: f32(c.tensors['image_embeds']!), qformer_input_ids: i64(c.inputs['qformer_input_ids'] as number[][]), qformer_attention_mask: i64(c.inputs['qformer_attention_mask'] as number[][]) };
      tensorTest(test, 'qformer language_embeds', () => run(dir, manifest, 'qformer', feeds, 'language_embeds'), queries);
    } else {
      tensorTest(test, 'qformer language_embeds', () => run(dir, manifest, 'qformer', { encoder_embeds: f32(c.tensors['image_embeds']!) }, 'language_embeds'), queries);
    }
    const hidden = queries.shape[2]!;
    const t5 = manifest.llm.kind === 'encoder-decoder';
    for (const task of ['caption', 'vqa', 'instruction']) {
      const ids = c.inputs[`${task}/llm_input_ids`] as number[][] | undefined;
      if (!ids) continue;
      const mask = c.inputs[`${task}/llm_attention_mask`] as number[][];
      const prompts: EmbeddedPrompt[] = ids.map((r, i) => ({ prefixEmbeds: row(queries, i), promptIds: r.filter((_, j) => mask[i]![j] === 1) }));
      const pad = manifest.specialTokens.llm!['pad'] as number;
      const factory = async (): Promise<StepDecoderFactory> => {
        const embed = await session(dir, manifest, 'llm_embed');
        const decoder = await session(dir, manifest, 'llm_decoder');
        if (!t5) return decoderOnlyFactory({ embed, decoder, kvCache: kvOf(manifest, 'llm_decoder'), hidden }, prompts, pad);
        const graphs = { embed, encoder: await session(dir, manifest, 'llm_encoder'), decoder, kvCache: kvOf(manifest, 'llm_decoder'), hidden };
        return encoderDecoderFactory(graphs, await encodePrompts(graphs, prompts, pad), manifest.specialTokens.llm!['decoderStart'] as number);
      };
      tensorTest(test, `${task} first-step logits`, async () => {
        const decoder = await (await factory()).open(1);
        const logits = await decoder.first();
        decoder.dispose();
        return logits.data;
      }, c.tensors[`${task}/first_step_logits`]!, llmTol);
      checkGenerations(test, c, task, t5 ? 'encoder-decoder' : 'decoder-only', factory, t5 ? 1 : 0, llmTol);
    }
  }
  test.run();
}
