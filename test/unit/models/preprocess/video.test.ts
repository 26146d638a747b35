import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeImageFile } from '../../../../models/preprocess/image-decode.js';
import type { RgbImage } from '../../../../models/preprocess/image-decode.js';
import { imageToTensor } from '../../../../models/preprocess/image.js';
import { VideoError, listFrameFiles, preprocessVideo } from '../../../../models/preprocess/video.js';
import { framesActuallyRead, sampleFrameIndices } from '../../../../models/preprocess/video-sampling.js';

const FRAMES = 'test/fixtures/video/frames_7';

test('uniform sampling is np.arange(0, N, N / n).astype(int) (hand-computed)', () => {
  assert.equal(sampleFrameIndices('uniform', 7, 4), [0, 1, 3, 5]); // step 1.75
  assert.equal(sampleFrameIndices('uniform', 100, 4), [0, 25, 50, 75]);
  assert.equal(sampleFrameIndices('uniform', 10, 3), [0, 3, 6]); // step 3.333..: 9.999... -> 9 not reached
  assert.equal(sampleFrameIndices('uniform', 3, 4), [0, 1, 2]); // n = min(4, 3): no padding
});

test('headtail sampling: [0, gap, 2 gap, .., end] with end = total, so the last read fails and pads', () => {
  assert.equal(sampleFrameIndices('headtail', 7, 4), [0, 2, 4, 7]);
  assert.equal(sampleFrameIndices('headtail', 100, 5, 25), [0, 25, 50, 75, 100]);
  assert.equal(framesActuallyRead([0, 2, 4, 7], 7, 4), [0, 2, 4, 4]);
  assert.equal(framesActuallyRead([0, 9, 4], 7, 3), [0, 0, 0]); // LAVIS breaks at the first failed read
  assert.throws(() => sampleFrameIndices('headtail', 7, 1), /at least 2/);
});

test('frame folders sort numerically (frame_2 before frame_10)', async () => {
  const files = await listFrameFiles(FRAMES);
  assert.equal(files.map((f) => f.split('/').pop()), ['frame_0.png', 'frame_2.png', 'frame_4.png', 'frame_6.png', 'frame_8.png', 'frame_10.png', 'frame_12.png']);
});

test('hidden files (macOS ._ metadata) and Windows thumbnail caches in a frame folder are not frames', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vlbench-frames-'));
  for (const name of ['frame_000.png', 'frame_001.png']) copyFileSync(join(FRAMES, basename((await listFrameFiles(FRAMES))[0]!)), join(dir, name));
  writeFileSync(join(dir, '._frame_000.png'), 'not an image');
  writeFileSync(join(dir, 'Thumbs.db'), 'Windows thumbnail cache');
  assert.equal((await listFrameFiles(dir)).map((f) => basename(f)), ['frame_000.png', 'frame_001.png']);
  const hiddenOnly = mkdtempSync(join(tmpdir(), 'vlbench-frames-'));
  writeFileSync(join(hiddenOnly, '._frame_000.png'), 'not an image');
  await listFrameFiles(hiddenOnly).then(() => assert.unreachable(), (e: Error) => assert.ok(e instanceof VideoError && /no \.jpg\/\.png\/\.webp frame files/.test(e.message)));
});

test('folder video = per-frame PIL-exact image preprocessing of the sampled frames, [F, 3, S, S]', async () => {
  const files = await listFrameFiles(FRAMES);
  const video = await preprocessVideo(FRAMES, { size: 24, nFrames: 4 });
  assert.equal([...video.dims], [4, 3, 24, 24]);
  assert.equal(video.frameIndices, [0, 1, 3, 5]);
  for (const [f, index] of video.frameIndices.entries()) {
    const expected = imageToTensor(await decodeImageFile(files[index]!), { size: 24, resize: 'stretch' });
    assert.equal(Array.from(video.data.subarray(f * 3 * 24 * 24, (f + 1) * 3 * 24 * 24)), Array.from(expected.data), `frame ${f}`);
  }
});

test("'bgr' swaps the red and blue planes before normalising with the RGB constants (LAVIS HEAD)", async () => {
  const rgb = await preprocessVideo(FRAMES, { size: 8, nFrames: 2, sampling: 'headtail' });
  const bgr = await preprocessVideo(FRAMES, { size: 8, nFrames: 2, sampling: 'headtail', channels: 'bgr' });
  assert.equal(rgb.frameIndices, [0, 0]); // [0, 7]: index 7 is past the end, frame 0 repeated
  const plane = 64;
  const frame = await decodeImageFile(join(FRAMES, 'frame_0.png'));
  const swapped = { ...frame, data: frame.data.map((_, i, d) => d[i - (i % 3) + 2 - (i % 3)]!) };
  const expected = imageToTensor(swapped, { size: 8, resize: 'stretch' });
  assert.equal(Array.from(bgr.data.subarray(0, 3 * plane)), Array.from(expected.data));
  assert.not.equal(Array.from(bgr.data.subarray(0, plane)), Array.from(rgb.data.subarray(0, plane)));
});

let hasFfmpeg = true;
try {
  execFileSync('ffmpeg', ['-version'], { stdio: 'ignore' });
} catch {
  hasFfmpeg = false;
}

