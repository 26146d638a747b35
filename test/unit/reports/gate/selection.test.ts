/**
 * A run of part of its suites (`vlbench run --tasks/--models`) keeps every gate of the suites in
 * its manifest, so the suite's gates on the tasks and models it left out match nothing. That
 * stays a harness error (a gate must not pass for what it did not check), and the message names
 * the selection and how to gate it: `--gates FILE` with only the gates for the selected pairs.
 * Also: `vlbench gate --help` shows --baseline as optional (floors and ceilings need none).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runGate } from '../../../../reports/gate/run-gate.js';
import { gateCommand } from '../../../../runners/commands/gate.js';
import { tempDirFactory } from '../../helpers/temp-dirs.js';
import { captureOutput } from '../../helpers/capture-output.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const tempDir = tempDirFactory(test);
const runs = fileURLToPath(new URL('../../../fixtures/runs/', import.meta.url));
const ALL_MODELS = ['albef-tiny', 'blip-tiny', 'blip2-opt-tiny', 'blip2-t5-tiny', 'instructblip-t5-tiny', 'xinstructblip-tiny'];

const readJson = (file: string): Json => JSON.parse(readFileSync(file, 'utf8')) as Json;

/**
 * The baseline fixture run as `vlbench run --tasks TASKS --models MODELS` writes it: the manifest
 * records only the selected tasks and models, and the suite as resolved (every task and model).
 */
function selectedRun(dest: string, tasks: readonly string[], models: readonly string[]): string {
  cpSync(`${runs}baseline`, dest, { recursive: true });
  const manifest = readJson(join(dest, 'manifest.json'));
  manifest.suites[0].resolved = { ...manifest.suites[0].resolved, models: ALL_MODELS };
  manifest.tasks = manifest.tasks.filter((t: Json) => tasks.includes(t.id));
  manifest.models = manifest.models.filter((m: Json) => models.includes(m.id));
  writeFileSync(join(dest, 'manifest.json'), JSON.stringify(manifest));
  for (const name of ['scores.json', 'timings.json']) {
    const data = readJson(join(dest, name));
    data.results = data.results.filter((r: Json) => tasks.includes(r.task) && models.includes(r.model));
    if (data.notApplicable) data.notApplicable = data.notApplicable.filter((r: Json) => tasks.includes(r.task) && models.includes(r.model));
    writeFileSync(join(dest, name), JSON.stringify(data));
  }
  return dest;
}

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return (error as Error).message;
  }
  assert.unreachable('expected an error');
  return '';
}

test("the suite's gates on a --tasks/--models run: still an error, naming the selection and the --gates FILE fix", () => {
  const dir = tempDir(join(tmpdir(), 'vlbench-gate-selection-'));
  const b = selectedRun(join(dir, 'B'), ['shapes-caption'], ['blip-tiny']);
  const c = selectedRun(join(dir, 'C'), ['shapes-caption'], ['blip-tiny']);
  const message = messageOf(() => runGate(c, { baseline: b, replicates: 200 }));
  assert.match(message, `${c}/manifest.json#/gates/1/metric: gate 1 (vqa_accuracy drop <= 5) matches nothing in run '${c}': the run reports no metric 'vqa_accuracy'`);
  assert.match(message, "\nThe run selected --tasks shapes-caption --models blip-tiny from suite 'shapes-fixture' (left out: tasks shapes-retrieval, shapes-vqa, shapes-instruct; models albef-tiny, blip2-opt-tiny, blip2-t5-tiny, instructblip-t5-tiny, xinstructblip-tiny).");
  assert.match(message, 'pass --gates FILE ({"gates": [...]}) holding only the suite\'s gates for the selected tasks (shapes-caption) and models (blip-tiny)');
  // The fix the message gives works.
  const gatesFile = join(dir, 'gates.json');
  writeFileSync(gatesFile, JSON.stringify({ gates: [{ kind: 'max-drop', metric: 'CIDEr', maxDrop: 0.15 }, { kind: 'floor', metric: 'CIDEr', min: 0 }] }));
  assert.is(runGate(c, { baseline: b, gatesFile, replicates: 200 }).passed, true);
});

test('a --tasks run alone names only --tasks; a gate file of its own gets the note without the manifest part', () => {
  const dir = tempDir(join(tmpdir(), 'vlbench-gate-selection-'));
  const c = selectedRun(join(dir, 'C'), ['shapes-caption', 'shapes-vqa'], ALL_MODELS);
  const gatesFile = join(dir, 'gates.json');
  writeFileSync(gatesFile, JSON.stringify({ gates: [{ kind: 'floor', task: 'shapes-retrieval', metric: 'r_mean', min: 1 }] }));
  const message = messageOf(() => runGate(c, { gatesFile }));
  assert.match(message, /^.*gates\.json#\/gates\/0\/task: gate 0 .* the run has no task 'shapes-retrieval'/);
  assert.match(message, "\nThe run selected --tasks shapes-caption,shapes-vqa from suite 'shapes-fixture' (left out: tasks shapes-retrieval, shapes-instruct). Keep in the gate file only the gates for");
  assert.not.match(message, '--models');
});

test('a misspelt task in a selected run gets no selection note (the selection is not why), nor does a whole run', () => {
  const dir = tempDir(join(tmpdir(), 'vlbench-gate-selection-'));
  const c = selectedRun(join(dir, 'C'), ['shapes-caption'], ALL_MODELS);
  const gatesFile = join(dir, 'gates.json');
  writeFileSync(gatesFile, JSON.stringify({ gates: [{ kind: 'floor', task: 'shapes-captoin', metric: 'CIDEr', min: 0 }] }));
  assert.not.match(messageOf(() => runGate(c, { gatesFile })), 'The run selected');
  writeFileSync(gatesFile, JSON.stringify({ gates: [{ kind: 'floor', metric: 'CIDer', min: 0 }] }));
  assert.not.match(messageOf(() => runGate(`${runs}baseline`, { gatesFile })), 'The run selected');
});

test('vlbench gate --help: --baseline is optional, floors and ceilings need none', async () => {
  const { out: help } = await captureOutput(() => gateCommand.run(['--help']));
  assert.match(help, /^Usage: vlbench gate RUN \[--baseline RUN_OR_JSON\] \[options\]\n/);
  assert.match(help, 'floors and ceilings need none');
});

test.run();
