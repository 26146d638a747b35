/**
 * The LAVIS/Karpathy annotation JSON shared by COCO and Flickr30k caption and retrieval splits:
 * a list of `{ "image": "val2014/COCO_val2014_000000391895.jpg", "caption": [5 captions] }`
 * (val/test) or one entry per caption with `image_id` (train). Entries of the same image are
 * merged in file order. The image id is the number LAVIS derives from the file name
 * (`COCO_val2014_000000391895.jpg` -> `391895`; Flickr `1000092795.jpg` -> `1000092795`).
 */
import { basename, extname } from 'node:path';
import { readJsonDocument, isRecord, isStringArray } from '../io.js';
import { DatasetError } from '../loader.js';
import type { SourceLocation } from '../samples.js';

export interface KarpathyImage {
  readonly id: string;
  readonly image: string;
  readonly captions: string[];
  readonly source: SourceLocation;
}

export type KarpathyEntry = KarpathyImage | { readonly failure: string; readonly source: SourceLocation; readonly id: string };

export function karpathyImageId(image: string): string {
  const stem = basename(image, extname(image));
  const last = stem.split('_').at(-1) ?? stem;
  return /^\d+$/.test(last) ? String(Number(last)) : stem;
}

/**
 * @param mediaKey the entry's media field: "image" (COCO, Flickr30k) or "video" (LAVIS's MSVD /
 *   MSR-VTT caption annotations, same layout).
 */
export async function readKarpathy(file: string, mediaKey: 'image' | 'video' = 'image'): Promise<KarpathyEntry[]> {
  // Video ids are the file stem as is (MSVD's "-4wsuPCjDBc_5_15"); only COCO/Flickr names carry a number.
  const idOf = mediaKey === 'image' ? karpathyImageId : (media: string) => basename(media, extname(media));
  const document = await readJsonDocument(file);
  if (!Array.isArray(document)) throw new DatasetError(`${file}: expected a JSON list of {"${mediaKey}", "caption"} entries (LAVIS/Karpathy format), got ${typeof document}`);
  const byImage = new Map<string, KarpathyImage>();
  const entries: KarpathyEntry[] = [];
  document.forEach((entry: unknown, index) => {
    const source = { file, at: `/${index}` };
    const media = isRecord(entry) ? entry[mediaKey] : undefined;
    if (!isRecord(entry) || typeof media !== 'string') {
      entries.push({ failure: `entry has no "${mediaKey}" string`, source, id: `row:${index}` });
      return;
    }
    const captions = typeof entry.caption === 'string' ? [entry.caption] : entry.caption;
    if (!isStringArray(captions) || captions.length === 0) {
      entries.push({ failure: `entry for ${media} has no "caption" string or list of strings`, source, id: idOf(media) });
      return;
    }
    const known = byImage.get(media);
    if (known !== undefined) {
      known.captions.push(...captions);
      return;
    }
    const image: KarpathyImage = { id: idOf(media), image: media, captions: [...captions], source };
    byImage.set(media, image);
    entries.push(image);
  });
  return entries;
}
