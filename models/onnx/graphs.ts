/**
 * Opening every graph of a manifest: verify digests, pick the execution provider (trying each
 * candidate for `auto`), open the sessions through the shared pool, and check each graph's I/O
 * against its declaration before anything runs.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import type * as ort from 'onnxruntime-node';
import type { DeviceRequest, ProviderReport } from '../load.js';
import type { GraphRole, GraphSpec } from '../manifest-types.js';
import type { LoadedManifest } from '../manifest.js';
import { ManifestError } from '../manifest.js';
import { isLfsPointer } from '../file-problems.js';
import { sha256File } from './digest.js';
import { externalDataLocations } from './external-refs.js';
import { checkGraphIo, formatIoProblems } from './io-check.js';
import { autoSkipReason, candidateProviders, explainUnavailable, ProviderError, shortReason, type ProviderName } from './providers.js';
import type { SessionPool } from './session-pool.js';

export class GraphSession {
  /** The session, for drivers that run it step by step (generation); its failures name the graph and input shapes. */
  readonly session: ort.InferenceSession;

  constructor(
    readonly role: GraphRole,
    readonly spec: GraphSpec,
    readonly file: string,
    session: ort.InferenceSession,
  ) {
    this.session = withFailureContext(role, session);
  }

  /** Runs the graph; feeds must be exactly the declared inputs (a missing feed is a bug here, not in the model). */
  async run(feeds: Record<string, ort.Tensor>): Promise<ort.InferenceSession.OnnxValueMapType> {
    for (const name of Object.keys(this.spec.inputs)) {
      if (!(name in feeds)) throw new Error(`${this.role}: input '${name}' was not provided`);
    }
    return this.session.run(feeds);
  }

  has(input: string): boolean {
    return input in this.spec.inputs;
  }

  produces(output: string): boolean {
    return output in this.spec.outputs;
  }
}

/** ONNX Runtime's own message names a node, not the sample: add the graph role and the input shapes. */
export function describeRunFailure(role: GraphRole, feeds: Record<string, ort.Tensor>, error: Error): string {
  const named = Object.entries(feeds).filter(([name]) => !name.startsWith('past_'));
  const cache = Object.keys(feeds).length - named.length;
  const shapes = named.map(([name, t]) => `${name} [${t.dims.join(', ')}]`).join(', ') + (cache > 0 ? ` (+${cache} KV-cache inputs)` : '');
  return `${role} graph failed on inputs ${shapes}: ${error.message}${pastTableHint(feeds, error.message)}${broadcastHint(role, feeds, error.message)}`;
}

/**
 * "broadcast ... 64 by 100" where 100 is the fed sequence length is, in the exported encoders, a
 * fixed position table (64) added to longer ids; the length comes from a model.json setting.
 */
function broadcastHint(role: GraphRole, feeds: Record<string, ort.Tensor>, message: string): string {
  const sizes = /broadcast[\s\S]*?(\d+) by (\d+)/.exec(message);
  if (!sizes) return '';
  const [table, fed] = [Number(sizes[1]), Number(sizes[2])];
  const ids = Object.entries(feeds).find(([name, t]) => name.endsWith('input_ids') && t.dims[1] === fed);
  if (!ids || table >= fed) return '';
  return ` ('${ids[0]}' has ${fed} positions, but the graph's fixed position table has ${table}: ${lengthSetting(role, ids[0], table)})`;
}

/** The model.json setting that bounds the length of `input` (a token-id input of `role`). */
function lengthSetting(role: GraphRole, input: string, table: number): string {
  if (input === 'qformer_input_ids') {
    return `the Q-Former's copy of the instruction is cut at /tokenizers/text/maxLength in model.json, so set it to at most ${table}; X-InstructBLIP cuts at a fixed 128 tokens instead, so re-export such a model with a table of 128 or more`;
  }
  if (role === 'text_decoder' || role === 'answer_decoder') {
    return `generated sequences grow up to /generation/<task>/maxLength in model.json, so set it to at most ${table}`;
  }
  const questions = role === 'text_encoder' || role === 'fusion_encoder' ? '; VQA questions are cut at a fixed 35 tokens (ALBEF: 25)' : '';
  return `retrieval texts are padded to /retrieval/maxTextLength in model.json, so set it to at most ${table}${questions}`;
}

