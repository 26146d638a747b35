/**
 * WAV decoding with the sample values `torchaudio.load` (0.13, sox_io backend, normalize=True)
 * returns, which is how LAVIS's `beats_audio` processor loads audio.
 *
 * sox first maps every sample to a 32-bit integer (8-bit unsigned: (v - 128) << 24, 16-bit: v << 16,
 * 24-bit: v << 8, float: v * 2^31 rounded half away from zero and clipped), then to float as
 * ((s + 64) & ~127) / 2^31, or exactly 1.0 above 2^31 - 65. So 8/16/24-bit PCM comes out exact,
 * while 32-bit PCM and float WAVs are quantised to 25 significant bits (1e-9 becomes 0).
 */
import * as wavefileModule from 'wavefile';

type WaveFileClass = typeof wavefileModule.WaveFile;
// wavefile is a UMD bundle flagged __esModule without a default export: native ESM sees
// { default: { WaveFile } }, a CommonJS loader (tsx under uvu) sees { WaveFile }.
const loaded = wavefileModule as unknown as { WaveFile?: WaveFileClass; default?: { WaveFile: WaveFileClass } };
const WaveFile: WaveFileClass = loaded.WaveFile ?? loaded.default!.WaveFile;

export interface DecodedAudio {
  readonly sampleRate: number;
  /** One Float32Array per channel. */
  readonly channels: readonly Float32Array[];
}

export class AudioDecodeError extends Error {
  override name = 'AudioDecodeError';
  constructor(
    readonly source: string,
    problem: string,
  ) {
    super(`${source}: ${problem}`);
  }
}

const SOX_SAMPLE_MAX = 2147483647;
const SOX_SAMPLE_MIN = -2147483648;

/** sox's SOX_FLOAT_64BIT_TO_SAMPLE. */
function floatToSoxSample(d: number): number {
  const t = d * (SOX_SAMPLE_MAX + 1);
  if (t < 0) return t <= SOX_SAMPLE_MIN - 0.5 ? SOX_SAMPLE_MIN : Math.trunc(t - 0.5);
  return t >= SOX_SAMPLE_MAX + 0.5 ? SOX_SAMPLE_MAX : Math.trunc(t + 0.5);
}

/** sox's SOX_SAMPLE_TO_FLOAT_32BIT. */
function soxSampleToFloat(s: number): number {
  if (s > SOX_SAMPLE_MAX - 64) return 1;
  return ((s + 64) & ~127) / (SOX_SAMPLE_MAX + 1);
}

type SampleFormat = '8' | '16' | '24' | '32' | '32f' | '64';

function toSoxSample(format: SampleFormat, v: number): number {
  switch (format) {
    case '8':
      return (v - 128) * 2 ** 24;
    case '16':
      return v * 2 ** 16;
    case '24':
      return v * 2 ** 8;
    case '32':
      return v;
    case '32f':
    case '64':
      return floatToSoxSample(v);
    default: {
      const never: never = format;
      throw new Error(`unhandled sample format ${String(never)}`);
    }
  }
}

const WAVE_FORMAT_EXTENSIBLE = 0xfffe;
const SUBFORMAT_PCM = 1;
const SUBFORMAT_IEEE_FLOAT = 3;

interface WavFmt {
  readonly numChannels: number;
  readonly sampleRate: number;
  readonly audioFormat: number;
  readonly bitsPerSample: number;
  readonly subformat?: readonly number[];
}

/**
 * The sample format, reading WAVE_FORMAT_EXTENSIBLE's sub-format (what ffmpeg, sox and most DAWs
 * write for float and >16-bit audio): wavefile reports an extensible float file as integer PCM.
 */
function sampleFormat(wav: InstanceType<WaveFileClass>, source: string): SampleFormat {
  const fmt = wav.fmt as WavFmt;
  const unsupported = (what: string) => new AudioDecodeError(source, `unsupported WAV sample format ${what} (supported: PCM 8/16/24/32-bit, float 32/64-bit); re-encode as 16-bit PCM (e.g. ffmpeg -i in.wav -c:a pcm_s16le out.wav)`);
  if (fmt.audioFormat === WAVE_FORMAT_EXTENSIBLE) {
    const sub = fmt.subformat?.[0];
    const bits = String(fmt.bitsPerSample);
    if (sub === SUBFORMAT_IEEE_FLOAT && (bits === '32' || bits === '64')) return bits === '32' ? '32f' : '64';
    if (sub === SUBFORMAT_PCM && ['8', '16', '24', '32'].includes(bits)) return bits as SampleFormat;
    throw unsupported(`'extensible, sub-format ${String(sub)}, ${bits}-bit'`);
  }
  const format = wav.bitDepth as SampleFormat;
  if (!['8', '16', '24', '32', '32f', '64'].includes(format)) throw unsupported(`'${wav.bitDepth}'`);
  return format;
}

const BYTES_PER_SAMPLE: Readonly<Record<SampleFormat, number>> = { '8': 1, '16': 2, '24': 3, '32': 4, '32f': 4, '64': 8 };

/** One little-endian sample as stored (8-bit PCM is unsigned, as toSoxSample expects). */
function readSample(view: DataView, at: number, format: SampleFormat): number {
  switch (format) {
    case '8':
      return view.getUint8(at);
    case '16':
      return view.getInt16(at, true);
    case '24':
      return view.getUint16(at, true) + (view.getInt8(at + 2) << 16);
    case '32':
      return view.getInt32(at, true);
    case '32f':
      return view.getFloat32(at, true);
    case '64':
      return view.getFloat64(at, true);
    default: {
      const never: never = format;
      throw new Error(`unhandled sample format ${String(never)}`);
    }
  }
}

