/**
 * Semantic checks the schema cannot express: registered names (loaders, templates, metrics,
 * models), loader file roles and options, combinations that would be silently ignored (a
 * half-supported option is an error), unique ids and gate references. Runs on the suite as
 * written, before variables are substituted, so pointers match the file.
 */
import type { DatasetLoader } from '../datasets/loader.js';
import type { SampleKind } from '../datasets/samples.js';
import { closest, didYouMean } from './did-you-mean.js';
import type { SuiteProblem } from './messages.js';
import { allowedMetrics, defaultMetrics, TIMING_MEASURES, UNAVAILABLE_METRICS } from './metric-names.js';
import type { GateSpec, GenerationOverrides, Suite, TaskSpec } from './schema/suite.js';
import { mappingOptionProblems } from '../datasets/loaders/record-mapping.js';
import { PLACEHOLDERS, placeholdersOf, positionalFields, TemplateError, templateText, templateWritesQuestion, TEMPLATES, type TemplateRole } from './templates.js';

export interface CheckContext {
  readonly file: string;
  readonly loaders: ReadonlyMap<string, DatasetLoader>;
  /** Registered model names. */
  readonly models: ReadonlySet<string>;
  /**
   * Whether each task's data is read before anything runs (runners/run/datasets-ahead.ts: `vlbench
   * run`, `vlbench validate` without --no-files). A retrieval kTest is then judged there, against
   * the gallery's real size, so the fix names a kTest that works; here only against 'limit'.
   */
  readonly dataRead?: boolean;
}

/** The sample kinds a task kind consumes (instruction tasks also take VQA-format datasets). */
export const SAMPLE_KINDS_FOR_TASK: Readonly<Record<TaskSpec['kind'], readonly SampleKind[]>> = {
  retrieval: ['retrieval'],
  captioning: ['caption'],
  vqa: ['vqa'],
  instruction: ['instruction', 'vqa'],
};

/** A model given by model.json path (possibly through a `${data.NAME}` variable) rather than by registered name. */
export function isModelPath(reference: string): boolean {
  return reference.endsWith('.json') || reference.includes('/') || reference.includes('\\') || reference.includes('${');
}

