/**
 * ScienceQA/IconQA problems.json without a splits file: problems come in the file's order (JSON
 * object keys such as "12" and "3" would otherwise come out numerically sorted), so --limit N
 * takes the file's first N problems of the split. A problem id the object repeats fails at the
 * repeat instead of being dropped.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { failureAt, load, removeTempDatasets, summary, tempDataset } from './temp-dataset.js';

test.after(removeTempDatasets);

test('problems without a splits file are yielded in file order, filtered by split', async () => {
  const problem = (split: string) => ({ question: 'Which?', choices: ['a', 'b'], answer: 0, split, image: 'image.png' });
  const text = `{"12": ${JSON.stringify(problem('test'))}, "3": ${JSON.stringify(problem('train'))}, "7": ${JSON.stringify(problem('test'))}, "100": ${JSON.stringify(problem('test'))}}`;
  const root = tempDataset({ 'problems.json': text, '12/image.png': '', '7/image.png': '', '100/image.png': '', '3/image.png': '' });
  const items = await load('scienceqa', root, { problems: 'problems.json' }, { split: 'test', imageOnly: false });
  assert.equal(items.map((i) => i.id), ['12', '7', '100']);
});

test('a problem id repeated in problems.json fails at the repeat, after the first (scienceqa, iconqa)', async () => {
  const problem = (question: string) => ({ question, choices: ['a', 'b'], answer: 0, split: 'test', image: 'image.png', ques_type: 'choose_txt' });
  const text = `{"1": ${JSON.stringify(problem('first'))}, "2": ${JSON.stringify(problem('other'))}, "1": ${JSON.stringify(problem('second'))}}`;
  const root = tempDataset({ 'problems.json': text, 'test/1/image.png': '', 'test/2/image.png': '', 'test/choose_txt/1/image.png': '', 'test/choose_txt/2/image.png': '' });
  for (const loader of ['scienceqa', 'iconqa']) {
    const items = await load(loader, root, { problems: 'problems.json' }, { split: 'test' });
    assert.equal(summary(items), ['instruction:1', 'failure:1#2', 'instruction:2'], loader);
    assert.ok(items[0]?.kind === 'instruction' && items[0].question === 'first');
    assert.match(failureAt(items[1]), /^problem id "1" appears again in problems\.json \(occurrence 2 of this key\); the first one is used: remove or renumber the repeat @ \/1$/);
  }
});

test.run();
