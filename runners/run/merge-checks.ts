/**
 * What `vlbench merge` checks of the shards' manifests before it writes anything: each is a shard,
 * all are one experiment (a refusal names every differing part, with the values), the suites
 * declare the same gates, and each of 0..N-1 is given once.
 */
import { basename, isAbsolute } from 'node:path';
import { describeGate, parseGates, type GateSpec } from '../../reports/gate-spec.js';
import type { RunManifest } from '../../reports/records.js';
import { changedKeys } from './environment.js';
import { experimentIdentity, modelChanges, settingChanges, suiteContent, theyDiffer } from './manifest.js';

export class MergeError extends Error {
  override name = 'MergeError';
}

/** At most this many details of a refusal are listed; the rest are counted. */
const MAX_DETAILS = 6;

/**
 * The manifest with every absolute path cut to its last component: shards run on machines whose
 * checkout or data live under different roots are still one experiment. What the paths hold is
 * compared by content (the data files' and model.json's sha256 are part of the identity).
 */
function withoutRoots<T>(value: T): T {
  if (typeof value === 'string') return (isAbsolute(value) && value.length > 1 ? basename(value) : value) as T;
  if (Array.isArray(value)) return value.map(withoutRoots) as T;
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutRoots(v)])) as T;
  return value;
}

/** The parts of the experiment the two shards disagree on (the shard index aside), as resume names them. */
function experimentDifferences(a: RunManifest, b: RunManifest): string[] {
  // Shards of one run come from one version of vlbench, as a resumed run must (manifest.ts).
  const pick = (m: RunManifest): Record<string, string> => ({
    ...experimentIdentity(m), shard: '', 'shard counts': String(m.shard?.count ?? null),
    'vlbench code': String(m.vlbench.codeSha256 ?? null), 'onnxruntime-node version': m.environment.onnxruntime, 'package versions': JSON.stringify(m.environment.packages ?? null),
  });
  const [x, y] = [pick(a), pick(b)];
  return Object.keys(x).filter((key) => x[key] !== y[key]);
}

const listed = (values: readonly string[]): string => (values.length === 0 ? '(none)' : values.join(', '));
const valueOf = (value: unknown): string => (value === null || value === undefined ? '(none)' : String(value));

/** "suite small: its content differs": which suites (less description and gates) are not the same. */
function suiteChanges(a: RunManifest, b: RunManifest): string[] {
  const names = (m: RunManifest): string[] => m.suites.map((s) => s.name);
  if (names(a).join('\0') !== names(b).join('\0')) return [`suites ${listed(names(a))} -> ${listed(names(b))}`];
  const content = (m: RunManifest, i: number): string => JSON.stringify(suiteContent(m.suites[i]!));
  return a.suites.flatMap((s, i) => (content(a, i) === content(b, i) ? [] : [`suite ${s.name}: its content differs (beyond description and gates)`]));
}

/** "data file val.jsonl of task t: other content" for each data file whose digest differs. */
function dataChanges(a: RunManifest, b: RunManifest): string[] {
  return b.tasks.flatMap((task) => {
    const before = a.tasks.find((t) => t.id === task.id)?.dataset.files ?? [];
    return task.dataset.files.filter((f) => before.some((x) => x.path === f.path && x.sha256 !== f.sha256))
      .map((f) => `data file ${f.path} of task ${task.id}: other content (sha256 ${before.find((x) => x.path === f.path)!.sha256.slice(0, 12)}… -> ${f.sha256.slice(0, 12)}…)`);
  });
}

/** What vlbench and its runtime differ in: commits, files, versions. */
function versionChanges(a: RunManifest, b: RunManifest): string[] {
  const out: string[] = [];
  if (a.vlbench.codeSha256 !== b.vlbench.codeSha256) {
    const files = changedKeys(a.vlbench.codeFiles ?? {}, b.vlbench.codeFiles ?? {});
    const code = [
      ...(a.vlbench.gitCommit !== b.vlbench.gitCommit ? [`git commit ${valueOf(a.vlbench.gitCommit)} -> ${valueOf(b.vlbench.gitCommit)}`] : []),
      ...(files.length > 0 ? [`files ${files.slice(0, 5).join(', ')}${files.length > 5 ? ` and ${files.length - 5} more` : ''} differ`] : []),
    ];
    // The same commit and no file list: edits not committed, or a manifest without codeFiles.
    const short = (sha: string | undefined): string => (sha === undefined ? '(none)' : `${sha.slice(0, 12)}…`);
    out.push(`vlbench code: ${code.length > 0 ? code.join(', ') : `code digest ${short(a.vlbench.codeSha256)} -> ${short(b.vlbench.codeSha256)}`}`);
  }
  if (a.environment.onnxruntime !== b.environment.onnxruntime) out.push(`onnxruntime-node ${a.environment.onnxruntime} -> ${b.environment.onnxruntime}`);
  const [x, y] = [a.environment.packages ?? {}, b.environment.packages ?? {}];
  for (const name of changedKeys(x, y)) out.push(`package ${name} ${valueOf(x[name])} -> ${valueOf(y[name])}`);
  return out;
}

