/**
 * Loading names each model once, however its model.json is spelled (`..` segments, symlinks),
 * and a `${data.NAME}` model given a word that is neither a registered model nor a file says
 * which registered name was meant, whether files are checked or not.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { bundledModels } from '../../../models/load.js';
import { loadSuite } from '../../../suites/load.js';
import { SuiteError } from '../../../suites/messages.js';

const dir = mkdtempSync(join(tmpdir(), 'vlbench-load-'));
const registered = bundledModels();
const blip = registered.get('tiny-blip')!;
const bundled = join(process.cwd(), 'datasets/bundled');
const task = { kind: 'captioning', id: 'cap', dataset: { loader: 'karpathy-caption', files: { annotations: '${data.b}/captions/synth_karpathy_default.json' }, mediaRoot: '${data.b}' } };

function write(suite: Record<string, unknown>, name = 'case'): string {
  const file = join(dir, `${name}.suite.json`);
  writeFileSync(file, JSON.stringify({ name: 'load-case', data: { b: bundled }, tasks: [task], ...suite }));
  return file;
}

function problemsOf(suite: Record<string, unknown>, options: { data?: Record<string, string>; checkFiles?: boolean } = {}): string[] {
  try {
    loadSuite(write(suite), { models: registered, ...options });
  } catch (error) {
    if (error instanceof SuiteError) return error.problems.map((p) => `${p.pointer}: ${p.message}`);
    throw error;
  }
  return [];
}

test('a model.json reached through a symlinked folder is the registered model it links to', () => {
  const link = join(dir, 'linked');
  symlinkSync(dirname(blip), link);
  assert.equal(problemsOf({ models: ['tiny-blip', join(link, 'model.json')] }), [
    `/models/1: '${join(link, 'model.json')}' is the model.json of 'tiny-blip' (first at /models/0); a suite runs each model once: remove this entry`,
  ]);
});

test('a model.json spelled with .. segments is one model, and runs by its normalised path', () => {
  const dotted = `${dirname(blip)}/../tiny-blip/model.json`;
  assert.equal(problemsOf({ models: [blip, dotted] }), [
    `/models/1: '${dotted}' is the model.json of '${blip}' (first at /models/0); a suite runs each model once: remove this entry`,
  ]);
  assert.is(loadSuite(write({ models: [dotted] }, 'dotted'), { models: registered }).models[0]!.manifestPath, blip);
});

test('--data model=<a misspelt registered name> gets a did-you-mean, with or without the file checks', () => {
  const suite = { data: { b: bundled, model: null }, models: ['${data.model}'] };
  const expected = `/models/0: --data model=tiny-blipp: no registered model 'tiny-blipp' (did you mean 'tiny-blip'?) and no file ${join(process.cwd(), 'tiny-blipp')}; give a registered model name (npx vlbench ls models) or the path of a model.json`;
  assert.equal(problemsOf(suite, { data: { model: 'tiny-blipp' } }), [expected]);
  assert.equal(problemsOf(suite, { data: { model: 'tiny-blipp' }, checkFiles: false }), [expected]);
  assert.equal(problemsOf(suite, { data: { model: 'tiny-blip' } }), []);
});

test.run();
