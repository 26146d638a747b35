/**
 * `vlbench merge`: the run directories of one sharded run (same suites, models, data, limit,
 * gates; shards 0..N-1 each exactly once, each finished) become one run directory whose
 * predictions are the union of the shards'. Corpus metrics are then recomputed on the merged
 * predictions, never averaged over shards, so the scores equal those of an unsharded run.
 *
 * Every check comes before the first write, and a write that fails removes what the merge wrote:
 * a refused or failed merge leaves no half-written --out in the way of the next try.
 */
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { join, resolve } from 'node:path';
import { predictionKey, type BatchProgressRecord, type PredictionRecord, type RunManifest, type ScoresFile } from '../../reports/records.js';
import { readJsonl } from './jsonl.js';
import { checkShards, MergeError } from './merge-checks.js';
import { ensureDirectory, RunDirectory } from './run-dir.js';
import { completionFile, type CompletionMarker } from './run-task.js';
import { writeResults } from './results.js';

export { MergeError };

interface Pair {
  readonly model: string;
  readonly task: string;
}

interface MergedPair {
  readonly predictions: PredictionRecord[];
  readonly progress: BatchProgressRecord[];
  readonly requested: number;
}

/** Every pair some shard did not finish, named per shard (a killed shard leaves several). */
function checkFinished(dirs: readonly RunDirectory[], pairs: readonly Pair[]): void {
  for (const dir of dirs) {
    const unfinished = pairs.filter((p) => !existsSync(completionFile(dir, p.model, p.task))).map((p) => `${p.model} / ${p.task}`);
    if (unfinished.length > 0) {
      throw new MergeError(`${dir.root}: ${unfinished.join(', ')} did not finish; resume that shard (vlbench run ... --resume) before merging`);
    }
  }
}

/** One pair's records from every shard, checked (whole, no overlap), in sample order. */
function readPair(dirs: readonly RunDirectory[], { model, task }: Pair): MergedPair {
  const seen = new Set<string>();
  const predictions: PredictionRecord[] = [];
  const progress: BatchProgressRecord[] = [];
  let requested = 0;
  for (const dir of dirs) {
    const shardRequested = dir.readJson<CompletionMarker>(completionFile(dir, model, task)).requested;
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
  return { predictions, progress, requested };
}

function writePair(out: RunDirectory, { model, task }: Pair, merged: MergedPair): void {
  out.writeJsonl(out.predictions(model, task), merged.predictions);
  out.writeJsonl(out.progress(model, task), merged.progress);
  out.writeJson(completionFile(out, model, task), { requested: merged.requested } satisfies CompletionMarker);
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

/** The pairs the merged run holds: every applicable one of the (identical) shards' manifests. */
function pairsOf(manifest: RunManifest): Pair[] {
  return manifest.models.flatMap((model) => manifest.tasks.filter((task) => task.perModel[model.id]?.applicable === true).map((task) => ({ model: model.id, task: task.id })));
}

/** Marks an --out while a merge writes it; gone once manifest.json is written. */
const MERGING_MARK = '.vlbench-merging';

/**
 * What a merge killed while writing (kill -9, a power cut) left in --out: its mark and no
 * manifest.json. Nothing else writes that mark, so the same merge may start again over it.
 */
function clearInterruptedMerge(out: RunDirectory): void {
  if (existsSync(join(out.root, MERGING_MARK)) && !out.exists()) emptyDirectory(out.root);
}

function emptyDirectory(root: string): void {
  for (const entry of readdirSync(root)) rmSync(join(root, entry), { recursive: true, force: true });
}

/**
 * Writes the merged run; manifest.json comes last, so an interrupted merge is no run directory
 * that `gate` or `--resume` would take for a started run. On a failure, what was written goes:
 * --out itself where this merge created it, else (it was empty) its new contents.
 */
function writeMerged(out: RunDirectory, dirs: readonly RunDirectory[], manifest: RunManifest, pairs: readonly Pair[]): ScoresFile {
  const existed = existsSync(out.root);
  try {
    ensureDirectory(out.root, 'fix that, then run the same merge again');
    writeFileSync(join(out.root, MERGING_MARK), `${process.pid}\n`);
    for (const pair of pairs) writePair(out, pair, readPair(dirs, pair));
    const scores = writeResults(out, manifest);
    out.writeJson(out.manifest, manifest);
    rmSync(join(out.root, MERGING_MARK), { force: true });
    return scores;
  } catch (error) {
    try {
      if (existed) emptyDirectory(out.root);
      else rmSync(out.root, { recursive: true, force: true });
    } catch {
      // The write error is the one to report.
    }
    throw error;
  }
}

export function mergeRuns(runDirs: readonly string[], outDir: string): ScoresFile {
  if (runDirs.length === 0) throw new MergeError('name the shard run directories to merge');
  const dirs = runDirs.map((d) => new RunDirectory(resolve(d)));
  for (const dir of dirs) if (!dir.exists()) throw new MergeError(`${dir.root}: no manifest.json; not a run directory`);
  const manifests = dirs.map((d) => d.readJson<RunManifest>(d.manifest));
  checkShards(dirs.map((d) => d.root), manifests);
  const out = new RunDirectory(resolve(outDir));
  clearInterruptedMerge(out);
  if (existsSync(out.root) && readdirSync(out.root).length > 0) throw new MergeError(`${out.root} already exists and is not empty; choose another --out`);
  // Each shard's resumed sessions stay in its own manifest (mergedFrom names them): shard 0's alone would misstate the others'.
  const { resumes: _shard0Sessions, ...first } = manifests[0]!;
  const manifest: RunManifest = { ...first, models: mergedModels(manifests), runId: randomUUID(), createdAt: new Date().toISOString(), shard: null, mergedFrom: dirs.map((d) => d.root) };
  const pairs = pairsOf(manifest);
  checkFinished(dirs, pairs);
  // Read twice (checked here, then merged while writing) rather than holding every pair at once.
  for (const pair of pairs) readPair(dirs, pair);
  return writeMerged(out, dirs, manifest, pairs);
}
