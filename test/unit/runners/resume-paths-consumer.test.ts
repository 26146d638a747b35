/**
 * --resume of a project reached by another path (a symlinked or moved project folder): the same
 * data files spelled another way are the same suite, and a suite that does differ is named
 * where it differs, so that the user knows what to undo.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkResumable, ResumeMismatchError, type ExperimentFacts } from '../../../runners/run/manifest.js';
import { thrownMessage } from '../helpers/thrown.js';
import { tempDirFactory } from '../helpers/temp-dirs.js';

const tempDir = tempDirFactory(test);

/** The facts of a run of a one-task suite whose data lies under `project`. */
function facts(project: string, records = 'caps.jsonl'): ExperimentFacts {
  const resolved = {
    name: 'mine', models: ['tiny-blip'],
    tasks: [{ kind: 'captioning', id: 'cap', dataset: { loader: 'jsonl', files: { records: join(project, 'data', records) }, mediaRoot: join(project, 'data', 'imgs') } }],
  };
  return {
    suites: [{ name: 'mine', file: join(project, 'suites', 'mine.suite.json'), sha256: 'a'.repeat(64), resolved }],
    tasks: [{ id: 'cap', kind: 'captioning', dataset: { name: 'jsonl', files: [{ path: join(project, 'data', records), sha256: 'b'.repeat(64) }] }, perModel: {}, metrics: [] }],
    models: [{ id: 'tiny-blip', manifestSha256: 'c'.repeat(64) }],
    limit: 4,
    shard: null,
  } as unknown as ExperimentFacts;
}

function project(): { real: string; link: string } {
  const root = tempDir(join(tmpdir(), 'vlbench-resume-paths-'));
  const real = join(root, 'my project ü');
  mkdirSync(join(real, 'data', 'imgs'), { recursive: true });
  writeFileSync(join(real, 'data', 'caps.jsonl'), '');
  writeFileSync(join(real, 'data', 'other.jsonl'), '');
  const link = join(root, 'plink');
  symlinkSync(real, link);
  return { real, link };
}

test('a resume through a symlink to the same project is the same suite', () => {
  const { real, link } = project();
  checkResumable('/runs/res', facts(real), facts(link));
  checkResumable('/runs/res', facts(link), facts(real));
});

test('suites that differ name the first field that differs and both values', () => {
  const { real, link } = project();
  const message = thrownMessage(() => checkResumable('/runs/res', facts(real), facts(link, 'other.jsonl')), ResumeMismatchError);
  assert.match(message, 'cannot resume: the suites differ from the run being resumed (');
  const data = realpathSync(join(real, 'data'));
  assert.match(message, `suite mine: /tasks/0/dataset/files/records: ${JSON.stringify(join(data, 'caps.jsonl'))} -> ${JSON.stringify(join(data, 'other.jsonl'))}`);
});

test.run();
