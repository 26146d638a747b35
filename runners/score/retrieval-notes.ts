/**
 * Notes for `vlbench score retrieval`: what the ten numbers do not show. They never change a
 * number (LAVIS's are reproduced as they are); they say where LAVIS's own result is ambiguous
 * (ties across a cut-off) or where the ground truth probably is not what was meant.
 */
import { formatPythonRounded } from '../../reports/metrics/python-round.js';
import type { RetrievalMetricKey } from '../../reports/metrics/recall-at-k.js';
import type { RecallDirection, TieSpread } from '../../reports/metrics/recall-ties.js';
import { firstFew } from './subcommand.js';

/** The keys computed from one direction's ranks, besides its own R@K. */
const DEPENDENT_KEYS: Record<RecallDirection, readonly RetrievalMetricKey[]> = {
  txt: ['txt_r_mean', 'r_mean', 'agg_metrics'],
  img: ['img_r_mean', 'r_mean'],
};

const TIE_ORDER = "vlbench orders equal scores as numpy's generic introsort does (np.argsort in numpy <= 1.24, or in any numpy where its SIMD sort is not used for the dtype and CPU); LAVIS run with numpy >= 1.25 on an AVX-512 CPU, or numpy 2.x on AVX2, orders them differently";

/**
 * One note when some reported key depends on how tied scores are ordered, with the range of
 * each tie-dependent recall; undefined when none of `selected` does.
 */
export function tieNote(spreads: readonly TieSpread[], selected: readonly RetrievalMetricKey[]): string | undefined {
  const relevant = spreads
    .map((spread) => ({ spread, ranges: spread.ranges.filter((r) => selected.includes(r.key) || DEPENDENT_KEYS[spread.direction].some((k) => selected.includes(k))) }))
    .filter(({ ranges }) => ranges.length > 0);
  if (relevant.length === 0) return undefined;
  const counts = relevant.map(({ spread }) => `${spread.affected} of ${spread.queries} ${spread.direction === 'txt' ? 'images (txt_r*)' : 'texts (img_r*)'}`);
  const ranges = relevant.flatMap(({ ranges }) => ranges.map((r) => `${r.key} ${formatPythonRounded(r.min, 2)}..${formatPythonRounded(r.max, 2)}`));
  return `tied scores at a recall cut-off: for ${counts.join(' and ')} the ground truth ties with other candidates across rank 1, 5 or 10, so these recalls depend on the order of equal scores and could be ${ranges.join(', ')} (means accordingly). ${TIE_ORDER}, so its values can be anywhere in these ranges`;
}

/**
 * Notes on ground truth LAVIS scores without complaint but that is probably not what was meant:
 * images without texts, a text listed twice, img2txt and txt2img disagreeing.
 */
export function groundTruthNotes(img2txt: readonly (readonly number[])[], txt2img: readonly number[]): string[] {
  const single = [emptyImagesNote(img2txt), repeatedTextsNote(img2txt)].filter((note): note is string => note !== undefined);
  return [...single, ...disagreementNotes(img2txt, txt2img)];
}

function emptyImagesNote(img2txt: readonly (readonly number[])[]): string | undefined {
  const empty = img2txt.flatMap((texts, i) => (texts.length === 0 ? [String(i)] : []));
  if (empty.length === 0) return undefined;
  const which = empty.length === 1 ? `image ${empty[0]} has` : `images ${firstFew(empty)} have`;
  return `${which} no ground-truth text (empty img2txt entry): ${empty.length === 1 ? 'it counts' : 'each counts'} as a miss in every txt_r@K, as in LAVIS (rank 1e20), which lowers txt_r1/5/10`;
}

function repeatedTextsNote(img2txt: readonly (readonly number[])[]): string | undefined {
  const repeats: string[] = [];
  img2txt.forEach((texts, i) => {
    const seen = new Set<number>();
    const twice = new Set<number>();
    for (const t of texts) {
      if (seen.has(t)) twice.add(t);
      else seen.add(t);
    }
    if (twice.size > 0) repeats.push(`image ${i} (text ${[...twice].join(', ')})`);
  });
  if (repeats.length === 0) return undefined;
  return `img2txt lists a text more than once for ${firstFew(repeats)}: no effect on the numbers (an image's rank is that of its best ground-truth text)`;
}

/** Texts in no image's img2txt entry, and texts whose img2txt image(s) are not their txt2img image. */
function disagreementNotes(img2txt: readonly (readonly number[])[], txt2img: readonly number[]): string[] {
  const owners: number[][] = Array.from({ length: txt2img.length }, () => []);
  img2txt.forEach((texts, i) => {
    for (const t of new Set(texts)) owners[t]!.push(i);
  });
  const unlisted: string[] = [];
  const conflicting: string[] = [];
  owners.forEach((images, t) => {
    if (images.length === 0) unlisted.push(String(t));
    else if (images.length > 1 || images[0] !== txt2img[t]) conflicting.push(`text ${t} (img2txt: image${images.length > 1 ? 's' : ''} ${images.join(', ')}; txt2img: image ${txt2img[t]})`);
  });
  const notes: string[] = [];
  if (unlisted.length > 0) {
    const which = unlisted.length === 1 ? `text ${unlisted[0]} is` : `texts ${firstFew(unlisted)} are`;
    notes.push(`${which} in no image's img2txt entry, though txt2img gives ${unlisted.length === 1 ? 'it' : 'each'} an image: ${unlisted.length === 1 ? 'it counts' : 'they count'} in img_r* but can never be a txt_r* hit, as in LAVIS`);
  }
  if (conflicting.length > 0) {
    notes.push(`img2txt and txt2img disagree for ${firstFew(conflicting)}: txt_r* takes the pairs from img2txt and img_r* from txt2img, as LAVIS does, so the two directions score different ground truths`);
  }
  return notes;
}

/** LAVIS's annotation list: an image listed twice becomes two rows, each with its own captions. */
export function repeatedImagePathsNote(imagePaths: readonly string[]): string | undefined {
  const firstRow = new Map<string, number>();
  const repeats: string[] = [];
  imagePaths.forEach((path, i) => {
    const first = firstRow.get(path);
    if (first === undefined) firstRow.set(path, i);
    else repeats.push(`${JSON.stringify(path)} (images ${first} and ${i})`);
  });
  if (repeats.length === 0) return undefined;
  return `the annotation lists the same image path more than once: ${firstFew(repeats)}. LAVIS ranks each entry as a separate image with only its own captions as ground truth, so the other entry's captions count against it`;
}
