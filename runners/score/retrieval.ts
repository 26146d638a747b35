/** `vlbench score retrieval`: LAVIS Recall@K keys from image-text score matrices. */
import { RETRIEVAL_METRIC_KEYS, recallFromScores } from '../../reports/metrics/recall-at-k.js';
import { formatPythonRounded } from '../../reports/metrics/python-round.js';
import type { RetrievalMetrics } from '../../reports/metrics/recall-at-k.js';
import { UsageError } from '../errors.js';
import { metricsList, optionalString, parseFlags, requiredString } from './args.js';
import type { ParsedFlags } from './args.js';
import { readJsonFile } from './json-file.js';
import { selectMetrics } from './metrics-option.js';
import { readRetrievalScores } from './retrieval-file.js';
import { recallFromNpyFiles } from './retrieval-npy.js';
import type { ScoreSubcommand } from './subcommand.js';

const USAGE = `Usage: vlbench score retrieval --scores S [--json] [--metrics txt_r1,...]
       vlbench score retrieval --scores-i2t I2T.npy [--scores-t2i T2I.npy] --gt GT [--json] [--metrics ...]

Recall@1/5/10 exactly as LAVIS's RetrievalTask._report_metrics (lavis/tasks/retrieval.py):
image->text counts a hit when any GT caption is in the top K; text->image uses the single GT
image; equal scores are ordered like numpy's np.argsort(score)[::-1] (numpy's introsort).

  --scores S          {"scores_i2t": [[N_img x N_txt]], "scores_t2i": [[N_txt x N_img]] (optional:
                      the transpose of scores_i2t is used when absent), "img2txt": [[GT text ids per
                      image]], "txt2img": [GT image id per text]}; ids are 0-based matrix indices
  --scores-i2t FILE   instead of --scores: scores_i2t as a NumPy .npy file, as np.save('i2t.npy',
                      score_matrix_i2t) writes it: N_img x N_txt, float32 or float64, C order. For
                      matrices too large for JSON (COCO 5k x 25k); needs --gt
  --scores-t2i FILE   scores_t2i as .npy, N_txt x N_img (optional: the transpose of --scores-i2t)
  --gt GT             with --scores-i2t: {"img2txt": [[GT text ids per image]], "txt2img": [GT image
                      id per text]}, checked as in --scores
  --json              print ${RETRIEVAL_METRIC_KEYS.join(', ')} in percent, full precision
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
    if (flags.values.help === true) return USAGE;
    const keys = selectMetrics('retrieval', metricsList(flags), RETRIEVAL_METRIC_KEYS);
    const metrics = scoreInputs(flags);
    const selected = Object.fromEntries(keys.map((key) => [key, metrics[key]]));
    if (flags.values.json === true) return JSON.stringify(selected);
    const width = Math.max(...keys.map((key) => key.length));
    return keys.map((key) => `${key.padEnd(width)}  ${formatPythonRounded(metrics[key], 2)}`).join('\n');
  },
};

const HELP = 'Run `vlbench score retrieval --help`';

/** One JSON file (--scores), or .npy matrices with a ground-truth file (--scores-i2t, --gt). */
function scoreInputs(flags: ParsedFlags): RetrievalMetrics {
  const i2t = optionalString(flags, 'scores-i2t');
  const t2i = optionalString(flags, 'scores-t2i');
  const gt = optionalString(flags, 'gt');
  if (i2t === undefined && t2i === undefined && gt === undefined) {
    const path = requiredString('retrieval', flags, 'scores');
    if (path.toLowerCase().endsWith('.npy')) {
      throw new UsageError(`retrieval: --scores takes the JSON scores file; a .npy matrix goes to --scores-i2t (or --scores-t2i), with --gt GT.json. ${HELP}`);
    }
    return recallFromScores(readRetrievalScores(path, readJsonFile(path)));
  }
  if (optionalString(flags, 'scores') !== undefined) {
    throw new UsageError(`retrieval: --scores (one JSON file) and --scores-i2t/--scores-t2i/--gt (.npy matrices) are alternatives; give one. ${HELP}`);
  }
  if (i2t === undefined) throw new UsageError(`retrieval: --scores-i2t is required with ${t2i === undefined ? '--gt' : '--scores-t2i'} (image->text recall needs it). ${HELP}`);
  if (gt === undefined) throw new UsageError(`retrieval: --gt is required with --scores-i2t (the img2txt and txt2img ids). ${HELP}`);
  return recallFromNpyFiles({ i2t, t2i, gt });
}
