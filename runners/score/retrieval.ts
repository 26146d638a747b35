/** `vlbench score retrieval`: LAVIS Recall@K keys from image-text score matrices. */
import { RETRIEVAL_METRIC_KEYS, recallFromScores } from '../../reports/metrics/recall-at-k.js';
import { formatPythonRounded } from '../../reports/metrics/python-round.js';
import { metricsList, parseFlags, requiredString } from './args.js';
import { readJsonFile } from './json-file.js';
import { selectMetrics } from './metrics-option.js';
import { readRetrievalScores } from './retrieval-file.js';
import type { ScoreSubcommand } from './subcommand.js';

const USAGE = `Usage: vlbench score retrieval --scores S [--json] [--metrics txt_r1,...]

Recall@1/5/10 exactly as LAVIS's RetrievalTask._report_metrics (lavis/tasks/retrieval.py):
image->text counts a hit when any GT caption is in the top K; text->image uses the single GT
image; equal scores are ordered like numpy's np.argsort(score)[::-1] (numpy's introsort).

  --scores S      {"scores_i2t": [[N_img x N_txt]], "scores_t2i": [[N_txt x N_img]] (optional:
                  the transpose of scores_i2t is used when absent), "img2txt": [[GT text ids per
                  image]], "txt2img": [GT image id per text]}; ids are 0-based matrix indices
  --json          print ${RETRIEVAL_METRIC_KEYS.join(', ')} in percent, full precision
  --metrics LIST  report only these keys (comma-separated or repeated)
  -h, --help      this help

agg_metrics equals txt_r_mean, as in LAVIS.`;

export const retrievalSubcommand: ScoreSubcommand = {
  name: 'retrieval',
  summary: 'Recall@1/5/10 and means as LAVIS retrieval (score matrices + GT ids)',
  usage: USAGE,
  run(argv) {
    const flags = parseFlags('retrieval', argv, {
      scores: { type: 'string' },
      json: { type: 'boolean' },
      metrics: { type: 'string', multiple: true },
    });
    if (flags.values.help === true) return USAGE;
    const keys = selectMetrics('retrieval', metricsList(flags), RETRIEVAL_METRIC_KEYS);
    const path = requiredString('retrieval', flags, 'scores');
    const metrics = recallFromScores(readRetrievalScores(path, readJsonFile(path)));
    const selected = Object.fromEntries(keys.map((key) => [key, metrics[key]]));
    if (flags.values.json === true) return JSON.stringify(selected);
    const width = Math.max(...keys.map((key) => key.length));
    return keys.map((key) => `${key.padEnd(width)}  ${formatPythonRounded(metrics[key], 2)}`).join('\n');
  },
};
