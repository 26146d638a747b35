/**
 * Per-token decode time with the KV cache as the sequence grows, on the tiny decoder-only graph
 * of test/fixtures/generation (2 layers, d = 32, 5 rows as in a 5-beam search): the time of step
 * 64 over the time of step 4 should stay near 1. For contrast, the same ratio when every step
 * recomputes the whole sequence without a cache (which grows with the length).
 */
import { performance } from 'node:perf_hooks';
import { decoderOnlyFactory, type DecoderOnlyGraphs, type EmbeddedPrompt } from '../../models/generation/onnx/decoder-only.js';
import { decoderOnlyGraphs, embeddedPrompts, golden } from '../unit/models/generation/tiny-graphs.js';
import type { BenchResult } from './types.js';

const STEPS = 64;
const ROWS = 5;
const REPEATS = 25;
const PAD = 1;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/**
 * Milliseconds of each step 1..STEPS (step 0 = the prompt pass) of one cached run; with
 * `reorder`, every step first permutes the rows as beam search does (a copy of the whole cache).
 */
async function cachedRun(graphs: DecoderOnlyGraphs, prompts: EmbeddedPrompt[], reorder = false): Promise<number[]> {
  const decoder = await decoderOnlyFactory(graphs, prompts, PAD).open(1);
  const times: number[] = [];
  const swapped = prompts.map((_, r) => (r === 0 ? 1 : r === 1 ? 0 : r));
  await decoder.first();
  for (let step = 1; step <= STEPS; step++) {
    const start = performance.now();
    await decoder.next(reorder ? swapped : null, prompts.map(() => 10 + (step % 50)));
    times.push(performance.now() - start);
  }
  decoder.dispose();
  return times;
}

/** Milliseconds of recomputing the whole sequence at lengths 4 and 64 (no cache). */
async function recomputeAt(graphs: DecoderOnlyGraphs, prompts: EmbeddedPrompt[], step: number): Promise<number> {
  const extended = prompts.map((p) => ({ ...p, promptIds: [...p.promptIds, ...Array.from({ length: step }, (_, i) => 10 + (i % 50))] }));
  const start = performance.now();
  const decoder = await decoderOnlyFactory(graphs, extended, PAD).open(1);
  await decoder.first();
  const ms = performance.now() - start;
  decoder.dispose();
  return ms;
}

export default async function (): Promise<BenchResult[]> {
  const graphs = await decoderOnlyGraphs();
  const prompts = embeddedPrompts(golden('decoder-only'), [0, 1, 2, 3, 4].slice(0, ROWS));
  await cachedRun(graphs, prompts); // warm-up
  const at4: number[] = [];
  const at64: number[] = [];
  const full4: number[] = [];
  const full64: number[] = [];
  const beam4: number[] = [];
  const beam64: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    const times = await cachedRun(graphs, prompts);
    at4.push(times[3]!);
    at64.push(times[63]!);
    const beamTimes = await cachedRun(graphs, prompts, true);
    beam4.push(beamTimes[3]!);
    beam64.push(beamTimes[63]!);
    full4.push(await recomputeAt(graphs, prompts, 4));
    full64.push(await recomputeAt(graphs, prompts, 64));
  }
  const notes = `tiny decoder-only graph (2 layers, d=32), ${ROWS} rows, CPU, median of ${REPEATS} runs; a step = llm_embed + llm_decoder`;
  const cached4 = median(at4);
  const cached64 = median(at64);
  const recompute4 = median(full4);
  const recompute64 = median(full64);
  return [
    { name: 'decode step 4 with KV cache', value: cached4, unit: 'ms', notes },
    { name: 'decode step 64 with KV cache', value: cached64, unit: 'ms', notes },
    { name: 'KV-cache step 64 / step 4', value: cached64 / cached4, unit: 'x', notes: 'should stay near 1' },
    {
      name: 'KV-cache step 64 / step 4, rows reordered each step (beam search)',
      value: median(beam64) / median(beam4),
      unit: 'x',
      notes: `${median(beam4).toFixed(3)} ms vs ${median(beam64).toFixed(3)} ms; the reorder copies the cache, as HF's index_select does`,
    },
    { name: 'no-cache recomputation, length 64 / length 4', value: recompute64 / recompute4, unit: 'x', notes: `for contrast: ${recompute4.toFixed(3)} ms vs ${recompute64.toFixed(3)} ms` },
  ];
}
