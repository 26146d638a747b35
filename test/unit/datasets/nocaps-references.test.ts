/**
 * NoCaps references: the test split (no annotations) loads every image with no references, to
 * be captioned for submission; in an annotated file a malformed caption or an image without
 * captions fails that image, naming the JSON pointer, instead of being dropped or left empty; an
 * annotation no image can take fails at its own pointer.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { failureAt, load, removeTempDatasets, summary, tempDataset } from './temp-dataset.js';

const images = [{ id: 0, file_name: 'a.jpg', domain: 'in-domain' }, { id: 1, file_name: 'b.jpg', domain: 'out-domain' }, { id: 2, file_name: 'c.jpg', domain: 'near-domain' }];
const media = { 'a.jpg': '', 'b.jpg': '', 'c.jpg': '' };

test.after(removeTempDatasets);

test('test split without annotations: every image loads, with no references', async () => {
  const root = tempDataset({ ...media, 'test.json': JSON.stringify({ images }) });
  const items = await load('nocaps', root, { annotations: 'test.json' });
  assert.equal(items.map((i) => [i.kind, i.id, i.kind === 'caption' ? i.references.length : -1]), [['caption', '0', 0], ['caption', '1', 0], ['caption', '2', 0]]);
});

test('annotated file: a malformed caption and an image without captions fail with the pointer', async () => {
  const annotations = [
    { image_id: 0, caption: 'a dog' }, { image_id: 0, caption: 'a brown dog' },
    { image_id: 1, caption: null }, { image_id: 1, caption: 'a cat' },
  ];
  const root = tempDataset({ ...media, 'val.json': JSON.stringify({ images, annotations }) });
  const items = await load('nocaps', root, { annotations: 'val.json' });
  const byId = new Map(items.map((i) => [i.id, i]));
  const ok = byId.get('0')!;
  assert.ok(ok.kind === 'caption' && ok.references.length === 2);
  const malformed = byId.get('1')!;
  assert.ok(malformed.kind === 'failure' && /^\/annotations\/2\/caption: expected a non-empty string/.test(malformed.reason), JSON.stringify(malformed));
  const missing = byId.get('2')!;
  assert.ok(missing.kind === 'failure' && /image 2 has no caption in .*val\.json's annotations/.test(missing.reason), JSON.stringify(missing));
});

test('annotated file: orphan and unkeyed annotations fail at their pointers after the images; a repeated annotation id fails its image', async () => {
  const annotations = [
    { id: 10, image_id: 0, caption: 'a dog' }, { id: 11, image_id: 1, caption: 'a cat' }, { id: 12, image_id: 2, caption: 'a car' },
    { id: 13, image_id: 999, caption: 'an image of another split' }, { id: 14, caption: 'no image id' }, { id: 10, image_id: 0, caption: 'a dog' },
  ];
  const root = tempDataset({ ...media, 'val.json': JSON.stringify({ images, annotations }) });
  const items = await load('nocaps', root, { annotations: 'val.json' });
  assert.equal(summary(items), ['failure:0', 'caption:1', 'caption:2', 'failure:annotation:3', 'failure:annotation:4']);
  assert.match(failureAt(items[0]), /^\/annotations\/5: annotation id 10 appears again \(the first is \/annotations\/0\); remove the repeat @ \/images\/0$/);
  assert.match(failureAt(items[3]), /^annotation for image_id 999, which no entry of "images" in .*val\.json has; .*two splits.* @ \/annotations\/3$/);
  assert.match(failureAt(items[4]), /^annotation has no "image_id".* @ \/annotations\/4$/);
  // With a domain filter, annotations of the other domains' images are not orphans.
  const out = await load('nocaps', root, { annotations: 'val.json' }, { domain: 'out-domain' });
  assert.equal(summary(out), ['caption:1', 'failure:annotation:3', 'failure:annotation:4']);
});

test.run();
