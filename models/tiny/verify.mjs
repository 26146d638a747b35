// Checks the Python exports against the JavaScript runtimes vlbench uses:
// 1. every graph of every tiny model, run by onnxruntime-node on the inputs the exporter used,
//    reproduces PyTorch's outputs (probes written by tinyvl/export.py to .cache/probes/) within 1e-4;
// 2. @huggingface/tokenizers gives exactly the ids the Python tokenizers produced (and trained on)
//    for every text of the bundled test split (.cache/token_ids.json, from tinyvl/probes.py).
// Usage (from the repository root): node models/tiny/verify.mjs
// Both inputs live in the git-ignored training cache (models/tiny/.cache/, or $TINY_CACHE), which
// `npm run models:train` writes; without it the script says so and exits 1.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { Tokenizer } from '@huggingface/tokenizers';

const here = dirname(fileURLToPath(import.meta.url));
const cache = process.env.TINY_CACHE ?? join(here, '.cache');
const TOLERANCE = 1e-4;
let failures = 0;
const NEEDS_TRAINING = 'written by `npm run models:train` (the training cache is git-ignored, so a fresh clone has none)';

function tensorOf(spec) {
  if (spec.dtype === 'int64') return new ort.Tensor('int64', BigInt64Array.from(spec.data.map((v) => BigInt(v))), spec.dims);
  return new ort.Tensor('float32', Float32Array.from(spec.data), spec.dims);
}

async function checkGraphs() {
  const probes = join(cache, 'probes');
  if (!existsSync(probes)) {
    console.log(`FAIL no graph probes in ${probes}: they are ${NEEDS_TRAINING}`);
    failures++;
    return;
  }
  for (const model of readdirSync(probes).sort()) {
    for (const file of readdirSync(join(probes, model)).sort()) {
      const probe = JSON.parse(readFileSync(join(probes, model, file), 'utf8'));
      const onnxPath = join(here, model, file.replace(/\.json$/, '.onnx'));
      const session = await ort.InferenceSession.create(onnxPath, { logSeverityLevel: 4 });
      const feeds = Object.fromEntries(Object.entries(probe.inputs).map(([k, v]) => [k, tensorOf(v)]));
      const out = await session.run(feeds);
      let worst = 0;
      for (const [name, expected] of Object.entries(probe.outputs)) {
        const got = out[name];
        if (!got || got.dims.join() !== expected.dims.join()) {
          console.log(`FAIL ${model}/${file}: output ${name} dims ${got?.dims} != ${expected.dims}`);
          failures++;
          continue;
        }
        for (let i = 0; i < expected.data.length; i++) worst = Math.max(worst, Math.abs(Number(got.data[i]) - expected.data[i]));
      }
      const ok = worst <= TOLERANCE;
      if (!ok) failures++;
      console.log(`${ok ? 'ok  ' : 'FAIL'} ${model}/${file.replace('.json', '.onnx')} max |ort - torch| = ${worst.toExponential(2)}`);
    }
  }
}

function checkTokenizers() {
  const path = join(cache, 'token_ids.json');
  if (!existsSync(path)) {
    console.log(`FAIL no ${path}: it is ${NEEDS_TRAINING}`);
    failures++;
    return;
  }
  const expected = JSON.parse(readFileSync(path, 'utf8'));
  for (const [file, cases] of Object.entries(expected)) {
    const tok = new Tokenizer(JSON.parse(readFileSync(join(here, file), 'utf8')), {});
    let bad = 0;
    for (const [text, ids] of cases) {
      const got = tok.encode(text).ids;
      if (got.join() !== ids.join()) {
        if (bad < 3) console.log(`  mismatch ${file} ${JSON.stringify(text)}: js ${got} py ${ids}`);
        bad++;
      }
    }
    if (bad) failures++;
    console.log(`${bad ? 'FAIL' : 'ok  '} ${file}: ${cases.length - bad}/${cases.length} texts identical`);
  }
}

if (!existsSync(cache)) {
  console.log(`no training cache at ${cache}: verify.mjs compares against the PyTorch outputs and token ids ${NEEDS_TRAINING}; run that first (TINY_CACHE moves the cache)`);
  process.exit(1);
}
await checkGraphs();
checkTokenizers();
console.log(failures ? `${failures} failure(s)` : 'all checks passed');
process.exit(failures ? 1 : 0);
