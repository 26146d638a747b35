/**
 * Loading a suite: read the JSON, validate it against the generated schema (Ajv, all errors),
 * run the semantic checks, then substitute `${data.NAME}` variables and resolve paths. Every
 * problem found is reported at once, with file and JSON pointer; nothing runs on a bad suite.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { DATASET_LOADERS } from '../datasets/registry.js';
import { bundledModels } from '../models/load.js';
import { checkSuite, isModelPath } from './check.js';
import { didYouMean } from './did-you-mean.js';
import { describeJsonError, parseJsonText } from './json-text.js';
import { homeTildeProblem } from './home-tilde.js';
import { sameFileKey } from './same-file.js';
import { schemaProblems, SuiteError, type SuiteProblem } from './messages.js';
import type { Suite, TaskSpec } from './schema/suite.js';
import { SUITE_SCHEMA } from './schema/schema.js';
import { unclosedVariable, variableProblems } from './variables.js';

export interface LoadSuiteOptions {
  /** `--data NAME=PATH` values (relative paths resolve against the working directory). */
  readonly data?: Readonly<Record<string, string>>;
  /** Check that dataset files and model manifests exist (default true). */
  readonly checkFiles?: boolean;
  /** Registered model name -> manifest path (default: the bundled models). */
  readonly models?: ReadonlyMap<string, string>;
  /**
   * `--tasks`: run only these task ids. The others stay in the suite unresolved (so pointers
   * keep their indices) and the data locations only they use need not be set.
   */
  readonly tasks?: readonly string[];
}

export interface ResolvedModelRef {
  /** As written in the suite (registered name or path). */
  readonly name: string;
  readonly manifestPath: string;
}

export interface LoadedSuite {
  readonly file: string;
  readonly sha256: string;
  /** The suite as written. */
  readonly suite: Suite;
  /** Variables substituted and every path absolute. */
  readonly resolved: Suite;
  readonly models: readonly ResolvedModelRef[];
  /** Data locations used, and where each came from. */
  readonly data: Readonly<Record<string, { readonly value: string; readonly source: 'suite' | 'cli' }>>;
  /** The task ids `--tasks` selected from this suite; undefined = every task. */
  readonly selected?: ReadonlySet<string>;
}

/** Whether `--tasks` left this task of the suite in the run. */
export function isSelected(suite: Pick<LoadedSuite, 'selected'>, taskId: string): boolean {
  return suite.selected === undefined || suite.selected.has(taskId);
}

let compiled: ReturnType<Ajv['compile']> | undefined;

function validator(): ReturnType<Ajv['compile']> {
  compiled ??= new Ajv({ allErrors: true, strict: false, verbose: true }).compile(SUITE_SCHEMA);
  return compiled;
}

function parseJson(file: string, text: string): unknown {
  const parsed = parseJsonText(text);
  if ('value' in parsed) return parsed.value;
  throw new SuiteError([{ file, pointer: '', message: describeJsonError(parsed.error) }]);
}

/** The suites shipped with vlbench: in a project that installed it, node_modules/vlbench/suites/. */
const SHIPPED_SUITES = fileURLToPath(new URL('.', import.meta.url));

/**
 * The absolute path tried and, where a shipped suite has the name given (`default`,
 * `suites/default.suite.json` in a project of one's own), its full path. Never loaded in its
 * place: a suite of one's own by that name may be what is missing.
 */
function suiteNotFound(path: string, file: string): string {
  const tilde = homeTildeProblem(path);
  if (tilde !== undefined) return `file not found: ${file}; ${tilde}`;
  const name = basename(path);
  const shipped = [name, `${name}.suite.json`].map((n) => join(SHIPPED_SUITES, n)).find((f) => f.endsWith('.suite.json') && existsSync(f));
  return `file not found: ${file}${shipped === undefined ? '' : `; did you mean ${shipped}? (a suite shipped with vlbench)`}`;
}

export function loadSuite(path: string, options: LoadSuiteOptions = {}): LoadedSuite {
  const file = resolve(path);
  if (!existsSync(file)) throw new SuiteError([{ file: path, pointer: '', message: suiteNotFound(path, file) }]);
  const text = readFileSync(file, 'utf8');
  const data = parseJson(path, text);
  const validate = validator();
  if (!validate(data)) throw new SuiteError(schemaProblems(path, validate.errors ?? [], data));
  const suite = data as Suite;
  const registered = options.models ?? bundledModels();
  const checkFiles = options.checkFiles ?? true;
  // A variable where none is expanded says more than what the value then fails (an option's values).
  const misplaced = variableProblems(path, suite);
  const checked = checkSuite(suite, { file: path, loaders: DATASET_LOADERS, models: new Set(registered.keys()), dataRead: checkFiles });
  const problems = [...checked.filter((p) => !misplaced.some((v) => v.pointer === p.pointer)), ...misplaced];
  if (problems.length > 0) throw new SuiteError(problems);
  const selected = options.tasks === undefined ? undefined : new Set(suite.tasks.map((t) => t.id).filter((id) => options.tasks!.includes(id)));
  const keep = (task: TaskSpec): boolean => selected === undefined || selected.has(task.id);
  const variables = resolveData(path, file, suite, options.data ?? {}, selected === undefined ? undefined : usedDataNames(suite, keep));
  const { resolved, modelPaths } = substitute(path, file, suite, variables, keep);
  const given = { ...suite.data, ...options.data };
  const models = suite.models.map((name, i) => ({ name, manifestPath: isModelPath(name) ? registeredByData(name, given, registered) ?? modelPaths[i]! : (registered.get(name) ?? name) }));
  const late = [...dataModelProblems(path, suite, given, variables, registered), ...distinctModelProblems(path, models)];
  if (checkFiles) late.push(...missingFileProblems(path, resolved, models, keep).filter((p) => !late.some((q) => q.pointer === p.pointer)));
  if (late.length > 0) throw new SuiteError(late);
  return { file, sha256: createHash('sha256').update(text).digest('hex'), suite, resolved, models, data: variables, ...(selected ? { selected } : {}) };
}

