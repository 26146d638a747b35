/**
 * Prepared images for retrieval re-ranking, kept up to a byte budget (least recently used out):
 * re-ranking needs the prepared image of every candidate pair, and preparing it again is the
 * expensive part, but all of COCO's 5k prepared images do not fit in memory.
 */
import type { MediaInput, PreparedMedia } from '../../models/capabilities.js';

export class PreparedMediaCache {
  private readonly entries = new Map<string, Promise<PreparedMedia>>();
  private readonly sizes = new Map<string, number>();
  private bytes = 0;

  constructor(private readonly budgetBytes: number, private readonly prepare: (media: MediaInput) => Promise<PreparedMedia>) {}

  get(media: MediaInput): Promise<PreparedMedia> {
    const known = this.entries.get(media.path);
    if (known !== undefined) {
      this.entries.delete(media.path);
      this.entries.set(media.path, known);
      return known;
    }
    const promise = this.prepare(media);
    this.entries.set(media.path, promise);
    promise.then((prepared) => this.account(media.path, prepared.data.byteLength), () => this.entries.delete(media.path));
    return promise;
  }

  private account(path: string, size: number): void {
    if (!this.entries.has(path)) return;
    this.sizes.set(path, size);
    this.bytes += size;
    for (const oldest of this.entries.keys()) {
      if (this.bytes <= this.budgetBytes || oldest === path) break;
      this.entries.delete(oldest);
      this.bytes -= this.sizes.get(oldest) ?? 0;
      this.sizes.delete(oldest);
    }
  }
}
