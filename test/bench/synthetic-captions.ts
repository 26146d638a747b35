/**
 * Seeded synthetic caption corpus for the caption-metric benchmark: COCO-like shape (about 10
 * words per caption, a few hundred frequent words and a long tail), references and prediction
 * of an image are random edits of one base sentence so that n-grams overlap as in real data.
 *
 * Run directly to write the corpus for the Python side of the comparison
 * (test/golden/caption/time_official.py):
 *   npx tsx test/bench/synthetic-captions.ts OUT.json [IMAGES] [REFS] [SEED]
 * writes {"refs": {id: [caption, ...]}, "preds": {id: caption}} with ids in image order.
 */
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { createPrng } from '../../models/generation/prng.js';

export interface SyntheticCaptionCorpus {
  readonly references: Map<string, string[]>;
  readonly predictions: Map<string, string>;
}

function mulberry32(seed: number): () => number {
  const prng = createPrng(seed);
  return () => prng.next();
}

const SYLLABLES = ['ba', 'ko', 'ri', 'ta', 'ne', 'mu', 'lo', 'si', 'de', 'pa', 'gu', 've', 'zo', 'chi', 'wa', 'ly', 'ra', 'en'];

function vocabulary(random: () => number, size: number): string[] {
  const words = new Set(['a', 'the', 'of', 'on', 'in', 'with', 'and', 'is', 'to', 'at', 'an', 'two', 'man', 'woman', 'dog', 'cat']);
  while (words.size < size) {
    const length = 1 + Math.floor(random() * 3);
    words.add(Array.from({ length }, () => SYLLABLES[Math.floor(random() * SYLLABLES.length)]!).join(''));
  }
  return [...words];
}

function mutate(random: () => number, base: readonly string[], pick: () => string): string[] {
  const out = [...base];
  const edits = Math.floor(random() * 8);
  for (let e = 0; e < edits; e++) {
    const op = random();
    const at = Math.floor(random() * out.length);
    if (op < 0.3 && out.length > 0) out[at] = pick();
    else if (op < 0.55 && out.length > 1) out.splice(at, 1);
    else if (op < 0.8) out.splice(at, 0, pick());
    else if (out.length > 2 && at + 1 < out.length) [out[at], out[at + 1]] = [out[at + 1]!, out[at]!];
  }
  return out;
}

export function syntheticCaptionCorpus(images: number, referencesPerImage: number, seed = 1): SyntheticCaptionCorpus {
  const random = mulberry32(seed);
  const words = vocabulary(random, 2000);
  const pick = () => words[Math.floor(words.length * random() ** 3)]!;
  const references = new Map<string, string[]>();
  const predictions = new Map<string, string>();
  for (let i = 0; i < images; i++) {
    const id = `img${i}`;
    const base = Array.from({ length: 7 + Math.floor(random() * 8) }, pick);
    references.set(id, Array.from({ length: referencesPerImage }, () => mutate(random, base, pick).join(' ')));
    predictions.set(id, mutate(random, base, pick).join(' '));
  }
  return { references, predictions };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [out, images = '5000', refs = '5', seed = '1'] = process.argv.slice(2);
  if (out === undefined) throw new Error('usage: npx tsx test/bench/synthetic-captions.ts OUT.json [IMAGES] [REFS] [SEED]');
  const corpus = syntheticCaptionCorpus(Number(images), Number(refs), Number(seed));
  writeFileSync(out, JSON.stringify({ refs: Object.fromEntries(corpus.references), preds: Object.fromEntries(corpus.predictions) }) + '\n');
}
