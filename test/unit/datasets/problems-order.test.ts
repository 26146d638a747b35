/**
 * ScienceQA/IconQA problems.json without a splits file: problems come in the file's order (JSON
 * object keys such as "12" and "3" would otherwise come out numerically sorted), so --limit N
 * takes the file's first N problems of the split.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { load, removeTempDatasets, tempDataset } from './temp-dataset.js';

test.after(removeTempDatasets);

test('problems without a splits file are yielded in file order, filtered by split', async () => {
  const problem = (split: string) => ({ question: 'Which?', choices: ['a', 'b'], answer: 0, split, image: 'image.png' });
  const text = `{"12": ${JSON.stringify(problem('test'))}, "3": ${JSON.stringify(problem('train'))}, "7": ${JSON.stringify(problem('test'))}, "100": ${JSON.stringify(problem('test'))}}`;
  const root = tempDataset({ 'problems.json': text, '12/image.png': '', '7/image.png': '', '100/image.png': '', '3/image.png': '' });
  const items = await load('scienceqa', root, { problems: 'problems.json' }, { split: 'test', imageOnly: false });
  assert.equal(items.map((i) => i.id), ['12', '7', '100']);
});

test.run();
