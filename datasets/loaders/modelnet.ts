/**
 * ModelNet40 (modelnet40_shape_names.txt + modelnet40_test.txt): each listed shape, e.g.
 * `airplane_0627`, is a point-cloud file `<mediaRoot>/airplane/airplane_0627.txt` (template
 * option). Zero-shot classification as X-InstructBLIP runs it: multiple choice over the 40 class
 * names; the category is the class. A class name listed twice stops the load: it would be one
 * choice offered twice to every shape.
 */
import { FirstSeen } from '../ids.js';
import { failure, fillTemplate, mediaAt, readLines } from '../io.js';
import { DatasetError, optionString, requiredFile, type DatasetLoader } from '../loader.js';
import type { InstructionSample, LoaderItem } from '../samples.js';

export const modelnet: DatasetLoader = {
  name: 'modelnet',
  description: 'ModelNet40-style point clouds: shape names file + list of shapes; multiple choice over the class names',
  produces: ['instruction'],
  modality: 'pointcloud',
  files: {
    shapeNames: { required: true, description: 'modelnet40_shape_names.txt (one class per line)' },
    shapes: { required: true, description: 'modelnet40_test.txt (one shape name per line, <class>_<NNNN>)' },
  },
  options: {
    fileTemplate: { type: 'string', description: 'point cloud file from {shape} (class) and {name}, relative to mediaRoot', default: '{shape}/{name}.txt' },
    question: { type: 'string', description: 'the instruction given with each shape', default: 'describe the 3d model.' },
  },
  mediaRoot: 'required',
  async *load(input): AsyncGenerator<LoaderItem> {
    const namesFile = requiredFile(input, modelnet, 'shapeNames');
    const shapesFile = requiredFile(input, modelnet, 'shapes');
    const classes: string[] = [];
    const classLines = new FirstSeen<number>();
    for await (const { line, number } of readLines(namesFile)) {
      const name = line.trim();
      if (name === '') continue;
      // Every shape's choices are this list: a repeat would offer one class twice to every sample.
      const first = classLines.repeatOf(name, number);
      if (first !== undefined) throw new DatasetError(`${namesFile} line ${number}: class '${name}' is listed again (first on line ${first}); every shape is asked to choose among these names, so remove the repeat`);
      classes.push(name);
    }
    if (classes.length === 0) throw new DatasetError(`${namesFile}: no class names`);
    const template = optionString(input, modelnet, 'fileTemplate');
    const question = optionString(input, modelnet, 'question');
    for await (const { line, number } of readLines(shapesFile)) {
      const name = line.trim();
      if (name === '') continue;
      const source = { file: shapesFile, at: String(number) };
      const shape = name.replace(/_\d+$/, '');
      const answerIndex = classes.indexOf(shape);
      if (answerIndex < 0) {
        yield failure(name, `class '${shape}' of ${name} is not in ${namesFile}`, source);
        continue;
      }
      const media = await mediaAt(name, 'pointcloud', input.mediaRoot, fillTemplate(template, { shape, name }), source);
      if ('kind' in media) yield media;
      else yield { kind: 'instruction', id: name, media: [media], question, context: '', choices: classes, answerIndex, answers: [shape], category: shape, source } satisfies InstructionSample;
    }
  },
};
