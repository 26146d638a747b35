/**
 * The LAVIS/Karpathy annotation JSON shared by COCO and Flickr30k caption and retrieval splits
 * (or, with the `split` option, the original Karpathy split file it was made from: karpathy-split.ts):
 * a list of `{ "image": "val2014/COCO_val2014_000000391895.jpg", "caption": [5 captions] }`
 * (val/test) or one entry per caption with `image_id` (train). Entries of one image are merged
 * in file order only in the train layout, where every entry holds one caption string. An entry
 * with a caption list claims to hold all of its image's captions, so another entry of that image
 * fails at the repeat, naming the first: merging would give the image more ground truths than
 * the split has and add text queries, silently changing Recall@K.
 *
 * Ids: the number LAVIS derives from the file name (`COCO_val2014_000000391895.jpg` -> `391895`;
 * Flickr `1000092795.jpg` -> `1000092795`), which published results are keyed by, as long as it
 * names one image in the file. When two images share it (`cat/img_1.jpg` and `dog/img_1.jpg`, or
 * `img_0001.png` and `img_1.png`), every image of that file is identified by its path relative
 * to the media root instead, so ids stay unique and one file never mixes the two schemes.
 */
import { basename, extname, posix } from 'node:path';
import { shortIdsIfUnique } from '../ids.js';
import { readJsonDocument, isRecord, isStringArray } from '../io.js';
import { DatasetError, type LoaderInput, type LoaderOption } from '../loader.js';
import type { SourceLocation } from '../samples.js';
import { isCocoCaptionsDocument } from './coco-captions.js';
import { type BrokenEntry, describe, isKarpathySplitFile, KARPATHY_SPLITS, requireSplit, walkSplitFile } from './karpathy-split.js';

/** How the Karpathy loaders pick ids, for their descriptions (`vlbench ls datasets`). */
export const KARPATHY_ID_RULE = 'ids: the number in the image file name (COCO_val2014_000000391895.jpg -> 391895) when no two images of the file share it, else every image\'s path relative to mediaRoot';

/** The annotations file role of the Karpathy loaders (the split-file alternative is told by the split option). */
export const KARPATHY_FILE_ROLE = 'the LAVIS/Karpathy annotation JSON (list of {image, caption})';

/** No default: a split file holds every split, and guessing one would evaluate the wrong images. */
export const KARPATHY_SPLIT_OPTION: LoaderOption = {
  type: 'string',
  description: "the split to take from an original Karpathy split file (dataset_coco.json, dataset_flickr30k.json): 'test' is the Karpathy test split LAVIS evaluates; image paths are filepath/filename (COCO) or filename (Flickr30k) under mediaRoot. Not for LAVIS files, which hold one split",
  values: KARPATHY_SPLITS,
};

export function splitOption(input: LoaderInput): string | undefined {
  const value = input.options.split;
  return typeof value === 'string' ? value : undefined;
}

export interface KarpathyImage {
  readonly id: string;
  readonly image: string;
  readonly captions: string[];
  readonly source: SourceLocation;
}

export type KarpathyEntry = KarpathyImage | { readonly failure: string; readonly source: SourceLocation; readonly id: string };

/** An image's entries merged, before its id is known (ids depend on every image of the file). */
interface MergedImage {
  readonly image: string;
  readonly captions: string[];
  readonly source: SourceLocation;
  /** Whether the first entry held one caption string (train layout), the only kind that merges. */
  readonly perCaption: boolean;
}

export function karpathyImageId(image: string): string {
  const stem = basename(image, extname(image));
  const last = stem.split('_').at(-1) ?? stem;
  return /^\d+$/.test(last) ? String(Number(last)) : stem;
}

function repeatReason(raw: string, first: SourceLocation): string {
  return `image ${raw} is listed again: the entry at ${first.file} ${first.at} already has it; an entry with a caption list (LAVIS val/test layout) must be its image's only entry, so move these captions into the first entry or remove this one`;
}

/** The entries in file order, and each image's entry by its normalized path. */
interface Walk {
  readonly entries: (MergedImage | BrokenEntry)[];
  readonly images: Map<string, MergedImage>;
}

/** Adds an image's captions: merged into its first entry when both are one-caption entries, else a repeat failure. */
function add(walk: Walk, raw: string, captions: string[], perCaption: boolean, source: SourceLocation, index: number): void {
  // './a.jpg' and 'a.jpg' are one file, so one image.
  const media = posix.normalize(raw);
  const known = walk.images.get(media);
  if (known !== undefined && known.perCaption && perCaption) {
    known.captions.push(...captions);
    return;
  }
  if (known !== undefined) {
    walk.entries.push({ failure: repeatReason(raw, known.source), source, media, index });
    return;
  }
  const image: MergedImage = { image: media, captions: [...captions], source, perCaption };
  walk.images.set(media, image);
  walk.entries.push(image);
}

