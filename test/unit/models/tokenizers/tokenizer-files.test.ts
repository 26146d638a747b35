/**
 * A tokenizer file model.json names that is missing, a Git LFS pointer or not JSON stops `run`
 * at load with the message `validate` gives: the manifest, the JSON pointer of the path and the fix.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readManifest } from '../../../../models/manifest.js';
import { manifestFileProblems } from '../../../../models/manifest-files.js';
import { tempDirFactory } from '../../helpers/temp-dirs.js';
import { loadError, tempRoot, tinyCopy } from '../onnx/tiny-copy.js';

const tempDir = tempDirFactory(test);

/** The load error and validate's problem for the same manifest, at `pointer`. */
async function bothMessages(path: string, pointer: string): Promise<{ run: string; validate: string }> {
  const error = await loadError(path, false);
  assert.is(error.pointer, pointer);
  const problem = manifestFileProblems(readManifest(path)).find((p) => p.pointer === pointer);
  assert.ok(problem, `validate reports nothing at ${pointer}`);
  return { run: error.message, validate: problem.message };
}

test('a missing tokenizer file: run names the manifest, /tokenizers/<side>/file and the fix, as validate does', async () => {
  const dir = tempDir(tempRoot());
  const path = tinyCopy(dir, 'tiny-blip2-opt', (m) => {
    m.tokenizers.llm.file = 'tokenizer/llm.json';
  });
  const { run, validate } = await bothMessages(path, '/tokenizers/llm/file');
  assert.is(run, `${path} at /tokenizers/llm/file: file ${join(dir, 'tokenizer/llm.json')} does not exist; fix the path (relative to model.json) or export the file again`);
  assert.is(run, validate);
});

test('a Git LFS pointer in place of tokenizer.json is named as such, not as bad JSON', async () => {
  const dir = tempDir(tempRoot());
  const path = tinyCopy(dir, 'tiny-blip2-opt', (m, d) => {
    writeFileSync(join(d, 'text.json'), 'version https://git-lfs.github.com/spec/v1\noid sha256:' + 'a'.repeat(64) + '\nsize 123\n');
    m.tokenizers.text.file = 'text.json';
  });
  const { run, validate } = await bothMessages(path, '/tokenizers/text/file');
  assert.match(run, 'is a Git LFS pointer, not the file itself; run `git lfs pull`');
  assert.is(run, validate);
});

test('a tokenizer.json that is not JSON names its pointer at run time too', async () => {
  const dir = tempDir(tempRoot());
  const path = tinyCopy(dir, 'tiny-blip2-opt', (m, d) => {
    writeFileSync(join(d, 'llm.json'), '{"model": ');
    m.tokenizers.llm.file = 'llm.json';
  });
  const { run, validate } = await bothMessages(path, '/tokenizers/llm/file');
  assert.match(run, `${path} at /tokenizers/llm/file: ${join(dir, 'llm.json')}: the tokenizer.json is`);
  assert.is(run, validate);
});

test.run();
