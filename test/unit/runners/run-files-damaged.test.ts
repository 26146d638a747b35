/**
 * A run file damaged after it was written (a corrupt middle line of a JSONL file, a cut or
 * emptied JSON file) is reported with its path, its line for JSONL, the parser's words and a
 * fix that is true for that file; following the fix lets --resume finish with the same scores.
 * A half-written last line, which a kill leaves, is still no error.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { PredictionRecord, ScoresFile } from '../../../reports/records.js';
import { JsonlAppender, readJsonl } from '../../../runners/run/jsonl.js';
import { completionFile } from '../../../runners/run/run-task.js';
import { RunDirectory, RunFileError } from '../../../runners/run/run-dir.js';
import { runDouble, tempDir } from './helpers/run-double.js';
import { rejects, thrown } from '../helpers/thrown.js';

function predictionsFile(model: string, task: string): string {
  return join(tempDir('damaged'), 'run', 'predictions', model, `${task}.jsonl`);
}

function writeLines(file: string, lines: readonly string[]): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, lines.join(''));
}

test('a corrupt middle line of a predictions file names the file, the line, the parser message and the fix', () => {
  const file = predictionsFile('tiny', 'vqa');
  writeLines(file, ['{"a":1}\n', 'X"kind":"v"}\n', '{"a":3}\n']);
  const error = thrown(() => readJsonl(file));
  assert.instance(error, RunFileError);
  assert.match(error.message, `${file}:2: not valid JSON (`);
  assert.match(error.message, 'Unexpected token');
  assert.match(error.message, 'delete that line (and progress/tiny/vqa.complete.json, if present): --resume then predicts its sample again');
  // The appender reads the file before appending: the same message, not a bare SyntaxError.
  assert.match(thrown(() => new JsonlAppender(file)).message, `${file}:2: not valid JSON`);
});

test('a corrupt last complete line is corruption too; a half-written last line is not', () => {
  const file = predictionsFile('m', 't');
  writeLines(file, ['{"a":1}\n', '{"a":\n']);
  assert.match(thrown(() => readJsonl(file)).message, `${file}:2: not valid JSON`);
  writeLines(file, ['{"a":1}\n', '{"a":2}\n', '{"a":']);
  const read = readJsonl<{ a: number }>(file);
  assert.equal(read.records, [{ a: 1 }, { a: 2 }]);
  assert.ok(read.truncatedTail);
});

test('a damaged progress JSONL line says only timings are lost', () => {
  const file = join(tempDir('damaged'), 'progress', 'm', 't.jsonl');
  writeLines(file, ['{"a":1}\n', '}{\n', '{"a":3}\n']);
  const error = thrown(() => readJsonl(file));
  assert.match(error.message, `${file}:2: not valid JSON`);
  assert.match(error.message, "one batch's timings");
});

test('a cut manifest.json and an empty completion marker name the file and a fix that fits it', () => {
  const dir = new RunDirectory(join(tempDir('damaged'), 'run'));
  dir.writeJson(dir.manifest, { formatVersion: 1, runId: 'x'.repeat(100) });
  writeFileSync(dir.manifest, readFileSync(dir.manifest, 'utf8').slice(0, -10));
  const manifest = thrown(() => dir.readJson(dir.manifest));
  assert.instance(manifest, RunFileError);
  assert.match(manifest.message, `${dir.manifest}: not valid JSON (`);
  assert.match(manifest.message, 'restore it from a copy');
  assert.not.match(manifest.message, 'remove it');
  const marker = join(dir.root, 'progress', 'm', 't.complete.json');
  dir.writeJson(marker, { requested: 3 });
  writeFileSync(marker, '');
  const empty = thrown(() => dir.readJson(marker));
  assert.match(empty.message, `${marker}: not valid JSON (Unexpected end of JSON input)`);
  assert.match(empty.message, 'remove it: --resume then goes over the task again and predicts only the samples missing from predictions/m/t.jsonl');
});

test('--resume on a run with a corrupt predictions line: the message names file and line; its fix lets the resume finish with the same scores', async () => {
  const out = join(tempDir('damaged'), 'run');
  await runDouble({ out });
  const dir = new RunDirectory(out);
  const scores = dir.readJson<ScoresFile>(dir.scores);
  const { model, task } = scores.results[0]!;
  const file = dir.predictions(model, task);
  const lines = readFileSync(file, 'utf8').split('\n');
  assert.ok(lines.length > 3, 'the fixture task has several predictions');
  writeFileSync(file, [lines[0], 'X' + lines[1]!.slice(1), ...lines.slice(2)].join('\n'));
  const error = await rejects(runDouble({ out, resume: true }));
  assert.match(error.message, `${file}:2: not valid JSON`);
  // The fix as the message gives it.
  writeFileSync(file, [lines[0], ...lines.slice(2)].join('\n'));
  rmSync(completionFile(dir, model, task));
  await runDouble({ out, resume: true });
  assert.equal(dir.readJson<ScoresFile>(dir.scores).results, scores.results);
  assert.is(readJsonl<PredictionRecord>(file).records.length, lines.length - 1);
});

test('--resume on a run with an empty completion marker: named; removing it, as told, finishes the run', async () => {
  const out = join(tempDir('damaged'), 'run');
  await runDouble({ out });
  const dir = new RunDirectory(out);
  const scores = dir.readJson<ScoresFile>(dir.scores);
  const { model, task } = scores.results[0]!;
  const marker = completionFile(dir, model, task);
  writeFileSync(marker, '');
  // Scoring reads the markers (results.ts), once every task is done.
  const error = await rejects(runDouble({ out, resume: true }));
  assert.match(error.message, `${marker}: not valid JSON`);
  rmSync(marker);
  await runDouble({ out, resume: true });
  assert.equal(dir.readJson<ScoresFile>(dir.scores).results, scores.results);
});

test.run();
