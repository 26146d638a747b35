/**
 * ScienceQA (problems.json + pid_splits.json). InstructBLIP evaluates the IMG subset of test:
 * problems with an image, the hint as textual context, multiple choice by candidate ranking.
 * Images: `<mediaRoot>/<split>/<pid>/image.png`. Category: the problem's subject.
 */
import { join } from 'node:path';
import { failure, isStringArray, mediaOrFailure } from '../io.js';
import { optionBoolean, optionString, requiredFile, type DatasetLoader } from '../loader.js';
import type { InstructionSample, LoaderItem } from '../samples.js';
import { readProblems } from './problems-json.js';

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
    split: { type: 'string', description: 'split to evaluate', values: ['train', 'val', 'test', 'minival', 'minitrain', 'trainval'], default: 'test' },
    imageOnly: { type: 'boolean', description: 'only problems with an image (the IMG set InstructBLIP reports)', default: true },
  },
  mediaRoot: 'required',
  async *load(input): AsyncGenerator<LoaderItem> {
    const file = requiredFile(input, scienceqa, 'problems');
    const split = optionString(input, scienceqa, 'split');
    const imageOnly = optionBoolean(input, scienceqa, 'imageOnly');
    for await (const problem of readProblems(file, input.files.splits, split)) {
      const source = { file, at: `/${problem.pid}` };
      if ('missing' in problem) {
        yield failure(problem.pid, `problem ${problem.pid} is listed in the splits file but not in problems.json`, source);
        continue;
      }
      const f = problem.fields;
      if (typeof f.image !== 'string' && imageOnly) continue;
      if (typeof f.question !== 'string' || !isStringArray(f.choices) || typeof f.answer !== 'number' || f.answer < 0 || f.answer >= f.choices.length) {
        yield failure(problem.pid, 'problem needs "question", "choices" (strings) and "answer" (an index into choices)', source);
        continue;
      }
      const media = [];
      if (typeof f.image === 'string') {
        const ref = await mediaOrFailure(problem.pid, 'image', join(input.mediaRoot, split, problem.pid, f.image), source);
        if ('kind' in ref) {
          yield ref;
          continue;
        }
        media.push(ref);
      }
      yield {
        kind: 'instruction', id: problem.pid, media, question: f.question, context: typeof f.hint === 'string' ? f.hint : '',
        choices: f.choices, answerIndex: f.answer, answers: [f.choices[f.answer] ?? ''],
        category: typeof f.subject === 'string' ? f.subject : '', source,
      } satisfies InstructionSample;
    }
  },
};
