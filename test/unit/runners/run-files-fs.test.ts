/**
 * Filesystem trouble under a run directory is reported with its cause and the path it concerns:
 * a directory that cannot be created (read-only disk, no permission) names that directory
 * instead of Node's "ENOENT ... mkdir"; a file where a directory should be is named; a full disk
 * names the file and says the run continues with --resume; a write the kernel stores only in
 * part is completed; an --out too long for the paths below it is refused before the run starts.
 *
 * Root ignores chmod, so read-only and full disks are simulated: mkdir and write(2) failures are
 * injected at the function level, and /dev/full gives a real ENOSPC.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chmodSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { JsonlAppender, readJsonl } from '../../../runners/run/jsonl.js';
import { lockRunDirectory } from '../../../runners/run/lock.js';
import { ensureDirectory, RunDirectory, RunFileError } from '../../../runners/run/run-dir.js';
import { UsageError } from '../../../runners/errors.js';
import { runDouble, tempDir } from './helpers/run-double.js';
import { thrown } from '../helpers/thrown.js';

function errno(code: string, syscall: string, path: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: simulated, ${syscall} '${path}'`), { code, syscall, path });
}

const isRoot = process.getuid?.() === 0;
const hasDevFull = existsSync('/dev/full');

test('a directory on a read-only disk: the directory that could not be made and the real cause are named', () => {
  const parent = tempDir('fs');
  const root = join(parent, 'a', 'run');
  const error = thrown(() => ensureDirectory(root, 'choose another --out', (path) => {
    throw errno('EROFS', 'mkdir', path);
  }));
  assert.instance(error, RunFileError);
  assert.match(error.message, `cannot create directory ${join(parent, 'a')} (for ${root}) in ${parent}: the file system is read-only`);
  assert.match(error.message, 'choose another --out');
  assert.not.match(error.message, 'ENOENT');
});

(isRoot ? test.skip : test)('a directory without write permission (chmod; needs a non-root user, root ignores it)', () => {
  const parent = tempDir('fs');
  chmodSync(parent, 0o555);
  try {
    const error = thrown(() => lockRunDirectory(join(parent, 'a', 'run')));
    assert.match(error.message, `cannot create directory ${join(parent, 'a')}`);
    assert.match(error.message, 'permission denied');
  } finally {
    chmodSync(parent, 0o755);
  }
});

test('--out below a regular file: the path that is a file is named', async () => {
  const file = join(tempDir('fs'), 'notes.txt');
  writeFileSync(file, 'x');
  const error = thrown(() => lockRunDirectory(join(file, 'sub', 'run')));
  assert.instance(error, RunFileError);
  assert.match(error.message, `${file} is a file, not a directory`);
  assert.not.match(error.message, 'ENOTDIR');
  const run = await runDouble({ out: join(file, 'run') }).then(() => null, (e: unknown) => e as Error);
  assert.match(run?.message ?? '', `${file} is a file, not a directory`);
});

/** Writes at most `limit` bytes per call, then fails with `failAfter` calls, as a full disk would. */
class FlakyAppender extends JsonlAppender {
  calls = 0;
  constructor(file: string, private readonly limit: number, private readonly failAfter = Infinity) {
    super(file);
  }

  protected override writeChunk(fd: number, buffer: Buffer, offset: number, length: number): number {
    if (++this.calls > this.failAfter) throw errno('ENOSPC', 'write', '');
    return super.writeChunk(fd, buffer, offset, Math.min(length, this.limit));
  }
}

test('a write the kernel stores only in part is continued until the whole batch is written', () => {
  const file = join(tempDir('fs'), 'predictions', 'm', 't.jsonl');
  const appender = new FlakyAppender(file, 5);
  const records = [{ id: 'a', text: 'a caption' }, { id: 'b', text: 'another one' }];
  appender.append(records);
  appender.close();
  assert.ok(appender.calls > 1, 'the seam wrote in several pieces');
  assert.equal(readJsonl(file).records, records);
  assert.not.ok(readJsonl(file).truncatedTail);
});

