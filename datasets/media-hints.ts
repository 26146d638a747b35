/**
 * One hint for a media file that is not found, when a likely cause shows: the mismatches that
 * annotation files bring from other machines. A name in another Unicode normalization (macOS
 * writes NFD, most tools NFC; the two print alike) or another letter case (case-insensitive file
 * systems hide it), whitespace around a name, Windows separators and drive letters, an absolute
 * path from another machine. Run only after a file was not found. Each folder is listed and
 * indexed at most once (a small cache, so a whole split failing on one cause costs one listing);
 * a listing gone stale can only cost a hint, never decide a failure.
 */
import { readdir } from 'node:fs/promises';
import { basename, dirname, isAbsolute } from 'node:path';

/** A media path as an annotation writes it, and the folder it was resolved against. */
export interface WrittenPath {
  readonly root: string;
  readonly path: string;
}

/** A folder's entries by the forms a name can be mistyped in; each key maps to the first entry with it. */
interface FolderIndex {
  readonly byForm: ReadonlyMap<string, string>;
  readonly byCase: ReadonlyMap<string, string>;
  readonly byBlanks: ReadonlyMap<string, string>;
}

const INDEXED_FOLDERS = 32;
const folders = new Map<string, Promise<FolderIndex | null>>();

const form = (name: string): string => name.normalize('NFC');
const caseless = (name: string): string => form(name).toLowerCase();
/** Without whitespace at either end of the name or of its stem. */
const trimmed = (name: string): string => name.trim().replace(/\s+(\.[^.\s]*)$/, '$1');
/** Without any whitespace: a template can put a field's stray space mid-name ('abc _30.wav'). */
const blankless = (name: string): string => name.replace(/\s+/g, '');

function byKey(names: readonly string[], key: (name: string) => string): Map<string, string> {
  const map = new Map<string, string>();
  for (const name of names) if (!map.has(key(name))) map.set(key(name), name);
  return map;
}

async function indexFolder(folder: string): Promise<FolderIndex | null> {
  let names: string[];
  try {
    names = await readdir(folder);
  } catch {
    return null;
  }
  return { byForm: byKey(names, form), byCase: byKey(names, caseless), byBlanks: byKey(names, blankless) };
}

function folderIndex(folder: string): Promise<FolderIndex | null> {
  let index = folders.get(folder);
  // Least recently used goes first: a split folder every miss looks at stays indexed.
  if (index !== undefined) folders.delete(folder);
  else {
    const oldest = folders.keys().next();
    if (folders.size >= INDEXED_FOLDERS && oldest.done !== true) folders.delete(oldest.value);
    index = indexFolder(folder);
  }
  folders.set(folder, index);
  return index;
}

function normalization(name: string): string {
  return name === name.normalize('NFC') ? 'NFC' : name === name.normalize('NFD') ? 'NFD' : 'mixed forms';
}

/** The entry of `index` that `name` likely means, said as a hint. */
function likeName(name: string, index: FolderIndex): string | undefined {
  const sameForm = index.byForm.get(form(name));
  if (sameForm !== undefined && sameForm !== name) {
    return `the folder has '${sameForm}', the same name in another Unicode normalization (${normalization(sameForm)} on disk, ${normalization(name)} in the annotation; they print alike): write the name as the disk has it, or rename the file`;
  }
  const sameLetters = index.byCase.get(caseless(name));
  if (sameLetters !== undefined && sameLetters !== name) return `the folder has '${sameLetters}', which differs only in letter case (file names are case-sensitive here)`;
  const sameText = index.byBlanks.get(blankless(name));
  if (sameText !== undefined && sameText !== name) return `the folder has '${sameText}', which differs only in whitespace (invisible in the path above)`;
  return undefined;
}

/**
 * The part of `path` missing below its deepest existing folder, compared with that folder's
 * entries: a folder name can be mistyped as well as a file name.
 */
async function nearMiss(path: string): Promise<string | undefined> {
  let folder = dirname(path);
  let name = basename(path);
  for (;;) {
    const index = await folderIndex(folder);
    if (index !== null) return likeName(name, index);
    const parent = dirname(folder);
    if (parent === folder) return undefined;
    name = basename(folder);
    folder = parent;
  }
}

/** Why `path` (written as `written`, where known) is likely not found, or undefined. */
export async function missingMediaHint(path: string, written?: WrittenPath): Promise<string | undefined> {
  const given = written?.path ?? path;
  if (/^[A-Za-z]:[\\/]|^\\\\/.test(given)) return `'${given.slice(0, 3)}' starts a Windows absolute path, which names no file here: write the path relative to mediaRoot, with '/'`;
  if (given.includes('\\')) return "the path contains '\\' (a Windows separator): write '/'";
  const near = await nearMiss(path);
  if (near !== undefined) return near;
  const padded = given.split('/').find((part) => part !== trimmed(part));
  if (padded !== undefined) return `the name '${padded}' has whitespace at its start or end, or before its extension (invisible in the path above): remove it from the annotation`;
  if (written !== undefined && written.root !== '' && isAbsolute(written.path)) return `the path is absolute, so it is not resolved against mediaRoot (${written.root}): write it relative to mediaRoot`;
  return undefined;
}
