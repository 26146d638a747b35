/**
 * Scores of one (model, task) from its predictions alone, with the metrics module: corpus
 * metrics are computed over all predictions (never averaged over shards or sessions), in
 * dataset order. Failed samples are counted, not scored.
 */
import { scoreCaptions } from '../../reports/metrics/caption-scores.js';
import { recallFromRanks } from '../../reports/metrics/recall-at-k.js';
import { scoreExactMatch, scoreVqa } from '../../reports/metrics/vqa-accuracy.js';
import { processDigitArticle, processPunctuation } from '../../reports/metrics/vqa-normalize.js';
import type { CaptionPrediction, InstructionPrediction, PredictionRecord, RetrievalPrediction, SampleScoreRecord, TaskKind, TaskScores, VqaPrediction } from '../../reports/records.js';

export interface TaskScoring {
  readonly scores: TaskScores;
  readonly samples: SampleScoreRecord[];
}

type Metrics = Record<string, number>;
type Breakdowns = Record<string, Record<string, number>>;

function ordered<T extends PredictionRecord>(records: readonly PredictionRecord[], kind: T['kind']): T[] {
  return records.filter((r): r is T => r.kind === kind).sort((a, b) => (a.sampleIndex ?? 0) - (b.sampleIndex ?? 0));
}

function select(all: Metrics, names: readonly string[]): Metrics {
  return Object.fromEntries(names.filter((n) => all[n] !== undefined).map((n) => [n, all[n]!]));
}

function captionScores(records: readonly PredictionRecord[], tokenize: 'ptb' | 'none'): Scored {
  const all = ordered<CaptionPrediction>(records, 'captioning');
  // Images without reference captions (NoCaps test, say) are captioned for submission, not scored.
  const predictions = all.filter((p) => p.references.length > 0);
  const unannotated = all.length - predictions.length;
  if (predictions.length === 0) return { metrics: {}, samples: [], unannotated };
  const result = scoreCaptions(new Map(predictions.map((p) => [p.sampleId, p.references])), new Map(predictions.map((p) => [p.sampleId, p.caption])), { tokenize });
  const samples = [...result.perImage].map(([sampleId, scores]) => ({ sampleId, scores: { ...scores } }));
  return { metrics: { ...result.metrics }, samples, unannotated };
}

interface Answered {
  readonly sampleId: string;
  readonly answer: string;
  readonly answers: readonly string[];
  readonly answerType: string;
  readonly questionType: string;
}

interface Scored {
  readonly metrics: Metrics;
  readonly breakdowns?: Breakdowns;
  readonly samples: SampleScoreRecord[];
  /** Predictions with no reference answers: written, not scored. */
  readonly unannotated?: number;
}

function answerScores(items: readonly Answered[], metrics: readonly string[], categoryKey: string): Scored {
  const result: Metrics = {};
  const breakdowns: Breakdowns = {};
  const perSample = new Map<string, Record<string, number>>(items.map((i) => [i.sampleId, {}]));
  const scorable = items.filter((i) => i.answers.length > 0);
  if (metrics.includes('vqa_accuracy') && scorable.length > 0) {
    const vqa = scoreVqa(scorable.map((i) => ({ questionId: i.sampleId, prediction: i.answer, answers: i.answers, answerType: i.answerType, questionType: i.questionType })));
    result.vqa_accuracy = vqa.overall;
    breakdowns[categoryKey] = vqa.perAnswerType;
    // Datasets without question types (VizWiz) would show one nameless column: leave it out.
    if (categoryKey === 'perAnswerType' && Object.keys(vqa.perQuestionType).some((k) => k !== '')) breakdowns.perQuestionType = vqa.perQuestionType;
    for (const [id, value] of vqa.perQuestion) perSample.get(id)!.vqa_accuracy = value;
  }
  if (metrics.includes('exact_match') && scorable.length > 0) {
    const exact = scoreExactMatch(scorable.map((i) => ({ id: i.sampleId, prediction: i.answer, answer: consensusAnswer(i.answers) })));
    result.exact_match = exact.accuracy;
    breakdowns[`exact_match.${categoryKey}`] = meanBy(scorable, (i) => i.answerType, (i) => 100 * exact.perItem.get(i.sampleId)!);
    for (const [id, value] of exact.perItem) perSample.get(id)!.exact_match = 100 * value;
  }
  return { metrics: result, breakdowns, samples: [...perSample].map(([sampleId, scores]) => ({ sampleId, scores })), unannotated: items.length - scorable.length };
}

