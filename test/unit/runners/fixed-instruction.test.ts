/**
 * Fixed-instruction tasks on the generic loaders (ESC-50 with X-InstructBLIP's describe-audio:
 * every sample is asked the same thing, candidates ranked): an instruction record may have no
 * question field. A template that writes {question} then fails such a sample, naming it, instead
 * of asking an empty question; a question field that is there but not text is still malformed.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Sample } from '../../../datasets/samples.js';
import type { TaskContext } from '../../../runners/tasks/context.js';
import { instructionTask } from '../../../runners/tasks/instruction.js';
import { failureAt, load, removeTempDatasets, summary, tempDataset } from '../datasets/temp-dataset.js';

const records = [
  { id: 'dog', audio: 'a.wav', choices: ['dog', 'rain'], answer_index: 0 },
  { id: 'odd', audio: 'a.wav', question: { text: 'what?' }, choices: ['dog', 'rain'], answer_index: 1 },
];

async function esc50(): Promise<Sample[]> {
  const root = tempDataset({ 'a.wav': '', 'esc.jsonl': records.map((r) => JSON.stringify(r)).join('\n') });
  const items = await load('jsonl', root, { records: 'esc.jsonl' }, { modality: 'audio', mediaField: 'audio' });
  assert.equal(summary(items), ['instruction:dog', 'failure:odd']);
  assert.match(failureAt(items[1]), /missing or malformed field 'question'/);
  return items.filter((i): i is Sample => i.kind === 'instruction');
}

/** Only what `accept` reads: the settings and that the model has the capability. */
function contextWith(template: string): TaskContext {
  const settings = { kind: 'instruction', mode: 'multiple-choice', template, candidateTemplate: '{}', questionProcessor: 'none' };
  return { settings, model: { adapter: { instruction: {} } } } as unknown as TaskContext;
}

test('a record without a question loads; a fixed template takes it, a {question} template fails it', async () => {
  const [dog] = await esc50();
  assert.ok(dog?.kind === 'instruction' && dog.question === '');
  assert.equal(instructionTask(contextWith('describe-audio')).accept(dog), dog);
  const refused = instructionTask(contextWith('Question: {question} Answer:')).accept(dog) as { invalid?: string };
  assert.match(refused.invalid ?? 'accepted', /sample dog has no question, but the template .* writes it/);
});

test.after(removeTempDatasets);

test.run();
