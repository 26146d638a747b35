/**
 * Every prediction records the sha256 of its media beside their paths (mediaSha256), so that a
 * gate can tell runs that read other images under the same ids: a file hashes its bytes, a
 * frame folder the `name\tsha256\n` lines of its frames in the order the video loader reads
 * them, each path once per run. Expectations are computed here with node:crypto directly.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FailedPrediction, PredictionRecord } from '../../../reports/records.js';
import { readJsonl } from '../../../runners/run/jsonl.js';
import { MediaDigests, mediaSha256 } from '../../../runners/tasks/media-digests.js';
import { runDouble, tempDir } from './helpers/run-double.js';

const sha256 = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

test('a file hashes its bytes, past the stream\'s first chunk', async () => {
  const file = join(tempDir('media-file'), 'clip.wav');
  const bytes = randomBytes(3 * 1024 * 1024 + 17);
  writeFileSync(file, bytes);
  assert.is(await mediaSha256(file), sha256(bytes));
});

test('a frame folder hashes one name-tab-sha256 line per frame, in numeric name order, hidden files left out', async () => {
  const folder = join(tempDir('media-frames'), 'video01');
  mkdirSync(folder);
  const frames = { '10.jpg': 'ten', '2.jpg': 'two', '1.jpg': 'one' };
  for (const [name, content] of Object.entries(frames)) writeFileSync(join(folder, name), content);
  writeFileSync(join(folder, '._1.jpg'), 'macOS metadata');
  const expected = sha256(`1.jpg\t${sha256('one')}\n2.jpg\t${sha256('two')}\n10.jpg\t${sha256('ten')}\n`);
  assert.is(await mediaSha256(folder), expected);
  // An added frame shifts which frames the sampling picks, so it changes the digest.
  writeFileSync(join(folder, '3.jpg'), 'two');
  assert.is.not(await mediaSha256(folder), expected);
});

test('each path is read once per run; a record gets its media\'s digests only once they were taken', async () => {
  const dir = tempDir('media-once');
  const file = join(dir, 'a.png');
  writeFileSync(file, 'first');
  const digests = new MediaDigests();
  assert.is(await digests.digest(file), sha256('first'));
  writeFileSync(file, 'second');
  assert.is(await digests.digest(join(dir, '.', 'a.png')), sha256('first'));
  assert.is(await new MediaDigests().digest(file), sha256('second'));
  const record = { kind: 'captioning', sampleId: 's', model: 'm', task: 't', caption: '', references: [], generatedTokens: 0, latencyMs: 0, media: [file] } as const;
  assert.equal((digests.stamp(record) as { mediaSha256?: unknown }).mediaSha256, [sha256('first')]);
  assert.throws(() => new MediaDigests().stamp(record), /t, sample s: .*a\.png was not digested before its prediction was written/);
  const failed: FailedPrediction = { kind: 'failed', sampleId: 's', model: 'm', task: 't', reason: 'r', location: file };
  assert.is(new MediaDigests().stamp(failed), failed);
});

test('a run\'s predictions carry mediaSha256 parallel to media, for every task kind; failed records none', async () => {
  const result = await runDouble();
  const root = join(result.dir, 'predictions');
  const kinds = new Set<string>();
  let failed = 0;
  for (const model of readdirSync(root)) {
    for (const file of readdirSync(join(root, model)).filter((f) => f.endsWith('.jsonl'))) {
      for (const record of readJsonl<PredictionRecord>(join(root, model, file)).records) {
        if (record.kind === 'failed') {
          failed += 1;
          assert.not.ok('mediaSha256' in record);
          continue;
        }
        kinds.add(record.kind);
        const expected = record.media.map((path) => (statSync(path).isDirectory() ? null : sha256(readFileSync(path))));
        assert.equal(record.mediaSha256, expected, `${model}/${file} ${record.sampleId}`);
      }
    }
  }
  assert.equal([...kinds].sort(), ['captioning', 'instruction', 'retrieval', 'vqa']);
  assert.ok(failed > 0, 'the fixture\'s corrupt image is recorded as failed');
});

test.run();
