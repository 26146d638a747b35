/** `vlbench score retrieval`: LAVIS Recall@K keys from image-text score matrices. */
import { LARGEST_K, RETRIEVAL_METRIC_KEYS, recallFromRanks, retrievalTargetRanks } from '../../reports/metrics/recall-at-k.js';
import { formatPythonRounded } from '../../reports/metrics/python-round.js';
import type { RetrievalMetricKey } from '../../reports/metrics/recall-at-k.js';
import { tieSpread } from '../../reports/metrics/recall-ties.js';
import { UsageError } from '../errors.js';
import { metricsList, optionalString, parseFlags, requiredString } from './args.js';
import type { ParsedFlags } from './args.js';
import { readJsonFile } from './json-file.js';
import { selectMetrics } from './metrics-option.js';
import { readRetrievalScores } from './retrieval-file.js';
import { rankNpyFiles } from './retrieval-npy.js';
import type { RankedRetrieval } from './retrieval-npy.js';
import { groundTruthNotes, repeatedImagePathsNote, tieNote } from './retrieval-notes.js';
import { jsonWithNotes } from './subcommand.js';
import type { ScoreSubcommand } from './subcommand.js';

const USAGE = `Usage: vlbench score retrieval --scores S [--json] [--metrics txt_r1,...]
       vlbench score retrieval --scores-i2t I2T.npy [--scores-t2i T2I.npy] --gt GT [--json] [--metrics ...]

Recall@1/5/10 exactly as LAVIS's RetrievalTask._report_metrics (lavis/tasks/retrieval.py):
image->text counts a hit when any GT caption is in the top K; text->image uses the single GT
image; ranks come from np.argsort(score)[::-1].

Equal scores are ordered as numpy's generic introsort orders them: np.argsort in numpy <= 1.24,
or in any numpy where its SIMD sort is not used for the dtype and CPU. LAVIS run with numpy >= 1.25
on an AVX-512 CPU, or numpy 2.x on AVX2 (x86-simd-sort), orders equal scores differently: where a
query's ground truth ties with other candidates across rank 1, 5 or 10, its recall there can
differ from vlbench's. A note (stderr, and "notes" in --json) gives the number of such queries
per direction and the range each affected recall can take. Ground truth that LAVIS scores but
that is probably a mistake (an image without texts, img2txt and txt2img disagreeing, a repeated
id) gets a note too; the numbers stay LAVIS's.

  --scores S          {"scores_i2t": [[N_img x N_txt]], "scores_t2i": [[N_txt x N_img]] (optional:
                      the transpose of scores_i2t is used when absent), "img2txt": [[GT text ids per
                      image]], "txt2img": [GT image id per text]}; ids are 0-based matrix indices
  --scores-i2t FILE   instead of --scores: scores_i2t as a NumPy .npy file, as np.save('i2t.npy',
                      score_matrix_i2t) writes it: N_img x N_txt, float32 or float64, C order. For
                      matrices too large for JSON (COCO 5k x 25k); needs --gt
  --scores-t2i FILE   scores_t2i as .npy, N_txt x N_img (optional: the transpose of --scores-i2t)
  --gt GT             with --scores-i2t: {"img2txt": [[GT text ids per image]], "txt2img": [GT image
                      id per text]}, checked as in --scores; or LAVIS's evaluation annotation
                      (coco_karpathy_test.json, flickr30k_test.json: [{"image", "caption": [...]}]),
                      numbered as RetrievalEvalDataset does: images in file order, texts in file
                      order (image 0's captions first)
  --json              print ${RETRIEVAL_METRIC_KEYS.join(', ')} in percent, full precision,
                      plus "notes": [...] when there are notes
  --metrics LIST      report only these keys (comma-separated or repeated)
  -h, --help          this help

agg_metrics equals txt_r_mean, as in LAVIS. Both inputs give identical metrics for the same scores.`;

