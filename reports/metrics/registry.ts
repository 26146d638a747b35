/**
 * Every metric name a suite or report may use, with what it means: direction, scale, the official
 * implementation it reproduces and the task kinds it applies to. Names are the keys the official
 * code prints (pycocoevalcap's `Bleu_4`, LAVIS's `txt_r1`), so a vlbench number can be put next
 * to a paper's without translation.
 *
 * METEOR and SPICE are known names that are deliberately unavailable: they need Java jars
 * (METEOR 1.5, SPICE 1.0 with Stanford CoreNLP) that cannot be obtained here, and vlbench does
 * not approximate them, because an approximation printed under the official name would be
 * compared with published numbers.
 */

/** Task kinds, spelled as in the run records (reports/records.ts `TaskKind`). */
export type MetricTaskKind = 'captioning' | 'vqa' | 'instruction' | 'retrieval';

/**
 * 'fraction': the official code's native 0..1 style scale (pycocoevalcap; CIDEr-D is x10 and can
 * exceed 1). 'percent': 0..100, as LAVIS reports VQA, exact match and retrieval.
 */
export type MetricScale = 'fraction' | 'percent';

export interface MetricInfo {
  readonly name: MetricName;
  readonly higherIsBetter: boolean;
  readonly scale: MetricScale;
  /** The official implementation whose numbers this metric reproduces. */
  readonly reference: string;
  readonly taskKinds: readonly MetricTaskKind[];
  readonly description: string;
}

const COCO = 'pycocoevalcap (salaniz ad63453 = tylin/coco-caption 3a9afb2)';
const LAVIS_RETRIEVAL = 'LAVIS lavis/tasks/retrieval.py RetrievalTask._report_metrics @ 506965b';

function recall(name: MetricName, description: string): MetricInfo {
  return { name, higherIsBetter: true, scale: 'percent', reference: LAVIS_RETRIEVAL, taskKinds: ['retrieval'], description };
}

function bleu(n: 1 | 2 | 3 | 4): MetricInfo {
  return {
    name: `Bleu_${n}`,
    higherIsBetter: true,
    scale: 'fraction',
    reference: `${COCO} bleu/bleu.py`,
    taskKinds: ['captioning'],
    description: `corpus BLEU-${n}: clipped n-gram precisions summed over the corpus, 'closest' reference length`,
  };
}

export const METRICS = {
  Bleu_1: bleu(1),
  Bleu_2: bleu(2),
  Bleu_3: bleu(3),
  Bleu_4: bleu(4),
  ROUGE_L: {
    name: 'ROUGE_L', higherIsBetter: true, scale: 'fraction', reference: `${COCO} rouge/rouge.py`, taskKinds: ['captioning'],
    description: 'LCS F-measure with beta = 1.2, precision and recall maximised over references, corpus mean',
  },
  CIDEr: {
    name: 'CIDEr', higherIsBetter: true, scale: 'fraction', reference: `${COCO} cider/cider.py (CIDEr-D)`, taskKinds: ['captioning'],
    description: 'CIDEr-D: tf-idf n-grams (n <= 4) with document frequency over the evaluated references, clipping, length penalty sigma = 6, x10',
  },
  vqa_accuracy: {
    name: 'vqa_accuracy', higherIsBetter: true, scale: 'percent', reference: 'LAVIS lavis/common/vqa_tools/vqa_eval.py VQAEval @ 506965b (= official VQA 458a8b2)',
    taskKinds: ['vqa', 'instruction'],
    description: 'min(#matching humans / 3, 1) averaged over the 10 leave-one-out subsets; prediction normalised, GT punctuation-only when not unanimous',
  },
  exact_match: {
    name: 'exact_match', higherIsBetter: true, scale: 'percent', reference: 'LAVIS lavis/tasks/vqa.py GQATask._report_metrics @ 506965b',
    taskKinds: ['vqa', 'instruction'],
    description: 'exact match after processPunctuation + processDigitArticle (GQA, MSVD-QA, MSRVTT-QA, audio QA)',
  },
  multiple_choice_accuracy: {
    name: 'multiple_choice_accuracy', higherIsBetter: true, scale: 'percent',
    reference: 'LAVIS lavis/tasks/multimodal_classification.py MultimodalClassificationTask @ 506965b (top-1 accuracy)',
    taskKinds: ['instruction'],
    description: 'percentage of samples whose chosen option is the correct one',
  },
  txt_r1: recall('txt_r1', 'image -> text Recall@1: any ground-truth caption ranked first'),
  txt_r5: recall('txt_r5', 'image -> text Recall@5: any ground-truth caption in the top 5'),
  txt_r10: recall('txt_r10', 'image -> text Recall@10: any ground-truth caption in the top 10'),
  txt_r_mean: recall('txt_r_mean', 'mean of txt_r1, txt_r5, txt_r10'),
  img_r1: recall('img_r1', 'text -> image Recall@1'),
  img_r5: recall('img_r5', 'text -> image Recall@5'),
  img_r10: recall('img_r10', 'text -> image Recall@10'),
  img_r_mean: recall('img_r_mean', 'mean of img_r1, img_r5, img_r10'),
  r_mean: recall('r_mean', 'mean of txt_r_mean and img_r_mean (ALBEF selects checkpoints on it)'),
  agg_metrics: recall('agg_metrics', "LAVIS's retrieval agg_metrics: equal to txt_r_mean (text retrieval only)"),
} as const satisfies Record<string, MetricInfo>;

