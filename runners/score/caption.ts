/** `vlbench score caption`: BLEU-1..4, ROUGE-L and CIDEr-D exactly as pycocoevalcap. */
import { scoreCaptions } from '../../reports/metrics/caption-scores.js';
import type { CaptionTokenization } from '../../reports/metrics/caption-scores.js';
import { formatPythonRounded } from '../../reports/metrics/python-round.js';
import { UsageError } from '../errors.js';
import { metricsList, optionalString, parseFlags, requiredString } from './args.js';
import { readCaptionInputs } from './caption-files.js';
import type { CaptionJsonFile } from './caption-files.js';
import { parseJsonText, readJsonText, topLevelKeysInFileOrder } from './json-file.js';
import { selectMetrics } from './metrics-option.js';
import { writeOutputFile } from './output-file.js';
import { requireResultKeys } from './result-keys.js';
import type { ScoreSubcommand } from './subcommand.js';

const CAPTION_METRICS = ['Bleu_1', 'Bleu_2', 'Bleu_3', 'Bleu_4', 'ROUGE_L', 'CIDEr'] as const;

const USAGE = `Usage: vlbench score caption --refs REFS --preds PREDS [--json] [--per-image FILE] [--tokenize ptb|none] [--metrics LIST]

COCO caption metrics exactly as pycocoevalcap (COCOEvalCap): PTB tokenization, BLEU-1..4, ROUGE-L,
CIDEr-D, on pycocoevalcap's scale (fractions; CIDEr about 1.3 for a good model).

  --refs REFS       {"<image id>": ["reference", ...]} or a COCO captions annotation file
                    {"images": [{"id"}], "annotations": [{"image_id", "caption"}]}
  --preds PREDS     {"<image id>": "caption"} or a COCO results list [{"image_id", "caption"}];
                    exactly one caption per referenced image
  --json            print {"Bleu_1", "Bleu_2", "Bleu_3", "Bleu_4", "ROUGE_L", "CIDEr"}, full precision
  --per-image FILE  write {"<image id>": {same keys}} to FILE
  --tokenize MODE   ptb (default): pycocoevalcap's PTB tokenizer; none: captions are already
                    lowercase tokens separated by spaces
  --metrics LIST    report only these (comma-separated or repeated)
  -h, --help        this help

METEOR and SPICE need Java jars that cannot be obtained here; vlbench refuses them rather than
approximating them. The table prints 3 decimals like pycocoevalcap.`;

export const captionSubcommand: ScoreSubcommand = {
  name: 'caption',
  summary: 'BLEU-1..4, ROUGE-L, CIDEr-D as pycocoevalcap (COCO refs/results or id maps)',
  usage: USAGE,
  run(argv) {
    const flags = parseFlags('caption', argv, {
      refs: { type: 'string' },
      preds: { type: 'string' },
      json: { type: 'boolean' },
      'per-image': { type: 'string' },
      tokenize: { type: 'string' },
      metrics: { type: 'string', multiple: true },
    });
    if (flags.values.help === true) return USAGE;
    const names = selectMetrics('caption', metricsList(flags), CAPTION_METRICS);
    const tokenize = readTokenize(optionalString(flags, 'tokenize'));
    const refsPath = requiredString('caption', flags, 'refs');
    const predsPath = requiredString('caption', flags, 'preds');
    const preds = readWithKeyOrder(predsPath);
    requireResultKeys(predsPath, preds.json, ['image_id', 'caption']);
    const inputs = readCaptionInputs(readWithKeyOrder(refsPath), preds);
    const scores = scoreCaptions(inputs.references, inputs.predictions, { tokenize });
    const perImageFile = optionalString(flags, 'per-image');
    if (perImageFile !== undefined) {
      const perImage = Object.fromEntries([...scores.perImage].map(([id, values]) => [id, pick(values, names)]));
      writeOutputFile(perImageFile, JSON.stringify(perImage, null, 1) + '\n');
    }
    if (flags.values.json === true) return JSON.stringify(pick(scores.metrics, names));
    return names.map((name) => `${name}: ${formatPythonRounded(scores.metrics[name], 3)}`).join('\n');
  },
};

function readWithKeyOrder(file: string): CaptionJsonFile {
  const text = readJsonText(file);
  const json = parseJsonText(file, text);
  return { file, json, keyOrder: topLevelKeysInFileOrder(text) };
}

function readTokenize(value: string | undefined): CaptionTokenization {
  if (value === undefined || value === 'ptb' || value === 'none') return value ?? 'ptb';
  throw new UsageError(`caption: --tokenize must be 'ptb' or 'none', got '${value}'`);
}

function pick(values: Readonly<Record<(typeof CAPTION_METRICS)[number], number>>, names: readonly (typeof CAPTION_METRICS)[number][]): Record<string, number> {
  return Object.fromEntries(names.map((name) => [name, values[name]]));
}
