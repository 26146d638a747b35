/**
 * Scoring at real dataset sizes: a VQAv2-val-sized task (100,000 questions x 10 answers) scored
 * with VQA accuracy, exact match and their breakdowns, as the end of `vlbench run` and
 * `vlbench merge` score it; and the stratified paired bootstrap a retrieval gate runs on a COCO
 * 5k test split (25,000 text queries + 5,000 image queries, two strata). Both were quadratic
 * until 2026-11-28 (a group array copied per item: 40k questions took about a minute).
 */
import type { VqaPrediction } from '../../reports/records.js';
import { pairedBootstrap } from '../../reports/bootstrap/paired-bootstrap.js';
import { createPrng } from '../../models/generation/prng.js';
import { scoreTask } from '../../runners/run/scoring.js';
import type { BenchResult } from './types.js';

const QUESTIONS = 100_000;
const WORDS = ['yes', 'no', '2', 'red', 'blue', 'dog', 'left', 'three', 'a cat', 'none'];
const TYPES = ['yes/no', 'number', 'other'];

function vqaRecords(): VqaPrediction[] {
  const prng = createPrng(7);
  const pick = (): string => WORDS[Math.floor(prng.next() * WORDS.length)]!;
  return Array.from({ length: QUESTIONS }, (_, i) => ({
    kind: 'vqa', sampleId: String(i), model: 'm', task: 't', sampleIndex: i, question: 'what is it?', answer: pick(),
    answers: Array.from({ length: 10 }, pick), answerType: TYPES[i % 3]!, questionType: `what ${i % 60}`, imageId: String(i >> 2),
    generatedTokens: 1, latencyMs: 1, media: [],
  }));
}

function wallMs(fn: () => void): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

export default async function (): Promise<BenchResult[]> {
  const records = vqaRecords();
  const request = { model: 'm', task: 't', kind: 'vqa' as const, metrics: ['vqa_accuracy', 'exact_match'], tokenize: 'ptb' as const, requested: QUESTIONS };
  const scoring = wallMs(() => scoreTask(request, records));
  const queries = 30_000;
  const strata = Array.from({ length: queries }, (_, i) => (i < 25_000 ? 0 : 1));
  const hits = Float64Array.from({ length: queries }, (_, i) => (i % 3 === 0 ? 1 : 0));
  const bootstrap = wallMs(() => pairedBootstrap(queries, (indices) => indices.reduce((s, i) => s + hits[i]!, 0) / indices.length, { replicates: 1000, confidence: 0.95, seed: 1 }, strata));
  return [
    { name: `VQA scoring, ${QUESTIONS} questions: accuracy + exact match + breakdowns`, value: scoring, unit: 'ms', notes: 'one run, wall time (scoreTask)' },
    { name: `paired bootstrap, ${queries} retrieval queries in 2 strata, 1000 replicates`, value: bootstrap, unit: 'ms', notes: 'one run, wall time' },
  ];
}