test('a disk that fills during a batch: the file and --resume are named, and the half batch is cut off', () => {
  const file = join(tempDir('fs'), 'predictions', 'm', 't.jsonl');
  const first = new JsonlAppender(file);
  first.append([{ id: 'kept' }]);
  first.close();
  const before = readFileSync(file, 'utf8');
  const appender = new FlakyAppender(file, 4, 2);
  const error = thrown(() => appender.append([{ id: 'lost', text: 'x'.repeat(40) }]));
  appender.close();
  assert.instance(error, RunFileError);
  assert.match(error.message, `${file}: could not write it (no space left on the device`);
  assert.match(error.message, 'the records written so far are kept; free space, then continue with `vlbench run ... --resume`');
  assert.is(readFileSync(file, 'utf8'), before, 'no half record is left for the next append to glue onto');
});

(hasDevFull ? test : test.skip)('a real ENOSPC (/dev/full) on append and on a whole-file write names the file', () => {
  const dir = new RunDirectory(join(tempDir('fs'), 'run'));
  dir.writeJson(dir.manifest, { formatVersion: 1 });
  const file = dir.predictions('m', 't');
  const appender = new JsonlAppender(file);
  const internals = appender as unknown as { fd: number };
  internals.fd = openSync('/dev/full', 'a');
  const append = thrown(() => appender.append([{ id: 1 }]));
  assert.match(append.message, `${file}: could not write it (no space left on the device; ENOSPC`);
  assert.match(append.message, '--resume');

  writeFileSync(dir.scores, '{"old":true}\n');
  symlinkSync('/dev/full', `${dir.scores}.tmp-${process.pid}`);
  const whole = thrown(() => dir.writeJson(dir.scores, { formatVersion: 1, results: [] }));
  assert.instance(whole, RunFileError);
  assert.match(whole.message, `${dir.scores}: could not write it (no space left on the device`);
  assert.match(whole.message, 'the records written so far are kept; free space, then continue with `vlbench run ... --resume`');
  assert.is(readFileSync(dir.scores, 'utf8'), '{"old":true}\n', 'the file is left as it was');
  assert.equal(readdirSync(dir.root).filter((n) => n.includes('.tmp-')), [], 'the temp file is removed, its space freed');
});

(hasDevFull ? test : test.skip)('a full disk before manifest.json is written: run the command again, not --resume', () => {
  const dir = new RunDirectory(join(tempDir('fs'), 'run'));
  mkdirSync(dir.root);
  symlinkSync('/dev/full', `${dir.manifest}.tmp-${process.pid}`);
  const error = thrown(() => dir.writeJson(dir.manifest, { formatVersion: 1 }));
  assert.match(error.message, `${dir.manifest}: could not write it (no space left on the device`);
  assert.match(error.message, 'free space, then run the same command again');
  assert.not.match(error.message, '--resume');
});

test('an --out too long for the paths written below it is refused before anything is created; a long one that fits is taken', () => {
  const base = tempDir('fs');
  const deep = (length: number): string => {
    let path = base;
    while (path.length < length - 201) path = join(path, 'd'.repeat(200));
    return join(path, 'x'.repeat(length - path.length - 1));
  };
  const tooLong = deep(4050);
  assert.is(tooLong.length, 4050);
  const error = thrown(() => lockRunDirectory(tooLong));
  assert.instance(error, UsageError);
  assert.match(error.message, 'is 4050 bytes long as an absolute path; vlbench writes paths up to about 200 bytes longer below it');
  assert.match(error.message, 'PATH_MAX');
  assert.equal(readdirSync(base), [], 'nothing was created');
  const fits = deep(3800);
  lockRunDirectory(fits)();
  assert.not.ok(existsSync(fits), 'the directory the lock created is removed with it');
});

test.run();
