/**
 * NoCaps val/test in its official COCO-style file (nocaps_val_4500_captions.json):
 * `images: [{id, file_name, domain}]`, `annotations: [{image_id, caption}]` (10 per image; none
 * for test). The domain (in-domain, near-domain, out-domain) becomes the sample's category.
 * An annotation that no listed image can take (no image_id, or an image_id the images list
 * lacks) fails at its own pointer after the images, as in the VQA format: it usually means the
 * file was cut or merged from two splits, and dropping it would hide that.
 */
import { FirstSeen } from '../ids.js';
import { failure, isRecord, mediaOrFailure, mediaPath, readJsonDocument } from '../io.js';
import { DatasetError, optionString, requiredFile, type DatasetLoader } from '../loader.js';
import type { CaptionSample, LoaderItem, SampleFailure } from '../samples.js';

export const nocaps: DatasetLoader = {
  name: 'nocaps',
  description: 'NoCaps official captions JSON (images with domain + annotations), e.g. nocaps_val_4500_captions.json',
  produces: ['caption'],
  modality: 'image',
  files: { annotations: { required: true, description: 'nocaps_{val,test}_*.json with "images" and "annotations"' } },
  options: { domain: { type: 'string', description: 'evaluate one domain only', values: ['all', 'in-domain', 'near-domain', 'out-domain'], default: 'all' } },
  mediaRoot: 'required',
  async *load(input): AsyncGenerator<LoaderItem> {
    const file = requiredFile(input, nocaps, 'annotations');
    const document = await readJsonDocument(file);
    if (!isRecord(document) || !Array.isArray(document.images)) throw new DatasetError(`${file}: expected an object with an "images" list (NoCaps format)`);
    const domain = optionString(input, nocaps, 'domain');
    const { references, broken } = readReferences(document.annotations);
    // The test split ships no annotations: its images are captioned, not scored. In an annotated
    // file an image without captions is a hole in the file, not a test image.
    const annotated = references.size > 0 || broken.size > 0;
    // Every listed image id, whatever its domain: an annotation of a filtered-out image is no orphan.
    const listed = new Set<string>();
    for (const [index, image] of (document.images as unknown[]).entries()) {
      const source = { file, at: `/images/${index}` };
      if (isRecord(image) && image.id !== undefined) listed.add(String(image.id));
      if (!isRecord(image) || typeof image.file_name !== 'string' || image.id === undefined) {
        yield failure(`row:${index}`, 'image entry needs "id" and "file_name"', source);
        continue;
      }
      const category = typeof image.domain === 'string' ? image.domain : '';
      if (domain !== 'all' && category !== domain) continue;
      const id = String(image.id);
      const problem = broken.get(id) ?? (annotated && !references.has(id) ? `image ${id} has no caption in ${file}'s annotations; add its references or remove the image` : undefined);
      if (problem !== undefined) {
        yield failure(id, problem, source);
        continue;
      }
      const media = await mediaOrFailure(id, 'image', mediaPath(input.mediaRoot, image.file_name), source);
      if ('kind' in media) yield media;
      else yield { kind: 'caption', id, media, references: references.get(id) ?? [], category, source } satisfies CaptionSample;
    }
    yield* unjoinable(document.annotations, listed, file);
  },
};

/** Annotations without an image_id, or whose image_id no entry of "images" has, as failures at their pointers. */
function unjoinable(annotations: unknown, listed: ReadonlySet<string>, file: string): SampleFailure[] {
  return (Array.isArray(annotations) ? annotations : []).flatMap((annotation: unknown, index) => {
    const source = { file, at: `/annotations/${index}` };
    if (!isRecord(annotation) || annotation.image_id === undefined) return [failure(`annotation:${index}`, 'annotation has no "image_id", so it captions no image; add the id or remove the entry', source)];
    const id = String(annotation.image_id);
    if (listed.has(id)) return [];
    return [failure(`annotation:${index}`, `annotation for image_id ${id}, which no entry of "images" in ${file} has; the file was probably cut or put together from two splits: use the official file, or add the image or remove the annotation`, source)];
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
