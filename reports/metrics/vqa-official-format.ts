/**
 * Builds VQA accuracy items from the official VQAv2 file formats (already parsed JSON): the
 * questions file `{questions: [{question_id, ...}], task_type?}`, the annotations file
 * `{annotations: [{question_id, answers: [{answer, answer_id}], answer_type, question_type}]}` and
 * the results file `[{question_id, answer}]`, as `lavis/common/vqa_tools/vqa.py` reads them.
 *
 * Questions are scored in annotation order (`getQuesIds()`). Where the official code would
 * silently do something surprising, this reader stops with an error instead:
 * - results must cover exactly the annotated question ids (the official `loadRes` asserts it);
 * - a duplicated result or annotation (the official index keeps the last one, and a duplicated
 *   annotation is even scored twice) is an error;
 * - two fully identical answer dicts in one question (the official leave-one-out drops both) are
 *   an error; give each a distinct `answer_id`;
 * - ids are compared with their JSON type, as Python dict keys are: 1 and "1" differ;
 * - every annotated question must be in the questions file (else the files do not belong together);
 * - for `task_type: "Multiple Choice"` each answer must be one of the question's
 *   `multiple_choices` (the official assertion).
 */
import { MetricInputError, describeJsonValue, isPlainObject, jsonPointer } from './input-error.js';
import type { VqaItem } from './vqa-accuracy.js';

/** A parsed JSON file and the name to use for it in error messages. */
export interface NamedJson {
  readonly file: string;
  readonly json: unknown;
}

export interface OfficialVqaFiles {
  readonly questions: NamedJson;
  readonly annotations: NamedJson;
  readonly results: NamedJson;
}

interface QuestionInfo {
  readonly multipleChoices: readonly unknown[] | undefined;
}

interface Annotation {
  readonly id: unknown;
  readonly answers: readonly string[];
  readonly answerType: string;
  readonly questionType: string;
}

export function vqaItemsFromOfficial(files: OfficialVqaFiles): VqaItem[] {
  const questions = readQuestions(files.questions);
  const annotations = readAnnotations(files.annotations, questions);
  const predictions = readResults(files.results, annotations, files.annotations.file);
  const multipleChoice = isPlainObject(files.questions.json) && files.questions.json.task_type === 'Multiple Choice';
  return [...annotations].map(([key, ann]) => {
    const prediction = predictions.get(key) as { answer: string; at: string };
    if (multipleChoice) checkMultipleChoice(files.results.file, prediction, questions.get(key));
    return { questionId: String(ann.id), prediction: prediction.answer, answers: ann.answers, answerType: ann.answerType, questionType: ann.questionType };
  });
}

/** Python-dict-like key: the id with its JSON type, so 1 and "1" stay different. */
function idKey(id: unknown): string {
  return JSON.stringify(id);
}

function checkId(file: string, at: string, id: unknown): void {
  if (typeof id !== 'number' && typeof id !== 'string') {
    throw new MetricInputError(file, at, `question_id must be a number or a string, found ${describeJsonValue(id)}`);
  }
}

function listAt(named: NamedJson, key: string): unknown[] {
  const { file, json } = named;
  if (!isPlainObject(json) || !Array.isArray(json[key])) {
    throw new MetricInputError(file, '', `expected an object with a "${key}" array (official VQAv2 format), found ${describeJsonValue(json)}`);
  }
  const list = json[key] as unknown[];
  if (list.length === 0) throw new MetricInputError(file, jsonPointer(key), `"${key}" is empty; there is nothing to score`);
  return list;
}

function readQuestions(named: NamedJson): Map<string, QuestionInfo> {
  const out = new Map<string, QuestionInfo>();
  listAt(named, 'questions').forEach((q, i) => {
    const at = jsonPointer('questions', i);
    if (!isPlainObject(q)) throw new MetricInputError(named.file, at, `expected a question object, found ${describeJsonValue(q)}`);
    checkId(named.file, `${at}/question_id`, q.question_id);
    const choices = Array.isArray(q.multiple_choices) ? q.multiple_choices : undefined;
    out.set(idKey(q.question_id), { multipleChoices: choices });
  });
  return out;
}

