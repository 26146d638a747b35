/**
 * Loads the tiny decoder graphs of test/fixtures/generation and PyTorch's golden outputs
 * (test/golden/generation, see PROVENANCE.md there), and builds step-decoder factories on them.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import type { GenerationConfig } from '../../../../models/generation/config.js';
import type { StepDecoderFactory } from '../../../../models/generation/decoder.js';
import type { TransformersEra } from '../../../../models/generation/search.js';
import { bertDecoderFactory } from '../../../../models/generation/onnx/bert-decoder.js';
import { decoderOnlyFactory, type DecoderOnlyGraphs, type EmbeddedPrompt } from '../../../../models/generation/onnx/decoder-only.js';
import { encodePrompts, encoderDecoderFactory, type EncoderDecoderGraphs } from '../../../../models/generation/onnx/encoder-decoder.js';
import type { KvCacheLayout } from '../../../../models/generation/onnx/kv-cache.js';

const here = dirname(fileURLToPath(import.meta.url));
export const FIXTURES = resolve(here, '../../../fixtures/generation');
export const GOLDEN = resolve(here, '../../../golden/generation');

export const HIDDEN = 32;
export const KV: KvCacheLayout = {
  layers: 2,
  heads: 4,
  headDim: 8,
  pairs: [0, 1].flatMap((i) => [
    [`past_key_values.${i}.key`, `present.${i}.key`] as const,
    [`past_key_values.${i}.value`, `present.${i}.value`] as const,
  ]),
};

export interface GoldenCase {
  readonly name: string;
  readonly config: GenerationConfig & { maxNewTokens: number | null };
  readonly era: TransformersEra;
  readonly sequences: number[][];
  readonly scores: number[] | null;
}

export interface GoldenKind {
  readonly kind: string;
  readonly vocab: number;
  readonly pad: number;
  readonly eos: number[];
  readonly cases: GoldenCase[];
  readonly traceTokens: number[][];
  readonly logitsTrace: number[][];
  readonly prompt?: number[];
  readonly image?: number[];
  readonly imageDims?: [number, number, number];
  readonly queries?: number[];
  readonly queryDims?: [number, number, number];
  readonly prompts?: number[][];
  readonly decoderStart?: number;
}

export function golden<T = GoldenKind>(name: string): T {
  return JSON.parse(readFileSync(resolve(GOLDEN, `${name}.json`), 'utf8')) as T;
}

export function toConfig(c: GoldenCase['config']): GenerationConfig {
  return { ...c, maxNewTokens: c.maxNewTokens ?? undefined };
}

const sessions = new Map<string, Promise<ort.InferenceSession>>();
export function session(file: string): Promise<ort.InferenceSession> {
  let s = sessions.get(file);
  if (s === undefined) {
    s = ort.InferenceSession.create(resolve(FIXTURES, file), { intraOpNumThreads: 1, interOpNumThreads: 1 });
    sessions.set(file, s);
  }
  return s;
}

/** A factory for the given input rows of a golden kind. */
export type FactoryFor = (rows: readonly number[]) => Promise<StepDecoderFactory>;

export async function bertFactory(g: GoldenKind): Promise<FactoryFor> {
  const graph = { session: await session('bert_text_decoder.onnx'), kvCache: KV };
  const [, patches, width] = g.imageDims!;
  const image = Float32Array.from(g.image!);
  return async (rows) => {
    const states = new Float32Array(rows.length * patches * width);
    rows.forEach((r, i) => states.set(image.subarray(r * patches * width, (r + 1) * patches * width), i * patches * width));
    return bertDecoderFactory(graph, { encoderHiddenStates: states, encoderDims: [rows.length, patches, width], promptIds: rows.map(() => g.prompt!) });
  };
}

export async function decoderOnlyGraphs(): Promise<DecoderOnlyGraphs> {
  return { embed: await session('decoder_only_llm_embed.onnx'), decoder: await session('decoder_only_llm_decoder.onnx'), kvCache: KV, hidden: HIDDEN };
}

export function embeddedPrompts(g: GoldenKind, rows: readonly number[]): EmbeddedPrompt[] {
  const [, nq, d] = g.queryDims!;
  const queries = Float32Array.from(g.queries!);
  return rows.map((r) => ({ prefixEmbeds: queries.slice(r * nq * d, (r + 1) * nq * d), promptIds: g.prompts![r]! }));
}

export async function decoderOnlyFactoryFor(g: GoldenKind): Promise<FactoryFor> {
  const graphs = await decoderOnlyGraphs();
  return async (rows) => decoderOnlyFactory(graphs, embeddedPrompts(g, rows), g.pad);
}

export async function encoderDecoderGraphs(): Promise<EncoderDecoderGraphs> {
  return {
    embed: await session('encoder_decoder_llm_embed.onnx'),
    encoder: await session('encoder_decoder_llm_encoder.onnx'),
    decoder: await session('encoder_decoder_llm_decoder.onnx'),
    kvCache: KV,
    hidden: HIDDEN,
  };
}

export async function encoderDecoderFactoryFor(g: GoldenKind): Promise<FactoryFor> {
  const graphs = await encoderDecoderGraphs();
  return async (rows) => encoderDecoderFactory(graphs, await encodePrompts(graphs, embeddedPrompts(g, rows), g.pad), g.decoderStart!);
}

export { maxAbsDiff } from '../parity-helpers.js';