/**
 * A Gather index past its table is, in the graphs the exporters write, a token id past the
 * embedding table or a position past the maximum sequence length; the feeds say which.
 */
function pastTableHint(feeds: Record<string, ort.Tensor>, message: string): string {
  const index = /Gather[\s\S]*idx=(-?\d+) must be within/.exec(message)?.[1];
  if (index === undefined) return '';
  const isTokenId = Object.entries(feeds).some(([name, t]) => name.endsWith('input_ids') && t.type === 'int64' && (t.data as BigInt64Array).includes(BigInt(index)));
  return isTokenId
    ? ` (token id ${index} is past the graph's embedding table: the tokenizer or a special-token id in model.json belongs to another model)`
    : " (an index past an embedding table: most often the prompt plus the tokens to generate is longer than the model's maximum sequence length; shorten the prompt or context, or lower /generation/<task>/maxLength or maxNewTokens in model.json)";
}

/** The error for a location the graph references that externalData lacks, with the entry to add. */
async function undeclaredReference(manifestPath: string, base: string, role: GraphRole, graphPath: string, location: string, path: string, spec: GraphSpec): Promise<ManifestError> {
  const at = `/graphs/${role}/externalData`;
  const head = `${graphPath} (role ${role}) keeps weights in external data '${location}' (${path}), which`;
  const entry = JSON.stringify({ file: relative(base, path), sha256: '<its sha256 as exported>' });
  if (existsSync(path)) {
    // The digest of the file as it is now: offered, not assumed, since an undeclared file may already be corrupt.
    const now = await sha256File(path);
    return new ManifestError(manifestPath, at, `${head} is not declared, so its digest is never checked; add ${entry} to ${at} (the file hashes to ${now} now: use that only if you know it is intact)`);
  }
  // ONNX Runtime opens the name stored in the graph, so a declared file under another name is never read.
  const renamed = (spec.externalData ?? []).findIndex((d) => existsSync(resolve(base, d.file)));
  const hint = renamed >= 0 ? `; ${at}/${renamed} names ${spec.externalData![renamed]!.file}, which the graph does not read: rename that file to ${path} or re-export the graph` : '';
  return new ManifestError(manifestPath, at, `${head} does not exist and is not declared; put the file there and add ${entry} to ${at}${hint}`);
}

/**
 * ONNX Runtime's error for an external-data file shorter than the graph needs (an interrupted
 * copy, caught by the digest check unless --no-verify-digests) names an initializer, not the
 * file, and comes once per provider; this names the file and its manifest entry first.
 */
function truncatedExternalData(manifestPath: string, base: string, role: GraphRole, spec: GraphSpec, error: unknown): ManifestError | null {
  const message = error instanceof Error ? error.message : String(error);
  const data = spec.externalData ?? [];
  const read = /offset: (\d+) size to read: (\d+) given file_length: (\d+) are out of bounds or can not be read in full/.exec(message);
  if (data.length === 0 || !/out of bounds or can not be read in full/.test(message)) return null;
  const sizes = data.map((d) => statSync(resolve(base, d.file), { throwIfNoEntry: false })?.size);
  const index = Math.max(0, read ? sizes.indexOf(Number(read[3])) : -1);
  const path = resolve(base, data[index]!.file);
  const need = read ? ` (a weight at bytes ${read[1]}..${Number(read[1]) + Number(read[2])}; the file has ${read[3]})` : '';
  const detail = /External initializer:[^\n]*?can not be read in full\.?/.exec(message)?.[0] ?? shortReason(error);
  return new ManifestError(
    manifestPath,
    `/graphs/${role}/externalData/${index}`,
    `${path} is shorter than ${resolve(base, spec.file)} needs${need}: it was cut off (an interrupted copy or export); copy it or export the model again, and run without --no-verify-digests to check every file against its sha256. onnxruntime: ${detail}`,
  );
}

