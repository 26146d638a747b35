/**
 * Effective settings of one task for one model, each with where its value came from:
 * 'suite' (written in the suite), 'cli' (a command-line flag), 'family-default' (the family's
 * LAVIS evaluation default, from the model's manifest via the adapter) or 'default' (vlbench's
 * or Hugging Face's own default). The run records them all, so every override is visible.
 */
import type { MediaModality, TaskDefaults } from '../models/capabilities.js';
import { HF_DEFAULT_GENERATION, type GenerationConfig } from '../models/generation/config.js';
import type { GenerationOverrides, TaskSpec } from './schema/suite.js';

export type SettingSource = 'default' | 'family-default' | 'suite' | 'cli';

export interface ResolvedSetting<T = unknown> {
  readonly value: T;
  readonly source: SettingSource;
}

/** What the model offers, as far as settings depend on it. */
export interface ModelFacts {
  readonly defaults: TaskDefaults;
  readonly canRankAnswers: boolean;
  readonly canGenerateAnswers: boolean;
}

export interface CliOverrides {
  readonly limit: number | null;
}

/** vlbench's own defaults for settings no family defines. */
export const VLBENCH_DEFAULTS = {
  batchSize: 8,
  kTest: 128,
  maxTextLength: 35,
  numCandidates: 128,
  vqaTemplate: 'question',
  instructionTemplate: '{question}',
  candidateTemplate: 'choice',
  tokenize: 'ptb',
} as const;

interface CommonSettings {
  readonly batchSize: number;
  readonly limit: number | null;
}

export type EffectiveSettings = CommonSettings & (
  | { readonly kind: 'retrieval'; readonly kTest: number; readonly maxTextLength: number }
  | { readonly kind: 'captioning'; readonly prompt: string | undefined; readonly generation: GenerationConfig; readonly tokenize: 'ptb' | 'none' }
  | { readonly kind: 'vqa'; readonly method: 'rank' | 'generate'; readonly template: string; readonly numCandidates: number; readonly answerList: string | undefined; readonly generation: GenerationConfig }
  | { readonly kind: 'instruction'; readonly mode: 'open' | 'multiple-choice'; readonly template: string; readonly candidateTemplate: string; readonly generation: GenerationConfig; readonly modality: MediaModality; readonly questionProcessor: 'none' | 'blip_question' | 'blip_caption'; readonly decoding: 'generate' | 'answer' }
);

export interface ResolvedTaskSettings {
  readonly effective: EffectiveSettings;
  /** Flat keys (`generation.numBeams`) -> value and source, for manifest.json. */
  readonly record: Readonly<Record<string, ResolvedSetting>>;
}

class Recorder {
  readonly record: Record<string, ResolvedSetting> = {};

  pick<T>(key: string, suite: T | undefined, family: T | undefined, fallback: T): T {
    const [value, source]: [T, SettingSource] = suite !== undefined ? [suite, 'suite'] : family !== undefined ? [family, 'family-default'] : [fallback, 'default'];
    this.record[key] = { value: value === undefined ? null : value, source };
    return value;
  }

  /**
   * The suite's decoding settings over the family's. The length limit is one setting written two
   * ways (maxLength or maxNewTokens) and the suite's choice replaces the family's either way. A
   * family whose model.json limits by maxNewTokens passes LAVIS's max_len as max_new_tokens (T5),
   * so a suite maxLength becomes its maxNewTokens, as in LAVIS. Otherwise a suite maxNewTokens
   * supersedes maxLength, recorded as null: the record shows what was applied. `runSeed` (the
   * suite's top-level seed) seeds sampling unless the task's generation sets its own.
   */
  generation(suite: GenerationOverrides | undefined, family: GenerationConfig | undefined, runSeed: number | undefined): GenerationConfig {
    const merged: Record<string, unknown> = {};
    for (const key of Object.keys(HF_DEFAULT_GENERATION) as (keyof GenerationConfig)[]) {
      const own = key === 'seed' ? (suite?.seed ?? runSeed) : suite?.[key];
      merged[key] = this.pick(`generation.${key}`, own, family?.[key], HF_DEFAULT_GENERATION[key]);
    }
    const limit = suite?.maxNewTokens ?? suite?.maxLength;
    if (limit === undefined) return merged as unknown as GenerationConfig;
    if (family?.maxNewTokens !== undefined) {
      merged.maxLength = this.set('generation.maxLength', limit);
      merged.maxNewTokens = this.set('generation.maxNewTokens', limit);
    } else if (suite?.maxNewTokens !== undefined) {
      this.record['generation.maxLength'] = { value: null, source: 'suite' };
    }
    return merged as unknown as GenerationConfig;
  }

  /**
   * A value the data cannot hold (more candidates than there are) is capped, as LAVIS caps
   * num_ans_candidates: the record then holds the applied value with the source of the cap, and
   * `<key>Requested` the value asked for, so the record never claims what did not run.
   */
  cap(key: string, value: number, cap: number | undefined, source: SettingSource): number {
    if (cap === undefined || value <= cap) return value;
    this.record[`${key}Requested`] = this.record[key]!;
    this.record[key] = { value: cap, source };
    return cap;
  }

  private set(key: string, value: number): number {
    this.record[key] = { value, source: 'suite' };
    return value;
  }
}

