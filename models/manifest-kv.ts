/**
 * KV-cache pairs of a decoder graph (models/CONTRACT.md section 1, "KV cache"). The runtime feeds
 * each pair's present output back as its past input, so a pair that joins two different layers,
 * or a key with a value, runs without any error and decodes with wrong scores. The contract fixes
 * the names (`past_key_values.{i}.key|value` -> `present.{i}.key|value`, as
 * models/export/common.py `kv_specs` writes them), so every pair is checked against them here.
 */
import { ManifestError } from './manifest-error.js';
import type { GraphRole, GraphSpec } from './manifest-types.js';

const PAST = /^past_key_values\.(\d+)\.(key|value)$/;
const PRESENT = /^present\.(\d+)\.(key|value)$/;
const PAST_PREFIX = 'past_key_values.';
const PRESENT_PREFIX = 'present.';

interface Slot {
  readonly layer: number;
  readonly part: 'key' | 'value';
}

function slotOf(name: string, pattern: RegExp): Slot | undefined {
  const match = pattern.exec(name);
  return match ? { layer: Number(match[1]), part: match[2] as 'key' | 'value' } : undefined;
}

export function checkKvCache(file: string, role: GraphRole, graph: GraphSpec): void {
  const at = `/graphs/${role}`;
  if (!graph.kvCache) {
    const stray = Object.keys(graph.inputs).find((name) => name.startsWith(PAST_PREFIX));
    if (stray) throw new ManifestError(file, `${at}/inputs/${stray}`, `'${stray}' is a KV-cache input but ${role} declares no kvCache; add /graphs/${role}/kvCache with its pairs`);
    return;
  }
  const { layers, pairs } = graph.kvCache;
  if (pairs.length !== layers * 2) {
    throw new ManifestError(file, `${at}/kvCache/pairs`, `expected ${layers * 2} pairs (key and value for each of ${layers} layers), found ${pairs.length}`);
  }
  const seen = new Map<string, number>();
  pairs.forEach(([past, present], index) => {
    const pointer = `${at}/kvCache/pairs/${index}`;
    if (!(past in graph.inputs)) throw new ManifestError(file, `${pointer}/0`, `'${past}' is not a declared input of ${role}`);
    if (!(present in graph.outputs)) throw new ManifestError(file, `${pointer}/1`, `'${present}' is not a declared output of ${role}`);
    const slot = checkPairNames(file, pointer, past, present, layers);
    const key = `${slot.layer}.${slot.part}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) throw new ManifestError(file, pointer, `layer ${slot.layer} ${slot.part} is paired twice (pairs ${earlier} and ${index}); each layer's key and value appear exactly once`);
    seen.set(key, index);
  });
  checkEveryTensorPaired(file, at, graph);
}

/** Both names follow the contract's pattern and name the same layer and the same part. */
function checkPairNames(file: string, pointer: string, past: string, present: string, layers: number): Slot {
  const from = slotOf(past, PAST);
  if (!from) throw new ManifestError(file, `${pointer}/0`, `'${past}' is not a KV-cache input name; the contract names them past_key_values.<layer>.key / .value`);
  const to = slotOf(present, PRESENT);
  if (!to) throw new ManifestError(file, `${pointer}/1`, `'${present}' is not a KV-cache output name; the contract names them present.<layer>.key / .value`);
  if (from.layer !== to.layer || from.part !== to.part) {
    const fix = `present.${from.layer}.${from.part}`;
    throw new ManifestError(file, `${pointer}/1`, `'${past}' is paired with '${present}' (layer ${to.layer} ${to.part}); the cache would feed one layer's ${to.part} into layer ${from.layer}'s ${from.part}: pair it with '${fix}'`);
  }
  // With 2 x layers pairs, each slot once and every layer below `layers`, the layers are 0..L-1.
  if (from.layer >= layers) throw new ManifestError(file, `${pointer}/0`, `'${past}' names layer ${from.layer}, but kvCache.layers is ${layers} (layers 0..${layers - 1})`);
  return from;
}

/** A past input left out of the pairs would never be fed (every step fails); a present output left out is never read back. */
function checkEveryTensorPaired(file: string, at: string, graph: GraphSpec): void {
  const pairs = graph.kvCache?.pairs ?? [];
  const pastNames = new Set(pairs.map(([past]) => past));
  const presentNames = new Set(pairs.map(([, present]) => present));
  for (const name of Object.keys(graph.inputs)) {
    if (name.startsWith(PAST_PREFIX) && !pastNames.has(name)) throw new ManifestError(file, `${at}/inputs/${name}`, `KV-cache input '${name}' belongs to no pair in ${at}/kvCache/pairs; add its pair or remove the input`);
  }
  for (const name of Object.keys(graph.outputs)) {
    if (name.startsWith(PRESENT_PREFIX) && !presentNames.has(name)) throw new ManifestError(file, `${at}/outputs/${name}`, `KV-cache output '${name}' belongs to no pair in ${at}/kvCache/pairs; add its pair or remove the output`);
  }
}
