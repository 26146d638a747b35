/**
 * pid_splits.json as the releases ship it. IconQA's has one list per question type and split
 * (`choose_txt_test`, `fill_in_blank_minitest`, ...; the authors' loaders read
 * `pid_splits['%s_%s' % (task, split)]`): the iconqa loader reads `choose_txt_<split>`, else a
 * bare `<split>`. The mini splits and trainval are only lists of ids: a problem's media lie under
 * its own train/val/test folder. ScienceQA's has bare keys, minitest among them.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DATASET_LOADERS } from '../../../datasets/registry.js';
import { load, loadError, removeTempDatasets, summary, tempDataset } from './temp-dataset.js';

test.after(removeTempDatasets);

const mc = (ques_type: string, split: string, label: string) => ({ question: 'Which color?', choices: ['red', 'blue'], answer: 1, ques_type, split, label });

/** An IconQA release in miniature: problems.json, pid_splits.json (given) and iconqa/<split>/<type>/<pid>/image.png. */
function iconqaRelease(splits: Record<string, string[]>): string {
  const problems = {
    30: mc('choose_txt', 'test', 'color'), 31: mc('choose_txt', 'test', 'counting'), 32: { question: 'How many?', answer: '3', ques_type: 'fill_in_blank', split: 'test' },
    33: mc('choose_img', 'test', 'color'), 34: mc('choose_txt', 'test', 'shape'), 40: mc('choose_txt', 'train', 'color'),
  };
  const media: Record<string, string> = {};
  for (const [pid, p] of Object.entries(problems)) media[`iconqa/${p.split}/${p.ques_type}/${pid}/image.png`] = '';
  return tempDataset({ 'problems.json': JSON.stringify(problems), 'pid_splits.json': JSON.stringify(splits), ...media });
}

const releaseKeys = (lists: Record<string, Record<string, string[]>>): Record<string, string[]> => {
  const out: Record<string, string[]> = {};
  for (const task of ['choose_img', 'choose_txt', 'fill_in_blank']) {
    for (const split of ['train', 'val', 'test', 'trainval', 'minitrain', 'minival', 'minitest']) out[`${task}_${split}`] = lists[task]?.[split] ?? [];
  }
  return out;
};

async function iconqa(root: string, split?: string) {
  const options: Record<string, string> = split === undefined ? {} : { split };
  const found = DATASET_LOADERS.get('iconqa');
  if (!found) throw new Error('no loader iconqa');
  const items = [];
  for await (const item of found.load({ files: { problems: `${root}/problems.json`, splits: `${root}/pid_splits.json` }, mediaRoot: `${root}/iconqa`, options })) items.push(item);
  return items;
}

test('iconqa: {task}_{split} keys of the release: choose_txt_test by default, choose_txt_minitest for minitest', async () => {
  const root = iconqaRelease(releaseKeys({
    choose_txt: { train: ['40'], test: ['34', '30', '31'], trainval: ['40'], minitest: ['31'] },
    choose_img: { test: ['33'] }, fill_in_blank: { test: ['32'] },
  }));
  const test_ = await iconqa(root);
  assert.equal(summary(test_), ['instruction:34', 'instruction:30', 'instruction:31']);
  assert.ok(test_[0]?.kind === 'instruction' && test_[0].media[0]?.path.endsWith('/iconqa/test/choose_txt/34/image.png'));
  // minitest is a list of test problems: their images are under test/.
  const minitest = await iconqa(root, 'minitest');
  assert.equal(summary(minitest), ['instruction:31']);
  assert.equal(minitest[0]?.kind === 'instruction' && minitest[0].category, 'counting');
  assert.equal(summary(await iconqa(root, 'trainval')), ['instruction:40']);
});

test('iconqa: a file of bare split keys is still read', async () => {
  const root = iconqaRelease({ train: ['40'], val: [], test: ['31', '30', '33', '32'] });
  assert.equal(summary(await iconqa(root)), ['instruction:31', 'instruction:30']);
  assert.equal(summary(await iconqa(root, 'train')), ['instruction:40']);
});

test('iconqa: neither key in the splits file: the error names both keys tried and the file\'s keys', async () => {
  const root = iconqaRelease({ choose_txt_test: ['30'], fill_in_blank_test: ['32'] });
  try {
    await iconqa(root, 'val');
    assert.unreachable('no list for val');
  } catch (error) {
    assert.instance(error, Error);
    assert.is((error as Error).name, 'DatasetError');
    assert.match((error as Error).message, /pid_splits\.json: no list of problem ids for split 'val': no key 'choose_txt_val' or 'val'; the file's keys: choose_txt_test, fill_in_blank_test$/);
  }
});

test('iconqa and scienceqa: the split option allows the release\'s mini splits and trainval', () => {
  for (const name of ['iconqa', 'scienceqa']) {
    const values = DATASET_LOADERS.get(name)?.options.split?.values ?? [];
    for (const split of ['train', 'val', 'test', 'trainval', 'minitrain', 'minival', 'minitest']) assert.ok(values.includes(split), `${name}: ${split}`);
  }
});

test('scienceqa: minitest from pid_splits.json, images under the problems\' own test folder', async () => {
  const problem = (split: string) => ({ question: 'Which?', choices: ['a', 'b'], answer: 0, hint: '', image: 'image.png', subject: 'natural science', split });
  const root = tempDataset({
    'problems.json': JSON.stringify({ 1: problem('test'), 2: problem('test'), 3: problem('train') }),
    'pid_splits.json': JSON.stringify({ train: ['3'], val: [], test: ['1', '2'], trainval: ['3'], minitrain: ['3'], minival: [], minitest: ['2'] }),
    'test/1/image.png': '', 'test/2/image.png': '', 'train/3/image.png': '',
  });
  const items = await load('scienceqa', root, { problems: 'problems.json', splits: 'pid_splits.json' }, { split: 'minitest' });
  assert.equal(summary(items), ['instruction:2']);
  assert.equal(summary(await load('scienceqa', root, { problems: 'problems.json', splits: 'pid_splits.json' }, { split: 'minitrain' })), ['instruction:3']);
});

test('without a splits file, a split only pid_splits.json defines is refused, not silently empty', async () => {
  const root = tempDataset({ 'problems.json': JSON.stringify({ 1: mc('choose_txt', 'test', 'color') }) });
  for (const name of ['iconqa', 'scienceqa']) {
    assert.match(await loadError(name, root, { problems: 'problems.json' }, { split: 'minitest' }), /split 'minitest' is defined only by pid_splits\.json .*give the splits file$/, name);
  }
});

test.run();