/**
 * Interleaved samples straight from the data chunk, one plane per channel (a trailing partial
 * frame is dropped, as torchaudio drops it). Read here rather than with wavefile's getSamples,
 * which took 6 s for two minutes of 48 kHz stereo.
 */
function samplePlanes(wav: InstanceType<WaveFileClass>, format: SampleFormat): Float64Array[] {
  const data = wav.data as { samples: Uint8Array; chunkSize: number };
  // wavefile's samples run to the chunk's padded end: an odd-sized chunk (8-bit mono with an odd
  // sample count) ends in a RIFF pad byte that is not audio, and read as 8-bit it is a -1.0 click.
  // The declared size limits it; a piped WAV's streaming size (checkDataComplete) goes past the file's end.
  const length = Math.min(data.chunkSize, data.samples.byteLength);
  const bytes = data.samples.subarray(0, length);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const width = BYTES_PER_SAMPLE[format];
  const channels = (wav.fmt as WavFmt).numChannels;
  const frames = Math.floor(bytes.byteLength / (width * channels));
  const planes = Array.from({ length: channels }, () => new Float64Array(frames));
  for (let f = 0; f < frames; f++) {
    for (let c = 0; c < channels; c++) planes[c]![f] = readSample(view, (f * channels + c) * width, format);
  }
  return planes;
}

const REENCODE = 'ffmpeg -i IN -ac 1 -ar 16000 -c:a pcm_s16le OUT.wav';

/**
 * The fields the decoder divides by or loops over: 0 channels made the frame count Infinity (an
 * endless loop that also blocked SIGINT), and a 0 Hz rate reaches the resampler. The bit depth is
 * judged by sampleFormat, and block align is not read (sox ignores it for PCM and float too).
 */
function checkHeaderFields(fmt: WavFmt, source: string): void {
  const corrupt = (what: string) => new AudioDecodeError(source, `the WAV header declares ${what}; the file is corrupt; re-encode it (${REENCODE})`);
  if (fmt.numChannels === 0) throw corrupt('0 channels');
  if (fmt.sampleRate === 0) throw corrupt('a sample rate of 0 Hz');
}

/**
 * Data sizes a writer that cannot seek back leaves in the header: ffmpeg's 0xFFFFFFFF, sox's
 * MS_UNSPEC (0x7FFFF000), and arecord's caps writing to a pipe (0x80000000, 0x7FFFFF00; others
 * use 0x7FFFFFFF or 0xFFFFFFFE). ffmpeg and sox read such files to their end, and so does
 * samplePlanes. No real clip of a benchmark comes near 2 GiB, so from 0x7FFFF000 up a size is
 * read as "until the end", not as a truncation.
 */
const SMALLEST_STREAMING_SIZE = 0x7ffff000;

/**
 * A data chunk shorter than its declared size is a file cut short: scoring the part that is
 * there would pass off a fragment (often nearly all zero padding) as the clip.
 */
function checkDataComplete(wav: InstanceType<WaveFileClass>, source: string): void {
  const data = wav.data as { samples: Uint8Array; chunkSize: number };
  const held = data.samples.byteLength;
  if (data.chunkSize <= held || data.chunkSize >= SMALLEST_STREAMING_SIZE) return;
  const bytes = (n: number) => n.toLocaleString('en-US');
  throw new AudioDecodeError(
    source,
    `the WAV data chunk declares ${bytes(data.chunkSize)} bytes but the file holds ${bytes(held)}: the file is truncated; ` +
      'copy or download it again, or, to use the part that is there, rewrite it with its true size (ffmpeg -i IN OUT.wav)',
  );
}

/** Decode a RIFF/WAVE file (PCM 8/16/24/32-bit or IEEE float 32/64-bit, plain or extensible, any channel count). */
export function decodeWav(bytes: Uint8Array, source: string): DecodedAudio {
  const riff = String.fromCharCode(...bytes.subarray(0, 4));
  const wave = String.fromCharCode(...bytes.subarray(8, 12));
  if (riff !== 'RIFF' || wave !== 'WAVE') {
    throw new AudioDecodeError(source, 'not a RIFF/WAVE file; convert the audio to WAV (e.g. ffmpeg -i in.mp3 out.wav)');
  }
  const wav = new WaveFile();
  try {
    wav.fromBuffer(bytes);
  } catch (error) {
    throw new AudioDecodeError(source, `cannot parse the WAV data (${(error as Error).message}); the file is corrupt or truncated`);
  }
  const fmt = wav.fmt as WavFmt;
  checkHeaderFields(fmt, source);
  const format = sampleFormat(wav, source);
  checkDataComplete(wav, source);
  const planes = samplePlanes(wav, format);
  if (planes.length === 0 || planes[0]!.length === 0) throw new AudioDecodeError(source, 'the WAV file holds no samples');
  // A plain loop: Float32Array.from with a mapping function took 3 s per million samples.
  const channels = planes.map((plane) => {
    const out = new Float32Array(plane.length);
    for (let i = 0; i < plane.length; i++) out[i] = soxSampleToFloat(toSoxSample(format, plane[i]!));
    return out;
  });
  return { sampleRate: fmt.sampleRate, channels };
}

/**
 * LAVIS's channel handling: exactly two channels are averaged (torch.mean, float32); any other
 * count keeps channel 0, because kaldi.fbank's default `channel=-1` selects the first row.
 */
export function lavisMono(audio: DecodedAudio): Float32Array {
  const [first, second] = audio.channels;
  if (first === undefined) throw new RangeError('lavisMono: audio has no channels');
  if (audio.channels.length !== 2 || second === undefined) return first;
  const out = new Float32Array(first.length);
  for (let i = 0; i < first.length; i++) out[i] = Math.fround(first[i]! + second[i]!) / 2;
  return out;
}
