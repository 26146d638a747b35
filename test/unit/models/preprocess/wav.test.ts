/**
 * RIFF chunk padding in decodeWav: a chunk of odd size is followed by one pad byte that is not
 * part of it. An 8-bit mono WAV with an odd sample count has such a data chunk (ffmpeg, sox and
 * Python's wave write the pad), and reading the pad as a sample would add a -1.0 click at the end.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeWav } from '../../../../models/preprocess/wav.js';

/** One RIFF chunk: id, little-endian size, body, and the pad byte an odd size needs. */
function chunk(id: string, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + body.length + (body.length % 2));
  out.set(new TextEncoder().encode(id), 0);
  new DataView(out.buffer).setUint32(4, body.length, true);
  out.set(body, 8);
  return out;
}

/** RIFF/WAVE bytes: 8-bit PCM mono at 16 kHz holding `samples`, padded, then the `after` chunks. */
function u8Wav(samples: readonly number[], after: readonly Uint8Array[] = []): Uint8Array {
  const fmt = new DataView(new ArrayBuffer(16));
  fmt.setUint16(0, 1, true); // PCM
  fmt.setUint16(2, 1, true); // channels
  fmt.setUint32(4, 16000, true);
  fmt.setUint32(8, 16000, true); // byte rate
  fmt.setUint16(12, 1, true); // block align
  fmt.setUint16(14, 8, true); // bits per sample
  const body = [new TextEncoder().encode('WAVE'), chunk('fmt ', new Uint8Array(fmt.buffer)), chunk('data', Uint8Array.from(samples)), ...after];
  const joined = new Uint8Array(body.reduce((n, part) => n + part.length, 0));
  let at = 0;
  for (const part of body) {
    joined.set(part, at);
    at += part.length;
  }
  return chunk('RIFF', joined);
}

/** A LIST/INFO chunk naming the encoder, as ffmpeg writes after the data (its 5-byte text padded). */
const LIST = chunk('LIST', new TextEncoder().encode('INFOISFT\x05\x00\x00\x00Lavf\x00\x00'));

const SAMPLES = [0x80, 0xc0, 0x40, 0xff, 0x90];
// 8-bit PCM is unsigned around 128: (v - 128) / 128, exact in float32.
const EXPECTED = SAMPLES.map((v) => (v - 128) / 128);

test('8-bit WAV with an odd-sized data chunk: the pad byte is not a sample', () => {
  const audio = decodeWav(u8Wav(SAMPLES), 'odd.wav');
  assert.is(audio.channels[0]!.length, 5);
  assert.equal([...audio.channels[0]!], EXPECTED);
});

test('8-bit WAV with an odd-sized data chunk followed by a LIST chunk: samples end at the declared size', () => {
  const audio = decodeWav(u8Wav(SAMPLES, [LIST]), 'odd-list.wav');
  assert.is(audio.channels[0]!.length, 5);
  assert.is(audio.channels[0]![4], 0.125);
});

test('an even-sized data chunk is read whole', () => {
  const audio = decodeWav(u8Wav([...SAMPLES, 0x00], [LIST]), 'even.wav');
  assert.equal([...audio.channels[0]!], [...EXPECTED, -1]);
});

test.run();
