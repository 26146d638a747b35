/**
 * Checks on one applicable (task, model) pair's effective settings: the suite merged with the
 * family defaults of the model's model.json. They catch what the suite alone cannot show:
 * sampling under a family's default beams, a minLength beyond the family's length limit,
 * decoding settings for a model that ranks by default. A setting that would silently do
 * nothing, or contradict another, is an error. Findings carry the suite pointer and the fix;
 * the caller says which models they concern.
 */
import { HF_DEFAULT_GENERATION, type GenerationConfig } from '../models/generation/config.js';
import type { ModelProfile } from './profile.js';
import type { EffectiveSettings, ResolvedSetting } from './settings.js';
import type { GenerationOverrides, TaskSpec } from './schema/suite.js';

export interface Finding {
  readonly pointer: string;
  readonly message: string;
}

type SettingsRecord = Readonly<Record<string, ResolvedSetting>>;

/** Settings Hugging Face reads only when sampling, and only in beam search. */
const SAMPLING_ONLY = ['topK', 'topP', 'temperature', 'seed'] as const;
const BEAM_ONLY = ['lengthPenalty', 'earlyStopping'] as const;

export function pairFindings(task: TaskSpec, at: string, profile: ModelProfile, settings: EffectiveSettings, record: SettingsRecord): Finding[] {
  switch (settings.kind) {
    case 'retrieval': {
      const fixed = profile.defaults.retrieval?.maxTextLength;
      if (task.kind !== 'retrieval' || task.maxTextLength === undefined || fixed === undefined || task.maxTextLength === fixed) return [];
      return [{ pointer: `${at}/maxTextLength`, message: `maxTextLength ${task.maxTextLength} differs from ${fixed}, which its text graphs fix; remove maxTextLength or set it to ${fixed}` }];
    }
    case 'vqa':
      if (settings.method === 'rank') return rankFindings(task, at, settings.answerList);
      return generationFindings(task, at, profile, settings.generation, record);
    case 'captioning':
      return generationFindings(task, at, profile, settings.generation, record);
    case 'instruction': {
      if (settings.mode !== 'open') return [];
      const noAnswerDefaults = task.kind === 'instruction' && task.decoding === 'answer' && profile.defaults.vqa === undefined;
      const missing: Finding[] = noAnswerDefaults ? [{ pointer: `${at}/decoding`, message: `"decoding": "answer" takes the model's VQA decoding defaults, and ${profile.id} declares no VQA capability; remove 'decoding' or set 'generation' in full` }] : [];
      return [...missing, ...generationFindings(task, at, profile, settings.generation, record)];
    }
    default: {
      const never: never = settings;
      return never;
    }
  }
}

function rankFindings(task: TaskSpec, at: string, answerList: string | undefined): Finding[] {
  if (task.kind !== 'vqa' || task.method !== undefined) {
    return answerList === undefined ? [{ pointer: `${at}/answerList`, message: "ranks answers (method 'rank') and needs 'answerList', the JSON list of candidate answers; add it" }] : [];
  }
  const why = 'ranks answers by default (its family\'s method)';
  const findings: Finding[] = [];
  if (answerList === undefined) findings.push({ pointer: `${at}/answerList`, message: `${why} and needs 'answerList', the JSON list of candidate answers; add it, or set "method": "generate" (a model that can only rank is then not applicable)` });
  if (task.generation !== undefined) {
    findings.push({ pointer: `${at}/generation`, message: `${why}, so these decoding settings would be unused; set "method": "generate" to decode (a model that can only rank is then not applicable), restrict the task to generating models with "models", or remove 'generation'` });
  }
  return findings;
}

/** Where a value came from, in words. */
function origin(record: SettingsRecord, key: keyof GenerationConfig): string {
  switch (record[`generation.${key}`]?.source) {
    case 'suite': return 'set in the suite';
    case 'family-default': return 'the family default in its model.json';
    default: return "Hugging Face's default";
  }
}