export function checkSuite(suite: Suite, ctx: CheckContext): SuiteProblem[] {
  const problems: SuiteProblem[] = [];
  const report = (pointer: string, message: string): void => void problems.push({ file: ctx.file, pointer, message });
  suite.models.forEach((model, i) => {
    const first = suite.models.indexOf(model);
    // The same entry twice is plain from the text; two spellings of one model.json are found
    // once paths resolve (suites/load.ts), with the same message.
    if (first !== i) report(`/models/${i}`, `'${model}' is listed twice (first at /models/${first}); a suite runs each model once: remove this entry`);
    else if (!isModelPath(model) && !ctx.models.has(model)) {
      report(`/models/${i}`, `unknown model '${model}'${didYouMean(model, ctx.models)}; registered: ${[...ctx.models].join(', ') || '(none)'}; or give a path to a model.json`);
    }
  });
  const seenIds = new Map<string, number>();
  suite.tasks.forEach((task, i) => {
    const first = seenIds.get(task.id);
    if (first !== undefined) report(`/tasks/${i}/id`, `duplicate task id '${task.id}' (first used at /tasks/${first}/id)`);
    else seenIds.set(task.id, i);
    checkTask(task, `/tasks/${i}`, suite, ctx, report);
  });
  // A gate's metric is checked against its tasks' metric lists; where such a list has problems
  // (a misspelt metric), that would only echo them, so it waits until the list is sound.
  const unsoundMetrics = new Set(problems.filter((p) => /^\/tasks\/\d+\/metrics\//.test(p.pointer)).map((p) => Number(p.pointer.split('/')[2])));
  suite.gates?.forEach((gate, i) => checkGate(gate, `/gates/${i}`, suite, report, unsoundMetrics));
  return problems;
}

type Report = (pointer: string, message: string) => void;

function checkTask(task: TaskSpec, at: string, suite: Suite, ctx: CheckContext, report: Report): void {
  checkDataset(task, at, ctx, report);
  const allowed = allowedMetrics(task);
  task.metrics?.forEach((metric, j) => {
    if (repeated(task.metrics!, j, `${at}/metrics`, `metric '${metric}'`, report)) return;
    const unavailable = UNAVAILABLE_METRICS[metric];
    if (unavailable !== undefined) report(`${at}/metrics/${j}`, unavailable);
    else if (!allowed.includes(metric)) report(`${at}/metrics/${j}`, `metric '${metric}' is not reported by ${describeTask(task)}${didYouMean(metric, allowed)}; available: ${allowed.join(', ')}`);
  });
  // A model given by path goes by its model.json's name too, known only once that is read: an
  // entry that may be such an id is checked in planning (runners/run/plan.ts). So is an entry
  // that is itself a path: it may be the model.json of a suite model written by name or spelled
  // another way, which only the resolved paths tell (suites/model-refs.ts names the id then).
  const idsKnown = suite.models.every((m) => !isModelPath(m));
  task.models?.forEach((model, j) => {
    if (repeated(task.models!, j, `${at}/models`, `model '${model}'`, report)) return;
    if (!suite.models.includes(model) && idsKnown && !isModelPath(model)) report(`${at}/models/${j}`, `model '${model}' is not in the suite's models${didYouMean(model, suite.models)}`);
  });
  switch (task.kind) {
    case 'retrieval':
      // Under a --limit or a family default the run caps kTest at the limit (and records it); both
      // written here contradict each other. LAVIS's top-k needs k_test <= the gallery, whose size
      // the data check knows (it names a kTest that fits both): left to it when it runs.
      if (!ctx.dataRead && task.kTest !== undefined && task.limit !== undefined && task.kTest > task.limit) {
        report(`${at}/kTest`, `kTest ${task.kTest} is more than the ${task.limit} images 'limit' keeps in the gallery, and LAVIS re-ranks at most the whole gallery (text-to-image queries rank its images); lower kTest to ${task.limit} or less, or raise limit`);
      }
      return;
    case 'captioning':
      checkGeneration(task.generation, `${at}/generation`, report);
      return;
    case 'vqa':
      checkVqa(task, at, report);
      return;
    case 'instruction':
      checkInstruction(task, at, report);
      return;
    default: {
      const never: never = task;
      void never;
    }
  }
}

/**
 * A list entry given twice is reported at the repeat: a metric or model listed twice would be
 * recorded twice in the manifest but scored or run once, so the suite and the run disagree.
 */
function repeated(list: readonly string[], j: number, at: string, what: string, report: Report): boolean {
  const first = list.indexOf(list[j]!);
  if (first === j) return false;
  report(`${at}/${j}`, `${what} is listed twice (first at ${at}/${first}); remove this entry`);
  return true;
}

function describeTask(task: TaskSpec): string {
  return task.kind === 'instruction' ? `a ${task.mode} instruction task` : `a ${task.kind} task`;
}

function checkVqa(task: Extract<TaskSpec, { kind: 'vqa' }>, at: string, report: Report): void {
  if (task.template !== undefined && checkTemplate(task.template, 'prompt', `${at}/template`, report)) checkVqaPrompt(task.template, `${at}/template`, report);
  if (task.method === 'rank') {
    if (task.answerList === undefined) report(`${at}/answerList`, `method 'rank' needs 'answerList' (a JSON list of candidate answers, LAVIS answer_list.json)`);
    if (task.generation !== undefined) report(`${at}/generation`, `decoding settings are unused with method 'rank'; remove them or use method 'generate'`);
  }
  if (task.method === 'generate') {
    if (task.answerList !== undefined) report(`${at}/answerList`, `'answerList' is only used with method 'rank'`);
    if (task.numCandidates !== undefined) report(`${at}/numCandidates`, `'numCandidates' is only used with method 'rank'`);
  }
  checkGeneration(task.generation, `${at}/generation`, report);
}

/**
 * A VQA sample has only its question (LAVIS VQATask: `prompt.format(question)`): the template must
 * write it, and may write nothing else. Checked here, as runners/tasks/vqa.ts and the adapters
 * would refuse it for every sample, naming an image instead of the suite.
 */
function checkVqaPrompt(template: string, at: string, report: Report): void {
  const text = templateText(template);
  const shown = text === template ? `'${text}'` : `'${template}' ('${text}')`;
  if (!templateWritesQuestion(template)) {
    report(at, `the VQA template ${shown} does not write the question, so every sample would get the same prompt; add {question} (e.g. "Question: {question} Short answer:")`);
    return;
  }
  const names = placeholdersOf(text);
  const extra = names.filter((name) => name !== '' && name !== 'question');
  const positional = names.filter((name) => name === '').length;
  if (extra.length > 0 || positional > 1) {
    const what = extra.length > 0 ? extra.map((name) => `{${name}}`).join(', ') : `${positional} '{}' placeholders (LAVIS fills the second with the options)`;
    report(at, `the VQA template ${shown} uses ${what}, but VQA samples have only a question; use {question} alone, or an instruction task (its samples carry context and choices)`);
  }
}

/** Dataset options that give every sample its question (modelnet's fixed instruction, the generic loaders' field). */
const QUESTION_OPTIONS = ['question', 'questionField'];

/**
 * An open instruction answers each sample's question, so its prompt must write it. A
 * multiple-choice prompt without it is a fixed instruction (X-InstructBLIP's `describe-3d`,
 * `describe-audio` classification), but then a dataset option that supplies the question would
 * be ignored: an error at that option.
 */
function checkInstructionQuestion(task: Extract<TaskSpec, { kind: 'instruction' }>, at: string, report: Report): void {
  const template = task.template ?? '{question}';
  if (templateWritesQuestion(template)) return;
  const text = templateText(template);
  const shown = text === template ? `'${text}'` : `'${template}' ('${text}')`;
  if (task.mode === 'open') {
    report(`${at}/template`, `the template ${shown} does not write the question, so every sample would be asked the same thing and its own question dropped; add {question} (e.g. "Question: {question} Short answer:")`);
    return;
  }
  for (const option of QUESTION_OPTIONS) {
    if (task.dataset.options?.[option] === undefined) continue;
    report(`${at}/dataset/options/${option}`, `the template ${shown} does not write the question, so '${option}' would be ignored; remove it, or use a template with {question} (e.g. "template": "{question}")`);
  }
}

function checkInstruction(task: Extract<TaskSpec, { kind: 'instruction' }>, at: string, report: Report): void {
  if (task.template === undefined || (checkTemplate(task.template, 'prompt', `${at}/template`, report) && checkPositional(task.template, `${at}/template`, report))) checkInstructionQuestion(task, at, report);
  if (task.mode === 'open' && task.candidateTemplate !== undefined) report(`${at}/candidateTemplate`, `'candidateTemplate' is only used with mode 'multiple-choice'`);
  if (task.mode === 'multiple-choice' && task.decoding !== undefined) report(`${at}/decoding`, `'decoding' is only used with mode 'open' (multiple choice ranks the choices, it does not decode)`);
  if (task.mode === 'multiple-choice' && task.generation !== undefined) report(`${at}/generation`, `decoding settings are unused with mode 'multiple-choice' (choices are ranked by likelihood)`);
  if (task.candidateTemplate !== undefined) checkTemplate(task.candidateTemplate, 'candidate', `${at}/candidateTemplate`, report);
  checkGeneration(task.generation, `${at}/generation`, report);
}

/**
 * LAVIS fills at most two positional `{}` (the question, then the options): a third would stop
 * the run at its first sample (suites/templates.ts positionalFields), so it is reported here.
 */
function checkPositional(template: string, at: string, report: Report): boolean {
  try {
    positionalFields(templateText(template));
    return true;
  } catch (error) {
    if (!(error instanceof TemplateError)) throw error;
    report(at, error.message);
    return false;
  }
}

/** Reports an unknown template or placeholder; true when the template is sound. */
function checkTemplate(value: string, role: TemplateRole, at: string, report: Report): boolean {
  const registered = Object.keys(TEMPLATES).filter((name) => TEMPLATES[name]?.role === role);
  if (registered.includes(value)) return true;
  const other = Object.hasOwn(TEMPLATES, value) ? TEMPLATES[value]!.role : undefined;
  if (other !== undefined) {
    report(at, `'${value}' is a registered ${other} template, not a ${role} template; registered ${role} templates: ${registered.join(', ')}`);
    return false;
  }
  // Any other text is inline ("Describe." is a fixed instruction), except a word shaped like a
  // name (letters, digits, '-', '_') this close to a registered one: far more likely a misspelt
  // name than a one-word prompt.
  const misspelt = /^[A-Za-z0-9_-]+$/.test(value) ? closest(value, registered) : undefined;
  if (misspelt !== undefined) {
    report(at, `unknown ${role} template '${value}' (did you mean '${misspelt}'?); registered: ${registered.join(', ')}; a word this close to a name is read as a misspelt name: to send it as inline text instead, write it with punctuation, another word or a placeholder (e.g. "${value}.")`);
    return false;
  }
  const allowed = PLACEHOLDERS[role];
  const names = placeholdersOf(value);
  const unknown = names.filter((name) => !allowed.includes(name));
  for (const name of unknown) report(at, `unknown placeholder '{${name}}'${didYouMean(name, allowed.filter((p) => p !== ''))}; a ${role} template may use ${allowed.filter((p) => p !== '').map((p) => `{${p}}`).join(', ')}`);
  if (unknown.length > 0) return false;
  if (role === 'candidate' && !names.includes('choice')) {
    report(at, `the candidate template '${value}' does not write {choice}, so every choice would be scored as the same text and the first would always win; add {choice} (e.g. "a photo of {choice}")`);
    return false;
  }
  return true;
}

function checkGeneration(generation: GenerationOverrides | undefined, at: string, report: Report): void {
  if (generation === undefined) return;
  if (generation.doSample === true && (generation.numBeams ?? 1) > 1) report(`${at}/doSample`, `sampling is not combined with beam search; set numBeams to 1 or doSample to false`);
  if (generation.maxLength !== undefined && generation.maxNewTokens !== undefined) {
    report(`${at}/maxNewTokens`, `set either maxLength (the length limit as LAVIS's max_len counts it) or maxNewTokens (new tokens only), not both: Hugging Face ignores maxLength when maxNewTokens is set`);
  }
  if (generation.maxLength !== undefined && generation.minLength !== undefined && generation.minLength > generation.maxLength) {
    report(`${at}/minLength`, `minLength ${generation.minLength} is greater than maxLength ${generation.maxLength}`);
  }
}

function checkDataset(task: TaskSpec, at: string, ctx: CheckContext, report: Report): void {
  const spec = task.dataset;
  const loader = ctx.loaders.get(spec.loader);
  if (loader === undefined) {
    report(`${at}/dataset/loader`, `unknown loader '${spec.loader}'${didYouMean(spec.loader, ctx.loaders.keys())}; registered: ${[...ctx.loaders.keys()].join(', ')}`);
    return;
  }
  const consumes = SAMPLE_KINDS_FOR_TASK[task.kind];
  // A generic loader left without 'kind' makes its default kind, not any kind it could make.
  const kindOption = spec.options?.kind ?? loader.options.kind?.default;
  const kind = typeof kindOption === 'string' ? kindOption : undefined;
  const yields = kind !== undefined && loader.produces.includes(kind as SampleKind) ? [kind as SampleKind] : loader.produces;
  if (!yields.some((k) => consumes.includes(k))) {
    const fitting = [...ctx.loaders.values()].filter((l) => l.produces.some((k) => consumes.includes(k))).map((l) => l.name);
    const makes = loader.produces.find((k) => consumes.includes(k));
    const fix = makes !== undefined && loader.options.kind !== undefined ? `; set dataset.options.kind to '${makes}'` : '';
    report(`${at}/dataset/loader`, `loader '${loader.name}' yields ${yields.join('/')} samples; a ${task.kind} task needs one of: ${fitting.join(', ')}${fix}`);
  }
  if (task.kind === 'instruction' && task.modality !== undefined) {
    const option = spec.options?.modality;
    const yieldsModality = loader.modality !== 'configurable' ? loader.modality : typeof option === 'string' ? option : 'image';
    if (task.modality !== yieldsModality) {
      const fix = loader.modality === 'configurable' ? `set dataset.options.modality to '${task.modality}'` : `remove 'modality' or use a loader of ${task.modality} data`;
      report(`${at}/modality`, `loader '${loader.name}' yields ${yieldsModality} media, not ${task.modality}; ${fix}`);
    }
  }
  const roles = Object.keys(loader.files);
  for (const role of Object.keys(spec.files)) {
    if (!roles.includes(role)) report(`${at}/dataset/files/${role}`, `loader '${loader.name}' has no file role '${role}'${didYouMean(role, roles)}; roles: ${roles.join(', ')}`);
  }
  for (const [role, description] of Object.entries(loader.files)) {
    if (description.required && spec.files[role] === undefined) report(`${at}/dataset/files/${role}`, `loader '${loader.name}' needs file role '${role}': ${description.description}`);
  }
  if (loader.mediaRoot === 'required' && spec.mediaRoot === undefined) report(`${at}/dataset/mediaRoot`, `loader '${loader.name}' needs 'mediaRoot', the folder its media paths are relative to`);
  const names = Object.keys(loader.options);
  for (const [name, value] of Object.entries(spec.options ?? {})) {
    const option = loader.options[name];
    const pointer = `${at}/dataset/options/${name}`;
    if (option === undefined) report(pointer, `loader '${loader.name}' has no option '${name}'${didYouMean(name, names)}${elsewhere(name, ctx)}; options: ${names.join(', ') || '(none)'}`);
    else if (typeof value !== option.type) report(pointer, `expected a ${option.type}, got ${typeof value}`);
    else if (option.values !== undefined && !option.values.includes(String(value))) report(pointer, `expected one of ${option.values.map((v) => `'${v}'`).join(', ')}; got '${String(value)}'${didYouMean(String(value), option.values)}`);
  }
  for (const { option, message } of mappingOptionProblems(loader, spec.options ?? {})) report(`${at}/dataset/options/${option}`, message);
}

/** Which other loaders have an option a loader lacks (`listSeparator` is the CSV loader's), as a hint. */
function elsewhere(option: string, ctx: CheckContext): string {
  const owners = [...ctx.loaders.values()].filter((l) => option in l.options).map((l) => `'${l.name}'`);
  return owners.length === 0 ? '' : ` (only ${owners.join(', ')} ${owners.length === 1 ? 'has' : 'have'} it)`;
}

function checkGate(gate: GateSpec, at: string, suite: Suite, report: Report, unsoundMetrics: ReadonlySet<number>): void {
  const indices = suite.tasks.map((t, i) => (gate.task === undefined || t.id === gate.task ? i : -1)).filter((i) => i >= 0);
  const tasks = indices.map((i) => suite.tasks[i]!);
  if (gate.task !== undefined && tasks.length === 0) {
    report(`${at}/task`, `no task with id '${gate.task}'${didYouMean(gate.task, suite.tasks.map((t) => t.id))}`);
    return;
  }
  const registeredOnly = suite.models.every((m) => !isModelPath(m));
  // A gate model given by path is planning's to judge (suites/model-refs.ts): it may be the
  // model.json of a model the suite names by registered name, and the error there gives its id.
  if (gate.model !== undefined && registeredOnly && !isModelPath(gate.model) && !suite.models.includes(gate.model)) {
    report(`${at}/model`, `model '${gate.model}' is not in the suite's models${didYouMean(gate.model, suite.models)}`);
  }
  if (gate.kind === 'max-drop' && (gate.maxDrop === undefined) === (gate.maxDropPercent === undefined)) {
    report(at, `a 'max-drop' gate needs exactly one of 'maxDrop' (metric units) or 'maxDropPercent'`);
  }
  if (gate.kind === 'max-throughput-drop' || gate.kind === 'max-latency-increase') return;
  const timing: readonly string[] = TIMING_MEASURES;
  if (timing.includes(gate.metric)) {
    if (gate.kind === 'max-drop') report(`${at}/metric`, `'${gate.metric}' is a timing measure; use a 'max-throughput-drop' or 'max-latency-increase' gate`);
    return;
  }
  const reported = new Set(tasks.flatMap((t) => (t.metrics ?? defaultMetrics(t)).filter((m) => allowedMetrics(t).includes(m))));
  if (!reported.has(gate.metric) && !indices.some((i) => unsoundMetrics.has(i))) {
    const known = [...reported, ...timing];
    report(`${at}/metric`, `metric '${gate.metric}' is not reported by ${gate.task === undefined ? 'any task' : `task '${gate.task}'`}${didYouMean(gate.metric, known)}; available: ${known.join(', ')}`);
  }
}