function limitSetting(recorder: Recorder, task: TaskSpec, cli: CliOverrides): number | null {
  const suite = task.limit ?? null;
  const [value, source]: [number | null, SettingSource] = cli.limit !== null && (suite === null || cli.limit < suite) ? [cli.limit, 'cli'] : [suite, suite === null ? 'default' : 'suite'];
  recorder.record.limit = { value, source };
  return value;
}

/** An open instruction task's family decoding: free-form `generate()` or VQA's `predict_answers`. */
function openDefaults(decoding: 'generate' | 'answer', d: TaskDefaults): GenerationConfig | undefined {
  // A model without VQA defaults is a pair finding (pair-checks.ts), not a silent fallback.
  return decoding === 'answer' ? d.vqa?.generation : d.instruction?.generation;
}

/** What planning knows of the task's data that bounds a setting. */
export interface TaskData {
  /** Answers in the VQA task's answer list (when it was read). */
  readonly answerListSize?: number;
}

/**
 * `runSeed`: the suite's top-level `seed`, which seeds sampling unless a task's generation sets one.
 * A limit keeps at most that many gallery images, so kTest is capped at it (`--limit 5` on a
 * kTest-12 suite re-ranks all 5); numCandidates is capped at the answer list, as LAVIS does.
 */
export function resolveTaskSettings(task: TaskSpec, model: ModelFacts, cli: CliOverrides, datasetModality: MediaModality, runSeed?: number, data: TaskData = {}): ResolvedTaskSettings {
  const r = new Recorder();
  const common = { batchSize: r.pick('batchSize', task.batchSize, undefined, VLBENCH_DEFAULTS.batchSize), limit: limitSetting(r, task, cli) };
  const d = model.defaults;
  let effective: EffectiveSettings;
  switch (task.kind) {
    case 'retrieval': {
      const kTest = r.pick('kTest', task.kTest, d.retrieval?.kTest, VLBENCH_DEFAULTS.kTest);
      effective = {
        ...common, kind: 'retrieval', kTest: r.cap('kTest', kTest, common.limit ?? undefined, r.record.limit!.source),
        maxTextLength: r.pick('maxTextLength', task.maxTextLength, d.retrieval?.maxTextLength, VLBENCH_DEFAULTS.maxTextLength),
      };
      break;
    }
    case 'captioning':
      effective = {
        ...common, kind: 'captioning', prompt: r.pick<string | undefined>('prompt', task.prompt, d.caption?.prompt, undefined),
        generation: r.generation(task.generation, d.caption?.generation, runSeed), tokenize: r.pick('tokenize', task.tokenize, undefined, VLBENCH_DEFAULTS.tokenize),
      };
      break;
    case 'vqa': {
      // The model.json's declared method when the model can do it (a BLIP VQA export may declare
      // generate), else ranking when it can rank (LAVIS ranks for ALBEF/BLIP), else generation.
      const declared = d.vqa?.method;
      const canDeclared = declared === 'rank' ? model.canRankAnswers : declared === 'generate' ? model.canGenerateAnswers : false;
      const familyMethod = canDeclared ? declared : model.canRankAnswers ? 'rank' : model.canGenerateAnswers ? 'generate' : undefined;
      const method = r.pick<'rank' | 'generate'>('method', task.method, familyMethod, 'generate');
      // Only the settings the chosen method uses are recorded: a generating model ignores the
      // answer list, a ranking model the decoding settings.
      const rank = method === 'rank';
      effective = {
        ...common, kind: 'vqa', method,
        template: r.pick('template', task.template, d.vqa?.promptTemplate, VLBENCH_DEFAULTS.vqaTemplate),
        numCandidates: rank ? r.cap('numCandidates', r.pick('numCandidates', task.numCandidates, d.vqa?.numAnswerCandidates, VLBENCH_DEFAULTS.numCandidates), data.answerListSize, 'suite') : 0,
        answerList: rank ? r.pick<string | undefined>('answerList', task.answerList, undefined, undefined) : undefined,
        generation: rank ? HF_DEFAULT_GENERATION : r.generation(task.generation, d.vqa?.generation, runSeed),
      };
      break;
    }
    case 'instruction': {
      // Multiple choice ranks: it decodes nothing (a suite 'decoding' there is an error, check.ts).
      const decoding = task.mode === 'open' ? r.pick('decoding', task.decoding, undefined, 'generate') : 'generate';
      effective = {
        ...common, kind: 'instruction', mode: r.pick('mode', task.mode, undefined, task.mode),
        template: r.pick('template', task.template, undefined, VLBENCH_DEFAULTS.instructionTemplate),
        candidateTemplate: r.pick('candidateTemplate', task.candidateTemplate, undefined, VLBENCH_DEFAULTS.candidateTemplate),
        generation: task.mode === 'open' ? r.generation(task.generation, openDefaults(decoding, d), runSeed) : HF_DEFAULT_GENERATION,
        modality: r.pick('modality', task.modality, undefined, datasetModality),
        questionProcessor: r.pick('questionProcessor', task.questionProcessor, undefined, 'none'),
        decoding,
      };
      break;
    }
    default: {
      const never: never = task;
      return never;
    }
  }
  return { effective, record: r.record };
}
