/**
 * `vlbench validate` checks the files each model.json names (graphs, external data, tokenizers)
 * without opening a graph: it used to print "ok" for a model whose run stopped at load. The
 * checks before a run leave this to loading, which reports the same problems.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundledModels } from '../../../models/load.js';
import { planManifests } from '../../../runners/commands/validate-suites.js';
import { loadSuite } from '../../../suites/load.js';
import { tempRoot, tinyCopy } from '../models/onnx/tiny-copy.js';
import { tempDir } from './helpers/run-double.js';

const dir = tempDir('validate-model-files');
const b = join(process.cwd(), 'datasets/bundled');

function suiteWith(model: string): string {
  const file = join(dir, 'files.suite.json');
  writeFileSync(file, JSON.stringify({
    name: 'files-case', models: [model],
    tasks: [{ kind: 'captioning', id: 'cap', dataset: { loader: 'karpathy-caption', files: { annotations: `${b}/captions/synth_karpathy_default.json` }, mediaRoot: b } }],
  }));
  return file;
}

test('validate reports a missing graph file and an unloadable tokenizer of a model.json, with suite pointer, model.json and its pointer', () => {
  const model = tinyCopy(mkdtempSync(tempRoot()), 'tiny-blip', (m, d) => {
    m.graphs.text_decoder.file = join(d, 'gone.onnx');
    m.tokenizers.text.file = 'none.json';
  });
  const suite = loadSuite(suiteWith(model), { models: bundledModels() });
  const problems = planManifests([suite], { only: null, manifestProblems: true, checkFiles: true }).problems;
  assert.equal(problems.map((p) => p.pointer), ['/models/0', '/models/0']);
  assert.match(problems[0]!.message, `${model} at /graphs/text_decoder/file: file ${join(model, '..', 'gone.onnx')} does not exist`);
  assert.match(problems[1]!.message, `${model} at /tokenizers/text/file: file `);
  // --no-files, and the run's checks before loading (loading reports these), leave the files alone.
  assert.equal(planManifests([suite], { only: null, manifestProblems: true, checkFiles: false }).problems, []);
  assert.equal(planManifests([suite], { only: null, manifestProblems: false, checkFiles: true }).problems, []);
});

test('an intact model.json plans without file problems', () => {
  const model = tinyCopy(mkdtempSync(tempRoot()), 'tiny-blip');
  const suite = loadSuite(suiteWith(model), { models: bundledModels() });
  assert.equal(planManifests([suite], { only: null, manifestProblems: true, checkFiles: true }).problems, []);
});

test.run();
