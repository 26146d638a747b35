/**
 * NoCaps val/test in its official COCO-style file (nocaps_val_4500_captions.json):
 * `images: [{id, file_name, domain}]`, `annotations: [{image_id, caption}]` (10 per image; none
 * for test). The domain (in-domain, near-domain, out-domain) becomes the sample's category.
 */
import { failure, isRecord, mediaOrFailure, mediaPath, readJsonDocument } from '../io.js';
import { DatasetError, optionString, requiredFile, type DatasetLoader } from '../loader.js';
import type { CaptionSample, LoaderItem } from '../samples.js';

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
    const references = new Map<string, string[]>();
    const annotations: unknown[] = Array.isArray(document.annotations) ? document.annotations : [];
    for (const annotation of annotations) {
      if (!isRecord(annotation) || typeof annotation.caption !== 'string') continue;
      const id = String(annotation.image_id);
      references.set(id, [...(references.get(id) ?? []), annotation.caption]);
    }
    for (const [index, image] of (document.images as unknown[]).entries()) {
      const source = { file, at: `/images/${index}` };
      if (!isRecord(image) || typeof image.file_name !== 'string' || image.id === undefined) {
        yield failure(`row:${index}`, 'image entry needs "id" and "file_name"', source);
        continue;
      }
      const category = typeof image.domain === 'string' ? image.domain : '';
      if (domain !== 'all' && category !== domain) continue;
      const id = String(image.id);
      const media = await mediaOrFailure(id, 'image', mediaPath(input.mediaRoot, image.file_name), source);
      if ('kind' in media) yield media;
      else yield { kind: 'caption', id, media, references: references.get(id) ?? [], category, source } satisfies CaptionSample;
    }
  },
};