export const retrievalSubcommand: ScoreSubcommand = {
  name: 'retrieval',
  summary: 'Recall@1/5/10 and means as LAVIS retrieval (score matrices + GT ids)',
  usage: USAGE,
  run(argv) {
    const flags = parseFlags('retrieval', argv, {
      scores: { type: 'string' },
      'scores-i2t': { type: 'string' },
      'scores-t2i': { type: 'string' },
      gt: { type: 'string' },
      json: { type: 'boolean' },
      metrics: { type: 'string', multiple: true },
    });
    if (flags.values.help === true) return { stdout: USAGE, notes: [] };
    const keys = selectMetrics('retrieval', metricsList(flags), RETRIEVAL_METRIC_KEYS);
    const ranked = rankInputs(flags);
    const metrics = recallFromRanks(ranked.text.map((r) => r.rank), ranked.image.map((r) => r.rank));
    const selected = Object.fromEntries(keys.map((key) => [key, metrics[key]]));
    const notes = retrievalNotes(ranked, keys);
    if (flags.values.json === true) return { stdout: jsonWithNotes(selected, notes), notes };
    const width = Math.max(...keys.map((key) => key.length));
    return { stdout: keys.map((key) => `${key.padEnd(width)}  ${formatPythonRounded(metrics[key], 2)}`).join('\n'), notes };
  },
};

function retrievalNotes(ranked: RankedRetrieval, keys: readonly RetrievalMetricKey[]): string[] {
  const { img2txt, txt2img, imagePaths } = ranked.groundTruth;
  const notes = groundTruthNotes(img2txt, txt2img);
  const repeatedPaths = imagePaths === undefined ? undefined : repeatedImagePathsNote(imagePaths);
  if (repeatedPaths !== undefined) notes.push(repeatedPaths);
  const ties = tieNote([tieSpread('txt', ranked.text), tieSpread('img', ranked.image)], keys);
  if (ties !== undefined) notes.push(ties);
  return notes;
}

const HELP = 'Run `vlbench score retrieval --help`';

/** One JSON file (--scores), or .npy matrices with a ground-truth file (--scores-i2t, --gt). */
function rankInputs(flags: ParsedFlags): RankedRetrieval {
  const i2t = optionalString(flags, 'scores-i2t');
  const t2i = optionalString(flags, 'scores-t2i');
  const gt = optionalString(flags, 'gt');
  if (i2t === undefined && t2i === undefined && gt === undefined) {
    if (optionalString(flags, 'scores') === undefined) {
      throw new UsageError(`retrieval: --scores S.json is required, or --scores-i2t I2T.npy with --gt GT.json (matrices saved with np.save). ${HELP}`);
    }
    const path = requiredString('retrieval', flags, 'scores');
    if (path.toLowerCase().endsWith('.npy')) {
      throw new UsageError(`retrieval: --scores takes the JSON scores file; a .npy matrix goes to --scores-i2t (or --scores-t2i), with --gt GT.json. ${HELP}`);
    }
    const scores = readRetrievalScores(path, readJsonFile(path));
    return { ...retrievalTargetRanks(scores, LARGEST_K), groundTruth: { img2txt: scores.img2txt, txt2img: scores.txt2img } };
  }
  if (optionalString(flags, 'scores') !== undefined) {
    throw new UsageError(`retrieval: --scores (one JSON file) and --scores-i2t/--scores-t2i/--gt (.npy matrices) are alternatives; give one. ${HELP}`);
  }
  if (i2t === undefined) throw new UsageError(`retrieval: --scores-i2t is required with ${t2i === undefined ? '--gt' : '--scores-t2i'} (image->text recall needs it). ${HELP}`);
  if (gt === undefined) throw new UsageError(`retrieval: --gt is required with --scores-i2t (the img2txt and txt2img ids). ${HELP}`);
  return rankNpyFiles({ i2t, t2i, gt });
}
