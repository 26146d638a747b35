/**
 * Which frames of a video LAVIS feeds the model (InstructBLIP / X-InstructBLIP `alpro_video_eval`).
 * - `uniform`: the paper-time loader (decord, LAVIS before 2023-12-06):
 *   `np.arange(0, N, N / n).astype(int)` with n = min(n_frms, N). The float step is reproduced
 *   literally (index i = trunc(i * (N / n)), count = ceil(N / (N / n))), which equals floor(i·N/n)
 *   except where N / n is inexact in binary.
 * - `headtail`: HEAD's OpenCV loader: [s] + [s + (e - s) // (n - 1) * i for i in 1..n-2] + [e],
 *   s = 0, e = int(total / fps * fps). e can be one past the last frame: the read fails, LAVIS stops
 *   reading there (`break`, dropping any later index) and pads by repeating the last frame read.
 */

export type FrameSampling = 'uniform' | 'headtail';

/** Frame indices to read; `fps` only matters for `headtail` (frame folders pass 1). */
export function sampleFrameIndices(sampling: FrameSampling, totalFrames: number, nFrames: number, fps = 1): number[] {
  if (!Number.isInteger(totalFrames) || totalFrames < 1) throw new RangeError(`video has no frames (count ${totalFrames})`);
  if (!Number.isInteger(nFrames) || nFrames < 1) throw new RangeError(`number of frames must be a positive integer, got ${nFrames}`);
  switch (sampling) {
    case 'uniform': {
      const n = Math.min(nFrames, totalFrames);
      const step = totalFrames / n;
      const count = Math.ceil(totalFrames / step);
      return Array.from({ length: count }, (_, i) => Math.trunc(i * step));
    }
    case 'headtail': {
      if (nFrames < 2) throw new RangeError('headtail sampling needs at least 2 frames (LAVIS returns [start, end] for 1)');
      const start = 0;
      const end = Math.trunc((totalFrames / fps) * fps);
      const gap = Math.floor((end - start) / (nFrames - 1));
      const middle = Array.from({ length: nFrames - 2 }, (_, k) => start + gap * (k + 1));
      return [start, ...middle, end];
    }
    default: {
      const never: never = sampling;
      throw new Error(`unknown frame sampling ${String(never)}`);
    }
  }
}

/**
 * The frames LAVIS ends up with: indices are read in order until one is past the end (HEAD's
 * `break`); with `padToCount`, the last frame read is repeated up to that many (HEAD), otherwise
 * the list is returned as is (paper-time decord: fewer frames for short videos, no padding).
 */
export function framesActuallyRead(indices: readonly number[], totalFrames: number, padToCount?: number): number[] {
  const read: number[] = [];
  for (const index of indices) {
    if (index < 0 || index >= totalFrames) break;
    read.push(index);
  }
  if (padToCount !== undefined && read.length > 0) {
    while (read.length < padToCount) read.push(read[read.length - 1]!);
  }
  return read;
}
