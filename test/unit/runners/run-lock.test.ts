/**
 * One writer per run directory: a second `vlbench run` on the --out of a run in progress is
 * refused (naming the pid), instead of appending the same samples to the same JSONL files; a
 * lock left by a dead process on this host is taken over; an --out that is a file is named.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { PredictionRecord } from '../../../reports/records.js';
import { readJsonl } from '../../../runners/run/jsonl.js';
import { lockWriteError, RunLockedError } from '../../../runners/run/lock.js';
import { RUN_LOCK_FILE } from '../../../reports/records.js';
import { RunDirectory } from '../../../runners/run/run-dir.js';
import { predictionKey } from '../../../reports/records.js';
import { UsageError } from '../../../runners/errors.js';
import { runDouble, tempDir } from './helpers/run-double.js';
import { rejects } from '../helpers/thrown.js';

test('two runs started at once on one --out: one runs, the other is refused, no sample is written twice', async () => {
  const out = join(tempDir('lock'), 'run');
  const results = await Promise.allSettled([runDouble({ out }), runDouble({ out })]);
  const refused = results.filter((r) => r.status === 'rejected');
  assert.is(refused.length, 1, 'exactly one of the two runs is refused');
  const error = (refused[0] as PromiseRejectedResult).reason as Error;
  assert.instance(error, RunLockedError);
  assert.match(error.message, `pid ${process.pid}`);
  assert.match(error.message, join(out, RUN_LOCK_FILE));
  const dir = new RunDirectory(out);
  const scores = dir.readJson<{ results: { model: string; task: string }[] }>(dir.scores);
  for (const r of scores.results) {
    const keys = readJsonl<PredictionRecord>(dir.predictions(r.model, r.task)).records.map(predictionKey);
    assert.is(new Set(keys).size, keys.length, `${r.model} / ${r.task}: a sample written twice`);
  }
  assert.not.ok(existsSync(join(out, RUN_LOCK_FILE)), 'the lock is removed when the run ends');
});

test('a resume while another run resumes the same directory is refused', async () => {
  const out = join(tempDir('lock'), 'run');
  await runDouble({ out });
  const [a, b] = await Promise.allSettled([runDouble({ out, resume: true }), runDouble({ out, resume: true })]);
  assert.is([a, b].filter((r) => r.status === 'rejected').length, 1);
});

test('a lock left by a dead process on this host is taken over; a live one is not', async () => {
  const out = join(tempDir('lock'), 'run');
  mkdirSync(out, { recursive: true });
  const dead = spawn(process.execPath, ['-e', '']);
  const deadPid = await new Promise<number>((resolve) => dead.on('exit', () => resolve(dead.pid!)));
  writeFileSync(join(out, RUN_LOCK_FILE), JSON.stringify({ pid: deadPid, host: hostname(), startedAt: 'then' }));
  await runDouble({ out });
  assert.ok(existsSync(new RunDirectory(out).scores));

  const other = join(tempDir('lock'), 'run');
  mkdirSync(other, { recursive: true });
  writeFileSync(join(other, RUN_LOCK_FILE), JSON.stringify({ pid: process.ppid, host: hostname(), startedAt: 'now' }));
  const error = await rejects(runDouble({ out: other }));
  assert.instance(error, RunLockedError);
  assert.match(error.message, `pid ${process.ppid}`);
  assert.is(JSON.parse(readFileSync(join(other, RUN_LOCK_FILE), 'utf8')).pid, process.ppid, "another run's lock is left alone");
});

test('a damaged lock (empty or cut short, its write failed on a full disk) is taken over, not called another run', async () => {
  for (const content of ['', '{"pid": 12']) {
    const out = join(tempDir('lock'), 'run');
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, RUN_LOCK_FILE), content);
    await runDouble({ out });
    assert.ok(existsSync(new RunDirectory(out).scores), `lock ${JSON.stringify(content)}: the run ran`);
    assert.not.ok(existsSync(join(out, RUN_LOCK_FILE)), 'and released its own lock');
  }
});

test('--out naming a file is refused with that name; a refused --resume leaves no directory behind', async () => {
  const file = join(tempDir('lock'), 'notes.txt');
  writeFileSync(file, 'x');
  const error = await rejects(runDouble({ out: file }));
  assert.instance(error, UsageError);
  assert.match(error.message, `--out ${file} is a file, not a directory`);
  const missing = join(tempDir('lock'), 'never-ran');
  assert.instance(await rejects(runDouble({ out: missing, resume: true })), UsageError);
  assert.not.ok(existsSync(missing));
});

test('a lock that cannot be written says why in words, with the fix that fits: a read-only folder is not a full disk', () => {
  const fail = (code: string): string => {
    const error = Object.assign(new Error(`${code}: failed, open '/x/.vlbench.lock'`), { code });
    return lockWriteError('/x/.vlbench.lock', error).message;
  };
  const readOnly = fail('EROFS');
  assert.match(readOnly, "could not write the run's lock file /x/.vlbench.lock (the file system is read-only; EROFS: failed");
  assert.match(readOnly, 'nothing was run: make the folder writable, or choose another --out, then run the same command again');
  assert.not.match(readOnly, 'free space');
  assert.match(fail('ENOSPC'), '(no space left on the device; ENOSPC: failed');
  assert.match(fail('ENOSPC'), 'nothing was run: free space on that disk');
});

test.run();
