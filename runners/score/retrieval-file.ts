/**
 * Reads a retrieval scores file: {"scores_i2t": [[...]], "scores_t2i"?: [[...]], "img2txt":
 * [[text ids]], "txt2img": [image ids]} (LAVIS's `_report_metrics` inputs). Every shape, id and
 * value is checked, and a problem is reported with its JSON pointer. Also the ground-truth file that
 * goes with .npy matrices ({"img2txt", "txt2img"} alone).
 */
import { MetricInputError, describeJsonValue, isPlainObject, jsonPointer } from '../../reports/metrics/input-error.js';
import type { RetrievalScores } from '../../reports/metrics/recall-at-k.js';
import { isKarpathyDataset } from './karpathy-dataset.js';
import { isLavisRetrievalList, readLavisRetrievalList } from './retrieval-lavis-ann.js';

const KNOWN_KEYS = new Set(['scores_i2t', 'scores_t2i', 'img2txt', 'txt2img']);

export function readRetrievalScores(file: string, json: unknown): RetrievalScores & { readonly transposed: boolean } {
  if (!isPlainObject(json)) throw new MetricInputError(file, '', `expected an object {"scores_i2t", "scores_t2i"?, "img2txt", "txt2img"}, found ${describeJsonValue(json)}`);
  for (const key of Object.keys(json)) {
    if (!KNOWN_KEYS.has(key)) throw new MetricInputError(file, jsonPointer(key), `unknown key "${key}"`, `Expected only ${[...KNOWN_KEYS].join(', ')}`);
  }
  const scoresI2t = readMatrix(file, json, 'scores_i2t', undefined, undefined);
  const nImg = scoresI2t.length;
  const nTxt = scoresI2t[0]!.length;
  const transposed = json.scores_t2i === undefined;
  const scoresT2i = transposed ? transpose(scoresI2t, nTxt) : readMatrix(file, json, 'scores_t2i', nTxt, nImg);
  const img2txt = readImg2txt(file, json.img2txt, nImg, nTxt);
  const txt2img = readIdList(file, json.txt2img, ['txt2img'], nTxt, nImg, 'image');
  return { scoresI2t, scoresT2i, img2txt, txt2img, transposed };
}

export interface RetrievalGroundTruth {
  readonly img2txt: number[][];
  readonly txt2img: number[];
  /** Set when read from a LAVIS annotation list: each row's image path. */
  readonly imagePaths?: string[];
}

const GROUND_TRUTH_KEYS = new Set(['img2txt', 'txt2img']);

/**
 * The ground truth alone, for score matrices given as .npy files: {"img2txt": [[text ids]],
 * "txt2img": [image ids]} (the image count is the length of img2txt, the text count that of
 * txt2img, the ids checked as in the scores file), or LAVIS's evaluation annotation list, whose
 * order defines the ids (retrieval-lavis-ann.ts). The matrices' shapes are checked against these.
 */
export function readRetrievalGroundTruth(file: string, json: unknown): RetrievalGroundTruth {
  if (isLavisRetrievalList(json)) return readLavisRetrievalList(file, json);
  if (isKarpathyDataset(json)) {
    throw new MetricInputError(
      file,
      '',
      'this is Karpathy\'s dataset_*.json ({"images": [{"sentences", "split", ...}]}), which mixes the splits and is not what LAVIS numbers its score matrices by',
      'Pass the LAVIS evaluation annotation the matrices were computed on (coco_karpathy_test.json, flickr30k_test.json: [{"image", "caption": [...]}]), or {"img2txt", "txt2img"}',
    );
  }
  if (!isPlainObject(json)) throw new MetricInputError(file, '', `expected {"img2txt", "txt2img"} or a LAVIS annotation list [{"image", "caption": [...]}], found ${describeJsonValue(json)}`);
  for (const key of Object.keys(json)) {
    if (GROUND_TRUTH_KEYS.has(key)) continue;
    const fix = KNOWN_KEYS.has(key) ? 'With --gt the scores come from --scores-i2t/--scores-t2i; a file holding scores and ground truth together goes to --scores' : 'Expected only img2txt, txt2img';
    throw new MetricInputError(file, jsonPointer(key), `unknown key "${key}"`, fix);
  }
  for (const key of ['img2txt', 'txt2img']) {
    const value = json[key];
    if (!Array.isArray(value) || value.length === 0) {
      throw new MetricInputError(file, jsonPointer(key), `expected a non-empty array (one entry per ${key === 'img2txt' ? 'image' : 'text'}), found ${describeJsonValue(value)}`);
    }
  }
  const nImg = (json.img2txt as unknown[]).length;
  const nTxt = (json.txt2img as unknown[]).length;
  return { img2txt: readImg2txt(file, json.img2txt, nImg, nTxt), txt2img: readIdList(file, json.txt2img, ['txt2img'], nTxt, nImg, 'image') };
}