/** Each differing part with its values, first shard's -> this shard's, in the order the parts are named. */
function differenceDetails(a: RunManifest, b: RunManifest, parts: readonly string[]): string[] {
  const ids = (m: RunManifest): string[] => m.tasks.map((t) => t.id);
  const sameTasks = ids(a).join('\0') === ids(b).join('\0');
  const details: Record<string, () => string[]> = {
    'tasks (--tasks)': () => [`tasks ${listed(ids(a))} -> ${listed(ids(b))}`],
    suites: () => suiteChanges(a, b),
    models: () => modelChanges(a, b),
    datasets: () => dataChanges(a, b),
    // With other tasks, every setting of them would read as changed; the task lists say enough.
    settings: () => (sameTasks ? settingChanges(a, b) : []),
    limit: () => [`--limit ${valueOf(a.limit)} -> ${valueOf(b.limit)}`],
    'shard counts': () => [`shard counts ${valueOf(a.shard?.count)} -> ${valueOf(b.shard?.count)}`],
  };
  const versions = parts.some((p) => ['vlbench code', 'onnxruntime-node version', 'package versions'].includes(p)) ? versionChanges(a, b) : [];
  return [...parts.flatMap((part) => details[part]?.() ?? []), ...versions];
}

function briefly(items: readonly string[]): string {
  const shown = items.slice(0, MAX_DETAILS).join('; ');
  return items.length > MAX_DETAILS ? `${shown}; and ${items.length - MAX_DETAILS} more` : shown;
}

function checkSameExperiment(roots: readonly string[], manifests: readonly RunManifest[]): void {
  const first = withoutRoots(manifests[0]!);
  manifests.forEach((manifest, i) => {
    const m = withoutRoots(manifest);
    const differs = experimentDifferences(first, m);
    if (differs.length === 0) return;
    const details = differenceDetails(first, m, differs);
    const values = details.length > 0 ? ` (first-named shard -> this one: ${briefly(details)})` : '';
    throw new MergeError(`${roots[i]}: ${theyDiffer(differs)} from ${roots[0]}'s${values}; only shards of one run can be merged`);
  });
}

/** A gate as `vlbench gate` names it, with its scope: "CIDEr >= 5 (task captioning)". */
function gateText(gate: GateSpec): string {
  const scope = [gate.model && `model ${gate.model}`, gate.family && `family ${gate.family}`, gate.task && `task ${gate.task}`].filter(Boolean).join(', ');
  return `${describeGate(gate)}${scope ? ` (${scope})` : ''}`;
}

function gateList(gates: readonly unknown[], root: string): string {
  let texts: string[];
  try {
    texts = parseGates(gates, `${root}/manifest.json#/gates`).map(gateText);
  } catch {
    texts = gates.map((g) => JSON.stringify(g));
  }
  return texts.length === 0 ? 'no gates' : `[${briefly(texts)}]`;
}

/**
 * The merged run is gated by one list: shards whose suites declare other gates (the identity
 * leaves gates out, so a resume may change them) would make the verdict depend on which shard is
 * named first.
 */
function checkSameGates(roots: readonly string[], manifests: readonly RunManifest[]): void {
  const first = JSON.stringify(manifests[0]!.gates);
  manifests.forEach((m, i) => {
    if (JSON.stringify(m.gates) === first) return;
    throw new MergeError(`${roots[i]}: its suites declare other gates than ${roots[0]}'s (${roots[0]}: ${gateList(manifests[0]!.gates, roots[0]!)}; ${roots[i]}: ${gateList(m.gates, roots[i]!)}); the merged run could keep only one list, and its verdict would depend on the order the shards are named: run every shard from the same suites, gates included`);
  });
}

/** Everything merge requires of the shards' manifests; throws MergeError naming the first problem. */
export function checkShards(roots: readonly string[], manifests: readonly RunManifest[]): void {
  // Checked before the experiments are compared: a full run beside shards is "not a shard", not a
  // difference in shard counts.
  manifests.forEach((m, i) => {
    if (m.shard !== null) return;
    const what = m.mergedFrom !== undefined ? 'it is already a merge of shards' : 'it ran without --shard i/N';
    throw new MergeError(`${roots[i]}: not a shard (${what}); merge takes only the shard directories of one run made with --shard i/N`);
  });
  checkSameExperiment(roots, manifests);
  checkSameGates(roots, manifests);
  const indices = manifests.map((m) => m.shard!.index);
  const shards = manifests[0]!.shard!.count;
  for (let k = 0; k < shards; k++) {
    const count = indices.filter((i) => i === k).length;
    if (count !== 1) throw new MergeError(`shard ${k}/${shards} is ${count === 0 ? 'missing' : `given ${count} times`}; pass each of the ${shards} shard directories once`);
  }
}
