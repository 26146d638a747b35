import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { linkSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { executeScore, executeScoreWithNotes } from '../../../runners/commands/score.js';
import { UsageError } from '../../../runners/errors.js';
import { ScoreOutputError } from '../../../runners/score/output-file.js';
import { MetricInputError } from '../../../reports/metrics/input-error.js';
import { tempDirFactory } from '../helpers/temp-dirs.js';
import { thrownMessage, throwsWith } from '../helpers/thrown.js';

const tempDir = tempDirFactory(test);
const tmp = tempDir(join(tmpdir(), 'vlbench-score-inputs-'));
const writeJson = (name: string, value: unknown): string => {
  const path = join(tmp, name);
  writeFileSync(path, JSON.stringify(value));
  return path;
};
const isInput = (e: unknown): boolean => e instanceof MetricInputError;
const isUsage = (e: unknown): boolean => e instanceof UsageError;

const cocoGt = {
  images: [{ id: 1 }, { id: 2 }],
  annotations: [
    { id: 10, image_id: 1, caption: 'a dog runs on the grass' },
    { id: 11, image_id: 2, caption: 'two cats sleep on a sofa' },
  ],
};
const results = [{ image_id: 1, caption: 'a dog on grass' }, { image_id: 2, caption: 'cats on a sofa' }];

test('caption: Karpathy\'s dataset_coco.json as --refs is named, with which id to use and a conversion', () => {
  const karpathy = {
    images: [{ filepath: 'val2014', filename: 'COCO_val2014_000000000001.jpg', imgid: 0, cocoid: 1, split: 'test', sentids: [0], sentences: [{ raw: 'A dog.', tokens: ['a', 'dog'], imgid: 0, sentid: 0 }] }],
    dataset: 'coco',
  };
  const message = thrownMessage(() => executeScore(['caption', '--refs', writeJson('dataset_coco.json', karpathy), '--preds', writeJson('k-preds.json', results)]), MetricInputError);
  assert.match(message, /dataset_coco\.json: this is Karpathy's dataset_coco\.json \(\{"images": \[\{"filename", "sentences", "split", \.\.\.\}\]\}\), which vlbench does not read as references/);
  assert.match(message, /"cocoid" for COCO .*the number in "filename" for Flickr30k \(1007129816 for 1007129816\.jpg; "imgid" is only a position in this file\)/);
  assert.match(message, /python -c "import json; .*im\['split'\] == 'test'/);
});

test('caption: an /images entry without annotations and prediction is not scored, and a note says so', () => {
  const withExtra = { ...cocoGt, images: [...cocoGt.images, { id: 5555 }] };
  const preds = writeJson('preds.json', results);
  const { stdout, notes } = executeScoreWithNotes(['caption', '--refs', writeJson('gt-extra.json', withExtra), '--preds', preds, '--json', '--tokenize', 'none']);
  const { notes: jsonNotes, ...metrics } = JSON.parse(stdout) as Record<string, unknown>;
  assert.equal(jsonNotes, notes);
  assert.is(notes.length, 1);
  assert.match(notes[0]!, /gt-extra\.json lists image "5555" in \/images with no annotation and no prediction: not scored \(pycocoevalcap skips it too\); 2 images were scored$/);
  // Same numbers as without the entry, where there is no note and no "notes" key.
  const plain = executeScoreWithNotes(['caption', '--refs', writeJson('gt.json', cocoGt), '--preds', preds, '--json', '--tokenize', 'none']);
  assert.equal(plain.notes, []);
  assert.equal(metrics, JSON.parse(plain.stdout));
});

test('caption: one image gives CIDEr-D 0 by definition, and a note explains it (only when CIDEr is reported)', () => {
  const refs = writeJson('one-refs.json', { 7: ['a red bus on a street'] });
  const preds = writeJson('one-preds.json', { 7: 'a red bus on a street' });
  const { stdout, notes } = executeScoreWithNotes(['caption', '--refs', refs, '--preds', preds]);
  assert.match(stdout, /CIDEr: 0\.000$/);
  assert.equal(notes.length, 1);
  assert.match(notes[0]!, /^one image was scored, and CIDEr-D is 0 by definition for a one-image corpus: .*df = 1 = N and idf log\(N\/df\) = 0/);
  assert.equal(executeScoreWithNotes(['caption', '--refs', refs, '--preds', preds, '--metrics', 'Bleu_4']).notes, []);
});

test('caption: between COCO files "1" and 1 differ, as in score vqa; an id map still matches either type', () => {
  const gt = writeJson('types-gt.json', cocoGt);
  const stringIds = writeJson('types-res.json', results.map((r) => ({ ...r, image_id: String(r.image_id) })));
  throwsWith(() => executeScore(['caption', '--refs', gt, '--preds', stringIds]), isInput, /types-res\.json at \/0\/image_id: image_id "1" is a string, but .*types-gt\.json has this image id as a number\. Write the ids with the same JSON type in both COCO files \(1 and "1" differ/);
  const map = writeJson('types-map.json', { 1: 'a dog on grass', 2: 'cats on a sofa' });
  assert.match(executeScore(['caption', '--refs', gt, '--preds', map]), /^Bleu_1: /);
});

test('caption: an unknown metric lists the caption metrics only', () => {
  const args = ['caption', '--refs', writeJson('m-gt.json', cocoGt), '--preds', writeJson('m-res.json', results), '--metrics', 'cider'];
  const message = thrownMessage(() => executeScore(args), UsageError);
  assert.is(message, "caption: unknown metric 'cider'. Did you mean 'CIDEr'? The caption metrics are Bleu_1, Bleu_2, Bleu_3, Bleu_4, ROUGE_L, CIDEr");
});

test('--per-image and --per-question refuse to write over an input of the same command, however it is named', () => {
  const gt = writeJson('in-gt.json', cocoGt);
  const preds = writeJson('in-preds.json', results);
  const before = readFileSync(preds, 'utf8');
  throwsWith(() => executeScore(['caption', '--refs', gt, '--preds', preds, '--per-image', preds]), isUsage, /^caption: --per-image .*in-preds\.json is the --preds file; writing there would replace that input\. Give --per-image a new file, e\.g\. .*in-preds\.scores\.json$/);
  const link = join(tmp, 'preds-link.json');
  symlinkSync(preds, link);
  throwsWith(() => executeScore(['caption', '--refs', gt, '--preds', preds, '--per-image', link]), isUsage, /--per-image .*preds-link\.json is the --preds file/);
  const hard = join(tmp, 'refs-hardlink.json');
  linkSync(gt, hard);
  throwsWith(() => executeScore(['caption', '--refs', gt, '--preds', preds, '--per-image', hard]), isUsage, /--per-image .*refs-hardlink\.json is the --refs file/);
  assert.is(readFileSync(preds, 'utf8'), before);
  const vqa = ['vqa', '--questions', 'q.json', '--annotations', 'a.json', '--results', preds];
  throwsWith(() => executeScore([...vqa, '--per-question', preds]), isUsage, /^vqa: --per-question .*in-preds\.json is the --results file/);
});

test("--per-image '~/x.json' is refused before scoring: vlbench does not expand ~", () => {
  const gt = writeJson('tilde-gt.json', cocoGt);
  const preds = writeJson('tilde-preds.json', results);
  throwsWith(() => executeScore(['caption', '--refs', gt, '--preds', preds, '--per-image', '~/pi.json']), isUsage, /^caption: --per-image '~\/pi\.json' starts with ~, which vlbench does not expand/);
});

test('--per-image write failures name the option and the path, with a fix', () => {
  const args = ['caption', '--refs', writeJson('w-gt.json', cocoGt), '--preds', writeJson('w-res.json', results)];
  const dir = join(tmp, 'out-dir');
  mkdirSync(dir);
  throwsWith(() => executeScore([...args, '--per-image', dir]), (e) => e instanceof ScoreOutputError, /^caption: --per-image .*out-dir is a directory; give a file path, e\.g\. .*out-dir\/per-image\.json$/);
  const file = writeJson('a-file.json', {});
  throwsWith(() => executeScore([...args, '--per-image', join(file, 'x.json')]), (e) => e instanceof ScoreOutputError, /^caption: --per-image .*a-file\.json\/x\.json: could not create its folder .*a-file\.json \((a file of that name is in the way of the directory, EEXIST|a parent of it is a file, not a directory, ENOTDIR)\); choose a writable location, or leave --per-image out/);
});

test.run();
