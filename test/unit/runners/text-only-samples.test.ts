/**
 * A text-only record (ScienceQA with imageOnly false keeps its problems without an image) run on
 * a model that needs an image fails alone, with the model's reason and its place in the
 * annotation file: it has no media path to name.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FailedPrediction, PredictionRecord } from '../../../reports/records.js';
import { readJsonl } from '../../../runners/run/jsonl.js';
import { RunDirectory } from '../../../runners/run/run-dir.js';
import { bundledModels, loadModel } from '../../../models/load.js';
import { runDouble, tempDir } from './helpers/run-double.js';

test('ScienceQA with imageOnly false: the text-only problem fails, located at its problems.json pointer', async () => {
  const dir = tempDir('text-only');
  const fixtures = join(process.cwd(), 'test/fixtures/datasets/scienceqa');
  const suite = join(dir, 'sqa.suite.json');
  writeFileSync(suite, JSON.stringify({
    name: 'sqa', models: ['tiny-instructblip-opt'],
    tasks: [{
      kind: 'instruction', id: 'sqa', mode: 'multiple-choice', template: '{question}',
      dataset: { loader: 'scienceqa', files: { problems: join(fixtures, 'problems.json'), splits: join(fixtures, 'pid_splits.json') }, mediaRoot: join(fixtures, 'images'), options: { imageOnly: false } },
    }],
  }));
  const result = await runDouble({ suites: [suite], loadModel, registeredModels: bundledModels() });
  const records = readJsonl<PredictionRecord | FailedPrediction>(new RunDirectory(result.dir).predictions('tiny-instructblip-opt', 'sqa')).records;
  const failed = records.filter((r): r is FailedPrediction => r.kind === 'failed');
  const textOnly = failed.find((r) => r.sampleId === '8');
  assert.ok(textOnly, `problem 8 (no image) failed: ${JSON.stringify(records.map((r) => [r.sampleId, r.kind]))}`);
  assert.match(textOnly!.reason, /takes exactly one image \(or video\) per instruction, got none \(a text-only record: leave such records out, e\.g\. ScienceQA with imageOnly true\)/);
  assert.match(textOnly!.location, /scienceqa\/problems\.json:\/8$/);
  assert.ok(records.some((r) => r.sampleId === '11' && r.kind !== 'failed'), 'the problem with an image is answered');
});

test.run();