function readAnnotations(named: NamedJson, questions: ReadonlyMap<string, QuestionInfo>): Map<string, Annotation> {
  const out = new Map<string, Annotation>();
  listAt(named, 'annotations').forEach((a, i) => {
    const at = jsonPointer('annotations', i);
    if (!isPlainObject(a)) throw new MetricInputError(named.file, at, `expected an annotation object, found ${describeJsonValue(a)}`);
    checkId(named.file, `${at}/question_id`, a.question_id);
    const key = idKey(a.question_id);
    if (out.has(key)) {
      throw new MetricInputError(named.file, at, `question_id ${key} is annotated twice`, 'Keep one annotation per question');
    }
    if (!questions.has(key)) {
      throw new MetricInputError(named.file, at, `question_id ${key} is not in the questions file`, 'Pass the questions file that belongs to these annotations');
    }
    out.set(key, {
      id: a.question_id,
      answers: readAnswers(named.file, at, a.answers),
      answerType: readString(named.file, `${at}/answer_type`, a.answer_type),
      questionType: readString(named.file, `${at}/question_type`, a.question_type),
    });
  });
  return out;
}

function readAnswers(file: string, at: string, answers: unknown): string[] {
  if (!Array.isArray(answers) || answers.length === 0) {
    throw new MetricInputError(file, `${at}/answers`, `expected a non-empty array of {answer, answer_id}, found ${describeJsonValue(answers)}`);
  }
  const seen = new Map<string, number>();
  return answers.map((ans: unknown, j) => {
    const pointer = `${at}/answers/${j}`;
    if (!isPlainObject(ans)) throw new MetricInputError(file, pointer, `expected an answer object, found ${describeJsonValue(ans)}`);
    const canonical = canonicalJson(ans);
    const twin = seen.get(canonical);
    if (twin !== undefined) {
      throw new MetricInputError(file, pointer, `answer is identical to answer ${twin} (the official leave-one-out would drop both)`, 'Give every answer a distinct answer_id');
    }
    seen.set(canonical, j);
    return readString(file, `${pointer}/answer`, ans.answer);
  });
}

function readString(file: string, at: string, value: unknown): string {
  if (typeof value !== 'string') throw new MetricInputError(file, at, `expected a string, found ${describeJsonValue(value)}`);
  return value;
}

function readResults(named: NamedJson, annotations: ReadonlyMap<string, Annotation>, annotationFile: string): Map<string, { answer: string; at: string }> {
  const { file, json } = named;
  if (!Array.isArray(json)) throw new MetricInputError(file, '', `expected a results array [{"question_id", "answer"}], found ${describeJsonValue(json)}`);
  if (json.length === 0) throw new MetricInputError(file, '', 'the results array is empty');
  const out = new Map<string, { answer: string; at: string }>();
  json.forEach((r: unknown, i) => {
    const at = jsonPointer(i);
    if (!isPlainObject(r)) throw new MetricInputError(file, at, `expected a result object, found ${describeJsonValue(r)}`);
    checkId(file, `${at}/question_id`, r.question_id);
    const key = idKey(r.question_id);
    if (!annotations.has(key)) {
      throw new MetricInputError(file, `${at}/question_id`, `question_id ${key} is not annotated in ${annotationFile}`, 'Remove the result, or check that ids have the same JSON type (1 and "1" differ)');
    }
    if (out.has(key)) throw new MetricInputError(file, at, `question_id ${key} has a second result (first at ${out.get(key)?.at})`, 'Keep one answer per question');
    out.set(key, { answer: readString(file, `${at}/answer`, r.answer), at });
  });
  const missing = [...annotations.keys()].filter((key) => !out.has(key));
  if (missing.length > 0) {
    const shown = missing.slice(0, 5).join(', ') + (missing.length > 5 ? `, ... (${missing.length} in all)` : '');
    throw new MetricInputError(file, '', `no result for annotated question_id ${shown}`, 'Every annotated question needs exactly one answer');
  }
  return out;
}

function checkMultipleChoice(file: string, prediction: { answer: string; at: string }, question: QuestionInfo | undefined): void {
  if (!question?.multipleChoices?.includes(prediction.answer)) {
    throw new MetricInputError(file, `${prediction.at}/answer`, `task_type is "Multiple Choice" and ${JSON.stringify(prediction.answer)} is not one of the question's multiple_choices`);
  }
}

/** JSON with sorted keys, to compare answer dicts the way Python's dict equality does. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isPlainObject(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
