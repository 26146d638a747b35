import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { beatsFbank, decodeMp4Audio, preprocessAudio, splitClips } from '../../../../models/preprocess/audio.js';
import { parseNpy } from '../../../../models/preprocess/npy.js';
import { resampleSinc } from '../../../../models/preprocess/resample.js';
import { AudioDecodeError, decodeWav, lavisMono } from '../../../../models/preprocess/wav.js';

const FIXTURES = 'test/fixtures/audio';
const GOLDEN = 'test/golden/preprocess/audio';
const NAMES = ['mono_16k_pcm16', 'stereo_44k1_pcm16', 'mono_8k_pcm8', 'mono_48k_float32', 'three_ch_11025_pcm32', 'mono_22050_pcm24'];

const npy = (file: string) => parseNpy(readFileSync(join(GOLDEN, file)), file);
const wav = (name: string) => decodeWav(readFileSync(join(FIXTURES, `${name}.wav`)), name);

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>, n = Math.min(a.length, b.length)): number {
  let m = 0;
  for (let i = 0; i < n; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

test('WAV samples equal torchaudio.load (sox) exactly for PCM 8/16/24/32 and float32', () => {
  for (const name of NAMES) {
    const expected = npy(`${name}.loaded.npy`);
    const audio = wav(name);
    const [channels, count] = expected.shape as [number, number];
    assert.is(audio.channels.length, channels, name);
    for (let c = 0; c < channels; c++) {
      for (let i = 0; i < count; i++) assert.is(audio.channels[c]![i], expected.data[c * count + i], `${name} channel ${c} sample ${i}`);
    }
  }
});

test('mono + resample to 16 kHz matches torchaudio Resample within 2e-6', () => {
  for (const name of NAMES) {
    const expected = npy(`${name}.resampled.npy`);
    const audio = wav(name);
    const out = resampleSinc(lavisMono(audio), audio.sampleRate, 16000);
    const diff = maxAbsDiff(out, expected.data, expected.data.length);
    assert.ok(diff < 2e-6, `${name}: max abs diff ${diff}`);
  }
});

/**
 * torch computes the FFT in float32, whose rounding noise is ~1e-7 of a frame's total energy; in
 * mel bins holding a tiny share of that energy the noise shows in the log. We compute in float64,
 * so: cells whose normalised value is > -0.5 (log energy > 8.9) agree to 1e-4, the median cell to
 * 2e-6, and the quietest cells to 1e-2.
 */
function checkFbank(name: string, actual: Float32Array, expected: Float32Array): void {
  const diffs = Array.from(expected, (e, i) => Math.abs(actual[i]! - e));
  const loud = diffs.filter((_, i) => expected[i]! > -0.5);
  assert.ok(loud.length > diffs.length / 4, `${name}: too few loud cells to test`);
  assert.ok(Math.max(...loud) < 1e-4, `${name}: loud cells differ by ${Math.max(...loud)}`);
  const sorted = [...diffs].sort((a, b) => a - b);
  assert.ok(sorted[Math.floor(sorted.length / 2)]! < 2e-6, `${name}: median diff ${sorted[Math.floor(sorted.length / 2)]}`);
  assert.ok(sorted[sorted.length - 1]! < 1e-2, `${name}: max diff ${sorted[sorted.length - 1]}`);
}

test('normalised BEATs fbank matches torchaudio kaldi.fbank (same frame count, float32-FFT tolerance)', () => {
  for (const name of NAMES) {
    const expected = npy(`${name}.fbank.npy`);
    const fbank = beatsFbank(wav(name));
    assert.equal([fbank.frames, 128], expected.shape, name);
    checkFbank(name, fbank.data, expected.data as Float32Array);
  }
});

test('fixed clips: zero-pad short audio to 2 x 512 frames, keep the fbank at the start', async () => {
  const tensor = await preprocessAudio(join(FIXTURES, 'mono_16k_pcm16.wav'));
  assert.equal([...tensor.dims], [2, 512, 128]);
  assert.is(tensor.sourceFrames, 58);
  const expected = npy('mono_16k_pcm16.fbank.npy');
  checkFbank('mono_16k_pcm16 clip', tensor.data.subarray(0, expected.data.length), expected.data as Float32Array);
  assert.ok(tensor.data.subarray(58 * 128).every((v) => v === 0), 'padding is not zero');
});

test('fixed clips truncate long input; lavis-is-eval pads by frames % 512 and keeps full clips', () => {
  const fbank = (frames: number) => ({ frames, data: Float32Array.from({ length: frames * 128 }, (_, i) => i + 1) });
  const long = splitClips(fbank(1100), 128);
  assert.equal([...long.dims], [2, 512, 128]);
  assert.is(long.data[1024 * 128 - 1], 1024 * 128);
  // 700 frames: LAVIS pads 700 % 512 = 188 rows -> 888 -> one clip; 300 frames -> 600 -> one clip.
  assert.equal([...splitClips(fbank(700), 128, { clipMode: 'lavis-is-eval' }).dims], [1, 512, 128]);
  assert.equal([...splitClips(fbank(300), 128, { clipMode: 'lavis-is-eval' }).dims], [1, 512, 128]);
  assert.equal([...splitClips(fbank(200), 128, { clipMode: 'lavis-is-eval' }).dims], [0, 512, 128]);
  assert.equal([...splitClips(fbank(1024), 128, { clipMode: 'lavis-is-eval' }).dims], [2, 512, 128]);
});

test('audio shorter than one frame is an error naming the file, or zeros on request (LAVIS)', async () => {
  const path = join(FIXTURES, 'too_short_16k.wav');
  try {
    await preprocessAudio(path);
    assert.unreachable('expected an error');
  } catch (error) {
    assert.instance(error, AudioDecodeError);
    assert.ok((error as Error).message.includes('too_short_16k.wav'));
  }
  const zeros = await preprocessAudio(path, { onInvalid: 'zeros' });
  assert.equal([...zeros.dims], [2, 512, 128]);
  assert.ok(zeros.data.every((v) => v === 0));
});

/** The same audio rewritten as WAVE_FORMAT_EXTENSIBLE (as ffmpeg and sox write float and >16-bit WAVs). */
function asExtensible(plain: Uint8Array, subformat: number): Uint8Array {
  const view = new DataView(plain.buffer, plain.byteOffset, plain.byteLength);
  let at = 12;
  let fmt: DataView | undefined;
  let data: Uint8Array | undefined;
  while (at + 8 <= plain.length) {
    const id = String.fromCharCode(...plain.subarray(at, at + 4));
    const size = view.getUint32(at + 4, true);
    if (id === 'fmt ') fmt = new DataView(plain.buffer, plain.byteOffset + at + 8, size);
    if (id === 'data') data = plain.subarray(at + 8, at + 8 + size);
    at += 8 + size + (size % 2);
  }
  const out = new Uint8Array(12 + 8 + 40 + 8 + data!.length);
  const o = new DataView(out.buffer);
  out.set(new TextEncoder().encode('RIFF'), 0);
  o.setUint32(4, out.length - 8, true);
  out.set(new TextEncoder().encode('WAVEfmt '), 8);
  o.setUint32(16, 40, true);
  o.setUint16(20, 0xfffe, true);
  for (const offset of [2, 4, 8, 12, 14]) {
    if (offset === 4 || offset === 8) o.setUint32(20 + offset, fmt!.getUint32(offset, true), true);
    else o.setUint16(20 + offset, fmt!.getUint16(offset, true), true);
  }
  o.setUint16(36, 22, true);
  o.setUint16(38, fmt!.getUint16(14, true), true);
  o.setUint32(40, 0, true);
  // KSDATAFORMAT_SUBTYPE_*: the format code, then the fixed GUID tail 00000000-0010-8000-00AA00389B71.
  out.set([subformat, 0, 0, 0, 0, 0, 0x10, 0, 0x80, 0, 0, 0xaa, 0, 0x38, 0x9b, 0x71], 44);
  out.set(new TextEncoder().encode('data'), 60);
  o.setUint32(64, data!.length, true);
  out.set(data!, 68);
  return out;
}

test('WAVE_FORMAT_EXTENSIBLE float and PCM decode to the same samples as torchaudio', () => {
  for (const [name, subformat] of [['mono_48k_float32', 3], ['mono_16k_pcm16', 1], ['mono_22050_pcm24', 1]] as const) {
    const expected = npy(`${name}.loaded.npy`);
    const audio = decodeWav(asExtensible(readFileSync(join(FIXTURES, `${name}.wav`)), subformat), name);
    assert.is(audio.channels.length, 1, name);
    assert.is(maxAbsDiff(audio.channels[0]!, expected.data, expected.data.length), 0, name);
    assert.is(audio.channels[0]!.length, wav(name).channels[0]!.length, name);
  }
});

test('an extensible WAV of an unsupported sub-format is an error naming the file and the fix', () => {
  const adpcm = asExtensible(readFileSync(join(FIXTURES, 'mono_16k_pcm16.wav')), 2);
  assert.throws(() => decodeWav(adpcm, 'clip.wav'), (e: Error) => e instanceof AudioDecodeError && /clip\.wav: unsupported WAV sample format 'extensible, sub-format 2, 16-bit'.*pcm_s16le/.test(e.message));
});

test('a non-WAV file is rejected with the fix', () => {
  assert.throws(() => decodeWav(new TextEncoder().encode('ID3 not a wav file'), 'song.mp3'), /song\.mp3: not a RIFF\/WAVE file/);
});

let hasFfmpeg = true;
try {
  execFileSync('ffmpeg', ['-version'], { stdio: 'ignore' });
} catch {
  hasFfmpeg = false;
}

test(`.mp4 audio as moviepy reads it (${hasFfmpeg ? 'ffmpeg present' : 'ffmpeg absent: clear error'})`, async () => {
  const mp4 = join(mkdtempSync(join(tmpdir(), 'vlbench-audio-')), 'clip.mp4');
  if (!hasFfmpeg) {
    await decodeMp4Audio(mp4).then(
      () => assert.unreachable(),
      (e: Error) => assert.match(e.message, /needs ffmpeg on PATH; install ffmpeg .* or extract the audio to a WAV file first/),
    );
    return;
  }
  // Lossless ALAC in MP4; moviepy asks ffmpeg for 2 channels, so a mono track comes back upmixed
  // at -3 dB (x 1/sqrt 2) in both channels and the channel mean keeps that factor.
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', join(FIXTURES, 'mono_16k_pcm16.wav'), '-c:a', 'alac', mp4]);
  const decoded = await decodeMp4Audio(mp4);
  const original = wav('mono_16k_pcm16').channels[0]!;
  assert.is(decoded.sampleRate, 16000);
  assert.is(decoded.channels[0]!.length, original.length);
  for (let i = 0; i < original.length; i++) {
    assert.ok(Math.abs(decoded.channels[0]![i]! - original[i]! * Math.SQRT1_2) <= 1 / 32768, `sample ${i}`);
  }
  const tensor = await preprocessAudio(mp4);
  assert.equal([...tensor.dims], [2, 512, 128]);
  assert.is(tensor.sourceFrames, 58);
  // The extension is matched in any case: CLIP.MP4 is the same container.
  const upper = join(mkdtempSync(join(tmpdir(), 'vlbench-audio-')), 'CLIP.MP4');
  execFileSync('ffmpeg', ['-v', 'error', '-i', mp4, '-c', 'copy', '-f', 'mp4', upper]);
  assert.equal(Array.from((await preprocessAudio(upper)).data), Array.from(tensor.data));
});

test(`an .mp4 without an audio track is an error saying so (${hasFfmpeg ? 'checked' : 'skipped: no ffmpeg'})`, async () => {
  if (!hasFfmpeg) return;
  const silent = join(mkdtempSync(join(tmpdir(), 'vlbench-audio-')), 'picture-only.mp4');
  execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=16x16:rate=5:duration=1', '-c:v', 'mpeg4', silent]);
  await preprocessAudio(silent).then(
    () => assert.unreachable('a file without audio was accepted'),
    (e: Error) => {
      assert.instance(e, AudioDecodeError);
      assert.match(e.message, /picture-only\.mp4: the file has no audio track/);
    },
  );
});

test('fbank of only the leading frames equals the leading frames of the whole fbank, at every rate', () => {
  // Noise (xorshift) so every frame differs; 3.3 s is longer than the 150 frames kept.
  let state = 2463534242;
  const noise = () => {
    state ^= state << 13; state ^= state >>> 17; state ^= state << 5;
    return ((state >>> 0) / 2 ** 32) * 2 - 1;
  };
  for (const rate of [8000, 11025, 16000, 22050, 44100, 48000]) {
    const samples = Math.round(rate * 3.3);
    const channels = [Float32Array.from({ length: samples }, noise), Float32Array.from({ length: samples }, noise)];
    const audio = { sampleRate: rate, channels };
    const whole = beatsFbank(audio);
    const leading = beatsFbank(audio, 150);
    assert.is(leading.frames, whole.frames, `${rate} Hz: the whole file's frame count`);
    assert.is(leading.data.length, 150 * 128, `${rate} Hz: 150 frames computed`);
    assert.equal(Array.from(leading.data), Array.from(whole.data.subarray(0, 150 * 128)), `${rate} Hz`);
  }
});

test.run();
