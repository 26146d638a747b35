/**
 * VQA accuracy exactly as LAVIS's copy of the VQAv2 evaluator computes it
 * (`lavis/common/vqa_tools/vqa_eval.py` `VQAEval.evaluate` @ LAVIS 506965b), plus the `gqa`
 * task's exact-match scorer (`lavis/tasks/vqa.py` `GQATask._report_metrics`).
 *
 * Per question (VQAv2 has 10 human answers):
 * - the prediction always gets `\n`/`\t` -> space, strip, processPunctuation, processDigitArticle;
 * - the human answers are NEVER stripped, lowercased or digit-mapped; they get processPunctuation
 *   only, and only when the raw answers are not all identical (so with 10x "Yes" a prediction
 *   "yes" scores 0, and with 10x "2" a prediction "two" scores 100);
 * - for each answer i, acc_i = min(1, #{other answers equal to the prediction} / 3), and the
 *   question scores the mean of acc_i over the 10 leave-one-out subsets (0, 30, 60, 90, 100 %).
 *
 * The official code removes "answer i" by dict inequality, which equals removal by index when
 * every answer dict is distinct (answer_id makes them so; the file loader rejects duplicates).
 *
 * Aggregates are `100 * sum / count` in question order, like `setAccuracy`, but NOT rounded:
 * the official code rounds to 2 decimals (Python 3 `round`, ties to even) before anyone sees
 * the value; vlbench keeps full precision and rounds only for display (`formatVqaPercent`).
 */
import { formatPythonRounded } from './python-round.js';
import { processDigitArticle, processPunctuation, normalizeVqaPrediction } from './vqa-normalize.js';

export interface VqaItem {
  readonly questionId: string;
  readonly prediction: string;
  /** The human answers in annotation order, raw (as in the annotation file). */
  readonly answers: readonly string[];
  readonly answerType: string;
  readonly questionType: string;
}

export interface VqaScores {
  /** Percent, unrounded. */
  readonly overall: number;
  /** Answer type -> percent, unrounded, in order of first appearance. */
  readonly perAnswerType: Record<string, number>;
  /** Question type -> percent, unrounded, in order of first appearance. */
  readonly perQuestionType: Record<string, number>;
  /** Question id -> percent (100 * mean leave-one-out accuracy), unrounded, in item order. */
  readonly perQuestion: Map<string, number>;
}

/** Accuracy of one question as a fraction in [0, 1] (`avgGTAcc`). */
export function vqaQuestionAccuracy(prediction: string, answers: readonly string[]): number {
  if (answers.length === 0) throw new RangeError('VQA accuracy needs at least one human answer');
  const resAns = normalizeVqaPrediction(prediction);
  const allIdentical = new Set(answers).size <= 1;
  const gtAnswers = allIdentical ? answers : answers.map(processPunctuation);
  const gtAcc: number[] = [];
  for (let left = 0; left < gtAnswers.length; left++) {
    let matching = 0;
    for (let other = 0; other < gtAnswers.length; other++) {
      if (other !== left && gtAnswers[other] === resAns) matching += 1;
    }
    gtAcc.push(Math.min(1, matching / 3));
  }
  return sum(gtAcc) / gtAcc.length;
}

/** `VQAEval.evaluate` + `setAccuracy` over the items, in percent, unrounded. */
export function scoreVqa(items: readonly VqaItem[]): VqaScores {
  if (items.length === 0) throw new RangeError('VQA accuracy needs at least one question');
  const accQA: number[] = [];
  const byAnswerType = new Map<string, number[]>();
  const byQuestionType = new Map<string, number[]>();
  const perQuestion = new Map<string, number>();
  for (const item of items) {
    if (perQuestion.has(item.questionId)) {
      throw new RangeError(`VQA accuracy: question id '${item.questionId}' appears twice; each question must be scored once`);
    }
    if (item.answers.length === 0) {
      throw new RangeError(`VQA accuracy: question id '${item.questionId}' has no human answers`);
    }
    const acc = vqaQuestionAccuracy(item.prediction, item.answers);
    accQA.push(acc);
    pushTo(byAnswerType, item.answerType, acc);
    pushTo(byQuestionType, item.questionType, acc);
    perQuestion.set(item.questionId, 100 * acc);
  }
  return {
    overall: percentOfMean(accQA),
    perAnswerType: percentsByKey(byAnswerType),
    perQuestionType: percentsByKey(byQuestionType),
    perQuestion,
  };
}

/** A percentage as the official evaluator reports it: `round(x, 2)` under Python 3, printed `%.02f`. */
export function formatVqaPercent(percent: number): string {
  return formatPythonRounded(percent, 2);
}

/** Which answers the `gqa` task normalises: LAVIS HEAD normalises both; the May-2023 code only the prediction. */
export type ExactMatchNormalization = 'prediction-and-answer' | 'prediction-only';

export interface ExactMatchItem {
  readonly id: string;
  readonly prediction: string;
  readonly answer: string;
}

export interface ExactMatchScores {
  /** `sum(acc) / len(acc) * 100`, unrounded (the task's own order of operations). */
  readonly accuracy: number;
  /** Id -> 1 or 0. */
  readonly perItem: Map<string, number>;
}

/**
 * LAVIS `gqa` task accuracy (GQA, MSVD-QA, MSRVTT-QA, audio QA): processPunctuation then
 * processDigitArticle on the prediction (no newline/strip cleanup, unlike VQAv2) and, at LAVIS
 * HEAD, on the single ground-truth answer; 1 if equal else 0.
 */
export function scoreExactMatch(
  items: readonly ExactMatchItem[],
  normalization: ExactMatchNormalization = 'prediction-and-answer',
): ExactMatchScores {
  if (items.length === 0) throw new RangeError('exact-match accuracy needs at least one item');
  const perItem = new Map<string, number>();
  const acc: number[] = [];
  for (const item of items) {
    if (perItem.has(item.id)) throw new RangeError(`exact-match accuracy: id '${item.id}' appears twice`);
    const pred = processDigitArticle(processPunctuation(item.prediction));
    const answer = normalizeExactMatchAnswer(item.answer, normalization);
    const hit = pred === answer ? 1 : 0;
    acc.push(hit);
    perItem.set(item.id, hit);
  }
  return { accuracy: (sum(acc) / acc.length) * 100, perItem };
}

function normalizeExactMatchAnswer(answer: string, normalization: ExactMatchNormalization): string {
  switch (normalization) {
    case 'prediction-and-answer':
      return processDigitArticle(processPunctuation(answer));
    case 'prediction-only':
      return answer;
    default: {
      const never: never = normalization;
      throw new RangeError(`unknown exact-match normalization '${String(never)}'`);
    }
  }
}

/** Left-to-right sum, the same order as Python's `sum(list)`. */
function sum(values: readonly number[]): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}

/** `100 * float(sum(values)) / len(values)`: multiply first, then divide, as `setAccuracy`. */
function percentOfMean(values: readonly number[]): number {
  return (100 * sum(values)) / values.length;
}

function percentsByKey(groups: ReadonlyMap<string, readonly number[]>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, values] of groups) {
    Object.defineProperty(out, key, { value: percentOfMean(values), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function pushTo(groups: Map<string, number[]>, key: string, value: number): void {
  const list = groups.get(key);
  if (list) list.push(value);
  else groups.set(key, [value]);
}
