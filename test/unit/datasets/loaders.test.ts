/**
 * Every registered loader on a small hand-written fixture in the real format
 * (test/fixtures/datasets/): the samples it yields, and the failures it reports with their
 * location instead of dropping them. Expected values are read off the fixture files by hand.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DATASET_LOADERS } from '../../../datasets/registry.js';
import type { LoaderItem } from '../../../datasets/samples.js';
import type { OptionValue } from '../../../datasets/loader.js';

const root = resolve('test/fixtures/datasets');

async function collect(loader: string, dir: string, files: Record<string, string>, mediaRoot: string, options: Record<string, OptionValue> = {}): Promise<LoaderItem[]> {
  const found = DATASET_LOADERS.get(loader);
  if (!found) throw new Error(`no loader ${loader}`);
  const absolute = Object.fromEntries(Object.entries(files).map(([k, v]) => [k, join(root, dir, v)]));
  const items: LoaderItem[] = [];
  for await (const item of found.load({ files: absolute, mediaRoot: join(root, dir, mediaRoot), options })) items.push(item);
  return items;
}

function summary(items: readonly LoaderItem[]): string[] {
  return items.map((item) => `${item.kind}:${item.id}`);
}

function reason(item: LoaderItem | undefined): string {
  return item?.kind === 'failure' ? `${item.reason} @ ${item.source.at}` : `not a failure: ${item?.kind}`;
}

test('karpathy-caption: COCO ids from file names, captions as references, missing image and bad entry reported', async () => {
  const items = await collect('karpathy-caption', 'coco-karpathy', { annotations: 'coco_karpathy_test.json' }, 'images');
  assert.equal(summary(items), ['caption:391895', 'caption:522418', 'failure:184613', 'failure:row:3']);
  const first = items[0];
  assert.ok(first?.kind === 'caption');
  assert.is(first.references.length, 5);
  assert.is(first.references[1], 'Man riding a motor bike on a dirt road on the countryside.');
  assert.is(first.media.path, join(root, 'coco-karpathy/images/val2014/COCO_val2014_000000391895.jpg'));
  assert.match(reason(items[2]), /image file not found: .*COCO_val2014_000000184613\.jpg @ \/2$/);
  assert.is(reason(items[3]), 'entry has no "image" string @ /3');
});

test('karpathy-retrieval: Flickr30k images with five ground-truth captions', async () => {
  const items = await collect('karpathy-retrieval', 'flickr30k', { annotations: 'flickr30k_test.json' }, 'images');
  assert.equal(summary(items), ['retrieval:1007129816', 'retrieval:1009434119']);
  assert.ok(items[1]?.kind === 'retrieval');
  assert.is(items[1].captions.length, 5);
  assert.is(items[1].captions[2], 'A Boston terrier is running in the grass.');
});

test('coco-captions: the official captions_val2014.json, captions as written, in image order; missing image and orphan annotation fail', async () => {
  const items = await collect('coco-captions', 'coco-karpathy', { annotations: 'captions_val2014.json' }, 'images/val2014');
  assert.equal(summary(items), ['caption:391895', 'caption:522418', 'failure:184613', 'failure:annotation:5']);
  assert.ok(items[1]?.kind === 'caption');
  assert.equal(items[1].references, ['A woman wearing a net on her head cutting a cake. ', 'A woman cutting a large white sheet cake.\n']);
  assert.match(reason(items[2]), /image file not found: .*COCO_val2014_000000184613\.jpg @ \/images\/2$/);
  assert.match(reason(items[3]), /annotation for image_id 999999, which no entry of "images" .* has/);
});

test('karpathy-caption names the coco-captions loader for an official COCO captions file', async () => {
  try {
    await collect('karpathy-caption', 'coco-karpathy', { annotations: 'captions_val2014.json' }, 'images');
    assert.unreachable('should have failed');
  } catch (error) {
    assert.match((error as Error).message, /captions_val2014\.json \/: this is an official COCO file .* For captioning, read it with loader 'coco-captions' .*; for retrieval, .* coco_karpathy_test\.json/);
  }
  // A test split's image list (no annotations) is the same layout, not a Karpathy split file.
  const root = mkdtempSync(join(tmpdir(), 'vlbench-coco-info-'));
  writeFileSync(join(root, 'image_info_test2014.json'), JSON.stringify({ info: {}, images: [{ id: 1, file_name: 'COCO_test2014_000000000001.jpg' }], categories: [] }));
  const found = DATASET_LOADERS.get('karpathy-retrieval')!;
  try {
    for await (const item of found.load({ files: { annotations: join(root, 'image_info_test2014.json') }, mediaRoot: root, options: {} })) void item;
    assert.unreachable('should have failed');
  } catch (error) {
    assert.match((error as Error).message, /image_info_test2014\.json \/: this is an official COCO file/);
  }
});

test('nocaps: references joined by image id, domain as category, domain filter', async () => {
  const items = await collect('nocaps', 'nocaps', { annotations: 'nocaps_val_4500_captions.json' }, 'images');
  assert.equal(summary(items), ['caption:0', 'caption:1', 'caption:2']);
  const categories = items.map((i) => (i.kind === 'caption' ? `${i.category}/${i.references.length}` : ''));
  assert.equal(categories, ['near-domain/2', 'in-domain/1', 'out-domain/2']);
  const out = await collect('nocaps', 'nocaps', { annotations: 'nocaps_val_4500_captions.json' }, 'images', { domain: 'out-domain' });
  assert.equal(summary(out), ['caption:2']);
});

test('vqav2: questions joined with their 10 answers and types; missing image is a failure', async () => {
  const items = await collect('vqav2', 'vqav2', { questions: 'v2_OpenEnded_mscoco_val2014_questions.json', annotations: 'v2_mscoco_val2014_annotations.json' }, 'images');
  assert.equal(summary(items), ['vqa:262148000', 'vqa:262148001', 'vqa:393225000', 'failure:999999000']);
  const q = items[2];
  assert.ok(q?.kind === 'vqa');
  assert.is(q.answers.length, 10);
  assert.is(q.answers.filter((a) => a === 'yes').length, 1);
  assert.is(q.answerType, 'yes/no');
  assert.is(q.questionType, 'is the');
  assert.is(q.imageId, '393225');
  assert.match(reason(items[3]), /COCO_val2014_000000999999\.jpg @ \/questions\/3$/);
});

test('okvqa: VQAv2 format, processed answers', async () => {
  const items = await collect('okvqa', 'okvqa', { questions: 'OpenEnded_mscoco_val2014_questions.json', annotations: 'mscoco_val2014_annotations.json' }, 'images');
  assert.equal(summary(items), ['vqa:2971475']);
  assert.ok(items[0]?.kind === 'vqa');
  assert.equal(items[0].answers, ['race', 'race', 'race', 'race', 'race', 'race', 'motocross', 'motocross', 'ride', 'ride']);
});

test('gqa: keyed by question id, single answer, structural/detailed types', async () => {
  const items = await collect('gqa', 'gqa', { questions: 'testdev_balanced_questions.json' }, 'images');
  assert.equal(summary(items), ['vqa:20968379', 'vqa:201640614']);
  const q = items[0];
  assert.ok(q?.kind === 'vqa');
  assert.equal([q.answers, q.answerType, q.questionType, q.imageId], [['no'], 'verify', 'verifyAttr', 'n161313']);
});

test('scienceqa: IMG subset of the split in pid order, hint as context, unknown pid reported', async () => {
  const files = { problems: 'problems.json', splits: 'pid_splits.json' };
  const items = await collect('scienceqa', 'scienceqa', files, 'images');
  assert.equal(summary(items), ['instruction:5', 'instruction:11', 'failure:404']);
  const q = items[1];
  assert.ok(q?.kind === 'instruction');
  assert.equal([q.choices, q.answerIndex, q.category], [['tiger', 'Madagascar day gecko'], 1, 'natural science']);
  assert.is(q.context, 'Tree frogs live in rain forests.\nFigure: tree frog.');
  const all = await collect('scienceqa', 'scienceqa', files, 'images', { imageOnly: false });
  assert.equal(summary(all), ['instruction:5', 'instruction:8', 'instruction:11', 'failure:404']);
  assert.ok(all[1]?.kind === 'instruction' && all[1].media.length === 0);
});

test('iconqa: choose_txt problems only; an answer outside the choices is reported', async () => {
  const items = await collect('iconqa', 'iconqa', { problems: 'problems.json', splits: 'pid_splits.json' }, 'images');
  assert.equal(summary(items), ['instruction:35', 'failure:37']);
  assert.ok(items[0]?.kind === 'instruction');
  assert.equal([items[0].choices, items[0].answerIndex, items[0].category], [['6', '8', '5'], 1, 'counting']);
});

test('vizwiz: ten answers and the answer type', async () => {
  const items = await collect('vizwiz', 'vizwiz', { annotations: 'val.json' }, 'images');
  assert.equal(summary(items), ['vqa:VizWiz_val_00000000', 'vqa:VizWiz_val_00000001']);
  assert.ok(items[0]?.kind === 'vqa');
  assert.equal([items[0].answers.length, items[0].answers[5], items[0].answerType], [10, 'cloudy', 'unanswerable']);
});

test('jsonl: multiple choice and open records; a broken line and a missing image are failures with their line', async () => {
  const items = await collect('jsonl', 'jsonl', { records: 'records.jsonl' }, '');
  assert.equal(summary(items), ['instruction:q1', 'instruction:q2', 'failure:row:3', 'failure:q4']);
  assert.ok(items[0]?.kind === 'instruction');
  assert.equal([items[0].choices, items[0].answerIndex, items[0].answers], [['red', 'blue', 'green'], 0, ['red']]);
  assert.ok(items[1]?.kind === 'instruction');
  assert.equal([items[1].choices, items[1].answerIndex, items[1].answers], [[], -1, ['blue']]);
  assert.match(reason(items[2]), /^line is not valid JSON: .* @ 3$/);
  assert.match(reason(items[3]), /image file not found: .*missing\.png @ 4$/);
});

test('csv: the delimiter option\'s description (what `vlbench ls datasets` prints) names every value it accepts', () => {
  const option = DATASET_LOADERS.get('csv')!.options.delimiter!;
  for (const value of option.values!) assert.ok(option.description.includes(`'${value === '\t' ? '\\t' : value}'`), `${JSON.stringify(value)} missing from: ${option.description}`);
});

test('csv (TSV): list columns split on |; bad index and short row are failures', async () => {
  const items = await collect('csv', 'csv', { records: 'records.tsv' }, '', { delimiter: '\t' });
  assert.equal(summary(items), ['instruction:r1', 'failure:r2', 'failure:row:4']);
  assert.ok(items[0]?.kind === 'instruction');
  assert.equal([items[0].choices, items[0].answerIndex, items[0].category], [['circle', 'square', 'cone'], 1, 'shape']);
  assert.is(reason(items[1]), "field 'answer_index' must be an index into the 2 choices (0 to 1), got \"7\" @ 3");
  assert.match(reason(items[2]), /^broken row: missing field 'question'.* @ 4$/);
});

test('audiocaps: rows of one clip merged in order, missing clip reported', async () => {
  const items = await collect('audiocaps', 'audiocaps', { captions: 'test.csv' }, 'audio');
  assert.equal(summary(items), ['caption:7fmOlUlwoNg', 'caption:6BJ455B1aAs', 'failure:xxMissingxx']);
  assert.ok(items[0]?.kind === 'caption');
  assert.equal(items[0].references, ['Food is frying and a woman talks', 'A woman speaks while food sizzles', 'Sizzling, then a woman talking']);
  assert.is(items[0].media.modality, 'audio');
});

test('clotho-caption: five captions per row, quoted commas kept', async () => {
  const items = await collect('clotho-caption', 'clotho', { captions: 'clotho_captions_evaluation.csv' }, 'audio');
  assert.equal(summary(items), ['caption:Distorted AM Radio noise.wav', 'caption:birds.wav']);
  assert.ok(items[1]?.kind === 'caption');
  assert.is(items[1].references[1], 'Several birds are singing, one after another');
});

test('clotho-aqa: annotator rows merged per question, yes/no category', async () => {
  const items = await collect('clotho-aqa', 'clotho', { questions: 'clotho_aqa_test.csv' }, 'audio');
  assert.equal(summary(items), ['instruction:birds.wav#0', 'instruction:birds.wav#1', 'instruction:Distorted AM Radio noise.wav#0']);
  const answers = items.map((i) => (i.kind === 'instruction' ? `${i.answers.join(',')}|${i.category}` : ''));
  assert.equal(answers, ['yes,yes,yes|yes/no', 'birds,bird|other', 'no|yes/no']);
});

test('modelnet: class from the shape name, multiple choice over the class names', async () => {
  const items = await collect('modelnet', 'modelnet', { shapeNames: 'modelnet40_shape_names.txt', shapes: 'modelnet40_test.txt' }, 'points');
  assert.equal(summary(items), ['instruction:airplane_0627', 'instruction:bathtub_0107', 'failure:chair_0890', 'failure:bed_0516']);
  assert.ok(items[1]?.kind === 'instruction');
  assert.equal([items[1].choices, items[1].answerIndex, items[1].media[0]?.modality], [['airplane', 'bathtub', 'bed'], 1, 'pointcloud']);
  assert.match(reason(items[2]), /class 'chair' of chair_0890 is not in .* @ 3$/);
});

test('msvd-qa: video id mapped to the clip folder; question word as category', async () => {
  const items = await collect('msvd-qa', 'msvd-qa', { questions: 'test_qa.json', mapping: 'youtube_mapping.txt' }, 'frames', { fileTemplate: '{video}' });
  assert.equal(summary(items), ['instruction:37662', 'instruction:37663', 'failure:37664']);
  assert.ok(items[0]?.kind === 'instruction');
  assert.equal([items[0].media[0]?.path, items[0].answers, items[0].category], [join(root, 'msvd-qa/frames/-4wsuPCjDBc_5_15'), ['cat'], 'what']);
  assert.ok(items[1]?.kind === 'instruction' && items[1].category === 'who');
});

test('the registry lists every loader once with consistent descriptions', () => {
  assert.is(DATASET_LOADERS.size, 18);
  for (const [name, loader] of DATASET_LOADERS) {
    assert.is(loader.name, name);
    assert.ok(Object.values(loader.files).some((f) => f.required), `${name} has a required file`);
  }
});


test('video-caption: LAVIS video caption JSON, one-caption entries of one video merged, stems as ids, missing video and bad entry reported', async () => {
  const items = await collect('video-caption', 'video-caption', { annotations: 'captions.json' }, '../msvd-qa/frames');
  assert.equal(summary(items), ['caption:-4wsuPCjDBc_5_15', 'caption:-7KMZQEsJW4_205_208', 'failure:-8y1Q0rA3n8_108_115', 'failure:row:4']);
  const first = items[0];
  assert.ok(first?.kind === 'caption');
  assert.equal(first.references, ['a cat is playing with a toy', 'a kitten plays']);
  assert.is(first.media.modality, 'video');
  assert.is(first.media.path, join(root, 'msvd-qa/frames/-4wsuPCjDBc_5_15'));
  assert.match(reason(items[2]), /video file not found: .*-8y1Q0rA3n8_108_115 @ \/3$/);
  assert.match(reason(items[3]), /entry has no "video" string @ \/4$/);
});

test.run();
