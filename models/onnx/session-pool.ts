/**
 * Inference sessions shared between the tasks of a run: every adapter that needs the same graph
 * file on the same provider gets the same session, and the session is released when the last
 * holder lets go (or when the pool is closed at the end of the run).
 */
import { resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { sessionOptions, type ProviderName } from './providers.js';

interface Entry {
  readonly session: Promise<ort.InferenceSession>;
  refs: number;
}

export class SessionPool {
  private readonly entries = new Map<string, Entry>();

  /** Opens (or reuses) the session of `file` on `provider`; pair each call with `release`. */
  acquire(file: string, provider: ProviderName): Promise<ort.InferenceSession> {
    const key = this.key(file, provider);
    const existing = this.entries.get(key);
    if (existing) {
      existing.refs += 1;
      return existing.session;
    }
    const session = ort.InferenceSession.create(resolve(file), sessionOptions(provider));
    const entry: Entry = { session, refs: 1 };
    this.entries.set(key, entry);
    session.catch(() => this.entries.delete(key));
    return session;
  }

  async release(file: string, provider: ProviderName): Promise<void> {
    const key = this.key(file, provider);
    const entry = this.entries.get(key);
    if (!entry) return;
    entry.refs -= 1;
    if (entry.refs > 0) return;
    this.entries.delete(key);
    await (await entry.session).release();
  }

  /** Number of distinct open sessions (for tests and diagnostics). */
  get size(): number {
    return this.entries.size;
  }

  async close(): Promise<void> {
    const all = [...this.entries.values()];
    this.entries.clear();
    await Promise.all(all.map(async (entry) => (await entry.session.catch(() => null))?.release()));
  }

  private key(file: string, provider: ProviderName): string {
    return `${provider}:${resolve(file)}`;
  }
}
