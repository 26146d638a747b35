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
import { refuseOverwritingInputs, writeOutputFile } from './output-file.js';
import { requireResultKeys } from './result-keys.js';
import { jsonWithNotes } from './subcommand.js';
import type { ScoreSubcommand } from './subcommand.js';

const CAPTION_METRICS = ['Bleu_1', 'Bleu_2', 'Bleu_3', 'Bleu_4', 'ROUGE_L', 'CIDEr'] as const;

const USAGE = `Usage: vlbench score caption --refs REFS --preds PREDS [--json] [--per-image FILE] [--tokenize ptb|none] [--metrics LIST]

COCO caption metrics exactly as pycocoevalcap (COCOEvalCap): PTB tokenization, BLEU-1..4, ROUGE-L,
CIDEr-D, on pycocoevalcap's scale (fractions; CIDEr about 1.3 for a good model).

  --refs REFS       {"<image id>": ["reference", ...]} or a COCO captions annotation file
                    {"images": [{"id"}], "annotations": [{"image_id", "caption"}]}; an /images
                    entry without annotations is not scored (a note says so), as in pycocoevalcap.
                    LAVIS annotation lists and Karpathy's dataset_*.json are refused, with how
                    to convert them to an id map
  --preds PREDS     {"<image id>": "caption"} or a COCO results list [{"image_id", "caption"}];
                    exactly one caption per referenced image. Ids match as strings against an
                    id map; between a COCO annotation file and a results list 1 and "1" differ
                    (as in pycocotools and score vqa)
  --json            print {"Bleu_1", "Bleu_2", "Bleu_3", "Bleu_4", "ROUGE_L", "CIDEr"}, full
                    precision, plus "notes": [...] when there are notes (also on stderr)
  --per-image FILE  write {"<image id>": {same keys}} to FILE (not one of the input files)
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
    if (flags.values.help === true) return { stdout: USAGE, notes: [] };
    const names = selectMetrics('caption', metricsList(flags), CAPTION_METRICS);
    const tokenize = readTokenize(optionalString(flags, 'tokenize'));
    const refsPath = requiredString('caption', flags, 'refs');
    const predsPath = requiredString('caption', flags, 'preds');
    const perImageFile = optionalString(flags, 'per-image');
    const perImageTarget = perImageFile === undefined ? undefined : { option: '--per-image', path: perImageFile };
    if (perImageTarget) refuseOverwritingInputs('caption', perImageTarget, [{ option: '--refs', path: refsPath }, { option: '--preds', path: predsPath }]);
    const preds = readWithKeyOrder(predsPath);
    requireResultKeys(predsPath, preds.json, ['image_id', 'caption']);
    const inputs = readCaptionInputs(readWithKeyOrder(refsPath), preds);
    const scores = scoreCaptions(inputs.references, inputs.predictions, { tokenize });
    if (perImageTarget) {
      const perImage = Object.fromEntries([...scores.perImage].map(([id, values]) => [id, pick(values, names)]));
      writeOutputFile('caption', perImageTarget, JSON.stringify(perImage, null, 1) + '\n');
    }
    const notes = [...inputs.notes];
    if (inputs.references.size === 1 && names.includes('CIDEr')) notes.push(ONE_IMAGE_NOTE);
    if (flags.values.json === true) return { stdout: jsonWithNotes(pick(scores.metrics, names), notes), notes };
    return { stdout: names.map((name) => `${name}: ${formatPythonRounded(scores.metrics[name], 3)}`).join('\n'), notes };
  },
};

/** harnesses-and-metrics §2.4: with N = 1, every idf log(N) - log(df) is log 1 - log 1. */
const ONE_IMAGE_NOTE =
  "one image was scored, and CIDEr-D is 0 by definition for a one-image corpus: its document frequencies come from the scored images' references, so every n-gram has df = 1 = N and idf log(N/df) = 0. Score the whole test set (CIDEr-D of a subset differs from the corpus value anyway)";

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
