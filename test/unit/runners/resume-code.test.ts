/**
 * One run, one version of what computes its predictions: --resume is refused when vlbench's code
 * (its code digest: commits and edits not committed alike), onnxruntime-node or a model's
 * tokenizer file differs from the session that started the run, and shards made by other code
 * are not merged. Each refusal names what changed, before any model loads.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { appendFileSync, cpSync } from 'node:fs';
import { join } from 'node:path';
import type { RunManifest } from '../../../reports/records.js';
import { bundledModels, loadModel } from '../../../models/load.js';
import { codeSha256 } from '../../../runners/run/environment.js';
import { ResumeMismatchError } from '../../../runners/run/manifest.js';
import { MergeError, mergeRuns } from '../../../runners/run/merge.js';
import { RunDirectory } from '../../../runners/run/run-dir.js';
import { runDouble, tempDir } from './helpers/run-double.js';

const SMALL = { models: ['double-blip'], tasks: ['captioning'] };

function editManifest(root: string, edit: (m: RunManifest) => RunManifest): void {
  const dir = new RunDirectory(root);
  dir.writeJson(dir.manifest, edit(dir.readJson<RunManifest>(dir.manifest)));
}

async function refusedResume(out: string, cause: RegExp): Promise<void> {
  let loads = 0;
  await runDouble({ ...SMALL, out, resume: true, loadModel: async () => { loads++; throw new Error('loaded'); } }).then(
    () => assert.unreachable('resumed'),
    (error: Error) => {
      assert.instance(error, ResumeMismatchError);
      assert.match(error.message, cause, error.message);
    },
  );
  assert.is(loads, 0, 'refused before any model loads');
}

test('the manifest records the code digest, and a resume by other code or another onnxruntime-node is refused', async () => {
  const { dir: out } = await runDouble({ ...SMALL, limit: 2 });
  assert.is(new RunDirectory(out).readJson<RunManifest>(new RunDirectory(out).manifest).vlbench.codeSha256, codeSha256());
  const recorded = new RunDirectory(out).readJson<RunManifest>(new RunDirectory(out).manifest);
  // As if runners/run/scoring.ts had been edited and a file added since the run started.
  const edited = { ...recorded.vlbench.codeFiles, 'runners/run/scoring.ts': '0'.repeat(64), 'runners/run/new-file.ts': '1'.repeat(64) };
  editManifest(out, (m) => ({ ...m, vlbench: { ...m.vlbench, gitCommit: 'abc123', codeSha256: codeSha256(edited), codeFiles: edited } }));
  await refusedResume(out, /cannot resume: the run was made by other vlbench code than this \(abc123 then, .* now; the code digest covers edits not committed too; files that differ: runners\/run\/new-file\.ts, runners\/run\/scoring\.ts\), and its predictions would mix two versions; finish it with the code that started it, or start a new run with a different --out$/);
  editManifest(out, (m) => ({ ...m, vlbench: { version: m.vlbench.version, gitCommit: null } }));
  await refusedResume(out, /the run was written by a vlbench that did not record its code digest/);
  editManifest(out, (m) => ({ ...m, vlbench: recorded.vlbench, environment: { ...m.environment, onnxruntime: '1.0.0' } }));
  await refusedResume(out, /the run started on onnxruntime-node 1\.0\.0 and would continue on \S+; install 1\.0\.0 to finish it/);
  editManifest(out, (m) => ({ ...m, environment: { ...recorded.environment, packages: { ...recorded.environment.packages, sharp: '0.1.0' } } }));
  await refusedResume(out, /cannot resume: installed packages differ from the run's \(sharp 0\.1\.0 -> \S+\), .*\(npm ci restores the lock file's\)/);
  editManifest(out, (m) => ({ ...m, environment: recorded.environment }));
  await runDouble({ ...SMALL, limit: 2, out, resume: true });
});

test('a changed tokenizer file is refused on resume, named, before any model loads', async () => {
  const dir = tempDir('resume-tokenizer');
  const blip = join(dir, 'blip');
  cpSync(join(process.cwd(), 'models/tiny/tiny-blip'), blip, { recursive: true });
  const bundled = join(process.cwd(), 'datasets/bundled');
  const suite = join(dir, 'tok.suite.json');
  const { writeFileSync } = await import('node:fs');
  writeFileSync(suite, JSON.stringify({
    name: 'tok', data: { b: bundled }, models: [join(blip, 'model.json')],
    tasks: [{ kind: 'captioning', id: 'cap', limit: 2, dataset: { loader: 'karpathy-caption', files: { annotations: '${data.b}/captions/synth_karpathy_default.json' }, mediaRoot: '${data.b}' } }],
  }));
  const out = join(dir, 'run');
  const options = { suites: [suite], loadModel, registeredModels: bundledModels(), models: null, tasks: null, out };
  await runDouble(options);
  const recorded = new RunDirectory(out).readJson<RunManifest>(new RunDirectory(out).manifest).models[0]!.tokenizers;
  assert.equal(Object.keys(recorded ?? {}), ['tokenizer/text.json']);
  appendFileSync(join(blip, 'tokenizer/text.json'), '\n');
  let loads = 0;
  await runDouble({ ...options, resume: true, loadModel: async (p, o) => (loads++, loadModel(p, o)) }).then(
    () => assert.unreachable('resumed with another tokenizer'),
    (error: Error) => assert.match(error.message, /cannot resume: the models differ from the run being resumed \(model tiny-blip: its tokenizer file tokenizer\/text\.json changed\)/),
  );
  assert.is(loads, 0);
});

test('shards made by other vlbench code or another onnxruntime-node are not merged', async () => {
  const a = await runDouble({ ...SMALL, shard: { index: 0, count: 2 } });
  const b = await runDouble({ ...SMALL, shard: { index: 1, count: 2 } });
  editManifest(b.dir, (m) => ({ ...m, vlbench: { ...m.vlbench, codeSha256: '0'.repeat(64) } }));
  assert.throws(() => mergeRuns([a.dir, b.dir], join(tempDir('merge-code'), 'm')), (e: Error) => e instanceof MergeError && e.message === `${b.dir}: the vlbench code differs from ${a.dir}'s (first-named shard -> this one: vlbench code: code digest ${codeSha256().slice(0, 12)}… -> 000000000000…); only shards of one run can be merged`);
  const c = await runDouble({ ...SMALL, shard: { index: 1, count: 2 } });
  editManifest(c.dir, (m) => ({ ...m, environment: { ...m.environment, onnxruntime: '1.0.0', packages: { ...m.environment.packages, 'onnxruntime-node': '1.0.0' } } }));
  assert.throws(() => mergeRuns([a.dir, c.dir], join(tempDir('merge-ort'), 'm')), (e: Error) => e instanceof MergeError && e.message.startsWith(`${c.dir}: the onnxruntime-node version and package versions differ from ${a.dir}'s (first-named shard -> this one: onnxruntime-node `) && e.message.includes(' -> 1.0.0; package onnxruntime-node ') && e.message.endsWith(' -> 1.0.0); only shards of one run can be merged'));
});

test.run();
