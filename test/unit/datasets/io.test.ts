/**
 * Shared readers (datasets/io.ts): a leading UTF-8 byte order mark, which editors on Windows
 * write, is dropped by every JSON, JSON Lines and text list reader (CSV through papaparse).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { load, removeTempDatasets, summary, tempDataset } from './temp-dataset.js';

const BOM = '\uFEFF';

test('BOM: JSON Lines, Karpathy JSON, ModelNet lists and CSV load as without it', async () => {
  const root = tempDataset({
    'a.png': '', 'chair/chair_0001.txt': '',
    'r.jsonl': `${BOM}${JSON.stringify({ id: 'j1', image: 'a.png', question: 'q?', answers: ['x'] })}\n`,
    'k.json': `${BOM}${JSON.stringify([{ image: 'a.png', caption: 'c' }])}`,
    'names.txt': `${BOM}chair\ntable\n`, 'shapes.txt': `${BOM}chair_0001\n`,
    'r.csv': `${BOM}id,image,question,answers\nc1,a.png,q?,x\n`,
  });
  assert.equal(summary(await load('jsonl', root, { records: 'r.jsonl' })), ['instruction:j1']);
  assert.equal(summary(await load('karpathy-caption', root, { annotations: 'k.json' })), ['caption:a']);
  const shapes = await load('modelnet', root, { shapeNames: 'names.txt', shapes: 'shapes.txt' });
  assert.equal(summary(shapes), ['instruction:chair_0001']);
  assert.ok(shapes[0]?.kind === 'instruction' && shapes[0].answerIndex === 0);
  assert.equal(summary(await load('csv', root, { records: 'r.csv' })), ['instruction:c1']);
});

test.after(removeTempDatasets);

test.run();