/**
 * A models entry that is exactly `${data.NAME}` given a registered name (`--data model=tiny-blip`)
 * names that model, as the suite could have written it; any other value is a path.
 */
function registeredByData(entry: string, given: Readonly<Record<string, string | null>>, registered: ReadonlyMap<string, string>): string | undefined {
  const value = dataModelValue(entry, given)?.value;
  return typeof value === 'string' && !isModelPath(value) ? registered.get(value) : undefined;
}

/** A models entry that is exactly `${data.NAME}`: the name and the value given for it. */
function dataModelValue(entry: string, given: Readonly<Record<string, string | null>>): { name: string; value: string | null | undefined } | undefined {
  const name = /^\$\{data\.([A-Za-z0-9_.-]+)\}$/.exec(entry)?.[1];
  return name === undefined ? undefined : { name, value: given[name] };
}

/** The `${data.NAME}` names the models and the kept tasks use. */
function usedDataNames(suite: Suite, keep: (task: TaskSpec) => boolean): Set<string> {
  const text = JSON.stringify({ models: suite.models, tasks: suite.tasks.filter(keep) });
  return new Set([...text.matchAll(/\$\{data\.([A-Za-z0-9_.-]+?)\}/g)].map((m) => m[1]!));
}

type Variables = Record<string, { value: string; source: 'suite' | 'cli' }>;

function resolveData(path: string, file: string, suite: Suite, cli: Readonly<Record<string, string>>, used?: ReadonlySet<string>): Variables {
  const variables: Variables = {};
  const problems: SuiteProblem[] = [];
  for (const [name, value] of Object.entries(suite.data ?? {})) {
    const unused = cli[name] !== undefined || (used !== undefined && !used.has(name));
    const tilde = value === null || unused ? undefined : homeTildeProblem(value);
    if (tilde !== undefined) problems.push({ file: path, pointer: `/data/${name}`, message: tilde });
    if (value !== null) variables[name] = { value: absolute(file, value), source: 'suite' };
  }
  for (const [name, value] of Object.entries(cli)) {
    const tilde = homeTildeProblem(value);
    if (tilde !== undefined) problems.push({ file: path, pointer: `/data/${name}`, message: `--data ${name}=${value}: ${tilde}` });
    variables[name] = { value: resolve(value), source: 'cli' };
  }
  for (const [name, value] of Object.entries(suite.data ?? {})) {
    if (value === null && variables[name] === undefined && (used === undefined || used.has(name))) problems.push({ file: path, pointer: `/data/${name}`, message: `data location '${name}' is not set: pass --data ${name}=PATH` });
  }
  if (problems.length > 0) throw new SuiteError(problems);
  return variables;
}

/** Absolute and normalised (no `..` segments), so one file is spelled one way in the run. */
function absolute(suiteFile: string, path: string): string {
  return isAbsolute(path) ? resolve(path) : resolve(dirname(suiteFile), path);
}

function substitute(path: string, file: string, suite: Suite, variables: Variables, keep: (task: TaskSpec) => boolean): { resolved: Suite; modelPaths: string[] } {
  const problems: SuiteProblem[] = [];
  const expand = (value: string, pointer: string): string => {
    const tilde = homeTildeProblem(value);
    if (tilde !== undefined) problems.push({ file: path, pointer, message: tilde });
    const unclosed = unclosedVariable(value);
    if (unclosed !== undefined) problems.push({ file: path, pointer, message: `'${unclosed}' is never closed; write \${data.NAME}` });
    const expanded = value.replace(/\$\{([^}]*)\}/g, (whole, expression: string) => {
      const name = expression.startsWith('data.') ? expression.slice(5) : undefined;
      const variable = name === undefined ? undefined : variables[name];
      if (variable !== undefined) return variable.value;
      const known = Object.keys(variables);
      problems.push({ file: path, pointer, message: name === undefined
        ? `'${whole}' is not a variable; write \${data.NAME}`
        : `unknown data location '${name}'${didYouMean(name, known)}; define it in 'data' or pass --data ${name}=PATH` });
      return whole;
    });
    return absolute(file, expanded);
  };
  const tasks = suite.tasks.map((task, i) => (keep(task) ? substituteTask(task, `/tasks/${i}`, expand) : task));
  const modelPaths = suite.models.map((model, i) => (isModelPath(model) ? expand(model, `/models/${i}`) : model));
  if (problems.length > 0) throw new SuiteError(problems);
  return { resolved: { ...suite, tasks }, modelPaths };
}

