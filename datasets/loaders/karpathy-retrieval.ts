/**
 * COCO / Flickr30k Karpathy retrieval splits (5k / 1k test images, ~5 captions each) in LAVIS's
 * annotation JSON: each image with its ground-truth captions; text i belongs to one image.
 */
import { failure, mediaPath } from '../io.js';
import { requiredFile, type DatasetLoader } from '../loader.js';
import type { LoaderItem, RetrievalSample } from '../samples.js';
import { KARPATHY_FILE_ROLE, KARPATHY_ID_RULE, KARPATHY_SPLIT_OPTION, readKarpathy, splitOption } from './karpathy-json.js';

export const karpathyRetrieval: DatasetLoader = {
  name: 'karpathy-retrieval',
  description: 'COCO / Flickr30k Karpathy retrieval split, LAVIS annotation JSON or an original Karpathy split file with option split: images with their ground-truth captions; ' + KARPATHY_ID_RULE,
  produces: ['retrieval'],
  modality: 'image',
  files: { annotations: { required: true, description: KARPATHY_FILE_ROLE } },
  options: { split: KARPATHY_SPLIT_OPTION },
  mediaRoot: 'required',
  async *load(input): AsyncGenerator<LoaderItem> {
    for (const entry of await readKarpathy(requiredFile(input, karpathyRetrieval, 'annotations'), 'image', splitOption(input))) {
      if ('failure' in entry) {
        yield failure(entry.id, entry.failure, entry.source);
        continue;
      }
      // A missing image still brings its captions: the runner then fails the image and its text
      // queries together, as for an unreadable file, so the text->image counts stay whole.
      const media = { modality: 'image' as const, path: mediaPath(input.mediaRoot, entry.image) };
      yield { kind: 'retrieval', id: entry.id, media, captions: entry.captions, source: entry.source } satisfies RetrievalSample;
    }
  },
};
