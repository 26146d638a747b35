/**
 * Checks across the suites of one run: two suites with one name would share the manifest's
 * seeds entry and the report's rows (both keyed by suite name), so one of them is refused.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundledModels } from '../../../models/load.js';
import { acrossSuites } from '../../../suites/across.js';
import { loadSuite } from '../../../suites/load.js';

const dir = mkdtempSync(join(tmpdir(), 'vlbench-across-'));
const bundled = join(process.cwd(), 'datasets/bundled');

function suiteFile(file: string, name: string, taskId: string, seed: number): string {
  const task = { kind: 'captioning', id: taskId, dataset: { loader: 'karpathy-caption', files: { annotations: `${bundled}/captions/synth_karpathy_default.json` }, mediaRoot: bundled } };
  const path = join(dir, file);
  writeFileSync(path, JSON.stringify({ name, seed, models: ['tiny-blip'], tasks: [task] }));
  return path;
}

test('two suites with the same name in one run: an error at the second one\'s /name, naming the first', () => {
  const a = loadSuite(suiteFile('a.suite.json', 'samesame', 'cap-a', 1), { models: bundledModels() });
  const b = loadSuite(suiteFile('b.suite.json', 'samesame', 'cap-b', 99), { models: bundledModels() });
  assert.equal(acrossSuites([a, b]), [{
    file: b.file, pointer: '/name',
    message: `suite name 'samesame' is also the name of ${a.file}; the suites of one run must have different names, as the run's seeds and report rows are keyed by them: rename one`,
  }]);
  const c = loadSuite(suiteFile('c.suite.json', 'other', 'cap-c', 99), { models: bundledModels() });
  assert.equal(acrossSuites([a, c]), []);
});

test.run();
