/**
 * A VQA task's answer list must exist where a model ranks with it, and only there: OK-VQA with
 * BLIP-2 (which generates) runs without LAVIS's answer-list file; with BLIP (which ranks) the
 * missing file is reported at /tasks/0/answerList before anything runs.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateCommand } from '../../../runners/commands/validate.js';
import { EXIT } from '../../../runners/exit-codes.js';
import { tempDir } from './helpers/run-double.js';

const bundled = join(process.cwd(), 'datasets/bundled');

function suiteFor(model: string): string {
  const file = join(tempDir('answer-list'), 'okvqa-like.suite.json');
  writeFileSync(file, JSON.stringify({
    name: 'okvqa-like', models: [model],
    tasks: [{
      kind: 'vqa', id: 'vqa', answerList: join(bundled, 'vqa/no_such_answer_list.json'),
      dataset: { loader: 'vqav2', files: { questions: join(bundled, 'vqa/v2_OpenEnded_synth_default_questions.json'), annotations: join(bundled, 'vqa/v2_synth_default_annotations.json') }, mediaRoot: join(bundled, 'images') },
    }],
  }));
  return file;
}

async function validate(file: string): Promise<{ code: number; text: string }> {
  let text = '';
  const [out, err] = [process.stdout.write, process.stderr.write];
  const capture = ((chunk: string) => ((text += String(chunk)), true)) as typeof process.stdout.write;
  process.stdout.write = capture;
  process.stderr.write = capture;
  try {
    return { code: await validateCommand.run([file]), text };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
}

test('a generating model needs no answer list on disk', async () => {
  const { code, text } = await validate(suiteFor('tiny-blip2-opt'));
  assert.is(code, EXIT.ok, text);
});

test('a ranking model reports the missing answer list at its pointer', async () => {
  const { code, text } = await validate(suiteFor('tiny-blip'));
  assert.is(code, EXIT.harnessError);
  assert.match(text, /\/tasks\/0\/answerList: file not found: .*no_such_answer_list\.json \(a model of the suite ranks answers with it\)/);
});

test.run();
