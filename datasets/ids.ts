/**
 * Sample ids. Everything downstream of a loader is keyed by sample id: per-sample scores, the
 * VQA and exact-match metrics, `--resume` (which skips ids already written) and shard merging. A
 * repeated id would make those overwrite, skip or refuse samples, so ids are made unique here,
 * never left to the scorer to trip over.
 */
import { failure } from './io.js';
import type { LoaderItem, SourceLocation } from './samples.js';

/**
 * The id scheme for one file: `short(key)` (e.g. the number in a COCO file name, which published
 * tooling keys results by) when no two keys share a short id, else the key itself for every
 * entry, so that one file never mixes the two schemes. Keys must be unique (e.g. media paths).
 */
export function shortIdsIfUnique(keys: Iterable<string>, short: (key: string) => string): (key: string) => string {
  const owner = new Map<string, string>();
  for (const key of keys) {
    const id = short(key);
    const other = owner.get(id);
    if (other !== undefined && other !== key) return (k) => k;
    owner.set(id, key);
  }
  return short;
}

/**
 * Where each key was first seen, for a format's own keys that must not repeat (a caption's id, an
 * annotation's id, a class name): `repeatOf` records a new key and returns undefined, or returns
 * where an earlier occurrence of the key was seen, so the caller can fail the repeat naming it.
 */
export class FirstSeen<At> {
  private readonly first = new Map<string, At>();

  repeatOf(key: string, at: At): At | undefined {
    const earlier = this.first.get(key);
    if (earlier === undefined) this.first.set(key, at);
    return earlier;
  }
}

/**
 * Why a JSON number cannot serve as an id, else undefined. JSON.parse rounds an integer beyond
 * 2^53 - 1 to the nearest double (12345678901234567891 becomes 12345678901234567000), so two
 * ids of a file can become one and neither is what the file says; by the time a loader sees the
 * number the digits are gone, so the only fix is the file's. A fraction (1.5) reads exactly as
 * written and is kept as the text '1.5'.
 */
export function inexactIdProblem(field: string, value: unknown): string | undefined {
  if (typeof value !== 'number' || !Number.isInteger(value) || Number.isSafeInteger(value)) return undefined;
  return `the id in field '${field}' is too large to be read exactly: JSON numbers beyond ${Number.MAX_SAFE_INTEGER} are rounded when read (this one became ${String(value)}), so it could name another record or none; quote the id as a string in the file ("${field}": "<its digits>")`;
}

/**
 * For an id join that finds no partner: the id the other side has that differs from it only in
 * leading zeros ('0001' and 1). Ids are compared as written, as the official tools compare them,
 * so such a pair stays unjoined; this only names the likely cause. The other side's ids are
 * indexed on the first miss, so a file that joins fully never pays for it.
 */
export class PaddedIds {
  private index: Map<string, string> | undefined;

  constructor(private readonly otherIds: () => Iterable<string>) {}

  /** ` (hint)` naming the other side's id, or ''. */
  hint(id: string, otherSide: string): string {
    if (!/^\d+$/.test(id)) return '';
    if (this.index === undefined) {
      this.index = new Map();
      for (const other of this.otherIds()) if (/^\d+$/.test(other) && !this.index.has(unpadded(other))) this.index.set(unpadded(other), other);
    }
    const twin = this.index.get(unpadded(id));
    if (twin === undefined || twin === id) return '';
    return ` (${otherSide} has the id ${twin}: one side writes it with leading zeros, and ids are compared as written; write it the same way in both files)`;
  }
}

function unpadded(digits: string): string {
  return digits.replace(/^0+(?=\d)/, '');
}

function where(source: SourceLocation): string {
  return `${source.file} ${source.at}`;
}

/**
 * Passes items through, turning an item whose id an earlier item already has into a failure at
 * its own location that names the earlier one. The failure gets a fresh id (`<id>@<pointer>`),
 * so that it too can be recorded, resumed and merged without clashing. The registry wraps every
 * loader in this, so no format can hand the runner a repeated id.
 */
export async function* withUniqueIds(items: AsyncIterable<LoaderItem>): AsyncGenerator<LoaderItem> {
  const first = new Map<string, SourceLocation>();
  for await (const item of items) {
    const earlier = first.get(item.id);
    if (earlier === undefined) {
      first.set(item.id, item.source);
      yield item;
      continue;
    }
    let id = `${item.id}@${item.source.at}`;
    for (let n = 2; first.has(id); n += 1) id = `${item.id}@${item.source.at}#${n}`;
    first.set(id, item.source);
    const also = item.kind === 'failure' ? ` (this entry also failed: ${item.reason})` : '';
    yield failure(id, `id '${item.id}' is used again: the entry at ${where(earlier)} already has it; each sample id must appear once in the dataset, so remove or renumber this entry${also}`, item.source);
  }
}
