/**
 * IconQA (problems.json + pid_splits.json), the multiple-choice text sub-task (`choose_txt`)
 * InstructBLIP evaluates: `{question, choices, answer (index), ques_type, split}`. Images:
 * `<mediaRoot>/<split>/<ques_type>/<pid>/image.png` (mediaRoot: the release's `iconqa_data/iconqa`,
 * beside problems.json; `<split>` is the problem's own train/val/test). Category: the problem's
 * skill label when present, else the question type.
 *
 * The release's pid_splits.json has one list per question type and split (`choose_txt_test`,
 * `fill_in_blank_minitest`, ...: the authors' loaders read `pid_splits['%s_%s' % (task, split)]`);
 * `choose_txt_<split>` is read, else a bare `<split>` list (a file of one task's ids).
 */
import { join } from 'node:path';
import { failure, mediaOrFailure } from '../io.js';
import { optionString, requiredFile, type DatasetLoader } from '../loader.js';
import type { InstructionSample, LoaderItem } from '../samples.js';
import { choiceFields, mediaSplit, readProblems } from './problems-json.js';

/** The question type (IconQA task) evaluated: multiple choice among text answers. */
const TASK = 'choose_txt';

export const iconqa: DatasetLoader = {
  name: 'iconqa',
  description: 'IconQA problems.json + pid_splits.json, multiple-choice (choose_txt) problems',
  produces: ['instruction'],
  modality: 'image',
  files: {
    problems: { required: true, description: 'problems.json' },
    splits: { required: false, description: 'pid_splits.json (default: each problem\'s "split" field)' },
  },
  options: {
    split: {
      type: 'string', description: 'split to evaluate (pid_splits.json key choose_txt_<split>, else <split>; the mini splits and trainval need pid_splits.json)',
      values: ['train', 'val', 'test', 'trainval', 'minitrain', 'minival', 'minitest'], default: 'test',
    },
  },
  mediaRoot: 'required',
  async *load(input): AsyncGenerator<LoaderItem> {
    const file = requiredFile(input, iconqa, 'problems');
    const split = optionString(input, iconqa, 'split');
    for await (const problem of readProblems(file, input.files.splits, split, [`${TASK}_${split}`, split])) {
      const source = { file, at: problem.at };
      if ('failure' in problem) {
        yield failure(problem.pid, problem.failure, source);
        continue;
      }
      const f = problem.fields;
      if (f.ques_type !== undefined && f.ques_type !== TASK) continue;
      const choice = choiceFields(f);
      if (typeof choice === 'string') {
        yield failure(problem.pid, choice, source);
        continue;
      }
      const media = await mediaOrFailure(problem.pid, 'image', join(input.mediaRoot, mediaSplit(f, split), TASK, problem.pid, 'image.png'), source);
      if ('kind' in media) {
        yield media;
        continue;
      }
      yield {
        kind: 'instruction', id: problem.pid, media: [media], question: choice.question, context: '',
        choices: choice.choices, answerIndex: choice.answer, answers: [choice.choices[choice.answer] ?? ''],
        category: typeof f.label === 'string' ? f.label : TASK, source,
      } satisfies InstructionSample;
    }
  },
};
