/** What the run ran on and with: vlbench version and commit, ONNX Runtime, Node, CPU and GPU. */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { cpus, platform, release, arch } from 'node:os';
import type { RunManifest } from '../../reports/records.js';
import { sameFileKey } from '../../suites/same-file.js';

const packageRoot = new URL('../../', import.meta.url);

function quiet(command: string, args: readonly string[], cwd: string | URL = packageRoot): string | null {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], cwd, timeout: 5000 }).trim() || null;
  } catch {
    return null;
  }
}

export function vlbenchVersion(): RunManifest['vlbench'] {
  const pkg = JSON.parse(readFileSync(new URL('package.json', packageRoot), 'utf8')) as { version: string };
  const files = codeFileDigests();
  return { version: pkg.version, gitCommit: gitCommitOf(fileURLToPath(packageRoot)), codeSha256: codeSha256(files), codeFiles: files };
}

/**
 * The commit checked out at `root`, or null unless `root` is the top of a git work tree: git
 * searches upwards, so an installed package (my-project/node_modules/vlbench) would otherwise
 * record the commit of the project it is installed in as vlbench's.
 */
export function gitCommitOf(root: string): string | null {
  const top = quiet('git', ['rev-parse', '--show-toplevel'], root);
  if (top === null) return null;
  if (sameFileKey(top) !== sameFileKey(root)) return null;
  return quiet('git', ['rev-parse', 'HEAD'], root);
}

/** The folders whose code computes predictions and scores, and the lock file that pins the libraries they call. */
const CODE_FOLDERS = ['datasets', 'models', 'reports', 'runners', 'suites'];
const CODE_FILE = /\.(ts|js|mjs|cjs)$/;
/** Folders of data, Python tooling or caches under the code folders. */
const NOT_CODE = new Set(['node_modules', 'bundled', 'synthetic', 'tiny', 'export', '__pycache__']);

function codeFiles(folder: string): string[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return NOT_CODE.has(entry.name) ? [] : codeFiles(path);
    return entry.isFile() && CODE_FILE.test(entry.name) ? [path] : [];
  });
}

let codeDigests: Record<string, string> | undefined;

/**
 * sha256 of each of vlbench's code files and package-lock.json, by path relative to the package,
 * in path order. Read once per process: the manifest and a resume's check both need it, and the
 * code a process runs does not change under it.
 */
export function codeFileDigests(): Record<string, string> {
  codeDigests ??= readCodeFileDigests();
  return codeDigests;
}

function readCodeFileDigests(): Record<string, string> {
  const root = fileURLToPath(packageRoot);
  const files = [...CODE_FOLDERS.flatMap((folder) => codeFiles(join(root, folder))), join(root, 'package-lock.json')].filter((f) => existsSync(f));
  const relativePaths = files.map((f) => relative(root, f)).sort();
  return Object.fromEntries(relativePaths.map((file) => [file, createHash('sha256').update(readFileSync(join(root, file))).digest('hex')]));
}

/**
 * One digest of the code (path and content of every file): a git commit misses edits not
 * committed and is absent in an npm install; this is neither.
 */
export function codeSha256(files: Readonly<Record<string, string>> = codeFileDigests()): string {
  const hash = createHash('sha256');
  for (const [file, digest] of Object.entries(files)) hash.update(`${file}\0${digest}\0`);
  return hash.digest('hex');
}

/** The keys whose values differ between two records (changed, added or removed), in key order: files by digest, packages by version. */
export function changedKeys(before: Readonly<Record<string, string>>, now: Readonly<Record<string, string>>): string[] {
  return [...new Set([...Object.keys(before), ...Object.keys(now)])].sort().filter((file) => before[file] !== now[file]);
}

/**
 * The installed version of each runtime dependency (package.json "dependencies"): onnxruntime-node
 * runs the graphs, but image decoding (sharp) and tokenizers (@huggingface/tokenizers) decide
 * predictions too, and `npm install x@y --no-save` changes one without touching the lock file.
 * Each is looked up in the node_modules folders Node searches from the package, in its order: in
 * an installed vlbench npm hoists them to the project's node_modules, not vlbench's own.
 */
export function runtimePackages(root: string = fileURLToPath(packageRoot)): Record<string, string> {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  const require = createRequire(join(root, 'package.json'));
  return Object.fromEntries(Object.keys(pkg.dependencies ?? {}).sort().map((name) => {
    // Not require.resolve('<name>/package.json'): a package whose "exports" leave it out refuses that.
    const file = (require.resolve.paths(name) ?? []).map((dir) => join(dir, name, 'package.json')).find((f) => existsSync(f));
    return [name, file === undefined ? 'not installed' : (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version];
  }));
}

export function onnxruntimeVersion(): string {
  try {
    const require = createRequire(import.meta.url);
    const path = require.resolve('onnxruntime-node/package.json');
    return (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
  } catch {
    return 'not installed';
  }
}

export function describeEnvironment(): RunManifest['environment'] {
  const cores = cpus();
  return {
    onnxruntime: onnxruntimeVersion(),
    packages: runtimePackages(),
    node: process.version,
    platform: `${platform()} ${release()} ${arch()}`,
    cpu: `${cores[0]?.model.trim() ?? 'unknown CPU'} x ${cores.length}`,
    gpu: quiet('nvidia-smi', ['--query-gpu=name,memory.total,driver_version', '--format=csv,noheader']),
  };
}
