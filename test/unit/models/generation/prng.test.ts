/**
 * Per-sample sampling seeds: a pure function of the run seed and the sample id (so any run,
 * shard or resume derives the same stream for a sample), and different for different ids and
 * seeds, neighbouring ids included.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createPrng, sampleSeed } from '../../../../models/generation/prng.js';
import { checkGenerationConfig, HF_DEFAULT_GENERATION } from '../../../../models/generation/config.js';

test('a sample seed depends on the run seed and the sample id only', () => {
  assert.is(sampleSeed(2026, 'img42'), sampleSeed(2026, 'img42'));
  const seed = sampleSeed(2026, 'img42');
  assert.ok(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 32);
});

test('neighbouring ids and seeds get different seeds and different first draws', () => {
  const ids = Array.from({ length: 1000 }, (_, i) => String(i));
  const seeds = new Set(ids.map((id) => sampleSeed(0, id)));
  assert.is(seeds.size, ids.length);
  assert.is.not(sampleSeed(0, '1'), sampleSeed(1, '1'));
  const firstDraws = new Set(ids.map((id) => Math.floor(createPrng(sampleSeed(7, id)).next() * 10)));
  assert.is(firstDraws.size, 10, 'first draws spread over every decile');
});

test('a seed outside 0..2^32-1 is refused rather than wrapped onto another seed', () => {
  assert.is(createPrng(2 ** 32 - 1).next(), createPrng(2 ** 32 - 1).next());
  assert.is.not(createPrng(0).next(), createPrng(2 ** 32 - 1).next());
  for (const seed of [2 ** 32, -1, 1.5]) assert.throws(() => createPrng(seed), /seed must be an integer from 0 to 4294967295/);
  assert.throws(() => checkGenerationConfig({ ...HF_DEFAULT_GENERATION, seed: 2 ** 32 }, 'suite.json /tasks/0/generation'), /seed.*from 0 to 4294967295/);
});

test.run();
