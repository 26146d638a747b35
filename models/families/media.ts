/**
 * Preparing one media input as the family's manifest says (models/preprocess does the work).
 * Each modality needs its preprocessing section in the manifest; a model asked for a modality
 * it does not declare is an error naming the file and the model.
 */
import type { InferenceContext, MediaInput, PreparedMedia } from '../capabilities.js';
import type { ModelManifest } from '../manifest-types.js';
import { preprocessImage } from '../preprocess/image.js';
import { BEATS_SAMPLE_RATE, preprocessAudio } from '../preprocess/audio.js';
import { preprocessPointCloud } from '../preprocess/pointcloud.js';
import { preprocessVideo } from '../preprocess/video.js';

export async function prepareMedia(manifest: ModelManifest, manifestPath: string, media: MediaInput, ctx: InferenceContext): Promise<PreparedMedia> {
  if (!manifest.modalities.includes(media.modality)) {
    throw new Error(`${media.path}: model ${manifest.name} does not take ${media.modality} input (it takes ${manifest.modalities.join(', ')})`);
  }
  return ctx.time('preprocess', async () => {
    switch (media.modality) {
      case 'image': {
        const spec = manifest.preprocess.image;
        if (!spec) throw new Error(`${manifestPath}: /preprocess/image is required for image input`);
        const tensor = await preprocessImage(media.path, { size: spec.size, resize: spec.resize, mean: spec.mean, std: spec.std });
        return { modality: 'image', data: tensor.data, dims: tensor.dims, path: media.path };
      }
      case 'video': {
        const spec = manifest.preprocess.video;
        if (!spec) throw new Error(`${manifestPath}: /preprocess/video is required for video input`);
        const sampling = spec.sampling === 'head-tail' ? 'headtail' : 'uniform';
        const tensor = await preprocessVideo(media.path, { size: spec.size, nFrames: spec.frames, sampling, channels: spec.channelOrder });
        return { modality: 'video', data: tensor.data, dims: tensor.dims, path: media.path };
      }
      case 'audio': {
        const spec = manifest.preprocess.audio;
        if (!spec) throw new Error(`${manifestPath}: /preprocess/audio is required for audio input`);
        if (spec.sampleRate !== BEATS_SAMPLE_RATE || spec.melBins !== 128) {
          throw new Error(`${manifestPath}: /preprocess/audio: vlbench implements BEATs' front end (16 kHz, 128 mel bins); got ${spec.sampleRate} Hz, ${spec.melBins} bins`);
        }
        const tensor = await preprocessAudio(media.path, { nClips: spec.clips, clipFrames: spec.framesPerClip, clipMode: 'fixed' });
        return { modality: 'audio', data: tensor.data, dims: tensor.dims, path: media.path };
      }
      case 'pointcloud': {
        const spec = manifest.preprocess.pointcloud;
        if (!spec) throw new Error(`${manifestPath}: /preprocess/pointcloud is required for point-cloud input`);
        const tensor = await preprocessPointCloud(media.path, { mode: spec.mode, npoints: spec.points, seed: spec.seed });
        return { modality: 'pointcloud', data: tensor.data, dims: tensor.dims, path: media.path };
      }
      default: {
        const never: never = media.modality;
        throw new Error(`unknown modality ${String(never)}`);
      }
    }
  });
}
