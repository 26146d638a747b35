/**
 * Shared pieces of the tiny-model fidelity tests: the committed PyTorch fixtures
 * (test/golden/tiny/<model>.json, written by models/tiny/tinyvl/fixtures.py) and the loaded model.
 */
import { readFileSync, existsSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as assert from 'uvu/assert';
import type { InferenceContext, PreparedMedia, MediaModality } from '../../../../models/capabilities.js';
import { HF_DEFAULT_GENERATION, type GenerationConfig } from '../../../../models/generation/config.js';
import { bundledModels, loadModel, type LoadedModel } from '../../../../models/load.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
export const BUNDLED = join(ROOT, 'datasets/bundled');

export const ctx: InferenceContext = { time: (_stage, fn) => fn() };

export interface Sequence {
  readonly ids: number[];
  readonly text: string;
}

export function fixture<T>(model: string): { settings: Record<string, any>; samples: T[] } {
  const path = join(ROOT, 'test/golden/tiny', `${model}.json`);
  assert.ok(existsSync(path), `missing fidelity fixture ${path} (models/tiny/tinyvl/fixtures.py writes it)`);
  return JSON.parse(readFileSync(path, 'utf8'));
}

export async function load(model: string): Promise<LoadedModel> {
  const path = bundledModels().get(model);
  assert.ok(path, `bundled model ${model} is not registered`);
  return loadModel(path!, { device: 'cpu', verifyDigests: true });
}

export async function prepare(model: LoadedModel, modality: MediaModality, relative: string): Promise<PreparedMedia> {
  return model.adapter.prepare({ modality, path: join(BUNDLED, relative) }, ctx);
}

/** sha256 of a float32 tensor's little-endian bytes, as the fixtures record inputs. */
export function tensorSha(data: Float32Array): string {
  return createHash('sha256').update(Buffer.from(data.buffer, data.byteOffset, data.byteLength)).digest('hex');
}

export function closeTo(actual: ArrayLike<number>, expected: readonly number[], what: string, tolerance = 1e-4): void {
  assert.is(actual.length, expected.length, `${what}: length`);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
  assert.ok(worst <= tolerance, `${what}: max abs difference ${worst} > ${tolerance}`);
}

export function config(overrides: Partial<GenerationConfig>): GenerationConfig {
  return { ...HF_DEFAULT_GENERATION, ...overrides };
}

export function sameSequence(actual: { text: string; tokenIds: readonly number[] }, expected: Sequence, what: string): void {
  assert.equal([...actual.tokenIds], expected.ids, `${what}: token ids`);
  assert.is(actual.text, expected.text.trim(), `${what}: text`);
}