function readMatrix(file: string, json: Record<string, unknown>, key: string, rows: number | undefined, cols: number | undefined): Float64Array[] {
  const value = json[key];
  if (!Array.isArray(value) || value.length === 0) throw new MetricInputError(file, jsonPointer(key), `expected a non-empty array of score rows, found ${describeJsonValue(value)}`);
  if (rows !== undefined && value.length !== rows) {
    throw new MetricInputError(file, jsonPointer(key), `has ${value.length} rows; expected ${rows} (one per text, the column count of scores_i2t)`);
  }
  const width = cols ?? (Array.isArray(value[0]) ? value[0].length : 0);
  return value.map((row: unknown, r) => {
    if (!Array.isArray(row) || row.length === 0) throw new MetricInputError(file, jsonPointer(key, r), `expected a non-empty array of numbers, found ${describeJsonValue(row)}`);
    if (row.length !== width) {
      const expected = cols !== undefined ? `${cols} (one per image, the row count of scores_i2t)` : `${width} like row 0`;
      throw new MetricInputError(file, jsonPointer(key, r), `has ${row.length} scores; expected ${expected}`);
    }
    const out = new Float64Array(width);
    row.forEach((score: unknown, c) => {
      if (typeof score !== 'number' || !Number.isFinite(score)) {
        throw new MetricInputError(file, jsonPointer(key, r, c), `score is ${describeJsonValue(score)}; every score must be a finite number (null usually means NaN was serialised)`);
      }
      out[c] = score;
    });
    return out;
  });
}

function readImg2txt(file: string, value: unknown, nImg: number, nTxt: number): number[][] {
  if (!Array.isArray(value)) throw new MetricInputError(file, '/img2txt', `expected an array with the GT text ids of each image, found ${describeJsonValue(value)}`);
  if (value.length !== nImg) throw new MetricInputError(file, '/img2txt', `has ${value.length} entries; expected ${nImg} (one per row of scores_i2t)`);
  return value.map((ids: unknown, i) => readIdList(file, ids, ['img2txt', i], undefined, nTxt, 'text'));
}

function readIdList(file: string, value: unknown, path: (string | number)[], length: number | undefined, bound: number, what: string): number[] {
  const at = jsonPointer(...path);
  if (!Array.isArray(value)) throw new MetricInputError(file, at, `expected an array of ${what} ids, found ${describeJsonValue(value)}`);
  if (length !== undefined && value.length !== length) {
    throw new MetricInputError(file, at, `has ${value.length} entries; expected ${length} (one per text: the columns of scores_i2t)`);
  }
  return value.map((id: unknown, j) => {
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id >= bound) {
      throw new MetricInputError(file, jsonPointer(...path, j), `${describeJsonValue(id)} is not ${what === 'image' ? 'an' : 'a'} ${what} id; ${what} ids are integers 0..${bound - 1} (indices into the score matrix)`);
    }
    return id;
  });
}

function transpose(matrix: readonly Float64Array[], width: number): Float64Array[] {
  const out = Array.from({ length: width }, () => new Float64Array(matrix.length));
  matrix.forEach((row, i) => row.forEach((value, j) => (out[j]![i] = value)));
  return out;
}
