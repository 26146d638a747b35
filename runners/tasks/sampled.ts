/**
 * Sampled decoding, reproducible per sample. The sampler's generator (models/generation/prng.ts)
 * is seeded once per `generate` call and its draws go to the call's rows in order, so a sampled
 * answer would depend on which batch its sample was decoded in, and where: --shard, --resume
 * after a kill, another batchSize or a sample retried alone would all change it. Under doSample
 * each sample is therefore decoded in a call of its own, seeded from the run's seed and the
 * sample id, and gives the same tokens in any run. Greedy and beam search keep their batches.
 */
import type { GenerationConfig } from '../../models/generation/config.js';
import { sampleSeed } from '../../models/generation/prng.js';

export async function decodeBatch<R, G>(
  requests: readonly R[],
  sampleIds: readonly string[],
  config: GenerationConfig,
  decode: (requests: readonly R[], config: GenerationConfig) => Promise<readonly G[]>,
): Promise<G[]> {
  if (!config.doSample) return [...(await decode(requests, config))];
  const out: G[] = [];
  for (const [i, request] of requests.entries()) out.push(...(await decode([request], { ...config, seed: sampleSeed(config.seed, sampleIds[i]!) })));
  return out;
}
