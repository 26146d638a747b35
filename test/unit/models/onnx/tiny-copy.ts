/**
 * A bundled tiny model's manifest, edited, in a temp folder: graph and tokenizer paths point back
 * at the committed files (absolute), so a test changes only what it names and copies nothing big.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as assert from 'uvu/assert';
import { loadModel, type LoadedModel } from '../../../../models/load.js';
import { ManifestError } from '../../../../models/manifest.js';

export const TINY = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../models/tiny');

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- manifests are edited as plain JSON
export type Json = any;

/** Writes `<dir>/model.json`: `model`'s manifest with absolute paths, after `edit` (which may also write files into dir). */
export function tinyCopy(dir: string, model: string, edit: (manifest: Json, dir: string) => void = () => {}): string {
  const source = join(TINY, model);
  const manifest = JSON.parse(readFileSync(join(source, 'model.json'), 'utf8'));
  for (const graph of Object.values(manifest.graphs) as { file: string }[]) graph.file = join(source, graph.file);
  for (const tokenizer of Object.values(manifest.tokenizers) as { file: string }[]) tokenizer.file = join(source, tokenizer.file);
  edit(manifest, dir);
  const path = join(dir, 'model.json');
  writeFileSync(path, JSON.stringify(manifest, null, 2));
  return path;
}

export const tempRoot = (): string => join(tmpdir(), 'vlbench-tiny-copy-');

/** The ManifestError loading `path` raises (the test fails when loading succeeds). */
export async function loadError(path: string, verifyDigests = true): Promise<ManifestError> {
  try {
    const loaded = await loadModel(path, { device: 'cpu', verifyDigests });
    await loaded.adapter.dispose();
  } catch (error) {
    if (!(error instanceof ManifestError)) throw error;
    return error;
  }
  assert.unreachable(`loading ${path} must fail`);
  throw new Error('unreachable');
}

/** Runs `fn` on a tiny model loaded from an edited copy of its model.json (digests not checked), then disposes of it. */
export async function withTinyCopy(dir: string, model: string, edit: (manifest: Json, dir: string) => void, fn: (loaded: LoadedModel) => Promise<void>): Promise<void> {
  const loaded = await loadModel(tinyCopy(dir, model, edit), { device: 'cpu', verifyDigests: false });
  try {
    await fn(loaded);
  } finally {
    await loaded.adapter.dispose();
  }
}