export type MetricName =
  | `Bleu_${1 | 2 | 3 | 4}`
  | 'ROUGE_L'
  | 'CIDEr'
  | 'vqa_accuracy'
  | 'exact_match'
  | 'multiple_choice_accuracy'
  | 'txt_r1' | 'txt_r5' | 'txt_r10' | 'txt_r_mean'
  | 'img_r1' | 'img_r5' | 'img_r10' | 'img_r_mean'
  | 'r_mean'
  | 'agg_metrics';

// Compile-time check that METRICS has exactly the MetricName keys.
const _keysMatch: Record<MetricName, MetricInfo> = METRICS;
void _keysMatch;

export const METRIC_NAMES = Object.keys(METRICS) as MetricName[];

/** Known names vlbench refuses to compute, with the reason shown to the user. */
export const UNAVAILABLE_METRICS: ReadonlyMap<string, string> = new Map([
  ['METEOR', 'METEOR needs the METEOR 1.5 Java jar (meteor-1.5.jar, with its paraphrase tables) that pycocoevalcap runs; it cannot be obtained here'],
  ['SPICE', 'SPICE needs the SPICE 1.0 Java jar and Stanford CoreNLP 3.6.0 jars; they cannot be obtained here'],
]);

export class UnknownMetricError extends Error {
  override name = 'UnknownMetricError';
}

export class UnavailableMetricError extends Error {
  override name = 'UnavailableMetricError';
}

/**
 * The metric with this exact name. METEOR/SPICE throw UnavailableMetricError; any other unknown
 * name throws UnknownMetricError with the closest known names.
 */
export function lookupMetric(name: string): MetricInfo {
  if (Object.hasOwn(METRICS, name)) return METRICS[name as MetricName];
  const reason = UNAVAILABLE_METRICS.get(name) ?? UNAVAILABLE_METRICS.get(name.toUpperCase());
  if (reason !== undefined) {
    throw new UnavailableMetricError(`metric '${name}' is not available: ${reason}. vlbench does not approximate it. Use the captioning metrics Bleu_1..Bleu_4, ROUGE_L and CIDEr, or run pycocoevalcap with Java for ${name.toUpperCase()}`);
  }
  const suggestions = didYouMean(name, [...METRIC_NAMES, ...UNAVAILABLE_METRICS.keys()]);
  const hint = suggestions.length > 0 ? ` Did you mean ${suggestions.map((s) => `'${s}'`).join(' or ')}?` : '';
  throw new UnknownMetricError(`unknown metric '${name}'.${hint} Known metrics: ${METRIC_NAMES.join(', ')}`);
}

/** Names within a small edit distance (case-insensitive), closest first. */
export function didYouMean(name: string, candidates: readonly string[]): string[] {
  const lowered = name.toLowerCase();
  const limit = Math.max(2, Math.floor(name.length / 3));
  return candidates
    .map((candidate) => ({ candidate, distance: editDistance(lowered, candidate.toLowerCase()) }))
    .filter(({ distance }) => distance <= limit)
    .sort((a, b) => a.distance - b.distance)
    .slice(0, 3)
    .map(({ candidate }) => candidate);
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length]!;
}
