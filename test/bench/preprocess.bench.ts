/**
 * Preprocessing speed. The headline row is LAVIS's image path at BLIP's 384 px: decode a 640x480
 * JPEG (test/fixtures/images/bench_coffee_640x480.jpg), PIL-exact bicubic resize to 384x384
 * (stretch), CLIP normalisation to a float32 CHW tensor, one image at a time. PIL + torchvision
 * on one core is timed on the same file by test/golden/preprocess/bench_pil.py; set
 * VLBENCH_PIL_IMAGES_PER_SECOND to its "decode+resize+ToTensor+Normalize" number to get the ratio.
 * Each rate is the best of many short batches (as Python's timeit advises: on a shared machine the
 * minimum is the time without interference) and both scripts use the same method; the mean CPU
 * time (user + system, all threads) is given in the notes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beatsFbank } from '../../models/preprocess/audio.js';
import { decodeImage } from '../../models/preprocess/image-decode.js';
import { imageToTensor } from '../../models/preprocess/image.js';
import { resizeBicubic, resizeBicubicPortable } from '../../models/preprocess/pil-resize.js';
import { decodeWav } from '../../models/preprocess/wav.js';
import type { BenchResult } from './types.js';

interface Timing {
  /** Best batch, ms per call. */
  bestMs: number;
  /** Mean CPU time (user + system, all threads), ms per call. */
  cpuMs: number;
  runs: number;
}

const BATCH = 5;

async function time(fn: () => unknown, minSeconds: number): Promise<Timing> {
  for (let i = 0; i < 10; i++) await fn();
  const cpu = process.cpuUsage();
  const start = performance.now();
  let runs = 0;
  let bestMs = Infinity;
  while (performance.now() - start < minSeconds * 1000 || runs < 20 * BATCH) {
    const batchStart = performance.now();
    for (let i = 0; i < BATCH; i++) await fn();
    bestMs = Math.min(bestMs, (performance.now() - batchStart) / BATCH);
    runs += BATCH;
  }
  const used = process.cpuUsage(cpu);
  return { bestMs, cpuMs: (used.user + used.system) / 1000 / runs, runs };
}

function rate(name: string, t: Timing, what: string): BenchResult {
  return {
    name,
    value: 1000 / t.bestMs,
    unit: 'images/s',
    notes: `best of ${t.runs / BATCH} batches of ${BATCH}: ${t.bestMs.toFixed(2)} ms/image; mean ${t.cpuMs.toFixed(2)} CPU-ms/image; ${what}`,
  };
}

export default async function (): Promise<BenchResult[]> {
  const bytes = readFileSync(join('test', 'fixtures', 'images', 'bench_coffee_640x480.jpg'));
  const decoded = await decodeImage(bytes, 'bench');
  const results: BenchResult[] = [];

  const full = await time(async () => imageToTensor(await decodeImage(bytes, 'bench'), { size: 384, resize: 'stretch' }), 3);
  results.push(rate('image: decode 640x480 JPEG + PIL-exact resize 384 + normalise', full, 'sequential, one image in flight'));

  const pil = Number(process.env['VLBENCH_PIL_IMAGES_PER_SECOND']);
  if (Number.isFinite(pil) && pil > 0) {
    results.push({
      name: 'image pipeline speed vs PIL + torchvision on one core',
      value: 1000 / full.bestMs / pil,
      unit: 'x',
      notes: `PIL ${pil} images/s from VLBENCH_PIL_IMAGES_PER_SECOND (bench_pil.py, same file, same best-batch method)`,
    });
  }

  // Decode runs on a libuv worker thread inside sharp, so the next image's decode can overlap this
  // image's resize: throughput on two cores, reported separately from the one-at-a-time rate.
  let next = decodeImage(bytes, 'bench');
  const pipelined = await time(async () => {
    const current = await next;
    next = decodeImage(bytes, 'bench');
    return imageToTensor(current, { size: 384, resize: 'stretch' });
  }, 3);
  await next;
  results.push(rate('image: same, decode of image i+1 overlapping resize of image i', pipelined, 'two threads (libvips decode + JS)'));

  results.push(rate('image: decode 640x480 JPEG only (sharp)', await time(() => decodeImage(bytes, 'bench'), 2), 'libvips decode + RGB conversion'));
  results.push(rate('image: resize 640x480 -> 384x384 only (WebAssembly SIMD)', await time(() => resizeBicubic(decoded, 384, 384), 2), 'byte-identical to PIL'));
  results.push(rate('image: resize 640x480 -> 384x384 only (portable TypeScript)', await time(() => resizeBicubicPortable(decoded, 384, 384), 2), 'fallback without SIMD'));
  results.push(rate('image: resize + normalise 640x480 -> 3x384x384', await time(() => imageToTensor(decoded, { size: 384, resize: 'stretch' }), 2), 'no decode'));

  const wav = decodeWav(readFileSync(join('test', 'fixtures', 'audio', 'stereo_44k1_pcm16.wav')), 'bench');
  const fbank = await time(() => beatsFbank(wav), 2);
  results.push({ name: 'audio: 0.4 s 44.1 kHz stereo -> 16 kHz BEATs fbank', value: fbank.bestMs, unit: 'ms', notes: `best of ${fbank.runs / BATCH} batches; resample + 128-bin Kaldi fbank + normalise` });
  return results;
}
