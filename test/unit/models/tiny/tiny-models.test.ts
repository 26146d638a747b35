/**
 * The committed tiny models: every file a manifest names exists with the recorded sha256, the
 * ONNX files stay under the 40 MB budget, and @huggingface/tokenizers encodes the fixtures' texts
 * to the ids PyTorch was fed (test/golden/tiny/, produced by models/tiny/tinyvl/fixtures.py).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';

const TINY = join(import.meta.dirname, '../../../../models/tiny');
const GOLDEN = join(import.meta.dirname, '../../../golden/tiny');
const MODELS = readdirSync(TINY).filter((d) => d.startsWith('tiny-')).sort();

interface Manifest {
  name: string;
  graphs: Record<string, { file: string; sha256: string }>;
  tokenizers: Record<string, { file: string }>;
}

function manifest(dir: string): Manifest {
  return JSON.parse(readFileSync(join(TINY, dir, 'model.json'), 'utf8')) as Manifest;
}

test('seven tiny models, one per registered name', () => {
  assert.equal(MODELS, ['tiny-albef', 'tiny-blip', 'tiny-blip2-opt', 'tiny-blip2-t5', 'tiny-instructblip-opt', 'tiny-instructblip-t5', 'tiny-xinstructblip']);
  for (const dir of MODELS) assert.is(manifest(dir).name, dir);
});

for (const dir of MODELS) {
  test(`${dir}: every graph file matches its sha256`, () => {
    for (const [role, graph] of Object.entries(manifest(dir).graphs)) {
      const digest = createHash('sha256').update(readFileSync(join(TINY, dir, graph.file))).digest('hex');
      assert.is(digest, graph.sha256, `${dir}/${graph.file} (${role})`);
    }
  });
}

test('all ONNX files together stay under 40 MB', () => {
  let total = 0;
  for (const dir of MODELS) {
    for (const graph of Object.values(manifest(dir).graphs)) total += statSync(join(TINY, dir, graph.file)).size;
  }
  assert.ok(total <= 40e6, `${total} bytes`);
});

test('BERT tokenizer.json gives the ids PyTorch saw for every fixture text', () => {
  for (const name of ['tiny-blip', 'tiny-albef', 'tiny-blip2-opt', 'tiny-blip2-t5']) {
    const fixture = JSON.parse(readFileSync(join(GOLDEN, `${name}.json`), 'utf8')) as { samples: { text: string; textIds: number[] }[] };
    const tok = new Tokenizer(JSON.parse(readFileSync(join(TINY, name, manifest(name).tokenizers['text']!.file), 'utf8')), {});
    for (const s of fixture.samples) assert.equal(tok.encode(s.text).ids, s.textIds, `${name}: ${s.text}`);
  }
});

test.run();