/** The same session, whose `run` rethrows ONNX Runtime's errors with describeRunFailure's context. */
function withFailureContext(role: GraphRole, session: ort.InferenceSession): ort.InferenceSession {
  const run = async (feeds: Record<string, ort.Tensor>, ...rest: unknown[]): Promise<ort.InferenceSession.OnnxValueMapType> => {
    try {
      return await (session.run as (...args: unknown[]) => Promise<ort.InferenceSession.OnnxValueMapType>)(feeds, ...rest);
    } catch (error) {
      throw new Error(describeRunFailure(role, feeds, error as Error));
    }
  };
  return new Proxy(session, {
    get(target, property) {
      if (property === 'run') return run;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

export interface OpenedGraphs {
  readonly graphs: ReadonlyMap<GraphRole, GraphSession>;
  readonly provider: ProviderReport;
  /** Graph role -> sha256 checked against model.json; empty when the check was skipped. */
  readonly digests: Readonly<Record<string, string>>;
  /** Releases this model's hold on the pooled sessions. */
  release(): Promise<void>;
}

export interface OpenOptions {
  readonly device: DeviceRequest;
  readonly verifyDigests: boolean;
  readonly pool: SessionPool;
}

export async function openGraphs(loaded: LoadedManifest, options: OpenOptions): Promise<OpenedGraphs> {
  const base = dirname(loaded.path);
  const entries = (Object.entries(loaded.manifest.graphs) as [GraphRole, GraphSpec][]).sort(([a], [b]) => a.localeCompare(b));
  // Unchecked files are left out rather than recorded with model.json's claimed digests: the run
  // manifest would otherwise name weights that may not be the ones that ran (findings: models #3).
  const digests: Record<string, string> = {};
  for (const [role, spec] of entries) {
    const digest = await verifyFiles(loaded.path, base, role, spec, options.verifyDigests);
    if (digest !== null) digests[role] = digest;
  }
  const [firstRole, firstSpec] = entries[0] ?? [];
  if (!firstRole || !firstSpec) throw new ManifestError(loaded.path, '/graphs', 'declares no graphs');
  const probeFile = resolve(base, firstSpec.file);
  const dataProblem = (role: GraphRole, spec: GraphSpec) => (error: unknown): void => {
    const problem = truncatedExternalData(loaded.path, base, role, spec, error);
    if (problem !== null) throw problem;
  };
  const { provider, report } = await chooseProvider(probeFile, options, dataProblem(firstRole, firstSpec));
  const opened: { file: string; graph: GraphSession }[] = [];
  const releaseAll = async () => {
    await Promise.all(opened.map(({ file }) => options.pool.release(file, provider)));
  };
  try {
    for (const [role, spec] of entries) {
      const file = resolve(base, spec.file);
      const session = await acquireOn(options.pool, file, provider, dataProblem(role, spec));
      opened.push({ file, graph: new GraphSession(role, spec, file, session) });
      const problems = checkGraphIo(spec, session);
      if (problems.length > 0) throw new ManifestError(loaded.path, `/graphs/${role}`, formatIoProblems(file, role, problems));
    }
  } catch (error) {
    await releaseAll();
    throw error;
  } finally {
    // The probe's own hold: the session stays open through the hold taken above.
    await options.pool.release(probeFile, provider);
  }
  return { graphs: new Map(opened.map(({ graph }) => [graph.role, graph])), provider: report, digests, release: releaseAll };
}

/** The graph file's sha256, checked against model.json; null when `verify` is off (not hashed). */
async function verifyFiles(manifestPath: string, base: string, role: GraphRole, spec: GraphSpec, verify: boolean): Promise<string | null> {
  // `at`: the JSON pointer of the object holding `file` and `sha256` (the graph, or one external-data entry).
  const files = [{ file: spec.file, sha256: spec.sha256, at: `/graphs/${role}` }, ...(spec.externalData ?? []).map((d, i) => ({ ...d, at: `/graphs/${role}/externalData/${i}` }))];
  for (const { file, sha256, at } of files) {
    const path = resolve(base, file);
    if (!existsSync(path)) throw new ManifestError(manifestPath, `${at}/file`, `file ${path} does not exist`);
    if (!verify) continue;
    const actual = await sha256File(path);
    if (actual !== sha256) {
      throw new ManifestError(manifestPath, `${at}/sha256`, `sha256 of ${path} is ${actual}, the manifest says ${sha256}. The file changed or is corrupt; re-export it, fix the digest, or pass --no-verify-digests to skip the check deliberately`);
    }
  }
  await checkExternalReferences(manifestPath, base, role, spec);
  return verify ? spec.sha256 : null;
}

/**
 * The graph's own external-data references must be exactly the declared externalData: an
 * undeclared file is never digest-checked (a corrupt one silently gives wrong scores), and a
 * missing one would surface as an execution-provider failure with no pointer to the manifest.
 */
async function checkExternalReferences(manifestPath: string, base: string, role: GraphRole, spec: GraphSpec): Promise<void> {
  const graphPath = resolve(base, spec.file);
  let locations: string[];
  try {
    locations = externalDataLocations(graphPath);
  } catch (error) {
    const what = isLfsPointer(graphPath) ? 'a Git LFS pointer, not the graph: run `git lfs pull` in its repository to fetch the real file' : `not a readable ONNX model (${(error as Error).message}); re-export it`;
    throw new ManifestError(manifestPath, `/graphs/${role}/file`, `${graphPath} is ${what}`);
  }
  // ONNX Runtime resolves a location against the graph's folder; the manifest's files are relative to model.json.
  const referenced = locations.map((location) => ({ location, path: resolve(dirname(graphPath), location) }));
  const declared = (spec.externalData ?? []).map((d) => resolve(base, d.file));
  for (const { location, path } of referenced) {
    if (!declared.includes(path)) throw await undeclaredReference(manifestPath, base, role, graphPath, location, path, spec);
    checkInsideGraphFolder(manifestPath, role, graphPath, location, declared.indexOf(path));
  }
  const unused = declared.findIndex((path) => !referenced.some((r) => r.path === path));
  if (unused >= 0) {
    const names = locations.length > 0 ? `it references ${locations.map((l) => `'${l}'`).join(', ')}` : 'it keeps all its weights inside';
    throw new ManifestError(manifestPath, `/graphs/${role}/externalData/${unused}/file`, `${graphPath} (role ${role}) does not reference ${declared[unused]} (${names}); fix the file name or remove the entry`);
  }
}

/**
 * ONNX Runtime refuses external data outside the graph's folder ("External data path escapes
 * model directory") only when the session opens, with no pointer into model.json.
 */
function checkInsideGraphFolder(manifestPath: string, role: GraphRole, graphPath: string, location: string, entry: number): void {
  const folder = dirname(graphPath);
  const fromFolder = relative(folder, resolve(folder, location));
  if (!isAbsolute(location) && fromFolder !== '..' && !fromFolder.startsWith(`..${sep}`) && !isAbsolute(fromFolder)) return;
  throw new ManifestError(manifestPath, `/graphs/${role}/externalData/${entry}/file`, `${graphPath} (role ${role}) keeps weights at '${location}', outside its folder ${folder}, and onnxruntime only reads external data in or below the graph's folder; move the file there, re-save the graph with that location, and update this entry`);
}

/** `dataProblem` throws for a failure that is the graph's files' fault, which no provider would open. */
async function acquireOn(pool: SessionPool, file: string, provider: ProviderName, dataProblem: (error: unknown) => void): Promise<ort.InferenceSession> {
  try {
    return await pool.acquire(file, provider);
  } catch (error) {
    dataProblem(error);
    throw new ProviderError(`${file}: ${explainUnavailable(provider, shortReason(error))}`);
  }
}

async function chooseProvider(probeFile: string, options: OpenOptions, dataProblem: (error: unknown) => void): Promise<{ provider: ProviderName; report: ProviderReport }> {
  const skipped: { provider: string; reason: string }[] = [];
  for (const provider of candidateProviders(options.device)) {
    const noDevice = options.device === 'auto' ? autoSkipReason(provider) : null;
    if (noDevice !== null) {
      skipped.push({ provider, reason: noDevice });
      continue;
    }
    try {
      await options.pool.acquire(probeFile, provider);
      return { provider, report: { requested: options.device, used: provider, skipped } };
    } catch (error) {
      dataProblem(error);
      const reason = shortReason(error);
      if (options.device !== 'auto') throw new ProviderError(`--device ${options.device}: ${explainUnavailable(provider, reason)}`);
      skipped.push({ provider, reason });
    }
  }
  throw new ProviderError(`no execution provider could open ${probeFile}: ${skipped.map((s) => `${s.provider}: ${s.reason}`).join('; ')}`);
}
