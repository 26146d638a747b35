import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { preprocessCommand } from '../../../../runners/commands/preprocess.js';
import { UsageError } from '../../../../runners/errors.js';
import { encodeNpyFloat32, parseNpy } from '../../../../models/preprocess/npy.js';
import { preprocessVideo } from '../../../../models/preprocess/video.js';

const dir = mkdtempSync(join(tmpdir(), 'vlbench-preprocess-'));

async function quietly<T>(fn: () => Promise<T>): Promise<{ result: T; stdout: string }> {
  const write = process.stdout.write.bind(process.stdout);
  let stdout = '';
  process.stdout.write = ((chunk: string) => ((stdout += chunk), true)) as typeof process.stdout.write;
  try {
    return { result: await fn(), stdout };
  } finally {
    process.stdout.write = write;
  }
}

test('image: the written .npy is byte-identical to np.save of the PIL + torch tensor', async () => {
  const out = join(dir, 'coffee.npy');
  const { result, stdout } = await quietly(() =>
    preprocessCommand.run(['image', 'test/fixtures/images/photo_coffee_300x200.jpg', '--size', '16', '--resize', 'stretch', '--out', out]),
  );
  assert.is(result, 0);
  assert.match(stdout, /float32 \[3, 16, 16\]/);
  const golden = readFileSync('test/golden/preprocess/tensor_stretch16_photo_coffee_300x200.npy');
  assert.equal(readFileSync(out), golden);
});

test('pointcloud and audio write tensors of the model shapes', async () => {
  const pc = join(dir, 'pc.npy');
  await quietly(() => preprocessCommand.run(['pointcloud', 'test/fixtures/pointclouds/torus_3000.npy', '--npoints', '512', '--out', pc]));
  assert.equal(parseNpy(readFileSync(pc), pc).shape, [512, 3]);
  const audio = join(dir, 'audio.npy');
  await quietly(() => preprocessCommand.run(['audio', 'test/fixtures/audio/mono_16k_pcm16.wav', '--out', audio]));
  assert.equal(parseNpy(readFileSync(audio), audio).shape, [2, 512, 128]);
});

test("video --sampling takes model.json's spelling head-tail, and headtail as an alias", async () => {
  const write = async (sampling: string) => {
    const out = join(dir, `video-${sampling}.npy`);
    const { result } = await quietly(() => preprocessCommand.run(['video', 'test/fixtures/video/frames_7', '--size', '16', '--frames', '4', '--sampling', sampling, '--out', out]));
    assert.is(result, 0, sampling);
    return readFileSync(out);
  };
  const headTail = await write('head-tail');
  assert.equal(parseNpy(headTail, 'head-tail').shape, [4, 3, 16, 16]);
  const expected = await preprocessVideo('test/fixtures/video/frames_7', { size: 16, nFrames: 4, sampling: 'headtail' });
  assert.equal(headTail, Buffer.from(encodeNpyFloat32(expected.data, expected.dims)));
  assert.equal(await write('headtail'), headTail);
  assert.not.equal(await write('uniform'), headTail);
  const { stdout } = await quietly(() => preprocessCommand.run(['--help']));
  assert.match(stdout, /uniform \(paper-time decord\) \| head-tail/);
});

test('usage errors: missing --out, unknown kind, an option of another kind, a bad choice', async () => {
  const cases: [string[], RegExp][] = [
    [['image', 'x.jpg'], /--out OUT\.npy is required/],
    [['mesh', 'x.obj', '--out', 'o.npy'], /expected KIND image\|audio\|pointcloud\|video/],
    [['audio', 'x.wav', '--size', '3', '--out', 'o.npy'], /--size does not apply to 'audio'/],
    [['image', 'x.jpg', '--resize', 'squash', '--out', 'o.npy'], /--resize expects one of stretch, crop/],
    [['image', 'x.jpg', '--bogus', '--out', 'o.npy'], /unknown option '--bogus'; the options are /],
    [['video', 'frames', '--sampling', 'head_tail', '--out', 'o.npy'], /--sampling expects one of uniform, head-tail, got 'head_tail'/],
    [['image', 'x.jpg', '--out', '~/o.npy'], /--out '~\/o\.npy' starts with ~, which vlbench does not expand/],
  ];
  for (const [argv, message] of cases) {
    try {
      await preprocessCommand.run(argv);
      assert.unreachable(argv.join(' '));
    } catch (error) {
      assert.instance(error, UsageError, argv.join(' '));
      assert.match((error as Error).message, message);
    }
  }
});

test.run();
