/**
 * The LAVIS/Karpathy annotation JSON shared by COCO and Flickr30k caption and retrieval splits:
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
import { DatasetError } from '../loader.js';
import type { SourceLocation } from '../samples.js';

/** How the Karpathy loaders pick ids, for their descriptions (`vlbench ls datasets`). */
export const KARPATHY_ID_RULE = 'ids: the number in the image file name (COCO_val2014_000000391895.jpg -> 391895) when no two images of the file share it, else every image\'s path relative to mediaRoot';

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

/** A broken entry; `media` when the entry named its image, so the failure can carry its id. */
interface BrokenEntry {
  readonly failure: string;
  readonly source: SourceLocation;
  readonly media?: string;
  readonly index: number;
}

export function karpathyImageId(image: string): string {
  const stem = basename(image, extname(image));
  const last = stem.split('_').at(-1) ?? stem;
  return /^\d+$/.test(last) ? String(Number(last)) : stem;
}

function repeatReason(raw: string, first: SourceLocation): string {
  return `image ${raw} is listed again: the entry at ${first.file} ${first.at} already has it; an entry with a caption list (LAVIS val/test layout) must be its image's only entry, so move these captions into the first entry or remove this one`;
}

/** The entries in file order, train-layout entries of one image merged into its first. */
function walk(document: unknown[], file: string, mediaKey: string): { entries: (MergedImage | BrokenEntry)[]; images: Map<string, MergedImage> } {
  const images = new Map<string, MergedImage>();
  const entries: (MergedImage | BrokenEntry)[] = [];
  document.forEach((entry: unknown, index) => {
    const source = { file, at: `/${index}` };
    if (!isRecord(entry) || typeof entry[mediaKey] !== 'string') {
      entries.push({ failure: `entry has no "${mediaKey}" string`, source, index });
      return;
    }
    const raw = entry[mediaKey] as string;
    // './a.jpg' and 'a.jpg' are one file, so one image.
    const media = posix.normalize(raw);
    const captions = typeof entry.caption === 'string' ? [entry.caption] : entry.caption;
    if (!isStringArray(captions) || captions.length === 0) {
      entries.push({ failure: `entry for ${raw} has no "caption" string or list of strings`, source, media, index });
      return;
    }
    const perCaption = typeof entry.caption === 'string';
    const known = images.get(media);
    if (known !== undefined && known.perCaption && perCaption) {
      known.captions.push(...captions);
      return;
    }
    if (known !== undefined) {
      entries.push({ failure: repeatReason(raw, known.source), source, media, index });
      return;
    }
    const image: MergedImage = { image: media, captions: [...captions], source, perCaption };
    images.set(media, image);
    entries.push(image);
  });
  return { entries, images };
}

/**
 * @param mediaKey the entry's media field: "image" (COCO, Flickr30k) or "video" (LAVIS's MSVD /
 *   MSR-VTT caption annotations, same layout).
 */
export async function readKarpathy(file: string, mediaKey: 'image' | 'video' = 'image'): Promise<KarpathyEntry[]> {
  // Video ids are the file stem as is (MSVD's "-4wsuPCjDBc_5_15"); only COCO/Flickr names carry a number.
  const short = mediaKey === 'image' ? karpathyImageId : (media: string) => basename(media, extname(media));
  const document = await readJsonDocument(file);
  if (!Array.isArray(document)) throw new DatasetError(`${file}: expected a JSON list of {"${mediaKey}", "caption"} entries (LAVIS/Karpathy format), got ${typeof document}`);
  const { entries, images } = walk(document, file, mediaKey);
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