test(`video file (${hasFfmpeg ? 'ffmpeg present: lossless round trip' : 'ffmpeg absent: clear error'})`, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vlbench-video-'));
  const path = join(dir, 'clip.mkv');
  if (!hasFfmpeg) {
    try {
      await preprocessVideo(join(FRAMES, 'frame_0.png'), { size: 8, nFrames: 2 });
      assert.unreachable('expected an error');
    } catch (error) {
      assert.instance(error, VideoError);
      assert.match((error as Error).message, /install ffmpeg .* or pass a folder of frame images/);
    }
    return;
  }
  const files = await listFrameFiles(FRAMES);
  const list = files.map((f) => `file '${join(process.cwd(), f)}'\nduration 0.04`).join('\n');
  const listPath = join(dir, 'list.txt');
  (await import('node:fs')).writeFileSync(listPath, list);
  execFileSync('ffmpeg', ['-v', 'error', '-f', 'concat', '-safe', '0', '-i', listPath, '-r', '25', '-c:v', 'ffv1', '-pix_fmt', 'rgb24', path]);
  const fromFile = await preprocessVideo(path, { size: 16, nFrames: 4 });
  const fromFolder = await preprocessVideo(FRAMES, { size: 16, nFrames: 4 });
  assert.equal(fromFile.frameIndices, fromFolder.frameIndices);
  assert.equal(Array.from(fromFile.data), Array.from(fromFolder.data));
});

/** An RGB image turned 90 degrees counter-clockwise (np.rot90; display matrix rotation 90). */
function rotateCounterClockwise(image: RgbImage): RgbImage {
  const { width, height, data } = image;
  const out = new Uint8Array(data.length);
  for (let y = 0; y < width; y += 1) {
    for (let x = 0; x < height; x += 1) {
      const from = (x * width + (width - 1 - y)) * 3;
      out.set(data.subarray(from, from + 3), (y * height + x) * 3);
    }
  }
  return { width: height, height: width, channels: 3, data: out };
}

const hasX264 = hasFfmpeg && execFileSync('ffmpeg', ['-hide_banner', '-encoders']).toString().includes('libx264rgb');

test(`a video with rotation metadata comes back turned upright, as decord returns it (${hasX264 ? 'checked' : 'skipped: no ffmpeg with libx264rgb'})`, async () => {
  if (!hasX264) return;
  const dir = mkdtempSync(join(tmpdir(), 'vlbench-video-'));
  const wide = join(dir, 'wide.png');
  // A 12 x 6 frame: rotation shows in its shape and in where its colours go.
  execFileSync('ffmpeg', ['-v', 'error', '-i', join(FRAMES, 'frame_0.png'), '-vf', 'scale=12:6:flags=neighbor', wide]);
  const plain = join(dir, 'plain.mp4');
  const path = join(dir, 'rotated.mp4');
  execFileSync('ffmpeg', ['-v', 'error', '-loop', '1', '-i', wide, '-frames:v', '3', '-c:v', 'libx264rgb', '-qp', '0', plain]);
  // Tagged as phones do, without re-encoding (the tag sets the display matrix only when copying).
  execFileSync('ffmpeg', ['-v', 'error', '-i', plain, '-c', 'copy', '-metadata:s:v:0', 'rotate=90', path]);
  const video = await preprocessVideo(path, { size: 8, nFrames: 1 });
  const expected = imageToTensor(rotateCounterClockwise(await decodeImageFile(wide)), { size: 8, resize: 'stretch' });
  assert.equal(Array.from(video.data), Array.from(expected.data));
});

test(`frames are counted as they decode: an MP4 cut with -c copy keeps packets its edit list hides (${hasFfmpeg ? 'checked' : 'skipped: no ffmpeg'})`, async () => {
  if (!hasFfmpeg) return;
  const dir = mkdtempSync(join(tmpdir(), 'vlbench-video-'));
  const whole = join(dir, 'whole.mp4');
  const cut = join(dir, 'cut.mp4');
  execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=32x24:rate=25:duration=2', '-c:v', 'mpeg4', '-g', '25', whole]);
  execFileSync('ffmpeg', ['-v', 'error', '-ss', '0.5', '-i', whole, '-c', 'copy', cut]);
  const decoded = Number(execFileSync('ffprobe', ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=nb_read_frames', '-of', 'csv=p=0', cut]).toString().trim());
  const video = await preprocessVideo(cut, { size: 8, nFrames: 4 });
  assert.equal(video.frameIndices, sampleFrameIndices('uniform', decoded, 4));
});

test('a frame folder holding anything but .jpg/.png/.webp frames is an error naming the entry', async () => {
  const frame = (await listFrameFiles(FRAMES))[0]!;
  for (const [extra, message] of [['frame_001.bmp', /frame_001\.bmp: not a \.jpg\/\.png\/\.webp frame .*convert other image formats to PNG/], ['frame_999.jpg/', /frame_999\.jpg: a subfolder in a frame folder/]] as const) {
    const dir = mkdtempSync(join(tmpdir(), 'vlbench-frames-'));
    copyFileSync(frame, join(dir, 'frame_000.png'));
    if (extra.endsWith('/')) mkdirSync(join(dir, extra));
    else copyFileSync(frame, join(dir, extra));
    await preprocessVideo(dir, { size: 8, nFrames: 2 }).then(() => assert.unreachable(`${extra} was accepted`), (e: Error) => {
      assert.instance(e, VideoError);
      assert.match(e.message, message);
    });
  }
});

test.run();
