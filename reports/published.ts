/**
 * Published numbers from the papers, for an optional "published" column beside measured values.
 * Files: reports/published/*.json (shipped: the headline numbers of model-contracts.md §8) or a
 * user's file passed with `vlbench report --published FILE`, in this format:
 *
 *   { "formatVersion": 1, "entries": [ {
 *       "family": "blip", "modelPattern": "blip.*base",     (regex on the lowercased model id; optional)
 *       "benchmarks": ["coco-karpathy-test", "coco-caption"], (task ids that name this benchmark)
 *       "metric": "CIDEr", "value": 1.333, "asPrinted": "133.3",
 *       "setting": "ViT-B CapFilt-L, fine-tuned",
 *       "source": "BLIP, arXiv 2201.12086, Table 7" } ] }
 *
 * `value` is on vlbench's scale for the metric (pycocoevalcap fractions for caption metrics,
 * percent for VQA accuracy and recall); `asPrinted` is the number as the paper prints it.
 * An entry applies to a (model, task) when one of its benchmarks equals the task's id, the metric
 * matches, and the family matches (and the pattern, when given). Not the dataset's loader: a
 * loader names a file format (the bundled synthetic VQA is in VQAv2's format), not a benchmark.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { didYouMean } from '../suites/did-you-mean.js';
import { describeJsonError, parseJsonText } from '../suites/json-text.js';
import { FAMILY_KEYS, normaliseFamilyKey } from './families.js';
import { METRIC_NAMES } from './metrics/registry.js';
import type { ReportModel, ReportTask } from './report-model.js';

export interface PublishedEntry {
  readonly family: string;
  readonly modelPattern?: string;
  readonly benchmarks: readonly string[];
  readonly metric: string;
  readonly value: number;
  readonly asPrinted: string;
  readonly setting: string;
  readonly source: string;
}

export class PublishedFormatError extends Error {
  override name = 'PublishedFormatError';
}

const SHIPPED_DIR = join(dirname(fileURLToPath(import.meta.url)), 'published');


/**
 * Metrics the papers report that vlbench computes none of (Hateful Memes AUC, VisDial MRR, the
 * Java-only caption metrics): such entries are kept as a record of the papers' tables and never
 * match a column. Any other name must be a metric vlbench reports, or the entry would be silently
 * unused (the docs' "CIDEr-D" for the key `CIDEr`).
 */
const PAPER_ONLY_METRICS: readonly string[] = ['AUC', 'MRR', 'METEOR', 'SPICE'];

function checkNames(metric: string, family: string, where: string): void {
  if (!(METRIC_NAMES as readonly string[]).includes(metric) && !PAPER_ONLY_METRICS.includes(metric)) {
    throw new PublishedFormatError(`${where}/metric: '${metric}' is not a metric vlbench reports${didYouMean(metric, METRIC_NAMES)}, so the entry would never show; use one of ${METRIC_NAMES.join(', ')} (or ${PAPER_ONLY_METRICS.join(', ')}, kept for the record only).`);
  }
  if (!FAMILY_KEYS.includes(normaliseFamilyKey(family))) {
    throw new PublishedFormatError(`${where}/family: '${family}' is not a model family${didYouMean(normaliseFamilyKey(family), FAMILY_KEYS)}, so the entry would match no model; use one of ${FAMILY_KEYS.join(', ')}.`);
  }
}

function checkEntry(entry: unknown, where: string): PublishedEntry {
  const e = entry as Record<string, unknown>;
  if (typeof e !== 'object' || e === null) throw new PublishedFormatError(`${where}: each entry must be an object.`);
  for (const key of ['family', 'metric', 'asPrinted', 'setting', 'source'] as const) {
    if (typeof e[key] !== 'string' || e[key] === '') throw new PublishedFormatError(`${where}/${key}: expected a non-empty string.`);
  }
  checkNames(e.metric as string, e.family as string, where);
  if (typeof e.value !== 'number' || !Number.isFinite(e.value)) throw new PublishedFormatError(`${where}/value: expected a finite number on vlbench's scale for the metric.`);
  if (!Array.isArray(e.benchmarks) || e.benchmarks.length === 0 || !e.benchmarks.every((b) => typeof b === 'string')) {
    throw new PublishedFormatError(`${where}/benchmarks: expected a non-empty array of the task ids that name this benchmark.`);
  }
  if (e.modelPattern !== undefined) {
    try {
      new RegExp(String(e.modelPattern));
    } catch {
      throw new PublishedFormatError(`${where}/modelPattern: not a valid regular expression.`);
    }
  }
  return e as unknown as PublishedEntry;
}

/** Reads one published-numbers file. */
export function readPublishedFile(file: string): PublishedEntry[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new PublishedFormatError(`${file}: cannot read published numbers (${(error as Error).message}).`);
  }
  const parsed = parseJsonText(text);
  if ('error' in parsed) throw new PublishedFormatError(`${file}: ${describeJsonError(parsed.error)}.`);
  const raw = (parsed.value ?? {}) as { formatVersion?: unknown; entries?: unknown };
  if (raw.formatVersion !== 1) throw new PublishedFormatError(`${file}: /formatVersion must be 1.`);
  if (!Array.isArray(raw.entries)) throw new PublishedFormatError(`${file}: /entries must be an array.`);
  return raw.entries.map((entry, index) => checkEntry(entry, `${file}#/entries/${index}`));
}

/** The shipped reference numbers (reports/published/*.json). */
export function shippedPublished(): PublishedEntry[] {
  return readdirSync(SHIPPED_DIR).filter((f) => f.endsWith('.json')).sort().flatMap((f) => readPublishedFile(join(SHIPPED_DIR, f)));
}


/** The published entry for a (model, task, metric), if any. */
export function findPublished(entries: readonly PublishedEntry[], model: ReportModel, task: ReportTask, metric: string): PublishedEntry | undefined {
  return entries.find((e) => e.metric === metric
    && normaliseFamilyKey(e.family) === normaliseFamilyKey(model.family)
    && e.benchmarks.includes(task.id)
    && (e.modelPattern === undefined || new RegExp(e.modelPattern).test(model.modelId.toLowerCase())));
}
