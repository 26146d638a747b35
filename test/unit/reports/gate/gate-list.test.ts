import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { tempDirFactory } from '../../helpers/temp-dirs.js';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runGate } from '../../../../reports/gate/run-gate.js';

const tempDir = tempDirFactory(test);
const runs = fileURLToPath(new URL('../../../fixtures/runs/', import.meta.url));
const dir = tempDir(join(tmpdir(), 'vlbench-gate-list-'));

function gatesFile(name: string, content: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(content));
  return file;
}

/** The error message of gating the baseline run against itself with this gate file. */
function errorFor(content: unknown): string {
  const file = gatesFile('gates.json', content);
  try {
    runGate(`${runs}baseline`, { baseline: `${runs}baseline`, gatesFile: file, replicates: 200 });
  } catch (error) {
    return (error as Error).message.replace(file, 'gates.json');
  }
  assert.unreachable('expected an error');
  return '';
}

test('a gate file with a JSON mistake is located by line and column, with the mistake named', () => {
  const file = join(dir, 'comma.json');
  writeFileSync(file, '{\n  "gates": [\n    { "kind": "floor", "metric": "CIDEr", "min": 0.1 },\n  ]\n}\n');
  const message = (() => {
    try {
      runGate(`${runs}baseline`, { baseline: `${runs}baseline`, gatesFile: file, replicates: 200 });
    } catch (error) {
      return (error as Error).message.replace(file, 'comma.json');
    }
    return 'no error';
  })();
  assert.is(message, "comma.json: the gate file is not valid JSON at line 3, column 55: a trailing comma before ']': JSON allows no trailing comma; remove it.");
});

test('an empty gate list is an error (it would pass every run), in both file forms', () => {
  assert.match(errorFor({ gates: [] }), /^gates\.json#\/gates: the gate list is empty, and an empty list would pass every run\. Add at least one gate, or omit --gates/);
  assert.match(errorFor([]), /^gates\.json#: the gate list is empty/);
});

test('a misspelt metric matches nothing: JSON pointer, did-you-mean and the metrics the run reports', () => {
  const message = errorFor({ gates: [{ kind: 'max-drop', metric: 'CIDer', maxDrop: 0.05 }] });
  assert.match(message, /^gates\.json#\/gates\/0\/metric: gate 0 \(CIDer drop <= 0\.05\) matches nothing in run '.*baseline': the run reports no metric 'CIDer' \(did you mean 'CIDEr'\?\); it reports: .*vqa_accuracy/);
});

test('a misspelt timing measure in a ceiling gets a suggestion too', () => {
  assert.match(errorFor([{ kind: 'ceiling', metric: 'latencyMs.p96', max: 1 }]), /^gates\.json#\/0\/metric: .*no metric or timing measure 'latencyMs\.p96' \(did you mean 'latencyMs\.p95'\?\)/);
});

test('misspelt scope names: did-you-mean and the run\'s names', () => {
  assert.match(errorFor([{ kind: 'floor', metric: 'CIDEr', task: 'shapes-captions', min: 0 }]), /#\/0\/task: .*the run has no task 'shapes-captions' \(did you mean 'shapes-caption'\?\); its tasks: shapes-retrieval, shapes-caption, shapes-vqa, shapes-instruct/);
  assert.match(errorFor([{ kind: 'floor', metric: 'CIDEr', model: 'blip-tyni', min: 0 }]), /#\/0\/model: .*the run has no model 'blip-tyni' \(did you mean 'blip-tiny'\?\)/);
  assert.match(errorFor([{ kind: 'floor', metric: 'CIDEr', family: 'instrctblip', min: 0 }]), /#\/0\/family: .*the run has no family 'instrctblip' \(did you mean 'instructblip'\?\); its families:/);
});

test('a real metric on a task that does not report it says what the task reports', () => {
  assert.match(errorFor([{ kind: 'floor', metric: 'CIDEr', task: 'shapes-vqa', min: 0 }]), /#\/0\/metric: .*the pairs in the gate's scope do not report metric 'CIDEr' \(shapes-vqa: vqa_accuracy\)/);
});

test('a timing measure in a max-drop gate points to the timing gates', () => {
  assert.match(errorFor([{ kind: 'max-drop', metric: 'samplesPerSecond', maxDrop: 1 }]), /'samplesPerSecond' is a timing measure.*'max-throughput-drop' or 'max-latency-increase'/);
});

test.run();