/** Why an entry's "caption" is unusable, pointing into the list at the first item that is not a string. */
function captionProblem(caption: unknown, raw: string, source: SourceLocation): { failure: string; source: SourceLocation } {
  if (Array.isArray(caption) && caption.length > 0) {
    const bad = caption.findIndex((c) => typeof c !== 'string');
    const found = caption[bad] === null ? 'null' : typeof caption[bad];
    return { failure: `entry for ${raw}: caption ${bad} is ${found}, not a string; fix or remove it`, source: { file: source.file, at: `${source.at}/caption/${bad}` } };
  }
  return { failure: `entry for ${raw} has no "caption" string or list of strings`, source };
}

/** The LAVIS layout's entries in file order, train-layout entries of one image merged into its first. */
function walk(document: unknown[], file: string, mediaKey: string): Walk {
  const result: Walk = { entries: [], images: new Map() };
  document.forEach((entry: unknown, index) => {
    const source = { file, at: `/${index}` };
    if (!isRecord(entry) || typeof entry[mediaKey] !== 'string') {
      result.entries.push({ failure: `entry has no "${mediaKey}" string`, source, index });
      return;
    }
    const raw = entry[mediaKey] as string;
    const captions = typeof entry.caption === 'string' ? [entry.caption] : entry.caption;
    if (!isStringArray(captions) || captions.length === 0) {
      result.entries.push({ ...captionProblem(entry.caption, raw, source), media: posix.normalize(raw), index });
      return;
    }
    add(result, raw, captions, typeof entry.caption === 'string', source, index);
  });
  return result;
}

/** The document's entries in either layout, or the error that says which layout was found and what to do. */
function walkLayout(document: unknown, file: string, mediaKey: string, split: string | undefined): Walk {
  if (Array.isArray(document)) {
    if (split !== undefined) throw new DatasetError(`${file}: option split '${split}' applies only to an original Karpathy split file (dataset_coco.json layout); this file is a LAVIS list of {"${mediaKey}", "caption"} entries, which holds one split already: remove dataset.options.split`);
    return walk(document, file, mediaKey);
  }
  if (isCocoCaptionsDocument(document)) {
    throw new DatasetError(`${file} /: this is an official COCO file ("images" with "file_name", as captions_val2014.json, image_info_test2014.json or NoCaps ship), not the LAVIS/Karpathy layout. For captioning, read it with loader 'coco-captions' ('nocaps' for NoCaps); for retrieval, and for the Karpathy test split LAVIS evaluates, use LAVIS's coco_karpathy_test.json, or dataset_coco.json with options.split 'test'`);
  }
  if (mediaKey === 'image' && isKarpathySplitFile(document)) {
    const result: Walk = { entries: [], images: new Map() };
    for (const image of walkSplitFile(document, file, requireSplit(file, document, split))) {
      if ('failure' in image) result.entries.push({ ...image, media: image.media === undefined ? undefined : posix.normalize(image.media) });
      // Each image of a split file holds all its sentences, so a repeat is never merged.
      else add(result, image.raw, image.captions, false, image.source, image.index);
    }
    return result;
  }
  throw new DatasetError(`${file} /: expected a JSON list of {"${mediaKey}", "caption"} entries (LAVIS/Karpathy format)${mediaKey === 'image' ? ' or an original Karpathy split file ({"images": [...], "dataset": ...})' : ''}, got ${describe(document)}`);
}

/**
 * @param mediaKey the entry's media field: "image" (COCO, Flickr30k) or "video" (LAVIS's MSVD /
 *   MSR-VTT caption annotations, same layout).
 * @param split the split to take from an original Karpathy split file (karpathy-split.ts);
 *   required for that layout, refused for the LAVIS layout, which is one split already.
 */
export async function readKarpathy(file: string, mediaKey: 'image' | 'video' = 'image', split?: string): Promise<KarpathyEntry[]> {
  // Video ids are the file stem as is (MSVD's "-4wsuPCjDBc_5_15"); only COCO/Flickr names carry a number.
  const short = mediaKey === 'image' ? karpathyImageId : (media: string) => basename(media, extname(media));
  const { entries, images } = walkLayout(await readJsonDocument(file), file, mediaKey, split);
  const named = entries.flatMap((e) => ('failure' in e ? (e.media === undefined ? [] : [e.media]) : [e.image]));
  const idOf = shortIdsIfUnique(new Set(named), short);
  const used = new Set([...images.keys()].map(idOf));
  return entries.map((entry) => {
    if (!('failure' in entry)) return { ...entry, id: idOf(entry.image) };
    // A broken entry keeps its image's id unless a good entry of that image (or an earlier broken one) has it.
    const id = entry.media !== undefined && !used.has(idOf(entry.media)) ? idOf(entry.media) : `row:${entry.index}`;
    used.add(id);
    return { failure: entry.failure, source: entry.source, id };
  });
}
