/**
 * The LAVIS retrieval evaluation annotation as `score retrieval --gt`: coco_karpathy_test.json,
 * flickr30k_test.json, `[{"image": path, "caption": ["...", ...]}, ...]`. LAVIS's
 * RetrievalEvalDataset (lavis/datasets/datasets/retrieval_datasets.py @ 506965b) numbers the
 * images in file order and the texts in file order, image 0's captions first, and these numbers
 * are the rows and columns of its score matrices; img2txt and txt2img follow from them.
 */
import { MetricInputError, describeJsonValue, isPlainObject, jsonPointer } from '../../reports/metrics/input-error.js';

export interface LavisRetrievalGroundTruth {
  readonly img2txt: number[][];
  readonly txt2img: number[];
  /** The "image" of each entry, in file order (row order). */
  readonly imagePaths: string[];
}

/** True for a list whose first entry looks like LAVIS's: an object with "image" or "caption". */
export function isLavisRetrievalList(json: unknown): json is unknown[] {
  return Array.isArray(json) && json.length > 0 && isPlainObject(json[0]) && ('image' in json[0] || 'caption' in json[0]);
}

export function readLavisRetrievalList(file: string, json: readonly unknown[]): LavisRetrievalGroundTruth {
  const img2txt: number[][] = [];
  const txt2img: number[] = [];
  const imagePaths: string[] = [];
  json.forEach((entry: unknown, i) => {
    if (!isPlainObject(entry)) throw new MetricInputError(file, jsonPointer(i), `expected {"image", "caption": [...]}, found ${describeJsonValue(entry)}`);
    if (typeof entry.image !== 'string') {
      throw new MetricInputError(file, jsonPointer(i, 'image'), `expected the image path (a string), found ${describeJsonValue(entry.image)}`, 'LAVIS\'s RetrievalEvalDataset reads ann["image"] of every entry');
    }
    imagePaths.push(entry.image);
    const texts: number[] = [];
    const count = readCaptions(file, i, entry.caption).length;
    for (let k = 0; k < count; k++) {
      texts.push(txt2img.length);
      txt2img.push(i);
    }
    img2txt.push(texts);
  });
  if (txt2img.length === 0) throw new MetricInputError(file, '', 'no entry has a caption, so there are no texts to retrieve', 'Pass the evaluation annotation the score matrices were computed on');
  return { img2txt, txt2img, imagePaths };
}

function readCaptions(file: string, i: number, caption: unknown): unknown[] {
  if (typeof caption === 'string') {
    // enumerate(ann["caption"]) in RetrievalEvalDataset would make every character a text.
    throw new MetricInputError(
      file,
      jsonPointer(i, 'caption'),
      'is one string; LAVIS\'s RetrievalEvalDataset enumerates "caption", so it would number every character as a text',
      'The evaluation annotations (coco_karpathy_test.json, flickr30k_test.json) hold a list of captions per image; a file with one entry per caption is a training annotation. Wrap single captions as ["..."]',
    );
  }
  if (!Array.isArray(caption)) throw new MetricInputError(file, jsonPointer(i, 'caption'), `expected a list of captions, found ${describeJsonValue(caption)}`);
  caption.forEach((text: unknown, j) => {
    if (typeof text !== 'string') throw new MetricInputError(file, jsonPointer(i, 'caption', j), `expected a caption string, found ${describeJsonValue(text)}`);
  });
  return caption;
}
