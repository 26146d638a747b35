/**
 * ScienceQA (problems.json + pid_splits.json). InstructBLIP evaluates the IMG subset of test:
 * problems with an image, the hint as textual context, multiple choice by candidate ranking.
 * Images: `<mediaRoot>/<split>/<pid>/image.png`, `<split>` the problem's own train/val/test (the
 * mini splits and trainval are lists of ids in pid_splits.json). Category: the problem's subject.
 */
import { join } from 'node:path';
import { failure, mediaOrFailure } from '../io.js';
import { optionBoolean, optionString, requiredFile, type DatasetLoader } from '../loader.js';
import type { InstructionSample, LoaderItem } from '../samples.js';
import { choiceFields, mediaSplit, readProblems } from './problems-json.js';

export const scienceqa: DatasetLoader = {
  name: 'scienceqa',
  description: 'ScienceQA problems.json + pid_splits.json; multiple choice with the hint as context (IMG subset by default)',
  produces: ['instruction'],
  modality: 'image',
  files: {
    problems: { required: true, description: 'problems.json' },
    splits: { required: false, description: 'pid_splits.json (default: each problem\'s "split" field)' },
  },
  options: {
    split: { type: 'string', description: 'split to evaluate', values: ['train', 'val', 'test', 'minival', 'minitrain', 'minitest', 'trainval'], default: 'test' },
    imageOnly: { type: 'boolean', description: 'only problems with an image (the IMG set InstructBLIP reports)', default: true },
  },
  mediaRoot: 'required',
  async *load(input): AsyncGenerator<LoaderItem> {
    const file = requiredFile(input, scienceqa, 'problems');
    const split = optionString(input, scienceqa, 'split');
    const imageOnly = optionBoolean(input, scienceqa, 'imageOnly');
    for await (const problem of readProblems(file, input.files.splits, split)) {
      const source = { file, at: problem.at };
      if ('failure' in problem) {
        yield failure(problem.pid, problem.failure, source);
        continue;
      }
      const f = problem.fields;
      if (typeof f.image !== 'string' && imageOnly) continue;
      const choice = choiceFields(f);
      if (typeof choice === 'string') {
        yield failure(problem.pid, choice, source);
        continue;
      }
      const media = [];
      if (typeof f.image === 'string') {
        const ref = await mediaOrFailure(problem.pid, 'image', join(input.mediaRoot, mediaSplit(f, split), problem.pid, f.image), source);
        if ('kind' in ref) {
          yield ref;
          continue;
        }
        media.push(ref);
      }
      yield {
        kind: 'instruction', id: problem.pid, media, question: choice.question, context: typeof f.hint === 'string' ? f.hint : '',
        choices: choice.choices, answerIndex: choice.answer, answers: [choice.choices[choice.answer] ?? ''],
        category: typeof f.subject === 'string' ? f.subject : '', source,
      } satisfies InstructionSample;
    }
  },
};
