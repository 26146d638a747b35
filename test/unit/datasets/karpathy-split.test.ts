/**
 * The original Karpathy split files (dataset_coco.json, dataset_flickr30k.json) read directly by
 * the Karpathy loaders with the `split` option: the test split gives exactly what LAVIS's test
 * annotation file gives (ids, captions, image paths); without the option, or with it on a LAVIS
 * file, the load stops with an error naming the layout and the fix; broken entries fail at their
 * JSON pointer.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join, resolve } from 'node:path';
import type { OptionValue } from '../../../datasets/loader.js';
import { DATASET_LOADERS } from '../../../datasets/registry.js';
import type { LoaderItem } from '../../../datasets/samples.js';
import { failureAt, load, removeTempDatasets, summary, tempDataset } from './temp-dataset.js';

const fixtures = resolve('test/fixtures/datasets');

async function collect(loader: string, dir: string, annotations: string, options: Record<string, OptionValue> = {}): Promise<LoaderItem[]> {
  const items: LoaderItem[] = [];
  const input = { files: { annotations: join(fixtures, dir, annotations) }, mediaRoot: join(fixtures, dir, 'images'), options };
  for await (const item of DATASET_LOADERS.get(loader)!.load(input)) items.push(item);
  return items;
}

/** Everything a sample carries but its source location, which differs between the two files. */
function content(items: readonly LoaderItem[]): unknown[] {
  return items.filter((i) => i.kind !== 'failure').map(({ source: _, ...rest }) => rest);
}

test('karpathy-caption: dataset_coco.json split test gives what coco_karpathy_test.json gives (filepath/filename, raw sentences)', async () => {
  const split = await collect('karpathy-caption', 'coco-karpathy', 'dataset_coco.json', { split: 'test' });
  const lavis = await collect('karpathy-caption', 'coco-karpathy', 'coco_karpathy_test.json');
  assert.equal(summary(split), ['caption:391895', 'caption:522418', 'failure:184613']);
  assert.equal(content(split), content(lavis));
  assert.match(failureAt(split[2]), /image file not found: .*val2014\/COCO_val2014_000000184613\.jpg @ \/images\/5$/);
  const val = await collect('karpathy-caption', 'coco-karpathy', 'dataset_coco.json', { split: 'val' });
  assert.equal(summary(val), ['failure:179765']);
});

test('karpathy-retrieval: dataset_flickr30k.json split test gives what flickr30k_test.json gives (filename under mediaRoot)', async () => {
  const split = await collect('karpathy-retrieval', 'flickr30k', 'dataset_flickr30k.json', { split: 'test' });
  const lavis = await collect('karpathy-retrieval', 'flickr30k', 'flickr30k_test.json');
  assert.equal(summary(split), ['retrieval:1007129816', 'retrieval:1009434119']);
  assert.equal(content(split), content(lavis));
  assert.is(split[1]?.source.at, '/images/2');
});

test('karpathy loaders: a split file without the split option stops with the layout, the pointer and the fix', async () => {
  for (const loader of ['karpathy-caption', 'karpathy-retrieval']) {
    try {
      await collect(loader, 'flickr30k', 'dataset_flickr30k.json');
      assert.unreachable('should have thrown');
    } catch (error) {
      assert.instance(error, Error);
      assert.match((error as Error).message, /dataset_flickr30k\.json \/images: this is an original Karpathy split file \(the dataset_coco\.json \/ dataset_flickr30k\.json layout, dataset "flickr30k"\), which holds every split; set the task's dataset\.options\.split to the one to evaluate: 'test'/);
    }
  }
});

test('karpathy loaders: the split option on a LAVIS file (one split already) is refused, not ignored', async () => {
  try {
    await collect('karpathy-retrieval', 'flickr30k', 'flickr30k_test.json', { split: 'val' });
    assert.unreachable('should have thrown');
  } catch (error) {
    assert.match((error as Error).message, /flickr30k_test\.json: option split 'val' applies only to an original Karpathy split file.*remove dataset\.options\.split/);
  }
});

test('karpathy loaders: another JSON object names what it found', async () => {
  const root = tempDataset({ 'ann.json': JSON.stringify({ annotations: [], info: {} }) });
  try {
    await load('karpathy-caption', root, { annotations: 'ann.json' });
    assert.unreachable('should have thrown');
  } catch (error) {
    assert.match((error as Error).message, /ann\.json \/: expected a JSON list of \{"image", "caption"\} entries .* or an original Karpathy split file .*, got an object with members "annotations", "info"$/);
  }
});

test('karpathy split file: missing sentences, a sentence without raw, a missing split and a repeated image fail at their pointers', async () => {
  const image = (filename: string, extra: Record<string, unknown>): Record<string, unknown> => ({ filename, split: 'test', sentences: [{ raw: `${filename} raw`, tokens: [] }], ...extra });
  const images = [
    image('1.jpg', {}),
    image('2.jpg', { sentences: undefined }),
    image('3.jpg', { sentences: [{ raw: 'ok' }, { tokens: ['no', 'raw'] }] }),
    image('4.jpg', { split: undefined }),
    image('5.jpg', { split: 'train', sentences: undefined }),
    image('1.jpg', {}),
  ];
  const root = tempDataset({ '1.jpg': '', '2.jpg': '', '3.jpg': '', '4.jpg': '', 'd.json': JSON.stringify({ images, dataset: 'flickr30k' }) });
  const items = await load('karpathy-retrieval', root, { annotations: 'd.json' }, { split: 'test' });
  // The train image is not selected, broken or not; everything else is accounted for.
  assert.equal(summary(items), ['retrieval:1', 'failure:2', 'failure:3', 'failure:4', 'failure:row:5']);
  assert.match(failureAt(items[1]), /^entry for 2\.jpg has no "sentences" list of \{"raw": string\}.* @ \/images\/1$/);
  assert.match(failureAt(items[2]), /^sentence of 3\.jpg has no "raw" string.* @ \/images\/2\/sentences\/1$/);
  assert.match(failureAt(items[3]), /^entry has no "split" string, so it cannot be told whether it belongs to split 'test'.* @ \/images\/3$/);
  assert.match(failureAt(items[4]), /^image 1\.jpg is listed again: the entry at .*d\.json \/images\/0 already has it.* @ \/images\/5$/);
});

test.after(removeTempDatasets);

test.run();