function generationFindings(task: TaskSpec, at: string, profile: ModelProfile, e: GenerationConfig, record: SettingsRecord): Finding[] {
  const g: GenerationOverrides = ('generation' in task ? task.generation : undefined) ?? {};
  const here = `${at}/generation`;
  const from = (key: keyof GenerationConfig): string => origin(record, key);
  const findings: Finding[] = [];
  // Both written in the suite is the schema-level check (suites/check.ts); here one is a default.
  if (e.doSample && e.numBeams > 1 && (g.doSample === undefined || g.numBeams === undefined)) {
    findings.push({
      pointer: g.doSample !== undefined ? `${here}/doSample` : g.numBeams !== undefined ? `${here}/numBeams` : here,
      message: `sampling (doSample, ${from('doSample')}) needs numBeams 1, but numBeams is ${e.numBeams} (${from('numBeams')}); beam sampling is not supported: add "numBeams": 1 to sample, or "doSample": false for beam search`,
    });
  }
  // A value equal to Hugging Face's default changes nothing either way (LAVIS's generate
  // signatures pass temperature=1): only a value that would be ignored is an error.
  const ineffective = (key: keyof GenerationOverrides): boolean => g[key] !== undefined && g[key] !== HF_DEFAULT_GENERATION[key as keyof GenerationConfig];
  for (const key of SAMPLING_ONLY) {
    if (ineffective(key) && !e.doSample) findings.push({ pointer: `${here}/${key}`, message: `${key} only affects sampling, and doSample is false (${from('doSample')}); add "doSample": true and "numBeams": 1, or remove ${key}` });
  }
  for (const key of BEAM_ONLY) {
    if (ineffective(key) && e.numBeams === 1) findings.push({ pointer: `${here}/${key}`, message: `${key} only affects beam search, and numBeams is 1 (${from('numBeams')}); set numBeams above 1, or remove ${key}` });
  }
  const length = lengthFinding(task, profile, e, g, from);
  if (length !== undefined) findings.push({ pointer: `${here}/${length.key}`, message: length.message });
  return findings;
}

/**
 * minLength beyond the length limit: end-of-sequence would be forbidden to the last token.
 * Reported only where the suite set one of the two (a family's own pair is its model.json's
 * business). minLength counts the ids the decoder holds before the new ones: none for an LLM fed
 * embeddings, T5's decoder-start token, BLIP's [DEC] (+ its caption prompt, whose length only
 * the tokenizer knows, so BLIP captioning under maxNewTokens is not checked here).
 */
function lengthFinding(task: TaskSpec, profile: ModelProfile, e: GenerationConfig, g: GenerationOverrides, from: (key: keyof GenerationConfig) => string): { key: string; message: string } | undefined {
  const suiteKey = g.minLength !== undefined ? 'minLength' : g.maxNewTokens !== undefined ? 'maxNewTokens' : g.maxLength !== undefined ? 'maxLength' : undefined;
  if (suiteKey === undefined) return undefined;
  const min = `minLength ${e.minLength} (${from('minLength')})`;
  if (e.maxNewTokens === undefined) {
    if (e.minLength <= e.maxLength) return undefined;
    return { key: suiteKey, message: `${min} is greater than maxLength ${e.maxLength} (${from('maxLength')}): end-of-sequence would be forbidden to the last token; lower minLength or raise maxLength` };
  }
  const promptCounts = task.kind === 'captioning' && (profile.family === 'blip' || profile.family === 'albef');
  if (promptCounts || e.minLength <= e.maxNewTokens + 1) return undefined;
  // A T5 family applies a suite maxLength as maxNewTokens (settings.ts): name what the suite wrote.
  const limit = g.maxLength !== undefined ? 'maxLength' : 'maxNewTokens';
  return {
    key: suiteKey,
    message: `${min} can never be reached: ${limit} ${e.maxNewTokens} (${from(limit)}) allows ${e.maxNewTokens} new tokens, and minLength counts at most one more (a T5 decoder-start token or BLIP's [DEC]; BLIP's caption prompt, whose length the tokenizer gives, is checked when captioning starts); lower minLength to ${e.maxNewTokens + 1} or less, or raise ${limit}`,
  };
}

/**
 * Checks on a task across the models that run it. A VQA task's `answerList` and `numCandidates`
 * are read only by models that rank answers: when every model running the task generates, they
 * would do nothing. `pairs`: the applicable pairs (model id and settings). The caller skips this
 * when some model of the suite was not planned (`--models` may leave out the ones that rank) or
 * is a `${data.NAME}` placeholder (a ready-to-fill suite's answer list is for whichever ranking
 * family fills it in).
 */
export function taskFindings(task: TaskSpec, at: string, pairs: readonly { model: string; settings: EffectiveSettings }[]): Finding[] {
  // An explicit method 'generate' is reported by the suite checks (suites/check.ts) already.
  if (task.kind !== 'vqa' || task.method === 'generate' || pairs.length === 0) return [];
  if (pairs.some((p) => p.settings.kind === 'vqa' && p.settings.method === 'rank')) return [];
  const generate = pairs.map((p) => p.model).join(', ');
  const why = `no model of this task ranks answers (${generate} ${pairs.length === 1 ? 'generates' : 'generate'})`;
  const fix = "; remove it, or add a model that ranks answers (its model.json lists the 'vqa-rank' capability, as ALBEF's and BLIP's do) to the suite's models or the task's models";
  const findings: Finding[] = [];
  if (task.answerList !== undefined) findings.push({ pointer: `${at}/answerList`, message: `${why}, so the answer list would not be read${fix}` });
  if (task.numCandidates !== undefined) findings.push({ pointer: `${at}/numCandidates`, message: `${why}, so numCandidates would do nothing${fix}` });
  return findings;
}
