/**
 * `report --out`, `gate --out` and `gate --write-baseline` on a place that cannot be written:
 * the message is `vlbench run`'s (what could not be made, why, and the flag to change), given
 * before the work; gate prints no verdict it then cannot write. When the files fail after the
 * verdict all the same, gate says what was written and that the verdict stands.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXIT } from '../../../../runners/exit-codes.js';
import { checkWritable, RunFileError } from '../../../../runners/run/run-dir.js';
import { captureOutput } from '../../helpers/capture-output.js';
import { thrownMessage } from '../../helpers/thrown.js';
import { tempDirFactory } from '../../helpers/temp-dirs.js';

const tempDir = tempDirFactory(test);
const runs = fileURLToPath(new URL('../../../fixtures/runs/', import.meta.url));

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const { main } = await import('../../../../runners/cli.js');
  const { value, out, err } = await captureOutput(() => main(args));
  return { code: value, out, err };
}

/** A folder holding a file named `file`: a path below that file cannot be created (ENOTDIR, even as root). */
function underAFile(): { dir: string; file: string } {
  const dir = tempDir(join(tmpdir(), 'vlbench-unwritable-'));
  writeFileSync(join(dir, 'file'), '');
  return { dir, file: join(dir, 'file') };
}

test('checkWritable names the folder that cannot be made, why, and the fix; it creates nothing', () => {
  const { dir, file } = underAFile();
  const readOnly = (path: string): void => {
    throw Object.assign(new Error(`EROFS: read-only file system, access '${path}'`), { code: 'EROFS' });
  };
  assert.is(thrownMessage(() => checkWritable(join(dir, 'rep', 'sub'), 'choose another --out, on a writable disk', readOnly), RunFileError),
    `cannot create directory ${join(dir, 'rep', 'sub')} in ${dir}: the file system is read-only; EROFS: read-only file system, access '${dir}': choose another --out, on a writable disk`);
  assert.is(thrownMessage(() => checkWritable(dir, 'fix', readOnly), RunFileError), `cannot write in directory ${dir}: the file system is read-only; EROFS: read-only file system, access '${dir}': fix`);
  assert.match(thrownMessage(() => checkWritable(join(file, 'rep'), 'fix'), RunFileError), `cannot create directory ${join(file, 'rep')}: ${file} is a file, not a directory`);
  checkWritable(join(dir, 'new', 'folder'), 'fix');
  assert.equal(readdirSync(dir), ['file']);
});

test('report --out that cannot be made: run-style message naming --out, exit 1', async () => {
  const { file } = underAFile();
  const { code, err } = await cli(['report', `${runs}baseline`, '--out', join(file, 'rep'), '--format', 'md']);
  assert.is(code, EXIT.harnessError);
  assert.is(err, `vlbench report: cannot create directory ${join(file, 'rep')}: ${file} is a file, not a directory (move it away to use this path): choose another --out, on a writable disk\n`);
});

test('gate --out that cannot be made fails before any verdict is printed; --write-baseline names its flag', async () => {
  const { file } = underAFile();
  const gate = await cli(['gate', `${runs}improvement`, '--baseline', `${runs}baseline`, '--replicates', '200', '--out', join(file, 'g')]);
  assert.is(gate.code, EXIT.harnessError);
  assert.is(gate.out, '', 'no verdict table');
  assert.match(gate.err, `${file} is a file, not a directory (move it away to use this path): choose another --out, on a writable disk`);
  const baseline = await cli(['gate', `${runs}baseline`, '--write-baseline', join(file, 'b.json')]);
  assert.is(baseline.code, EXIT.harnessError);
  assert.match(baseline.err, `${file} is a file, not a directory (move it away to use this path): choose another --write-baseline FILE, on a writable disk`);
});

test('gate files that fail after the verdict: what was written, the verdict stands, exit 3 on a failed gate and 1 on a pass', async () => {
  for (const [run, code, verdict] of [['regression', EXIT.gateFailed, 'a gate failed (exit 3)'], ['improvement', EXIT.harnessError, 'every gate passed (exit 1 all the same: the files asked for are missing)']] as const) {
    const out = tempDir(join(tmpdir(), 'vlbench-gate-files-'));
    // A folder where gate.junit.xml goes: writing that file fails after gate.md was written.
    mkdirSync(join(out, 'gate.junit.xml'));
    const result = await cli(['gate', `${runs}${run}`, '--baseline', `${runs}baseline`, '--replicates', '200', '--out', out]);
    assert.is(result.code, code);
    assert.match(result.out, '### vlbench gate');
    assert.match(result.err, `vlbench gate: ${join(out, 'gate.junit.xml')}: could not write it (`);
    assert.match(result.err, `The verdict printed above stands: ${verdict}; written to ${out}: gate.md; not written: gate.junit.xml, gate.json\n`);
  }
});

test.run();