/**
 * The reference of exact match when a question has several human answers: the most frequent
 * one after VQA normalisation (earliest on a tie), as VQAv2's multiple_choice_answer is; the
 * first annotator's answer would make the score depend on annotation order.
 */
export function consensusAnswer(answers: readonly string[]): string {
  const counts = new Map<string, { first: string; count: number }>();
  for (const answer of answers) {
    const key = processDigitArticle(processPunctuation(answer));
    const entry = counts.get(key);
    if (entry) entry.count++;
    else counts.set(key, { first: answer, count: 1 });
  }
  let best: { first: string; count: number } | undefined;
  for (const entry of counts.values()) if (best === undefined || entry.count > best.count) best = entry;
  return best!.first;
}

function meanBy<T>(items: readonly T[], key: (item: T) => string, value: (item: T) => number): Record<string, number> {
  const groups = new Map<string, number[]>();
  // Pushed in place: copying a group per item made scoring quadratic (40k questions took minutes).
  for (const item of items) {
    const group = groups.get(key(item));
    if (group === undefined) groups.set(key(item), [value(item)]);
    else group.push(value(item));
  }
  return Object.fromEntries([...groups].map(([k, values]) => [k, values.reduce((a, b) => a + b, 0) / values.length]));
}

function instructionScores(records: readonly PredictionRecord[], metrics: readonly string[]): Scored {
  const predictions = ordered<InstructionPrediction>(records, 'instruction');
  const choice = predictions.filter((p) => p.mode === 'multiple-choice');
  if (choice.length > 0) {
    const hit = (p: InstructionPrediction): number => (p.chosenIndex === p.answerIndex ? 100 : 0);
    return {
      metrics: { multiple_choice_accuracy: choice.reduce((s, p) => s + hit(p), 0) / choice.length },
      breakdowns: { perCategory: meanBy(choice, (p) => p.category, hit) },
      samples: choice.map((p) => ({ sampleId: p.sampleId, scores: { multiple_choice_accuracy: hit(p) } })),
    };
  }
  return answerScores(predictions.map((p) => ({ sampleId: p.sampleId, answer: p.answer, answers: p.answers, answerType: p.category, questionType: '' })), metrics, 'perCategory');
}

function retrievalScores(records: readonly PredictionRecord[]): { metrics: Metrics; samples: SampleScoreRecord[] } {
  const predictions = ordered<RetrievalPrediction>(records, 'retrieval');
  const textRanks = predictions.filter((p) => p.direction === 'i2t').map((p) => p.rank);
  const imageRanks = predictions.filter((p) => p.direction === 't2i').map((p) => p.rank);
  if (textRanks.length === 0 || imageRanks.length === 0) return { metrics: {}, samples: [] };
  const samples = predictions.map((p) => ({ sampleId: `${p.direction}:${p.sampleId}`, scores: { r1: p.rank < 1 ? 1 : 0, r5: p.rank < 5 ? 1 : 0, r10: p.rank < 10 ? 1 : 0 } }));
  return { metrics: { ...recallFromRanks(textRanks, imageRanks) }, samples };
}

export interface ScoreRequest {
  readonly model: string;
  readonly task: string;
  readonly kind: TaskKind;
  readonly metrics: readonly string[];
  readonly tokenize: 'ptb' | 'none';
  /** Samples the task covers (after limit and shard): queries for retrieval. */
  readonly requested: number;
}

export function scoreTask(request: ScoreRequest, records: readonly PredictionRecord[]): TaskScoring {
  const failed = records.filter((r) => r.kind === 'failed').length;
  let result: Scored;
  switch (request.kind) {
    case 'captioning': result = captionScores(records, request.tokenize); break;
    case 'vqa': {
      const items = ordered<VqaPrediction>(records, 'vqa');
      result = answerScores(items, request.metrics, 'perAnswerType');
      break;
    }
    case 'instruction': result = instructionScores(records, request.metrics); break;
    case 'retrieval': result = retrievalScores(records); break;
    default: {
      const never: never = request.kind;
      return never;
    }
  }
  return {
    scores: {
      model: request.model, task: request.task, kind: request.kind,
      metrics: select(result.metrics, request.metrics), breakdowns: result.breakdowns ?? {},
      counts: { requested: request.requested, scored: records.length - failed - (result.unannotated ?? 0), failed, ...(result.unannotated ? { unannotated: result.unannotated } : {}) },
    },
    samples: result.samples,
  };
}
