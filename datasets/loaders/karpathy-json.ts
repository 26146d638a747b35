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

export async function readKarpathy(file: string): Promise<KarpathyEntry[]> {
  const document = await readJsonDocument(file);
  if (!Array.isArray(document)) throw new DatasetError(`${file}: expected a JSON list of {"image", "caption"} entries (LAVIS/Karpathy format), got ${typeof document}`);
  const byImage = new Map<string, KarpathyImage>();
  const entries: KarpathyEntry[] = [];
  document.forEach((entry: unknown, index) => {
    const source = { file, at: `/${index}` };
    if (!isRecord(entry) || typeof entry.image !== 'string') {
      entries.push({ failure: `entry has no "image" string`, source, id: `row:${index}` });
      return;
    }
    const captions = typeof entry.caption === 'string' ? [entry.caption] : entry.caption;
    if (!isStringArray(captions) || captions.length === 0) {
      entries.push({ failure: `entry for ${entry.image} has no "caption" string or list of strings`, source, id: karpathyImageId(entry.image) });
      return;
    }
    const known = byImage.get(entry.image);
    if (known !== undefined) {
      known.captions.push(...captions);
      return;
    }
    const image: KarpathyImage = { id: karpathyImageId(entry.image), image: entry.image, captions: [...captions], source };
    byImage.set(entry.image, image);
    entries.push(image);
  });
  return entries;
}
