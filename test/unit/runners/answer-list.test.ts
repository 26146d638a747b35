/**
 * A VQA task's answer list must exist where a model ranks with it, and only there: the
 * ready-to-fill OK-VQA suite filled in with BLIP-2 (which generates) runs without LAVIS's
 * answer-list file; with BLIP (which ranks) the missing file is reported at /tasks/0/answerList
 * before anything runs. (A suite that names only generating models has no use for an answer
 * list at all: test/unit/runners/unused-candidates.test.ts.)
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateCommand } from '../../../runners/commands/validate.js';
import { EXIT } from '../../../runners/exit-codes.js';
import { tempDir } from './helpers/run-double.js';

const bundled = join(process.cwd(), 'datasets/bundled');

/** The suite with its model filled in (`--data model=...`), as the shipped okvqa suite is run. */
function suiteFor(model: string): string[] {
  const file = join(tempDir('answer-list'), 'okvqa-like.suite.json');
  writeFileSync(file, JSON.stringify({
    name: 'okvqa-like', data: { model: null }, models: ['${data.model}'],
    tasks: [{
      kind: 'vqa', id: 'vqa', answerList: join(bundled, 'vqa/no_such_answer_list.json'),
      dataset: { loader: 'vqav2', files: { questions: join(bundled, 'vqa/v2_OpenEnded_synth_default_questions.json'), annotations: join(bundled, 'vqa/v2_synth_default_annotations.json') }, mediaRoot: bundled, options: { imageTemplate: 'images/synth_test_{image_id:012}.png' } },
    }],
  }));
  return [file, '--data', `model=${join(process.cwd(), 'models/tiny', model, 'model.json')}`];
}

async function validate(argv: string[]): Promise<{ code: number; text: string }> {
  let text = '';
  const [out, err] = [process.stdout.write, process.stderr.write];
  const capture = ((chunk: string) => ((text += String(chunk)), true)) as typeof process.stdout.write;
  process.stdout.write = capture;
  process.stderr.write = capture;
  try {
    return { code: await validateCommand.run(argv), text };
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
