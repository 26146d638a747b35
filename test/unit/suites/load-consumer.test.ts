/**
 * Loading suites from a project that installed vlbench: a suite path that does not exist says
 * where it was looked for and, when vlbench ships a suite of that name, its full path (never
 * loaded in its place); a path starting with `~` (not expanded: vlbench takes paths as given) is
 * an error naming the value, in the suite's data, in its file paths and in `--data`.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundledModels } from '../../../models/load.js';
import { loadSuite } from '../../../suites/load.js';
import { SuiteError } from '../../../suites/messages.js';
import { tempDirFactory } from '../helpers/temp-dirs.js';

const shipped = fileURLToPath(new URL('../../../suites/', import.meta.url));
const dir = tempDirFactory(test)(join(tmpdir(), 'vlbench-load-consumer-'));
const registered = bundledModels();

function problems(path: string, options: { data?: Record<string, string> } = {}): string[] {
  try {
    loadSuite(path, { models: registered, ...options });
  } catch (error) {
    if (error instanceof SuiteError) return error.problems.map((p) => `${p.file}: ${p.pointer}: ${p.message}`);
    throw error;
  }
  return assert.unreachable('loaded') as never;
}

test('a missing suite names the absolute path tried, and the shipped suite of that name', () => {
  const before = process.cwd();
  process.chdir(dir);
  try {
    assert.equal(problems('suites/default.suite.json'), [`suites/default.suite.json: : file not found: ${join(dir, 'suites/default.suite.json')}; did you mean ${join(shipped, 'default.suite.json')}? (a suite shipped with vlbench)`]);
    assert.equal(problems('coco-karpathy'), [`coco-karpathy: : file not found: ${join(dir, 'coco-karpathy')}; did you mean ${join(shipped, 'coco-karpathy.suite.json')}? (a suite shipped with vlbench)`]);
    assert.equal(problems('mine.suite.json'), [`mine.suite.json: : file not found: ${join(dir, 'mine.suite.json')}`]);
    assert.match(problems('~/suites/mine.suite.json')[0]!, `file not found: ${join(dir, '~/suites/mine.suite.json')}; '~/suites/mine.suite.json' starts with ~, which vlbench does not expand`);
  } finally {
    process.chdir(before);
  }
});

const TILDE = (value: string): string => `'${value}' starts with ~, which vlbench does not expand (a shell does, and only when the path is not quoted): write the full path (${join(homedir(), value.slice(2))}?)`;

function suiteFile(data: Record<string, string | null>, records = '${data.d}/caps.jsonl'): string {
  const file = join(dir, `s${Math.random().toString(36).slice(2)}.suite.json`);
  const task = { kind: 'captioning', id: 'cap', dataset: { loader: 'jsonl', files: { records }, options: { kind: 'caption' } } };
  writeFileSync(file, JSON.stringify({ name: 'mine', data, models: ['tiny-blip'], tasks: [task] }));
  return file;
}

test('a data location, a file path or a --data value starting with ~ is an error naming it', () => {
  const inData = suiteFile({ d: '~/vlb-tilde/data' });
  assert.equal(problems(inData), [`${inData}: /data/d: ${TILDE('~/vlb-tilde/data')}`]);
  const inPath = suiteFile({}, '~/vlb-tilde/caps.jsonl');
  assert.equal(problems(inPath), [`${inPath}: /tasks/0/dataset/files/records: ${TILDE('~/vlb-tilde/caps.jsonl')}`]);
  const given = suiteFile({ d: null });
  assert.equal(problems(given, { data: { d: '~' } }), [`${given}: /data/d: --data d=~: ${TILDE('~')}`]);
  // Only a leading ~ or ~/ is the shell's: ~user and a ~ inside a name are left alone.
  const named = suiteFile({ d: join(dir, 'a~b') });
  assert.match(problems(named)[0]!, `file not found: ${resolve(dir, 'a~b', 'caps.jsonl')}`);
});

test.run();
