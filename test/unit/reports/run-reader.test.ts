import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { tempDirFactory } from '../helpers/temp-dirs.js';
import { cpSync, writeFileSync, appendFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readPredictions, readRun, readSampleScores, runLabel } from '../../../reports/run-reader.js';

const tempDir = tempDirFactory(test);

const runs = fileURLToPath(new URL('../../fixtures/runs/', import.meta.url));

function copyOfBaseline(): string {
  const dir = tempDir(join(tmpdir(), 'vlbench-run-'));
  cpSync(`${runs}baseline`, dir, { recursive: true });
  return dir;
}

test('reads a run and its per-sample files', () => {
  const run = readRun(`${runs}baseline`);
  assert.is(run.manifest.runId, 'main-2026-11-20');
  assert.is(readPredictions(run, 'blip-tiny', 'shapes-caption').length, 30);
  assert.is(readSampleScores(run, 'blip-tiny', 'shapes-vqa').length, 90);
  assert.equal(readPredictions(run, 'albef-tiny', 'shapes-caption'), []);
});

test('a run is labelled by the id someone chose, else by its directory, never by a generated UUID', () => {
  assert.is(runLabel(readRun(`${runs}baseline`)), 'main-2026-11-20');
  const dir = copyOfBaseline();
  const manifest = join(dir, 'manifest.json');
  writeFileSync(manifest, JSON.stringify({ ...JSON.parse(readFileSync(manifest, 'utf8')), runId: '49795bb9-0c2e-4d8e-9b7a-3f1f2a6c5d10' }));
  assert.is(runLabel(readRun(dir)), dir.split('/').pop());
});

test('an unknown format version is rejected with the fix', () => {
  const dir = copyOfBaseline();
  const scores = JSON.parse(readFileSync(join(dir, 'scores.json'), 'utf8'));
  writeFileSync(join(dir, 'scores.json'), JSON.stringify({ ...scores, formatVersion: 2 }));
  assert.throws(() => readRun(dir), /scores\.json: \/formatVersion is 2, this vlbench reads format 1/);
});

test('a run stopped before scoring (kill -9) is named unfinished, with the --resume command', () => {
  for (const name of ['scores.json', 'timings.json']) {
    const dir = copyOfBaseline();
    rmSync(join(dir, name));
    assert.throws(() => readRun(dir), (e: Error) => e.message === `${join(dir, name)}: missing, so the run did not finish (stopped or killed before it wrote its scores). Continue it with \`vlbench run SUITE... --out ${dir} --resume\`, then report again.`);
  }
});

test('a run still being written (its lock file present) is named as such, not as stopped', () => {
  const dir = copyOfBaseline();
  rmSync(join(dir, 'scores.json'));
  writeFileSync(join(dir, '.vlbench.lock'), JSON.stringify({ pid: 1, host: 'h', startedAt: '' }));
  assert.throws(() => readRun(dir), (e: Error) => e.message.includes('says a vlbench run is writing this directory: report it when the run has finished'));
});

test('a missing file names the file', () => {
  assert.throws(() => readRun(join(runs, 'media')), /media\/manifest\.json: missing manifest\.json/);
});

test('a torn last JSONL line is ignored; a broken line in the middle is an error', () => {
  const dir = copyOfBaseline();
  const file = join(dir, 'samples/blip-tiny/shapes-vqa.jsonl');
  appendFileSync(file, '{"sampleId":"q9');
  assert.is(readSampleScores(readRun(dir), 'blip-tiny', 'shapes-vqa').length, 90);
  writeFileSync(file, '{"sampleId":"a","scores":{}}\n{broken\n{"sampleId":"b","scores":{}}\n');
  assert.throws(() => readSampleScores(readRun(dir), 'blip-tiny', 'shapes-vqa'), /shapes-vqa\.jsonl:2: not valid JSON/);
});

test.run();
