/**
 * A gate `model`, or a task's `models` entry, given as a model.json path: gates match results by
 * id, and a task names a model as the suite's models write it or by id. A path to one of the
 * suite's models, however either is spelled (the suite naming it by registered name, the path
 * relative or through `..`), is an error that gives the id to write; never "not in the suite's
 * models", which is false for it. A path to no suite model says so, with the ids.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { bundledModels } from '../../../models/load.js';
import { planFromManifests } from '../../../runners/commands/validate-suites.js';
import { loadSuite } from '../../../suites/load.js';
import { SuiteError } from '../../../suites/messages.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const dir = mkdtempSync(join(tmpdir(), 'vlbench-model-paths-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));
const blip = bundledModels().get('tiny-blip')!;

/** The shipped default suite (models by registered name), copied elsewhere and edited: the problems `vlbench validate` reports. */
function problemsOf(edit: (suite: Json) => void): string[] {
  const suite: Json = JSON.parse(readFileSync('suites/default.suite.json', 'utf8'));
  suite.data.bundled = join(process.cwd(), 'datasets/bundled');
  delete suite.$schema;
  edit(suite);
  const file = join(dir, 'copy.suite.json');
  writeFileSync(file, JSON.stringify(suite));
  try {
    return planFromManifests([loadSuite(file, { models: bundledModels() })], { only: null, manifestProblems: true }).map((p) => `${p.pointer}: ${p.message}`);
  } catch (error) {
    if (error instanceof SuiteError) return error.problems.map((p) => `${p.pointer}: ${p.message}`);
    throw error;
  }
}

test("a gate model given by the model.json path of a model the suite names by registered name: the id, not 'not in the suite's models'", () => {
  assert.equal(problemsOf((s) => { s.gates.push({ kind: 'floor', metric: 'CIDEr', model: blip, min: 1 }); }), [
    `/gates/6/model: gates name a model by its id (the model.json's \`name\`), as results are keyed: write "model": "tiny-blip" for ${blip} (the model.json of the suite's model 'tiny-blip')`,
  ]);
});

test('a relative path through .. finds the model too (relative to the suite file)', () => {
  const spelled = relative(dir, dirname(blip)) + '/../tiny-blip/model.json';
  assert.equal(problemsOf((s) => { s.gates.push({ kind: 'floor', metric: 'CIDEr', model: spelled, min: 1 }); }), [
    `/gates/6/model: gates name a model by its id (the model.json's \`name\`), as results are keyed: write "model": "tiny-blip" for ${spelled} (the model.json of the suite's model 'tiny-blip')`,
  ]);
});

test("a task's models entry by path to a model the suite names by registered name: the id to write", () => {
  assert.equal(problemsOf((s) => { s.tasks[1].models = [blip]; }), [
    `/tasks/1/models/0: '${blip}' is the model.json of the suite's model 'tiny-blip', spelled another way; a task names a model as the suite's models write it, or by its id: write "tiny-blip"`,
  ]);
});

test("a path to no model of the suite: an error listing the ids, at the gate's model", () => {
  const other = join(dir, 'elsewhere', 'model.json');
  const [problem, ...rest] = problemsOf((s) => { s.gates.push({ kind: 'floor', metric: 'CIDEr', model: other, min: 1 }); });
  assert.equal(rest, []);
  assert.match(problem ?? '', `/gates/6/model: '${other}' is not the model.json of any of the suite's models; gates name a model by its id (the model.json's \`name\`): 'tiny-albef', 'tiny-blip',`);
});

test('the gate by id, and the task entry by registered name, stay valid', () => {
  assert.equal(problemsOf((s) => { s.gates.push({ kind: 'floor', metric: 'CIDEr', model: 'tiny-blip', min: 1 }); s.tasks[1].models = ['tiny-blip']; }), []);
});

test.run();
