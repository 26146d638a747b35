/** OK-VQA: the VQAv2 file format (OpenEnded_mscoco_val2014_questions.json + mscoco_val2014_annotations.json). */
import { optionString, type DatasetLoader } from '../loader.js';
import type { LoaderItem } from '../samples.js';
import { loadVqaFormat } from './vqa-format.js';

export const okvqa: DatasetLoader = {
  name: 'okvqa',
  description: 'OK-VQA questions + annotations JSON in the VQAv2 format (COCO val2014 images)',
  produces: ['vqa'],
  modality: 'image',
  files: {
    questions: { required: true, description: 'OpenEnded_mscoco_val2014_questions.json' },
    annotations: { required: true, description: 'mscoco_val2014_annotations.json' },
  },
  options: { imageTemplate: { type: 'string', description: 'image file name from the image id, relative to mediaRoot', default: 'COCO_val2014_{image_id:012}.jpg' } },
  mediaRoot: 'required',
  load(input): AsyncGenerator<LoaderItem> {
    return loadVqaFormat(input, optionString(input, okvqa, 'imageTemplate'));
  },
};
