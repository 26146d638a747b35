/**
 * Video captioning in LAVIS's MSVD / MSR-VTT caption annotation JSON: a list of
 * `{ "video": "video7010.mp4", "caption": "..." | [...] }`: one-caption entries of one video are
 * merged in file order; a video repeated next to a caption-list entry fails (karpathy-json.ts).
 * The video is a file (decoded with ffmpeg) or a folder of frames under the media root.
 * Ids follow karpathy-json.ts: the file stem, or the path when two videos share a stem.
 */
import { failure, mediaAt } from '../io.js';
import { requiredFile, type DatasetLoader } from '../loader.js';
import type { CaptionSample, LoaderItem } from '../samples.js';
import { readKarpathy } from './karpathy-json.js';

export const videoCaption: DatasetLoader = {
  name: 'video-caption',
  description: 'MSVD / MSR-VTT / VATEX-style video captioning, LAVIS annotation JSON (list of {video, caption}): videos (files or frame folders) with their reference captions; ids: the video file stem when no two videos of the file share it, else every video\'s path relative to mediaRoot',
  produces: ['caption'],
  modality: 'video',
  files: { annotations: { required: true, description: 'the LAVIS caption annotation JSON (list of {video, caption})' } },
  options: {},
  mediaRoot: 'required',
  async *load(input): AsyncGenerator<LoaderItem> {
    for (const entry of await readKarpathy(requiredFile(input, videoCaption, 'annotations'), 'video')) {
      if ('failure' in entry) {
        yield failure(entry.id, entry.failure, entry.source);
        continue;
      }
      const media = await mediaAt(entry.id, 'video', input.mediaRoot, entry.image, entry.source);
      if ('kind' in media) yield media;
      else yield { kind: 'caption', id: entry.id, media, references: entry.captions, source: entry.source } satisfies CaptionSample;
    }
  },
};
