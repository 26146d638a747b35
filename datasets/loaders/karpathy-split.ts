/**
 * The original Karpathy split files researchers download (dataset_coco.json, dataset_flickr30k.json,
 * dataset_flickr8k.json): `{"images": [{"filename", "filepath" (COCO only), "split":
 * "train" | "val" | "test" | "restval", "sentences": [{"raw", "tokens", ...}], ...}], "dataset"}`.
 * One file holds every split, so the suite names the one to take (`split` option); LAVIS's
 * annotation files were made from these: its test split is Karpathy "test", its image paths are
 * `filepath/filename` (COCO: `val2014/COCO_val2014_000000391895.jpg`) or `filename` (Flickr30k),
 * and its captions are the sentences' `raw` text, untouched. Images of other splits are skipped
 * (that is the selection asked for); an entry whose split cannot be told fails, since it might
 * belong to the requested one.
 */
import { isRecord } from '../io.js';
import { DatasetError } from '../loader.js';
import type { SourceLocation } from '../samples.js';

export const KARPATHY_SPLITS = ['test', 'val', 'train', 'restval'] as const;

export interface SplitImage {
  /** The image path relative to mediaRoot, as the file spells it. */
  readonly raw: string;
  readonly captions: string[];
  readonly source: SourceLocation;
  readonly index: number;
}

/** A broken entry; `media` when the entry named its image, so the failure can carry its id. */
export interface BrokenEntry {
  readonly failure: string;
  readonly source: SourceLocation;
  readonly media?: string;
  readonly index: number;
}

export function isKarpathySplitFile(document: unknown): document is { images: unknown[]; dataset?: unknown } {
  return isRecord(document) && Array.isArray(document.images);
}

/** A short account of a JSON value for errors: its type, and an object's first members. */
export function describe(document: unknown): string {
  if (!isRecord(document)) return document === null ? 'null' : typeof document;
  const keys = Object.keys(document);
  return `an object with members ${keys.slice(0, 5).map((k) => JSON.stringify(k)).join(', ')}${keys.length > 5 ? ', ...' : ''}`;
}

/** The split option, which this layout cannot do without: every split is in one file. */
export function requireSplit(file: string, document: { dataset?: unknown }, split: string | undefined): string {
  if (split !== undefined) return split;
  const name = typeof document.dataset === 'string' ? `, dataset "${document.dataset}"` : '';
  throw new DatasetError(`${file} /images: this is an original Karpathy split file (the dataset_coco.json / dataset_flickr30k.json layout${name}), which holds every split; set the task's dataset.options.split to the one to evaluate: 'test' (the Karpathy test split LAVIS evaluates: COCO 5k, Flickr30k 1k images), 'val', 'train' or 'restval'`);
}

/** The raw sentences of `sentences` at `at`, or why they cannot be used. */
function sentences(list: unknown, at: string, image: string): string[] | { problem: string; at: string } {
  if (!Array.isArray(list) || list.length === 0) return { problem: `entry for ${image} has no "sentences" list of {"raw": string}; add its sentences or remove the entry`, at };
  const raws: string[] = [];
  for (const [j, sentence] of (list as unknown[]).entries()) {
    if (!isRecord(sentence) || typeof sentence.raw !== 'string') return { problem: `sentence of ${image} has no "raw" string; fix or remove the sentence`, at: `${at}/sentences/${j}` };
    raws.push(sentence.raw);
  }
  return raws;
}

/** The image path of an entry (`filepath/filename` when a filepath is given), or undefined. */
function imagePath(entry: Record<string, unknown>): string | undefined {
  if (typeof entry.filename !== 'string' || entry.filename === '') return undefined;
  if (entry.filepath === undefined) return entry.filename;
  return typeof entry.filepath === 'string' ? `${entry.filepath}/${entry.filename}` : undefined;
}

/** The entries of `split` in file order, each image with its sentences, or the failure at its pointer. */
export function* walkSplitFile(document: { images: unknown[] }, file: string, split: string): Generator<SplitImage | BrokenEntry> {
  for (const [index, entry] of document.images.entries()) {
    const at = `/images/${index}`;
    const source = { file, at };
    if (isRecord(entry) && typeof entry.split === 'string' && entry.split !== split) continue;
    if (!isRecord(entry) || typeof entry.split !== 'string') {
      yield { failure: `entry has no "split" string, so it cannot be told whether it belongs to split '${split}'; add its split or remove the entry`, source, media: isRecord(entry) ? imagePath(entry) : undefined, index };
      continue;
    }
    const raw = imagePath(entry);
    if (raw === undefined) {
      yield { failure: 'entry has no "filename" string (or its "filepath" is not a string)', source, index };
      continue;
    }
    const captions = sentences(entry.sentences, at, raw);
    if ('problem' in captions) yield { failure: captions.problem, source: { file, at: captions.at }, media: raw, index };
    else yield { raw, captions, source, index };
  }
}
