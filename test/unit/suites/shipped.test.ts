/**
 * Every suite shipped in suites/ validates and plans (schema, registered names, loader roles);
 * the ready-to-fill ones ask for their data locations by name; the default suite's datasets load
 * from the bundled benchmark without a single failure, in the counts the bundled README states.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DATASET_LOADERS } from '../../../datasets/registry.js';
import { loadSuite } from '../../../suites/load.js';
import { SuiteError } from '../../../suites/messages.js';

const TINY = ['tiny-albef', 'tiny-blip', 'tiny-blip2-opt', 'tiny-blip2-t5', 'tiny-instructblip-opt', 'tiny-instructblip-t5', 'tiny-xinstructblip'];
const models = new Map(TINY.map((name) => [name, `/stub/${name}/model.json`]));
const suites = readdirSync('suites').filter((f) => f.endsWith('.suite.json')).map((f) => join('suites', f));

function dataFor(file: string): Record<string, string> {
  const data = (JSON.parse(readFileSync(file, 'utf8')) as { data?: Record<string, string | null> }).data ?? {};
  return Object.fromEntries(Object.entries(data).filter(([, v]) => v === null).map(([k]) => [k, `/data/${k}`]));
}

test('the shipped suites are the default one and the ready-to-fill standard benchmarks', () => {
  assert.equal(suites.map((s) => s.slice('suites/'.length)).sort(), [
    'bundled-test.suite.json', 'coco-karpathy.suite.json', 'default.suite.json', 'flickr30k-retrieval.suite.json', 'flickr30k-zeroshot.suite.json', 'gqa.suite.json',
    'instructblip-heldout.suite.json', 'nocaps.suite.json', 'okvqa.suite.json', 'vqav2-val.suite.json', 'xinstructblip.suite.json',
  ]);
});

for (const file of suites) {
  test(`${file} validates, with its $schema pointing at the generated schema`, () => {
    const loaded = loadSuite(file, { models, checkFiles: false, data: dataFor(file) });
    assert.is((loaded.suite as { $schema?: string }).$schema, './schema/suite.schema.json');
    assert.ok(loaded.resolved.tasks.length > 0);
  });
}

test('a ready-to-fill suite names each data location it still needs', () => {
  try {
    loadSuite('suites/coco-karpathy.suite.json', { models, checkFiles: false });
    assert.unreachable('should ask for data');
  } catch (error) {
    assert.instance(error, SuiteError);
    assert.equal((error as SuiteError).problems.map((p) => p.message), [
      "data location 'model' is not set: pass --data model=PATH",
      "data location 'coco' is not set: pass --data coco=PATH",
    ]);
  }
});

test('a ready-to-fill suite takes a registered model name as its model (--data model=tiny-blip), or a path', () => {
  const named = loadSuite('suites/coco-karpathy.suite.json', { models, checkFiles: false, data: { model: 'tiny-blip', coco: '/data/coco' } });
  assert.is(named.models[0]!.manifestPath, '/stub/tiny-blip/model.json');
  const path = loadSuite('suites/coco-karpathy.suite.json', { models, checkFiles: false, data: { model: '/exports/blip/model.json', coco: '/data/coco' } });
  assert.is(path.models[0]!.manifestPath, '/exports/blip/model.json');
});

test('the default suite covers all five families and every task kind', () => {
  const { suite } = loadSuite('suites/default.suite.json', { models, checkFiles: false });
  assert.equal(suite.models, TINY);
  assert.equal([...new Set(suite.tasks.map((t) => t.kind))].sort(), ['captioning', 'instruction', 'retrieval', 'vqa']);
});

async function countSamples(file: string): Promise<Record<string, number>> {
  const { resolved } = loadSuite(file, { models, checkFiles: false });
  const counts: Record<string, number> = {};
  for (const task of resolved.tasks) {
    const loader = DATASET_LOADERS.get(task.dataset.loader)!;
    let n = 0;
    for await (const item of loader.load({ files: task.dataset.files, mediaRoot: task.dataset.mediaRoot ?? '', options: task.dataset.options ?? {} })) {
      assert.is.not(item.kind, 'failure', `${task.id}: ${JSON.stringify(item)}`);
      n += 1;
    }
    counts[task.id] = n;
  }
  return counts;
}

test('the default suite reads the bundled benchmark without failures', async () => {
  // datasets/bundled/README.md: 100 images, 200 questions, 120 instructions (72 multiple choice +
  // 48 open), 32 audio clips with 2 questions each, 30 point clouds, 24 videos with 2 questions each.
  assert.equal(await countSamples('suites/default.suite.json'), {
    'synth-retrieval': 100, 'synth-caption': 100, 'synth-vqa': 200, 'synth-heldout-choice': 72, 'synth-heldout-open': 48,
    'synth-audiocaps': 32, 'synth-clotho-aqa': 64, 'synth-modelnet': 30, 'synth-msvd-qa': 48, 'synth-video-caption': 24,
  });
});

test('the bundled-test suite reads the whole test split, each held-out instruction type once', async () => {
  // datasets/bundled/README.md: 500 images, 1,200 questions, 64 instructions of each held-out
  // type (the held-in types are left out), 80 audio clips with 2 questions each, 96 point clouds,
  // 80 videos with 2 questions each.
  assert.equal(await countSamples('suites/bundled-test.suite.json'), {
    'synth-test-retrieval': 500, 'synth-test-caption': 500, 'synth-test-vqa': 1200,
    'synth-test-heldout-spatial-true-false': 64, 'synth-test-heldout-count-choice': 64, 'synth-test-heldout-context-choice': 64,
    'synth-test-heldout-relation-short': 64, 'synth-test-heldout-position-short': 64,
    'synth-test-audiocaps': 80, 'synth-test-clotho-aqa': 160, 'synth-test-modelnet': 96, 'synth-test-msvd-qa': 160, 'synth-test-video-caption': 80,
  });
});

test('the complete example in suites/README.md is a valid suite', () => {
  const readme = readFileSync('suites/README.md', 'utf8');
  const example = /```json\n([\s\S]*?)```/.exec(readme)?.[1];
  assert.ok(example, 'README has a JSON example');
  const file = join(mkdtempSync(join(tmpdir(), 'vlbench-readme-')), 'my-eval.suite.json');
  writeFileSync(file, example);
  const loaded = loadSuite(file, { models, checkFiles: false, data: { coco: '/data/coco' } });
  assert.equal(loaded.resolved.tasks.map((t) => t.kind), ['retrieval', 'captioning', 'vqa', 'instruction']);
});

test.run();
