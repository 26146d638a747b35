/**
 * Append-only JSONL files that survive `kill -9`: each batch is appended with one write and
 * fsync'd, and a reader ignores a last line without its newline (the write the kill cut short).
 * Before appending again, `openAppender` cuts that partial line off so the file stays valid.
 * Any other line that is not JSON was damaged after it was written, and is reported with its
 * file, line and fix.
 */
import { closeSync, existsSync, fstatSync, fsyncSync, ftruncateSync, openSync, readFileSync, truncateSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { damagedFile, ensureDirectory, RESUME_FIX, writeFailure } from './run-dir.js';

export interface JsonlContents<T> {
  readonly records: T[];
  /** Bytes up to the end of the last complete line. */
  readonly completeBytes: number;
  readonly truncatedTail: boolean;
}

export function readJsonl<T>(file: string): JsonlContents<T> {
  if (!existsSync(file)) return { records: [], completeBytes: 0, truncatedTail: false };
  const buffer = readFileSync(file);
  const end = buffer.lastIndexOf(0x0a) + 1;
  const records: T[] = [];
  const lines = buffer.subarray(0, end).toString('utf8').split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    if (line.trim() === '') continue;
    try {
      records.push(JSON.parse(line) as T);
    } catch (error) {
      throw damagedFile(file, error, index + 1);
    }
  }
  return { records, completeBytes: end, truncatedTail: end < buffer.length };
}

export class JsonlAppender {
  private fd: number;
  /** Set when a failed append could not be undone: appending after it would glue two lines together. */
  private damaged: Error | null = null;

  constructor(readonly file: string) {
    ensureDirectory(dirname(file), RESUME_FIX);
    if (existsSync(file)) {
      const { completeBytes, truncatedTail } = readJsonl(file);
      if (truncatedTail) truncateSync(file, completeBytes);
    }
    this.fd = openSync(file, 'a');
  }

  /**
   * Appends the records and flushes them to disk. A write may store fewer bytes than asked
   * (signals, quotas, network file systems), so it is repeated for the rest; when it fails, the
   * part of the batch already written is cut off again so no half record stays in the file.
   */
  append(records: readonly unknown[]): void {
    if (records.length === 0) return;
    if (this.damaged) throw this.damaged;
    const buffer = Buffer.from(records.map((r) => JSON.stringify(r) + '\n').join(''), 'utf8');
    const start = fstatSync(this.fd).size;
    try {
      for (let offset = 0; offset < buffer.length; ) {
        const written = this.writeChunk(this.fd, buffer, offset, buffer.length - offset);
        if (written <= 0) throw new Error(`write stored no bytes (${offset} of ${buffer.length} written)`);
        offset += written;
      }
      fsyncSync(this.fd);
    } catch (error) {
      const failure = writeFailure(this.file, error);
      try {
        ftruncateSync(this.fd, start);
      } catch {
        this.damaged = failure;
      }
      throw failure;
    }
  }

  /** One write(2); a seam for tests, which cannot make the kernel write short on demand. */
  protected writeChunk(fd: number, buffer: Buffer, offset: number, length: number): number {
    return writeSync(fd, buffer, offset, length);
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}
