/** `vlbench score vqa`: VQAv2 accuracy from the official question, annotation and result files. */
import { formatVqaPercent, scoreVqa } from '../../reports/metrics/vqa-accuracy.js';
import type { VqaScores } from '../../reports/metrics/vqa-accuracy.js';
import { vqaItemsFromOfficial } from '../../reports/metrics/vqa-official-format.js';
import { metricsList, optionalString, parseFlags, requiredString } from './args.js';
import { readJsonFile } from './json-file.js';
import { selectMetrics } from './metrics-option.js';
import { refuseOverwritingInputs, writeOutputFile } from './output-file.js';
import { requireResultKeys } from './result-keys.js';
import type { ScoreSubcommand } from './subcommand.js';

const USAGE = `Usage: vlbench score vqa --questions Q --annotations A --results R [--json] [--per-question FILE]

VQA accuracy exactly as LAVIS's copy of the official VQAv2 evaluator (lavis/common/vqa_tools/vqa_eval.py):
predictions normalised (punctuation, number words, articles, contractions), human answers only
punctuation-processed and only when they are not unanimous, min(#matching/3, 1) averaged over the
10 leave-one-out subsets.

  --questions Q         official questions file {"questions": [{"question_id", ...}]}
  --annotations A       official annotations file {"annotations": [{"question_id", "answers", "answer_type", "question_type"}]}
  --results R           results [{"question_id", "answer"}], exactly one per annotated question
  --json                print {"overall", "perAnswerType", "perQuestionType"} in percent, unrounded
  --per-question FILE   write {"<question_id>": percent} (unrounded) to FILE (not an input file)
  --metrics vqa_accuracy  accepted for symmetry with the other subcommands
  -h, --help            this help

The table rounds to 2 decimals like the official code (Python 3 round: exact ties to even).`;

export const vqaSubcommand: ScoreSubcommand = {
  name: 'vqa',
  summary: 'VQAv2 accuracy as LAVIS vqa_eval.py (official question/annotation/result files)',
  usage: USAGE,
  run(argv) {
    const flags = parseFlags('vqa', argv, {
      questions: { type: 'string' },
      annotations: { type: 'string' },
      results: { type: 'string' },
      json: { type: 'boolean' },
      'per-question': { type: 'string' },
      metrics: { type: 'string', multiple: true },
    });
    if (flags.values.help === true) return { stdout: USAGE, notes: [] };
    selectMetrics('vqa', metricsList(flags), ['vqa_accuracy']);
    const paths = {
      questions: requiredString('vqa', flags, 'questions'),
      annotations: requiredString('vqa', flags, 'annotations'),
      results: requiredString('vqa', flags, 'results'),
    };
    const perQuestionFile = optionalString(flags, 'per-question');
    const perQuestionTarget = perQuestionFile === undefined ? undefined : { option: '--per-question', path: perQuestionFile };
    const inputs = [{ option: '--questions', path: paths.questions }, { option: '--annotations', path: paths.annotations }, { option: '--results', path: paths.results }];
    if (perQuestionTarget) refuseOverwritingInputs('vqa', perQuestionTarget, inputs);
    const results = readJsonFile(paths.results);
    requireResultKeys(paths.results, results, ['question_id', 'answer']);
    const items = vqaItemsFromOfficial({
      questions: { file: paths.questions, json: readJsonFile(paths.questions) },
      annotations: { file: paths.annotations, json: readJsonFile(paths.annotations) },
      results: { file: paths.results, json: results },
    });
    const scores = scoreVqa(items);
    if (perQuestionTarget) writeOutputFile('vqa', perQuestionTarget, JSON.stringify(Object.fromEntries(scores.perQuestion), null, 1) + '\n');
    if (flags.values.json === true) {
      return { stdout: JSON.stringify({ overall: scores.overall, perAnswerType: scores.perAnswerType, perQuestionType: scores.perQuestionType }), notes: [] };
    }
    return { stdout: formatVqaTable(scores), notes: [] };
  },
};

/** The official demo's printout, values rounded to 2 decimals. */
export function formatVqaTable(scores: VqaScores): string {
  const rows = (record: Record<string, number>): string[] => Object.entries(record).map(([key, value]) => `${key} : ${formatVqaPercent(value)}`);
  return [
    `Overall Accuracy is: ${formatVqaPercent(scores.overall)}`,
    '',
    'Per Answer Type Accuracy is the following:',
    ...rows(scores.perAnswerType),
    '',
    'Per Question Type Accuracy is the following:',
    ...rows(scores.perQuestionType),
  ].join('\n');
}
