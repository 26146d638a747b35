/**
 * Which samples an instruction task can take, as one pure check: the task's own accept() and
 * `vlbench validate` (runners/run/datasets-ahead.ts) use it, so that what validate passes runs.
 */
import type { InstructionSample, Sample } from '../../datasets/samples.js';
import { templateUsesOptions, templateWritesQuestion } from '../../suites/templates.js';

export function asInstruction(item: Sample): InstructionSample | { readonly unusable: string } {
  if (item.kind === 'instruction') return item;
  if (item.kind === 'vqa') {
    return {
      kind: 'instruction', id: item.id, media: [item.media], question: item.question, context: '', choices: [], answerIndex: -1,
      answers: item.answers, category: item.answerType, source: item.source,
    };
  }
  return { unusable: `an instruction task needs instruction or vqa samples, the loader gave ${item.kind}` };
}

/**
 * For an instruction task with this mode and template: why it cannot run a sample, else
 * undefined. The template is read once per task, not once per sample.
 */
export function instructionRecordCheck(task: { readonly mode: 'open' | 'multiple-choice'; readonly template: string }): (sample: InstructionSample) => string | undefined {
  const writesQuestion = templateWritesQuestion(task.template);
  const writesOptions = templateUsesOptions(task.template);
  return (sample) => {
    if (task.mode === 'multiple-choice' && sample.choices.length === 0) return `sample ${sample.id} has no choices; a multiple-choice task needs them (give the record a non-empty choices list, or run it in an open-mode task)`;
    if (writesQuestion && sample.question === '') return `sample ${sample.id} has no question, but the template '${task.template}' writes it; give the record a question, or use a fixed instruction template without {question}`;
    // LAVIS cannot fill an options placeholder without choices; an empty "Options: ." is not the prompt asked for.
    if (writesOptions && sample.choices.length === 0) return `sample ${sample.id} has no choices, but the template '${task.template}' writes the options; give the record a non-empty choices list, or use a template without {options}`;
    return undefined;
  };
}
