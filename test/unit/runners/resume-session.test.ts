/**
 * What a resumed session runs with beyond the experiment's identity, which the manifest records
 * once for the whole run: the digest check (--no-verify-digests) and the execution provider. A
 * session that differs would add samples the manifest misdescribes, so it is refused; a run that
 * skipped the check may be resumed with it (its record "not verified" stays true). The --device
 * request may differ as long as each model lands on the provider it ran on.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import type { RunManifest } from '../../../reports/records.js';
import { rejectedMessage } from '../helpers/thrown.js';
import { ResumeMismatchError } from '../../../runners/run/manifest.js';
import { RunDirectory } from '../../../runners/run/run-dir.js';
import { loadDouble } from './helpers/double-model.js';
import { runDouble, tempDir } from './helpers/run-double.js';
import type { ProviderName } from '../../../models/onnx/providers.js';

const SMALL = { models: ['double-blip'], tasks: ['captioning'], limit: 2 };

function counting(used?: ProviderName): { loads: () => number; loadModel: typeof loadDouble } {
  let loads = 0;
  return {
    loads: () => loads,
    loadModel: async (path, options) => {
      loads += 1;
      const loaded = await loadDouble(path, options);
      return used === undefined ? loaded : { ...loaded, provider: { ...loaded.provider, used } };
    },
  };
}

const refusal = (run: Promise<unknown>): Promise<string> => rejectedMessage(run, ResumeMismatchError);

const manifestOf = (out: string): RunManifest => new RunDirectory(out).readJson<RunManifest>(new RunDirectory(out).manifest);

test('a run that checked the digests is not resumed with --no-verify-digests, before any model loads', async () => {
  const out = join(tempDir('resume-digests'), 'run');
  await runDouble({ ...SMALL, out });
  const loader = counting();
  const message = await refusal(runDouble({ ...SMALL, out, resume: true, retryFailed: true, verifyDigests: false, loadModel: loader.loadModel }));
  assert.match(message, `${out}/manifest.json: cannot resume with --no-verify-digests: the run being resumed checked the sha256 of every graph file of tiny-blip-double`);
  assert.match(message, 'resume without --no-verify-digests');
  assert.is(loader.loads(), 0);
  assert.is(manifestOf(out).models[0]!.digestsVerified, true);
});

test('a run that skipped the check resumes with or without it, and stays recorded as not verified', async () => {
  const out = join(tempDir('resume-digests'), 'run');
  await runDouble({ ...SMALL, out, verifyDigests: false });
  await runDouble({ ...SMALL, out, resume: true, verifyDigests: false });
  await runDouble({ ...SMALL, out, resume: true });
  assert.is(manifestOf(out).models[0]!.digestsVerified, false);
});

test('--resume alone after --device cpu continues when the models land on cpu again', async () => {
  const out = join(tempDir('resume-device'), 'run');
  await runDouble({ ...SMALL, out, device: 'cpu' });
  const resumed = await runDouble({ ...SMALL, out, resume: true, device: 'auto', loadModel: counting('cpu').loadModel });
  assert.ok(resumed.scores !== null);
  assert.is(manifestOf(out).models[0]!.provider.used, 'cpu');
});

test('the same --device landing on another execution provider (auto on another machine) is refused', async () => {
  const out = join(tempDir('resume-provider'), 'run');
  await runDouble({ ...SMALL, out, device: 'auto', loadModel: counting('cuda').loadModel });
  const message = await refusal(runDouble({ ...SMALL, out, resume: true, device: 'auto', loadModel: counting('cpu').loadModel }));
  assert.match(message, 'cannot resume: model tiny-blip-double ran on cuda in the run being resumed and would now run on cpu (--device auto)');
  assert.is(manifestOf(out).models[0]!.provider.used, 'cuda');
});

test.run();
