/**
 * The sha256 of every media file a run reads, written beside its path in each prediction
 * (`mediaSha256`): annotation files are digested in the manifest, but an image re-encoded or
 * replaced under the same path and id would otherwise leave no trace, and a gate would compare
 * two runs of other samples as one sample set (reports/gate/sample-set.ts).
 *
 * One instance per run: a retrieval gallery image is the media of many records, and the models
 * of a run read the same datasets, so each path is read for its digest once.
 */
import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { listFrameFiles } from '../../models/preprocess/video.js';
import type { PredictionRecord } from '../../reports/records.js';
import { sha256File } from '../run/manifest.js';

/**
 * A file's sha256; a folder of video frames hashes the text of one `name\tsha256\n` line per
 * frame, in the order the video loader reads them, so that a renamed, reordered, added or
 * changed frame changes the digest as it changes which frames the sampling picks.
 */
export async function mediaSha256(path: string): Promise<string> {
  if (!(await stat(path)).isDirectory()) return sha256File(path);
  const hash = createHash('sha256');
  // One frame at a time: a folder can hold thousands, and each digest opens its file.
  for (const frame of await listFrameFiles(path)) hash.update(`${basename(frame)}\t${await sha256File(frame)}\n`);
  return hash.digest('hex');
}

export class MediaDigests {
  private readonly pending = new Map<string, Promise<string>>();
  private readonly known = new Map<string, string>();

  /** The digest of a media path, read once per run; a read that failed is tried again next time. */
  digest(path: string): Promise<string> {
    const key = resolve(path);
    const known = this.pending.get(key);
    if (known !== undefined) return known;
    const digest = mediaSha256(key).then((sha256) => {
      this.known.set(key, sha256);
      return sha256;
    });
    digest.catch(() => this.pending.delete(key));
    this.pending.set(key, digest);
    return digest;
  }

  /**
   * `work` (preparing the media) with the digests of `paths` taken beside it, for the writer to
   * record; when both fail, work's error (which names the decoder's problem) is the one thrown.
   */
  async alongside<T>(paths: readonly string[], work: () => Promise<T>): Promise<T> {
    const digests = Promise.all(paths.map((path) => this.digest(path)));
    digests.catch(() => {});
    const result = await work();
    await digests;
    return result;
  }

  /**
   * The record with the digests of its media. Writing must not wait on reads, so the tasks take
   * each sample's digests while they prepare its media (a file that cannot be read fails the
   * sample there); a path not digested by then is a harness error, not a record without them.
   */
  stamp(record: PredictionRecord): PredictionRecord {
    if (record.kind === 'failed') return record;
    const mediaSha256 = record.media.map((path) => {
      const sha256 = this.known.get(resolve(path));
      if (sha256 === undefined) throw new Error(`${record.task}, sample ${record.sampleId}: ${path} was not digested before its prediction was written`);
      return sha256;
    });
    return { ...record, mediaSha256 };
  }
}
