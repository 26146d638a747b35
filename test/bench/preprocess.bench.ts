/**
 * Preprocessing speed. The headline row is LAVIS's image path at BLIP's 384 px: decode a 640x480
 * JPEG (test/fixtures/images/bench_coffee_640x480.jpg), PIL-exact bicubic resize to 384x384
 * (stretch), CLIP normalisation to a float32 CHW tensor, one image at a time. PIL + torchvision
 * on one core is timed on the same file by test/golden/preprocess/bench_pil.py; set
 * VLBENCH_PIL_IMAGES_PER_SECOND to its "decode+resize+ToTensor+Normalize" number to get the ratio.
 * Rates are reported from wall time and from this process's CPU time (user + system, all threads),
 * which is steadier on a shared machine.
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
  wallMs: number;
  cpuMs: number;
  runs: number;
}

async function time(fn: () => unknown, minSeconds: number): Promise<Timing> {
  for (let i = 0; i < 10; i++) await fn();
  const cpu = process.cpuUsage();
  const start = performance.now();
  let runs = 0;
  while (performance.now() - start < minSeconds * 1000 || runs < 20) {
    await fn();
    runs++;
  }
  const used = process.cpuUsage(cpu);
  return { wallMs: (performance.now() - start) / runs, cpuMs: (used.user + used.system) / 1000 / runs, runs };
}

function rates(name: string, t: Timing, what: string): BenchResult[] {
  return [
    { name: `${name} (wall)`, value: 1000 / t.wallMs, unit: 'images/s', notes: `${t.wallMs.toFixed(2)} ms/image over ${t.runs} runs; ${what}` },
    { name: `${name} (CPU time)`, value: 1000 / t.cpuMs, unit: 'images/s', notes: `${t.cpuMs.toFixed(2)} CPU-ms/image, all threads` },
  ];
}

export default async function (): Promise<BenchResult[]> {
  const bytes = readFileSync(join('test', 'fixtures', 'images', 'bench_coffee_640x480.jpg'));
  const decoded = await decodeImage(bytes, 'bench');
  const results: BenchResult[] = [];

  const full = await time(async () => imageToTensor(await decodeImage(bytes, 'bench'), { size: 384, resize: 'stretch' }), 3);
  results.push(...rates('image: decode 640x480 JPEG + PIL-exact resize 384 + normalise', full, 'sequential, one image in flight'));

  const pil = Number(process.env['VLBENCH_PIL_IMAGES_PER_SECOND']);
  if (Number.isFinite(pil) && pil > 0) {
    results.push({
      name: 'image pipeline speed vs PIL + torchvision on one core',
      value: 1000 / full.wallMs / pil,
      unit: 'x',
      notes: `PIL ${pil} images/s from VLBENCH_PIL_IMAGES_PER_SECOND (bench_pil.py, same file)`,
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
  results.push(...rates('image: same, decode of image i+1 overlapping resize of image i', pipelined, 'two threads (libvips decode + JS)'));

  results.push(...rates('image: decode 640x480 JPEG only (sharp)', await time(() => decodeImage(bytes, 'bench'), 2), 'libvips decode + RGB conversion'));
  results.push(...rates('image: resize 640x480 -> 384x384 only (WebAssembly SIMD)', await time(() => resizeBicubic(decoded, 384, 384), 2), 'byte-identical to PIL'));
  results.push(...rates('image: resize 640x480 -> 384x384 only (portable TypeScript)', await time(() => resizeBicubicPortable(decoded, 384, 384), 2), 'fallback without SIMD'));
  results.push(...rates('image: resize + normalise 640x480 -> 3x384x384', await time(() => imageToTensor(decoded, { size: 384, resize: 'stretch' }), 2), 'no decode'));

  const wav = decodeWav(readFileSync(join('test', 'fixtures', 'audio', 'stereo_44k1_pcm16.wav')), 'bench');
  const fbank = await time(() => beatsFbank(wav), 2);
  results.push({ name: 'audio: 0.4 s 44.1 kHz stereo -> 16 kHz BEATs fbank', value: fbank.wallMs, unit: 'ms', notes: `${fbank.runs} runs; resample + 128-bin Kaldi fbank + normalise` });
  return results;
}
