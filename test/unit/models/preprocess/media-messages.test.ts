/**
 * Failure reasons for damaged or unsupported media say what the file is and how to fix it: a
 * truncated MP4 is not called audio-only, decoder output loses its memory addresses and repeats,
 * and a GIF, BMP or TIFF image is named with a conversion command.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeImage, ImageDecodeError } from '../../../../models/preprocess/image-decode.js';
import { tidyToolMessage } from '../../../../models/preprocess/tool-messages.js';
import { preprocessVideo, VideoError } from '../../../../models/preprocess/video.js';
import { tempDirFactory } from '../../helpers/temp-dirs.js';
import { rejectedMessage } from '../../helpers/thrown.js';

const tempDir = tempDirFactory(test);

test('decoder output: memory addresses dropped, repeated lines kept once, one line', () => {
  // What sharp reported for a truncated JPEG, and ffprobe for an MP4 without its moov atom.
  const libvips = 'Input buffer has corrupt header: VipsJpeg: premature end of JPEG image\nVipsJpeg: Invalid component ID 217 in SOS\nVipsJpeg: premature end of JPEG image\nVipsJpeg: Invalid component ID 217 in SOS\nVipsJpeg: premature end of JPEG image';
  assert.is(tidyToolMessage(libvips), 'Input buffer has corrupt header: VipsJpeg: premature end of JPEG image; VipsJpeg: Invalid component ID 217 in SOS');
  const ffprobe = '[mov,mp4,m4a,3gp,3g2,mj2 @ 0x56355d73c7c0] moov atom not found\n/d/v.mp4: Invalid data found when processing input\n';
  assert.is(tidyToolMessage(ffprobe), '[mov,mp4,m4a,3gp,3g2,mj2] moov atom not found; /d/v.mp4: Invalid data found when processing input');
});

test("a truncated JPEG names libvips' complaints once each, on one line", async () => {
  // Cut to a third, this JPEG makes libvips repeat its two complaints over five lines.
  const whole = readFileSync('test/fixtures/images/icc_srgb_64x48.jpg');
  const message = await rejectedMessage(decodeImage(whole.subarray(0, Math.floor(whole.length / 3)), 'cut.jpg'), ImageDecodeError);
  assert.is(
    message,
    'cut.jpg: cannot decode JPEG data (Input buffer has corrupt header: VipsJpeg: premature end of JPEG image; VipsJpeg: Invalid JPEG file structure: missing SOS marker); the file is corrupt or truncated',
  );
});

test('GIF, BMP and TIFF images are named, with a command that converts them to PNG', async () => {
  const cases = [
    ['GIF', [0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 1, 0, 1, 0]],
    ['BMP', [0x42, 0x4d, 0x36, 0x48, 0, 0, 0, 0]],
    ['TIFF', [0x49, 0x49, 0x2a, 0x00, 8, 0, 0, 0]],
    ['TIFF', [0x4d, 0x4d, 0x00, 0x2a, 0, 0, 0, 8]],
  ] as const;
  for (const [name, bytes] of cases) {
    const message = await rejectedMessage(decodeImage(Uint8Array.from(bytes), 'pic'), ImageDecodeError);
    assert.match(message, `pic: a ${name} file (first bytes: `);
    assert.match(message, `Image.open('IN').convert('RGB').save('OUT.png')`);
    assert.match(message, 'ffmpeg -i IN -frames:v 1 OUT.png');
  }
});

let hasFfmpeg = true;
try {
  execFileSync('ffmpeg', ['-version'], { stdio: 'ignore' });
} catch {
  hasFfmpeg = false;
}

test(`a truncated MP4 and an audio-only one get different reasons (${hasFfmpeg ? 'checked' : 'skipped: no ffmpeg'})`, async () => {
  if (!hasFfmpeg) return;
  const dir = tempDir(join(tmpdir(), 'vlbench-media-msg-'));
  const whole = join(dir, 'whole.mp4');
  execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=32x24:rate=5:duration=1', '-c:v', 'mpeg4', whole]);
  // Cut inside the moov atom (written last): ffprobe then lists no streams and exits 0.
  const bytes = readFileSync(whole);
  const cut = join(dir, 'cut.mp4');
  writeFileSync(cut, bytes.subarray(0, bytes.indexOf('moov') + 60));
  const options = { size: 16, nFrames: 2 };
  assert.is(await rejectedMessage(preprocessVideo(cut, options), VideoError), `${cut}: ffprobe found no streams: the file is truncated or not a video; copy or download it again, or point the sample at a folder of its frames`);
  const audio = join(dir, 'audio.mp4');
  execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=0.5', '-c:a', 'aac', audio]);
  assert.is(await rejectedMessage(preprocessVideo(audio, options), VideoError), `${audio}: no video stream (the file holds only audio): point the sample at a video file or a folder of frames`);
  // Cut before the moov atom: ffprobe fails, and its message keeps no memory address.
  const headless = join(dir, 'headless.mp4');
  writeFileSync(headless, bytes.subarray(0, 100));
  const failed = await rejectedMessage(preprocessVideo(headless, options), VideoError);
  assert.match(failed, 'moov atom not found');
  assert.not.match(failed, /0x[0-9a-f]{6,}/);
});

test.run();
