/**
 * The files a model.json names, checked without opening a graph (manifest-files.ts, what
 * `vlbench validate` reports): a missing graph, external-data or tokenizer file, a Git LFS
 * pointer in place of a file, and a tokenizer that does not load all used to pass validate and
 * stop the run at load.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readManifest } from '../../../models/manifest.js';
import { manifestFileProblems } from '../../../models/manifest-files.js';
import { tempRoot, tinyCopy, type Json } from './onnx/tiny-copy.js';

const problemsOf = (model: string, edit: (m: Json, dir: string) => void = () => {}): string[] =>
  manifestFileProblems(readManifest(tinyCopy(mkdtempSync(tempRoot()), model, edit))).map((e) => `${e.pointer}: ${e.message}`);

test('every bundled tiny model has all its files', () => {
  for (const model of ['tiny-albef', 'tiny-blip', 'tiny-blip2-opt', 'tiny-blip2-t5', 'tiny-instructblip-opt', 'tiny-instructblip-t5', 'tiny-xinstructblip']) {
    assert.equal(problemsOf(model), [], model);
  }
});

test('a missing graph, external-data and tokenizer file are each reported with their pointer, all at once', () => {
  const problems = problemsOf('tiny-blip', (m, dir) => {
    m.graphs.text_decoder.file = join(dir, 'gone.onnx');
    m.graphs.vision_encoder.externalData = [{ file: 'vision_encoder.onnx.data', sha256: 'a'.repeat(64) }];
    m.tokenizers.text.file = 'tokenizer/none.json';
  });
  assert.is(problems.length, 3, problems.join('\n'));
  assert.ok(problems.some((p) => /^\/graphs\/vision_encoder\/externalData\/0\/file: .*: file .*vision_encoder\.onnx\.data does not exist/.test(p)), problems.join('\n'));
  assert.ok(problems.some((p) => /^\/graphs\/text_decoder\/file: .*: file .*gone\.onnx does not exist; fix the path/.test(p)), problems.join('\n'));
  assert.ok(problems.some((p) => /^\/tokenizers\/text\/file: .*: file .*tokenizer\/none\.json does not exist/.test(p)), problems.join('\n'));
});

test('a Git LFS pointer in place of a graph says to run git lfs pull', () => {
  const problems = problemsOf('tiny-blip', (m, dir) => {
    writeFileSync(join(dir, 'lfs.onnx'), `version https://git-lfs.github.com/spec/v1\noid sha256:${'a'.repeat(64)}\nsize 123456\n`);
    m.graphs.text_decoder.file = 'lfs.onnx';
  });
  assert.is(problems.length, 1, problems.join('\n'));
  assert.match(problems[0]!, /^\/graphs\/text_decoder\/file: .*lfs\.onnx is a Git LFS pointer, not the file itself; run `git lfs pull`/);
});

test("a tokenizer that does not load (the BERT file as an OPT model's LLM tokenizer) is reported at its pointer", () => {
  const problems = problemsOf('tiny-blip2-opt', (m) => (m.tokenizers.llm.file = m.tokenizers.text.file));
  assert.is(problems.length, 1, problems.join('\n'));
  assert.match(problems[0]!, /^\/tokenizers\/llm\/file: .*model\.json at \/tokenizers\/llm\/file: kind 'gpt2-bpe' reads/);
});

test.run();
