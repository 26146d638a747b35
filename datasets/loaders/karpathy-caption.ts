/** COCO / Flickr30k Karpathy captioning splits in LAVIS's annotation JSON (see karpathy-json.ts). */
import { failure, mediaAt } from '../io.js';
import { requiredFile, type DatasetLoader } from '../loader.js';
import type { CaptionSample, LoaderItem } from '../samples.js';
import { KARPATHY_FILE_ROLE, KARPATHY_ID_RULE, KARPATHY_SPLIT_OPTION, readKarpathy, splitOption } from './karpathy-json.js';

export const karpathyCaption: DatasetLoader = {
  name: 'karpathy-caption',
  description: 'COCO / Flickr30k Karpathy split, LAVIS annotation JSON (coco_karpathy_test.json, flickr30k_test.json) or an original Karpathy split file with option split: images with their reference captions; ' + KARPATHY_ID_RULE,
  produces: ['caption'],
  modality: 'image',
  files: { annotations: { required: true, description: KARPATHY_FILE_ROLE } },
  options: { split: KARPATHY_SPLIT_OPTION },
  mediaRoot: 'required',
  async *load(input): AsyncGenerator<LoaderItem> {
    for (const entry of await readKarpathy(requiredFile(input, karpathyCaption, 'annotations'), 'image', splitOption(input))) {
      if ('failure' in entry) {
        yield failure(entry.id, entry.failure, entry.source);
        continue;
      }
      const media = await mediaAt(entry.id, 'image', input.mediaRoot, entry.image, entry.source);
      if ('kind' in media) yield media;
      else yield { kind: 'caption', id: entry.id, media, references: entry.captions, source: entry.source } satisfies CaptionSample;
    }
  },
};
