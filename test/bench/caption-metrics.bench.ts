/**
 * Caption metrics speed: BLEU-1..4 + ROUGE-L + CIDEr-D over 5,000 images x 5 references, on
 * already-tokenized captions (the official timing excludes the Java tokenizer too). The
 * official Python scorers are timed on the same corpus by
 * test/golden/caption/time_official.py; set VLBENCH_OFFICIAL_CAPTION_SECONDS (its
 * sum_of_best_wall_seconds) and/or VLBENCH_OFFICIAL_CAPTION_CPU_SECONDS (its
 * sum_of_best_cpu_seconds) to get the speed-ups as result rows. On a shared machine the CPU-time
 * rows are the steadier comparison.
 */
import Benchmark from 'benchmark';
import { computeBleu } from '../../reports/metrics/bleu.js';
import { buildNgramCorpus } from '../../reports/metrics/caption-ngrams.js';
import { scoreCaptions } from '../../reports/metrics/caption-scores.js';
import { computeCiderD } from '../../reports/metrics/cider-d.js';
import { ptbTokenizeBatch } from '../../reports/metrics/ptb-tokenize.js';
import { computeRougeL } from '../../reports/metrics/rouge-l.js';
import { syntheticCaptionCorpus } from './synthetic-captions.js';
import type { BenchResult } from './types.js';

const IMAGES = 5000;
const REFERENCES = 5;

/** Least CPU time (user + system) of `runs` calls of `fn`, in milliseconds. */
function leastCpuMs(fn: () => void, runs: number): number {
  let least = Infinity;
  for (let r = 0; r < runs; r++) {
    const start = process.cpuUsage();
    fn();
    const used = process.cpuUsage(start);
    least = Math.min(least, (used.user + used.system) / 1000);
  }
  return least;
}

/** Mean time of `fn` in milliseconds with Benchmark.js (synchronous, a few seconds at most). */
function measure(name: string, fn: () => void, maxTimeSeconds: number): { ms: number; notes: string } {
  const bench = new Benchmark(name, fn, { minSamples: 5, maxTime: maxTimeSeconds, initCount: 1 });
  bench.run({ async: false });
  if (bench.error !== undefined) throw bench.error as Error;
  const { mean, rme, sample } = bench.stats;
  return { ms: mean * 1000, notes: `Benchmark.js mean of ${sample.length} runs, ±${rme.toFixed(1)}% (rme)` };
}

export default async function (): Promise<BenchResult[]> {
  const { references, predictions } = syntheticCaptionCorpus(IMAGES, REFERENCES, 1);
  const refs = [...references.values()];
  const hyps = [...predictions.values()];
  const size = `${IMAGES}x${REFERENCES}`;
  const results: BenchResult[] = [];

  const scoreAll = () => scoreCaptions(references, predictions, { tokenize: 'none' });
  const all = measure('all', scoreAll, 8);
  results.push({ name: `BLEU+ROUGE-L+CIDEr-D, ${size} (scoreCaptions, tokenize none)`, value: all.ms, unit: 'ms', notes: all.notes });
  const allCpu = leastCpuMs(scoreAll, 10);
  results.push({ name: `BLEU+ROUGE-L+CIDEr-D, ${size}, CPU time`, value: allCpu, unit: 'ms', notes: 'least of 10 runs, process.cpuUsage' });

  const bleu = measure('bleu', () => computeBleu(buildNgramCorpus(refs, hyps)), 3);
  results.push({ name: `BLEU-1..4 incl. n-gram counting, ${size}`, value: bleu.ms, unit: 'ms', notes: bleu.notes });
  const rouge = measure('rouge', () => computeRougeL(refs, hyps), 3);
  results.push({ name: `ROUGE-L, ${size}`, value: rouge.ms, unit: 'ms', notes: rouge.notes });
  const cider = measure('cider', () => computeCiderD(buildNgramCorpus(refs, hyps)), 3);
  results.push({ name: `CIDEr-D incl. n-gram counting, ${size}`, value: cider.ms, unit: 'ms', notes: cider.notes });

  for (const [variable, ours, clock] of [
    ['VLBENCH_OFFICIAL_CAPTION_SECONDS', all.ms, 'wall clock'],
    ['VLBENCH_OFFICIAL_CAPTION_CPU_SECONDS', allCpu, 'CPU time'],
  ] as const) {
    const official = Number(process.env[variable]);
    if (!Number.isFinite(official) || official <= 0) continue;
    results.push({
      name: `speed-up vs official pycocoevalcap Bleu+Rouge+Cider, ${size}, ${clock}`,
      value: (official * 1000) / ours,
      unit: 'x',
      notes: `official ${official} s from ${variable} (time_official.py, same corpus)`,
    });
  }

  const captions = [...refs.flat(), ...hyps];
  const ptb = measure('ptb', () => ptbTokenizeBatch(captions), 3);
  results.push({
    name: `PTB tokenization of ${captions.length} captions (not in the comparison)`,
    value: ptb.ms,
    unit: 'ms',
    notes: `${ptb.notes}; plain lowercase words, the fast path`,
  });
  const raw = captions.map((c) => `${c.charAt(0).toUpperCase()}${c.slice(1).replace(/ (\S+) /, ' $1, ')}.`);
  const ptbRaw = measure('ptb-raw', () => ptbTokenizeBatch(raw), 3);
  results.push({
    name: `PTB tokenization of ${raw.length} raw-style captions (not in the comparison)`,
    value: ptbRaw.ms,
    unit: 'ms',
    notes: `${ptbRaw.notes}; capital first letter, one comma, final period`,
  });
  return results;
}
