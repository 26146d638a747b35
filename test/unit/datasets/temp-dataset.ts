/**
 * Small datasets written to a temporary folder for loader tests that need a file the committed
 * fixtures should not carry (repeated ids, a byte order mark, broken annotations). Media files
 * are empty: loaders only check that they exist. Loaders are taken from the registry, as the
 * runner takes them, so the id check every loader is served with (datasets/ids.ts) applies.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { OptionValue } from '../../../datasets/loader.js';
import { DATASET_LOADERS } from '../../../datasets/registry.js';
import type { LoaderItem } from '../../../datasets/samples.js';

const created: string[] = [];

/** Writes `files` (relative path -> text, or bytes for other encodings) under a new temporary folder; returns the folder. */
export function tempDataset(files: Readonly<Record<string, string | Uint8Array>>): string {
  const root = mkdtempSync(join(tmpdir(), 'vlbench-datasets-'));
  created.push(root);
  for (const [relative, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, relative)), { recursive: true });
    writeFileSync(join(root, relative), text);
  }
  return root;
}

/** Removes every folder tempDataset made (a test file's `test.after`). */
export function removeTempDatasets(): void {
  for (const root of created.splice(0)) rmSync(root, { recursive: true, force: true });
}

/** Every item `loader` yields for files and media under `root`. */
export async function load(loader: string, root: string, files: Readonly<Record<string, string>>, options: Record<string, OptionValue> = {}): Promise<LoaderItem[]> {
  const found = DATASET_LOADERS.get(loader);
  if (!found) throw new Error(`no loader ${loader}`);
  const absolute = Object.fromEntries(Object.entries(files).map(([role, path]) => [role, join(root, path)]));
  const items: LoaderItem[] = [];
  for await (const item of found.load({ files: absolute, mediaRoot: root, options })) items.push(item);
  return items;
}

/** The message a load that must fail throws (the test fails if it loads). */
export async function loadError(loader: string, root: string, files: Readonly<Record<string, string>>, options: Record<string, OptionValue> = {}): Promise<string> {
  const error = await load(loader, root, files, options).then(() => undefined, (e: unknown) => e as Error);
  if (error === undefined) throw new Error(`${loader} loaded ${JSON.stringify(files)}`);
  return error.message;
}

/** `kind:id` per item, the shape most assertions compare. */
export function summary(items: readonly LoaderItem[]): string[] {
  return items.map((item) => `${item.kind}:${item.id}`);
}

/** A failure's reason and location (`reason @ at`), or a note that the item is not a failure. */
export function failureAt(item: LoaderItem | undefined): string {
  return item?.kind === 'failure' ? `${item.reason} @ ${item.source.at}` : `not a failure: ${item?.kind}`;
}

/** The ids of the items that are not failures. */
export function sampleIds(items: readonly LoaderItem[]): string[] {
  return items.flatMap((item) => (item.kind === 'failure' ? [] : [item.id]));
}