function substituteTask(task: TaskSpec, at: string, expand: (value: string, pointer: string) => string): TaskSpec {
  const files = Object.fromEntries(Object.entries(task.dataset.files).map(([role, p]) => [role, expand(p, `${at}/dataset/files/${role}`)]));
  const mediaRoot = task.dataset.mediaRoot === undefined ? undefined : expand(task.dataset.mediaRoot, `${at}/dataset/mediaRoot`);
  const dataset = { ...task.dataset, files, ...(mediaRoot === undefined ? {} : { mediaRoot }) };
  if (task.kind === 'vqa' && task.answerList !== undefined) {
    return { ...task, dataset, answerList: expand(task.answerList, `${at}/answerList`) };
  }
  return { ...task, dataset };
}

function missingFileProblems(path: string, suite: Suite, models: readonly ResolvedModelRef[], keep: (task: TaskSpec) => boolean): SuiteProblem[] {
  const problems: SuiteProblem[] = [];
  models.forEach((model, i) => {
    if (!existsSync(model.manifestPath)) problems.push({ file: path, pointer: `/models/${i}`, message: `model manifest not found: ${model.manifestPath}; give the path of a model.json, or a registered model name (npx vlbench ls models)` });
  });
  suite.tasks.forEach((task, i) => {
    if (!keep(task)) return;
    for (const [role, file] of Object.entries(task.dataset.files)) {
      if (!existsSync(file)) problems.push({ file: path, pointer: `/tasks/${i}/dataset/files/${role}`, message: `file not found: ${file}` });
    }
    if (task.dataset.mediaRoot !== undefined && !existsSync(task.dataset.mediaRoot)) problems.push({ file: path, pointer: `/tasks/${i}/dataset/mediaRoot`, message: `folder not found: ${task.dataset.mediaRoot}` });
    // The answer list is checked where a model ranks with it (runners/commands/validate-suites.ts).
  });
  return problems;
}

/**
 * Each model once: a suite runs every model once, so a second entry (the same name, or a path to
 * the same model.json, however spelled) would be merged away silently; it is an error so that a
 * typo for another model, or the belief that it runs twice, does not go unnoticed. (Two
 * model.json files with the same `name` are planning's to report: their ids are read there.)
 */
function distinctModelProblems(path: string, models: readonly ResolvedModelRef[]): SuiteProblem[] {
  const problems: SuiteProblem[] = [];
  const keys = models.map((m) => sameFileKey(m.manifestPath));
  models.forEach((model, i) => {
    const first = keys.indexOf(keys[i]!);
    if (first === i) return;
    // The same entry written twice was reported by checkSuite already; here only spellings differ.
    problems.push({ file: path, pointer: `/models/${i}`, message: `'${model.name}' is the model.json of '${models[first]!.name}' (first at /models/${first}); a suite runs each model once: remove this entry` });
  });
  return problems;
}

/**
 * A `${data.NAME}` model given a bare word (`--data model=tiny-blipp`) that is neither a
 * registered model nor a file: a misspelt registered name far more often than a model.json in
 * the working directory, so it says which name was meant, with files checked or not.
 */
function dataModelProblems(path: string, suite: Suite, given: Readonly<Record<string, string | null>>, variables: Variables, registered: ReadonlyMap<string, string>): SuiteProblem[] {
  const problems: SuiteProblem[] = [];
  suite.models.forEach((entry, i) => {
    const { name, value } = dataModelValue(entry, given) ?? {};
    const variable = name === undefined ? undefined : variables[name];
    if (typeof value !== 'string' || name === undefined || variable === undefined || isModelPath(value) || registered.has(value) || existsSync(variable.value)) return;
    const where = variable.source === 'cli' ? `--data ${name}=${value}` : `data location '${name}' ('${value}')`;
    problems.push({ file: path, pointer: `/models/${i}`, message: `${where}: no registered model '${value}'${didYouMean(value, registered.keys())} and no file ${variable.value}; give a registered model name (npx vlbench ls models) or the path of a model.json` });
  });
  return problems;
}

/**
 * The data locations a suite file declares (`data`) or uses (`${data.NAME}`), read leniently:
 * undefined when the file cannot be read as JSON (loading it reports why). For checking that
 * every `--data NAME=PATH` names one of them.
 */
export function dataNamesOf(path: string): string[] | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  const parsed = parseJsonText(text);
  if (!('value' in parsed)) return undefined;
  const declared = (parsed.value as { data?: unknown }).data;
  const names = new Set(declared !== null && typeof declared === 'object' ? Object.keys(declared) : []);
  for (const match of text.matchAll(/\$\{data\.([^}]*)\}/g)) names.add(match[1]!);
  return [...names];
}
