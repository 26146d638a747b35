/**
 * The official COCO captions file (captions_val2014.json, captions_train2017.json, ...):
 * `images: [{id, file_name, ...}]`, `annotations: [{id, image_id, caption}]`, several captions
 * per image. NoCaps ships the same layout with a `domain` per image (nocaps.ts reads it through
 * this walk). Images are taken in the file's order with their annotations' captions untouched.
 * An annotation that no listed image can take (no image_id, or an image_id the images list
 * lacks) fails at its own pointer after the images, as in the VQA format: it usually means the
 * file was cut or merged from two splits, and dropping it would hide that.
 */
import { FirstSeen, inexactIdProblem, PaddedIds } from '../ids.js';
import { failure, isRecord, mediaAt, readJsonDocument } from '../io.js';
import { DatasetError, requiredFile, type DatasetLoader, type LoaderInput } from '../loader.js';
import type { CaptionSample, LoaderItem, SampleFailure } from '../samples.js';

/** Which listed images to caption, and the category each one gets. */
export interface CocoImageSelection {
  /** The format's name for errors ("COCO captions", "NoCaps"). */
  readonly format: string;
  /** The image's category, or null to leave the image out (e.g. another NoCaps domain). */
  readonly category: (image: Record<string, unknown>) => string | null;
}

/**
 * Whether a JSON document has the COCO layout, so other loaders can name it: images with
 * annotations (captions_val2014.json), or a test split's image list alone (image_info_test2014.json:
 * images with `file_name`, where a Karpathy split file's have `filename` and `sentences`).
 */
export function isCocoCaptionsDocument(document: unknown): boolean {
  if (!isRecord(document) || !Array.isArray(document.images)) return false;
  if (Array.isArray(document.annotations)) return true;
  const first: unknown = document.images[0];
  return isRecord(first) && 'file_name' in first && !('sentences' in first);
}

export async function* loadCocoStyleCaptions(input: LoaderInput, file: string, selection: CocoImageSelection): AsyncGenerator<LoaderItem> {
  const document = await readJsonDocument(file);
  if (!isRecord(document) || !Array.isArray(document.images)) throw new DatasetError(`${file}: expected an object with an "images" list and an "annotations" list (${selection.format} format)`);
  const { references, broken } = readReferences(document.annotations);
  // A test split ships no annotations: its images are captioned, not scored. In an annotated
  // file an image without captions is a hole in the file, not a test image.
  const annotated = references.size > 0 || broken.size > 0;
  // Every listed image id, selected or not: an annotation of an image left out is no orphan.
  const listed = new Set<string>();
  const captioned = new PaddedIds(() => references.keys());
  for (const [index, image] of (document.images as unknown[]).entries()) {
    const source = { file, at: `/images/${index}` };
    if (isRecord(image) && image.id !== undefined) listed.add(String(image.id));
    if (!isRecord(image) || typeof image.file_name !== 'string' || image.id === undefined) {
      yield failure(`row:${index}`, 'image entry needs "id" and "file_name"', source);
      continue;
    }
    const category = selection.category(image);
    if (category === null) continue;
    const inexact = inexactIdProblem('id', image.id);
    if (inexact !== undefined) {
      yield failure(`row:${index}`, inexact, source);
      continue;
    }
    const id = String(image.id);
    const problem = broken.get(id) ?? (annotated && !references.has(id) ? `image ${id} has no caption in ${file}'s annotations${captioned.hint(id, 'an annotation')}; add its references or remove the image` : undefined);
    if (problem !== undefined) {
      yield failure(id, problem, source);
      continue;
    }
    const media = await mediaAt(id, 'image', input.mediaRoot, image.file_name, source);
    if ('kind' in media) yield media;
    else yield { kind: 'caption', id, media, references: references.get(id) ?? [], category, source } satisfies CaptionSample;
  }
  yield* unjoinable(document.annotations, listed, file);
}

export const cocoCaptions: DatasetLoader = {
  name: 'coco-captions',
  description: 'official COCO captions JSON (images + annotations), e.g. captions_val2014.json; for the Karpathy splits LAVIS evaluates use karpathy-caption',
  produces: ['caption'],
  modality: 'image',
  files: { annotations: { required: true, description: 'captions_<split><year>.json with "images" and "annotations"' } },
  options: {},
  mediaRoot: 'required',
  load(input) {
    return loadCocoStyleCaptions(input, requiredFile(input, cocoCaptions, 'annotations'), { format: 'COCO captions', category: () => '' });
  },
};

/** Annotations without an image_id, or whose image_id no entry of "images" has, as failures at their pointers. */
function unjoinable(annotations: unknown, listed: ReadonlySet<string>, file: string): SampleFailure[] {
  const images = new PaddedIds(() => listed);
  return (Array.isArray(annotations) ? annotations : []).flatMap((annotation: unknown, index) => {
    const source = { file, at: `/annotations/${index}` };
    if (!isRecord(annotation) || annotation.image_id === undefined) return [failure(`annotation:${index}`, 'annotation has no "image_id", so it captions no image; add the id or remove the entry', source)];
    const id = String(annotation.image_id);
    if (listed.has(id)) return [];
    return [failure(`annotation:${index}`, `annotation for image_id ${id}, which no entry of "images" in ${file} has${images.hint(id, 'an image')}; the file was probably cut or put together from two splits: use the official file, or add the image or remove the annotation`, source)];
  });
}

/** Reference captions per image id, and per image the first malformed annotation (JSON pointer). */
function readReferences(annotations: unknown): { references: Map<string, string[]>; broken: Map<string, string> } {
  const references = new Map<string, string[]>();
  const broken = new Map<string, string>();
  // The annotation's own "id": a repeat is the same caption twice, which would count double.
  const firstAt = new FirstSeen<number>();
  for (const [index, annotation] of (Array.isArray(annotations) ? annotations : []).entries()) {
    const id = isRecord(annotation) && annotation.image_id !== undefined ? String(annotation.image_id) : undefined;
    if (id === undefined) continue;
    const own = annotation.id === undefined ? undefined : String(annotation.id);
    const first = own === undefined ? undefined : firstAt.repeatOf(own, index);
    if (first !== undefined) {
      if (!broken.has(id)) broken.set(id, `/annotations/${index}: annotation id ${own} appears again (the first is /annotations/${first}); remove the repeat`);
      continue;
    }
    if (typeof annotation.caption !== 'string' || annotation.caption.trim() === '') {
      if (!broken.has(id)) broken.set(id, `/annotations/${index}/caption: expected a non-empty string; fix or remove this annotation`);
      continue;
    }
    references.set(id, [...(references.get(id) ?? []), annotation.caption]);
  }
  return { references, broken };
}
