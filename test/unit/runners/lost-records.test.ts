/**
 * A finished task whose predictions lost records after it finished (file deleted, cut short)
 * is not scored on what is left: --resume runs the missing samples again and ends with the
 * scores of an untouched run; a repeated record stops the resume naming the file and sample;
 * and scoring a finished pair that lost records refuses to write its scores.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { appendFileSync, readFileSync, rmSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import type { ScoresFile } from '../../../reports/records.js';
import { RunDirectory } from '../../../runners/run/run-dir.js';
import { writeResults } from '../../../runners/run/results.js';
import type { RunEvent } from '../../../runners/run/events.js';
import { runDouble, tempDir } from './helpers/run-double.js';

function scoresOf(out: string): ScoresFile['results'] {
  return (JSON.parse(readFileSync(join(out, 'scores.json'), 'utf8')) as ScoresFile).results;
}

async function finishedRun(): Promise<{ out: string; dir: RunDirectory; baseline: ScoresFile['results'] }> {
  const out = join(tempDir('lost'), 'run');
  await runDouble({ models: ['double-blip'], out });
  return { out, dir: new RunDirectory(out), baseline: scoresOf(out) };
}

test('a deleted or cut predictions file of a finished task is recomputed on --resume, to the untouched scores', async () => {
  const { out, dir, baseline } = await finishedRun();
  const captions = dir.predictions('tiny-blip-double', 'captioning');
  const vqa = dir.predictions('tiny-blip-double', 'vqa');
  const vqaText = readFileSync(vqa, 'utf8');
  rmSync(captions);
  truncateSync(vqa, Buffer.byteLength(vqaText) - 5);
  const events: RunEvent[] = [];
  await runDouble({ models: ['double-blip'], out, resume: true, emit: (e) => events.push(e) });
  assert.equal(scoresOf(out), baseline);
  const lost = events.filter((e) => e.type === 'lost-records').map((e) => e.type === 'lost-records' && `${e.task} ${e.found}/${e.requested}`);
  assert.equal(lost.sort(), ['captioning 0/13', `vqa ${vqaText.trim().split('\n').length - 1}/${vqaText.trim().split('\n').length}`].sort());
  assert.is(readFileSync(vqa, 'utf8'), vqaText, 'the cut record is written again, the others kept byte for byte');
});

test('a repeated record stops the resume, naming the file and the sample', async () => {
  const { out, dir } = await finishedRun();
  const vqa = dir.predictions('tiny-blip-double', 'vqa');
  appendFileSync(vqa, readFileSync(vqa, 'utf8').split('\n')[0] + '\n');
  await runDouble({ models: ['double-blip'], out, resume: true }).then(
    () => assert.unreachable('resumed over a repeated record'),
    (error: Error) => assert.match(error.message, /vqa\.jsonl: sample \S+ has a second record \(record \d+\); .* start a fresh --out$/),
  );
});

test('scores are not written for a finished task that lost records', async () => {
  const { dir } = await finishedRun();
  rmSync(dir.predictions('tiny-blip-double', 'captioning'));
  assert.throws(() => writeResults(dir), /captioning\.jsonl: 0 records for the 13 samples tiny-blip-double \/ captioning finished with; .* --resume to recompute them/);
});

test.run();
