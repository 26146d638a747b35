/** Paths inside a run directory (reports/records.ts documents the layout). */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Model and task ids become folder and file names: keep them to a safe alphabet. */
export function safeName(id: string): string {
  return id.replace(/[^A-Za-z0-9._-]/g, '_');
}

export class RunDirectory {
  constructor(readonly root: string) {}

  get manifest(): string {
    return join(this.root, 'manifest.json');
  }

  get scores(): string {
    return join(this.root, 'scores.json');
  }

  get timings(): string {
    return join(this.root, 'timings.json');
  }

  predictions(model: string, task: string): string {
    return join(this.root, 'predictions', safeName(model), `${safeName(task)}.jsonl`);
  }

  samples(model: string, task: string): string {
    return join(this.root, 'samples', safeName(model), `${safeName(task)}.jsonl`);
  }

  progress(model: string, task: string): string {
    return join(this.root, 'progress', safeName(model), `${safeName(task)}.jsonl`);
  }

  exists(): boolean {
    return existsSync(this.manifest);
  }

  readJson<T>(file: string): T {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  }

  /** Writes whole-file JSON atomically (temp file + rename), so a kill never leaves half a file. */
  writeJson(file: string, value: unknown): void {
    mkdirSync(this.root, { recursive: true });
    const temp = `${file}.tmp-${process.pid}`;
    writeFileSync(temp, JSON.stringify(value, null, 2) + '\n');
    renameSync(temp, file);
  }

  /** Rewrites a JSONL file whole (per-sample scores are recomputed, not appended). */
  writeJsonl(file: string, records: readonly unknown[]): void {
    mkdirSync(join(file, '..'), { recursive: true });
    const temp = `${file}.tmp-${process.pid}`;
    writeFileSync(temp, records.map((r) => JSON.stringify(r) + '\n').join(''));
    renameSync(temp, file);
  }
}
