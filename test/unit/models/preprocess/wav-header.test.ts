/**
 * WAV headers whose fields the decoder divides by or loops over, and data chunks cut short: each
 * fails its sample with a message naming the file and the field, instead of hanging (0 channels
 * made an endless synchronous loop that even SIGINT could not stop) or being scored silently
 * (a truncated data chunk), and a clip-length hint appears only where the clip is too short.
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { preprocessAudio } from '../../../../models/preprocess/audio.js';
import { AudioDecodeError, decodeWav } from '../../../../models/preprocess/wav.js';
import { tempDirFactory } from '../../helpers/temp-dirs.js';
import { rejectedMessage, thrownMessage } from '../../helpers/thrown.js';

const tempDir = tempDirFactory(test);

interface Header {
  readonly channels?: number;
  readonly sampleRate?: number;
  /** The data chunk's declared size; default: the bytes written. */
  readonly dataSize?: number;
}

/** A 16-bit PCM WAV with a 44-byte header holding `frames` frames of a ramp. */
function pcm16(frames: number, header: Header = {}): Uint8Array {
  const channels = header.channels ?? 1;
  const rate = header.sampleRate ?? 16000;
  const dataBytes = frames * Math.max(channels, 1) * 2;
  const out = new Uint8Array(44 + dataBytes);
  const view = new DataView(out.buffer);
  const ascii = (at: number, text: string) => out.set(new TextEncoder().encode(text), at);
  ascii(0, 'RIFF');
  view.setUint32(4, 36 + dataBytes, true);
  ascii(8, 'WAVEfmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, channels, true);
  view.setUint32(24, rate, true);
  view.setUint32(28, rate * channels * 2, true);
  view.setUint16(32, channels * 2, true);
  view.setUint16(34, 16, true);
  ascii(36, 'data');
  view.setUint32(40, header.dataSize ?? dataBytes, true);
  for (let i = 0; i < dataBytes / 2; i++) view.setInt16(44 + 2 * i, (i * 97) % 2000 - 1000, true);
  return out;
}

const decodeError = (bytes: Uint8Array, source: string): string => thrownMessage(() => decodeWav(bytes, source), AudioDecodeError);

const FIX = 'ffmpeg -i IN -ac 1 -ar 16000 -c:a pcm_s16le OUT.wav';

test('a header declaring 0 channels is named as corrupt, before any sample is read', () => {
  // With no data the old frame count was NaN and the loop never ran ("holds no samples")...
  assert.is(decodeError(pcm16(0, { channels: 0 }), 'empty-ch0.wav'), `empty-ch0.wav: the WAV header declares 0 channels; the file is corrupt; re-encode it (${FIX})`);
  // ...with data it was Infinity: an endless loop.
  const withData = pcm16(0, { channels: 0, dataSize: 3200 });
  const bytes = new Uint8Array(withData.length + 3200);
  bytes.set(withData);
  assert.match(decodeError(bytes, 'ch0.wav'), /^ch0\.wav: the WAV header declares 0 channels; the file is corrupt/);
});

test('a header declaring a sample rate of 0 Hz is named as corrupt, with no advice about clip length', async () => {
  assert.is(decodeError(pcm16(1600, { sampleRate: 0 }), 'sr0.wav'), `sr0.wav: the WAV header declares a sample rate of 0 Hz; the file is corrupt; re-encode it (${FIX})`);
  const dir = tempDir(join(tmpdir(), 'vlbench-wav-header-'));
  const path = join(dir, 'sr0.wav');
  writeFileSync(path, pcm16(1600, { sampleRate: 0 }));
  const message = await rejectedMessage(preprocessAudio(path), AudioDecodeError);
  assert.match(message, 'declares a sample rate of 0 Hz');
  assert.not.match(message, '25 ms');
});

test('only a clip shorter than one fbank window is told to be at least 25 ms long', async () => {
  const dir = tempDir(join(tmpdir(), 'vlbench-wav-header-'));
  const short = join(dir, 'short.wav');
  writeFileSync(short, pcm16(160)); // 10 ms at 16 kHz
  const message = await rejectedMessage(preprocessAudio(short), AudioDecodeError);
  assert.match(message, `${short}: the clip is 10.0 ms long, shorter than one 25 ms fbank frame`);
  assert.match(message, 'use a clip of at least 25 ms');
  // A prime rate shares no factor with 16 kHz: its resampling table would need 16,000 rows of a
  // million taps each, which is refused with the resampling fix rather than the clip-length one.
  const odd = join(dir, 'odd-rate.wav');
  writeFileSync(odd, pcm16(40_000, { sampleRate: 1_000_003 }));
  const oddMessage = await rejectedMessage(preprocessAudio(odd), AudioDecodeError);
  assert.match(oddMessage, `${odd}: cannot compute the BEATs fbank (resample: 1000003 Hz -> 16000 Hz needs a 16000 x`);
  assert.match(oddMessage, 'ffmpeg -i IN -ac 1 -ar 16000');
  assert.not.match(oddMessage, '25 ms');
});

test('a data chunk shorter than its declared size fails, naming both sizes; streaming sizes are read to the end', () => {
  const whole = pcm16(1000);
  const truncated = whole.subarray(0, 1044); // 1,000 of the 2,000 declared data bytes
  assert.is(
    decodeError(truncated, 'cut.wav'),
    'cut.wav: the WAV data chunk declares 2,000 bytes but the file holds 1,000: the file is truncated; ' +
      'copy or download it again, or, to use the part that is there, rewrite it with its true size (ffmpeg -i IN OUT.wav)',
  );
  // ffmpeg writing to a pipe leaves 0xFFFFFFFF, sox 0x7FFFF000, arecord 0x80000000 or 0x7FFFFF00,
  // others 0x7FFFFFFF or 0xFFFFFFFE: all mean "until the end".
  for (const dataSize of [0xffffffff, 0x7ffff000, 0x80000000, 0x7fffff00, 0x7fffffff, 0xfffffffe]) {
    const streamed = pcm16(1000, { dataSize });
    assert.is(decodeWav(streamed, 'piped.wav').channels[0]!.length, 1000, `data size ${dataSize}`);
  }
  // A declared size smaller than the file (a chunk after the data) is not truncation.
  assert.is(decodeWav(pcm16(1000, { dataSize: 800 }), 'short-declared.wav').channels[0]!.length, 400);
});

test.run();
