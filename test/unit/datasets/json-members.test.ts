/**
 * A top-level JSON object's members in file order (datasets/json-members.ts), which JSON.parse
 * cannot give: it sorts integer-like keys first and keeps only the last of repeated keys.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { readJsonObjectMembers } from '../../../datasets/json-members.js';
import { removeTempDatasets, tempDataset } from './temp-dataset.js';

test('json members: file order, repeats with their own values, strings holding braces, commas and escapes', async () => {
  const text = '{ "10": {"s": "}{,\\"]"}, "2": [1, {"x": ","}], "k\\"ey": "v", "10": 5,\n "-1": null, "a": true }';
  const root = tempDataset({ 'o.json': text });
  const members = await readJsonObjectMembers(join(root, 'o.json'), 'an object');
  assert.equal(members.map((m) => m.key), ['10', '2', 'k"ey', '10', '-1', 'a']);
  assert.equal(members.map((m) => m.value), [{ s: '}{,"]' }, [1, { x: ',' }], 'v', 5, null, true]);
  assert.equal(members.map((m) => m.occurrence), [1, 1, 1, 2, 1, 1]);
  assert.equal(await readJsonObjectMembers(join(tempDataset({ 'e.json': ' {} ' }), 'e.json'), 'an object'), []);
});

test('json members: a top level that is not an object is a named error', async () => {
  const root = tempDataset({ 'l.json': '[1]' });
  try {
    await readJsonObjectMembers(join(root, 'l.json'), 'an object keyed by question id');
    assert.unreachable('should have thrown');
  } catch (error) {
    assert.match((error as Error).message, /l\.json: expected an object keyed by question id$/);
  }
});

test.after(removeTempDatasets);

test.run();
