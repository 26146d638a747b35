/**
 * `vlbench merge`: the run directories of one sharded run (same suites, models, data, limit;
 * shards 0..N-1 each exactly once, each finished) become one run directory whose predictions are
 * the union of the shards'. Corpus metrics are then recomputed on the merged predictions, never
 * averaged over shards, so the scores equal those of an unsharded run.
 */
import { existsSync, readdirSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { basename, isAbsolute, resolve } from 'node:path';
import { predictionKey, type BatchProgressRecord, type PredictionRecord, type RunManifest, type ScoresFile } from '../../reports/records.js';
import { readJsonl } from './jsonl.js';
import { experimentIdentity, theyDiffer } from './manifest.js';
import { RunDirectory } from './run-dir.js';
import { completionFile, type CompletionMarker } from './run-task.js';
import { writeResults } from './results.js';

export class MergeError extends Error {
  override name = 'MergeError';
}

/**
 * The manifest with every absolute path cut to its last component: shards run on machines whose
 * checkout or data live under different roots are still one experiment. What the paths hold is
 * compared by content (the data files' and model.json's sha256 are part of the identity).
 */
function withoutRoots<T>(value: T): T {
  if (typeof value === 'string') return (isAbsolute(value) && value.length > 1 ? basename(value) : value) as T;
  if (Array.isArray(value)) return value.map(withoutRoots) as T;
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutRoots(v)])) as T;
  return value;
}

/** The parts of the experiment the two shards disagree on (the shard index aside), as resume names them. */
function experimentDifferences(a: RunManifest, b: RunManifest): string[] {
  // Shards of one run come from one version of vlbench, as a resumed run must (manifest.ts).
  const pick = (m: RunManifest): Record<string, string> => ({
    ...experimentIdentity(withoutRoots(m)), shard: '', 'shard counts': String(m.shard?.count ?? null),
    'vlbench code': String(m.vlbench.codeSha256 ?? null), 'onnxruntime-node version': m.environment.onnxruntime, 'package versions': JSON.stringify(m.environment.packages ?? null),
  });
  const [x, y] = [pick(a), pick(b)];
  return Object.keys(x).filter((key) => x[key] !== y[key]);
}

function checkShards(dirs: readonly RunDirectory[], manifests: readonly RunManifest[]): void {
  const first = manifests[0]!;
  // Checked before the experiments are compared: a full run beside shards is "not a shard", not a
  // difference in shard counts.
  manifests.forEach((m, i) => {
    if (m.shard !== null) return;
    const what = m.mergedFrom !== undefined ? 'it is already a merge of shards' : 'it ran without --shard i/N';
    throw new MergeError(`${dirs[i]!.root}: not a shard (${what}); merge takes only the shard directories of one run made with --shard i/N`);
  });
  manifests.forEach((m, i) => {
    const differs = experimentDifferences(first, m);
    if (differs.length > 0) throw new MergeError(`${dirs[i]!.root}: ${theyDiffer(differs)} from ${dirs[0]!.root}'s; only shards of one run can be merged`);
  });
  const indices = manifests.map((m) => m.shard!.index);
  const shards = first.shard!.count;
  for (let k = 0; k < shards; k++) {
    const count = indices.filter((i) => i === k).length;
    if (count !== 1) throw new MergeError(`shard ${k}/${shards} is ${count === 0 ? 'missing' : `given ${count} times`}; pass each of the ${shards} shard directories once`);
  }
}

function mergePair(out: RunDirectory, dirs: readonly RunDirectory[], model: string, task: string): void {
  const seen = new Set<string>();
  const predictions: PredictionRecord[] = [];
  const progress: BatchProgressRecord[] = [];
  let requested = 0;
  for (const dir of dirs) {
    const marker = completionFile(dir, model, task);
    if (!existsSync(marker)) throw new MergeError(`${dir.root}: ${model} / ${task} did not finish; resume that shard (vlbench run ... --resume) before merging`);
    const shardRequested = dir.readJson<CompletionMarker>(marker).requested;
    requested += shardRequested;
    const records = readJsonl<PredictionRecord>(dir.predictions(model, task)).records;
    // Every requested sample (query, for retrieval) leaves one record, scored or failed: fewer means
    // the file lost lines after the shard finished, and merging would score a subset silently.
    if (records.length !== shardRequested) {
      throw new MergeError(`${dir.predictions(model, task)}: ${records.length} prediction records for ${shardRequested} requested samples; the shard's predictions were cut or edited after it finished: rerun that shard into a fresh --out`);
    }
    for (const record of records) {
      const key = predictionKey(record);
      if (seen.has(key)) throw new MergeError(`${dir.root}: ${model} / ${task}: sample ${key} is also in another shard; the shards overlap`);
      seen.add(key);
      predictions.push(record);
    }
    for (const record of readJsonl<BatchProgressRecord>(dir.progress(model, task)).records) progress.push(record);
  }
  predictions.sort((a, b) => (a.sampleIndex ?? 0) - (b.sampleIndex ?? 0) || (a.kind === 'retrieval' && b.kind === 'retrieval' ? a.direction.localeCompare(b.direction) : 0));
  out.writeJsonl(out.predictions(model, task), predictions);
  out.writeJsonl(out.progress(model, task), progress);
  out.writeJson(completionFile(out, model, task), { requested } satisfies CompletionMarker);
}

/** Each shard's values of one field, once each in shard order: `cpu` or, across machines, `cpu, cuda`. */
function joined(values: readonly (string | undefined)[]): string {
  return [...new Set(values.filter((v): v is string => v !== undefined))].join(', ');
}

/**
 * The first shard's models, with what may differ per shard taken from all of them: digests count
 * as verified, and are recorded, only where every shard verified them (--no-verify-digests), and the execution
 * provider names every one the shards ran on (shards run on different machines), which the
 * merged timings then carry too.
 */
function mergedModels(manifests: readonly RunManifest[]): RunManifest['models'] {
  return manifests[0]!.models.map((model) => {
    const shards = manifests.map((m) => m.models.find((x) => x.id === model.id));
    const verified = shards.every((m) => m?.digestsVerified !== false);
    const provider = { ...model.provider, requested: joined(shards.map((m) => m?.provider.requested)), used: joined(shards.map((m) => m?.provider.used)) };
    // Where a shard did not hash its graphs, the files it ran are unknown: no digests are claimed.
    return { ...model, provider, ...(verified ? {} : { digestsVerified: false, graphs: {} }) };
  });
}

export function mergeRuns(runDirs: readonly string[], outDir: string): ScoresFile {
  if (runDirs.length === 0) throw new MergeError('name the shard run directories to merge');
  const dirs = runDirs.map((d) => new RunDirectory(resolve(d)));
  for (const dir of dirs) if (!dir.exists()) throw new MergeError(`${dir.root}: no manifest.json; not a run directory`);
  const manifests = dirs.map((d) => d.readJson<RunManifest>(d.manifest));
  checkShards(dirs, manifests);
  const out = new RunDirectory(resolve(outDir));
  if (existsSync(out.root) && readdirSync(out.root).length > 0) throw new MergeError(`${out.root} already exists and is not empty; choose another --out`);
  const manifest: RunManifest = { ...manifests[0]!, models: mergedModels(manifests), runId: randomUUID(), createdAt: new Date().toISOString(), shard: null, mergedFrom: dirs.map((d) => d.root) };
  out.writeJson(out.manifest, manifest);
  for (const model of manifest.models) {
    for (const task of manifest.tasks) {
      if (task.perModel[model.id]?.applicable === true) mergePair(out, dirs, model.id, task.id);
    }
  }
  return writeResults(out, manifest);
}
