/**
 * LAVIS ranks from score matrices in .npy files plus a ground-truth JSON file. Same ranks (and
 * tie ranges) as the JSON path (reports/metrics/recall-at-k.ts: targetRank), but
 * computed row by row over one typed array per matrix: the 5k x 25k COCO matrix is held once,
 * and the default scores_t2i (the transpose of scores_i2t, as in the JSON path) is never built:
 * its rows are gathered a block of columns at a time.
 */
import { LARGEST_K, targetRank } from '../../reports/metrics/recall-at-k.js';
import type { RetrievalScores, TargetRank } from '../../reports/metrics/recall-at-k.js';
import { MetricInputError } from '../../reports/metrics/input-error.js';
import { readJsonFile } from './json-file.js';
import { readNpyMatrix, readNpyMatrixHeader } from './npy-matrix.js';
import type { NpyMatrix, NpyMatrixHeader } from './npy-matrix.js';
import { readRetrievalGroundTruth } from './retrieval-file.js';

export interface NpyRetrievalFiles {
  readonly i2t: string;
  readonly t2i?: string | undefined;
  readonly gt: string;
}

/** Each direction's ranks with their tie ranges, and the ground truth they were ranked against. */
export interface RankedRetrieval {
  readonly text: TargetRank[];
  readonly image: TargetRank[];
  readonly groundTruth: Readonly<Pick<RetrievalScores, 'img2txt' | 'txt2img'>> & { readonly imagePaths?: readonly string[] | undefined };
}

/**
 * Ranks at or past this may be lower bounds, as recallFromScores computes them: only R@1/5/10
 * are reported, and it spares sorting rows whose GT sits in LAVIS's -100 fill.
 */
const EXACT_BELOW = LARGEST_K;

/** Columns of scores_i2t gathered per pass when ranking its transpose (cache-friendly reads). */
const TRANSPOSE_BLOCK = 256;

export function rankNpyFiles(files: NpyRetrievalFiles): RankedRetrieval {
  // Headers and ground truth first: a wrong dtype, shape or id stops before 500 MB are read.
  const i2tHeader = readNpyMatrixHeader(files.i2t);
  const t2iHeader = files.t2i === undefined ? undefined : readNpyMatrixHeader(files.t2i);
  const groundTruth = readRetrievalGroundTruth(files.gt, readJsonFile(files.gt));
  const { img2txt, txt2img } = groundTruth;
  checkShape(i2tHeader, 'scores_i2t', img2txt.length, txt2img.length, files.gt);
  if (t2iHeader) checkShape(t2iHeader, 'scores_t2i', txt2img.length, img2txt.length, files.gt);

  const i2t = readNpyMatrix(i2tHeader);
  const text = img2txt.map((targets, i) => targetRank(row(i2t, i), targets, EXACT_BELOW));
  let image: TargetRank[];
  if (t2iHeader) {
    const t2i = readNpyMatrix(t2iHeader);
    image = txt2img.map((target, t) => targetRank(row(t2i, t), [target], EXACT_BELOW));
  } else {
    image = transposedRanks(i2t, txt2img);
  }
  return { text, image, groundTruth };
}

function row(matrix: NpyMatrix, r: number): Float32Array | Float64Array {
  return matrix.data.subarray(r * matrix.cols, (r + 1) * matrix.cols);
}

/** Rank of txt2img[t] in column t of `i2t` (row t of its transpose), for every text t. */
function transposedRanks(i2t: NpyMatrix, txt2img: readonly number[]): TargetRank[] {
  const { rows, cols, data } = i2t;
  const make = (): Float32Array | Float64Array => (data instanceof Float32Array ? new Float32Array(rows) : new Float64Array(rows));
  const columns = Array.from({ length: Math.min(TRANSPOSE_BLOCK, cols) }, make);
  const ranks: TargetRank[] = [];
  for (let start = 0; start < cols; start += TRANSPOSE_BLOCK) {
    const width = Math.min(TRANSPOSE_BLOCK, cols - start);
    for (let i = 0; i < rows; i++) {
      const base = i * cols + start;
      for (let k = 0; k < width; k++) columns[k]![i] = data[base + k]!;
    }
    for (let k = 0; k < width; k++) ranks.push(targetRank(columns[k]!, [txt2img[start + k]!], EXACT_BELOW));
  }
  return ranks;
}

function checkShape(header: NpyMatrixHeader, key: 'scores_i2t' | 'scores_t2i', rows: number, cols: number, gtFile: string): void {
  if (header.rows === rows && header.cols === cols) return;
  const nImg = key === 'scores_i2t' ? rows : cols;
  const nTxt = key === 'scores_i2t' ? cols : rows;
  const layout = key === 'scores_i2t' ? 'images x texts' : 'texts x images';
  const swapped = header.rows === cols && header.cols === rows;
  const fix = swapped
    ? `It looks transposed: give ${key === 'scores_i2t' ? 'score_matrix_i2t' : 'score_matrix_t2i'} (${layout}) here`
    : `Check that ${gtFile} is the ground truth these scores were computed for`;
  throw new MetricInputError(
    header.file,
    '',
    `${key} has shape (${header.rows}, ${header.cols}); ${gtFile} has ${nImg} images (img2txt) and ${nTxt} texts (txt2img), so it must be (${rows}, ${cols}): ${layout}`,
    fix,
  );
}
