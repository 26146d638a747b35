/**
 * Append-only JSONL files that survive `kill -9`: each batch is appended with one write and
 * fsync'd, and a reader ignores a last line without its newline (the write the kill cut short).
 * Before appending again, `openAppender` cuts that partial line off so the file stays valid.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, truncateSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

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
  for (const line of buffer.subarray(0, end).toString('utf8').split('\n')) {
    if (line.trim() === '') continue;
    records.push(JSON.parse(line) as T);
  }
  return { records, completeBytes: end, truncatedTail: end < buffer.length };
}

export class JsonlAppender {
  private fd: number;

  constructor(readonly file: string) {
    mkdirSync(dirname(file), { recursive: true });
    if (existsSync(file)) {
      const { completeBytes, truncatedTail } = readJsonl(file);
      if (truncatedTail) truncateSync(file, completeBytes);
    }
    this.fd = openSync(file, 'a');
  }

  /** Appends the records as one write and flushes them to disk. */
  append(records: readonly unknown[]): void {
    if (records.length === 0) return;
    writeSync(this.fd, records.map((r) => JSON.stringify(r) + '\n').join(''));
    fsyncSync(this.fd);
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}
