/** VQAv2 in the official questions + annotations JSON pair (v2_OpenEnded_mscoco_val2014_questions.json). */
import { optionString, type DatasetLoader } from '../loader.js';
import type { LoaderItem } from '../samples.js';
import { loadVqaFormat } from './vqa-format.js';

export const vqav2: DatasetLoader = {
  name: 'vqav2',
  description: 'VQAv2 official questions + annotations JSON (10 human answers, answer and question types)',
  produces: ['vqa'],
  modality: 'image',
  files: {
    questions: { required: true, description: 'v2_OpenEnded_mscoco_<split>_questions.json' },
    annotations: { required: false, description: 'v2_mscoco_<split>_annotations.json (absent for test splits)' },
  },
  options: { imageTemplate: { type: 'string', description: 'image file name from the image id, relative to mediaRoot', default: 'COCO_val2014_{image_id:012}.jpg' } },
  mediaRoot: 'required',
  load(input): AsyncGenerator<LoaderItem> {
    return loadVqaFormat(input, optionString(input, vqav2, 'imageTemplate'));
  },
};
