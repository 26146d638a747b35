/**
 * Readers for the committed synthetic test split (datasets/bundled/) used by its tests: raw
 * header parsers for PNG, WAV and .npy (no Python, no decoding library needed for structure),
 * and an independent TypeScript evaluator of the answer programs documented in
 * datasets/synthetic/programs.py, so every committed answer can be re-derived from the scenes.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Papa from 'papaparse';

export const BUNDLED = resolve('datasets/bundled');

export function bundledPath(...parts: string[]): string {
  return join(BUNDLED, ...parts);
}

export function readJson<T>(relative: string): T {
  return JSON.parse(readFileSync(bundledPath(relative), 'utf8')) as T;
}

export function readJsonl<T>(relative: string): T[] {
  return readFileSync(bundledPath(relative), 'utf8').split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as T);
}

export function readLines(relative: string): string[] {
  return readFileSync(bundledPath(relative), 'utf8').split('\n').filter((line) => line !== '');
}

export function readCsv(relative: string): { header: string[]; rows: Record<string, string>[] } {
  const parsed = Papa.parse<Record<string, string>>(readFileSync(bundledPath(relative), 'utf8'), { header: true, skipEmptyLines: true });
  if (parsed.errors.length > 0) throw new Error(`${relative}: ${parsed.errors[0]?.message}`);
  return { header: parsed.meta.fields ?? [], rows: parsed.data };
}

export function exists(relative: string): boolean {
  return existsSync(bundledPath(relative));
}

// ---- scene metadata -------------------------------------------------------------------------

export interface SceneObject {
  shape: string;
  color: string;
  size: string;
  row: number;
  col: number;
  position: string;
  x: number;
  y: number;
  radius: number;
  rgb: [number, number, number];
}

export interface Scene {
  background: { rgb: [number, number, number]; texture: string };
  objects: SceneObject[];
}

export interface SceneEntry {
  image_id: number;
  file_name: string;
  scene: Scene;
}

export type Selector = Partial<Record<'color' | 'shape' | 'size', string>>;

export type Program =
  | { op: 'count'; filter?: Selector }
  | { op: 'query'; attribute: 'color' | 'shape' | 'size' | 'position'; object: Selector }
  | { op: 'exists'; filter: Selector }
  | { op: 'verify'; attribute: 'color' | 'size'; value: string; object: Selector }
  | { op: 'relate' | 'statement'; subject: Selector; relation: string; object: Selector }
  | { op: 'query_related'; attribute: 'color' | 'shape'; relation: string; object: Selector }
  | { op: 'temperature'; object: Selector }
  | { op: 'most_corners' };

/** The generator's documented constants (datasets/synthetic/vocab.py and README). */
export const COLORS = ['red', 'orange', 'yellow', 'green', 'blue', 'purple', 'black'] as const;
export const SHAPES = ['circle', 'square', 'triangle', 'star', 'diamond', 'cross'] as const;
export const COLOR_RGB: Record<string, [number, number, number]> = {
  red: [215, 35, 35], orange: [245, 135, 20], yellow: [235, 210, 25], green: [35, 160, 60],
  blue: [35, 80, 215], purple: [135, 55, 185], black: [25, 25, 25],
};
const CORNERS: Record<string, number> = { circle: 0, triangle: 3, square: 4, diamond: 4, star: 10, cross: 12 };

function matches(object: SceneObject, selector: Selector): boolean {
  return Object.entries(selector).every(([key, value]) => object[key as keyof Selector] === value);
}

function select(scene: Scene, selector: Selector): SceneObject[] {
  return scene.objects.filter((object) => matches(object, selector));
}

function theOne(scene: Scene, selector: Selector): SceneObject {
  const found = select(scene, selector);
  if (found.length !== 1) throw new Error(`selector ${JSON.stringify(selector)} names ${found.length} objects`);
  return found[0] as SceneObject;
}

/** Grid relations: columns decide left/right, rows decide above/below. */
export function holds(a: SceneObject, relation: string, b: SceneObject): boolean {
  switch (relation) {
    case 'left of': return a.col < b.col;
    case 'right of': return a.col > b.col;
    case 'above': return a.row < b.row;
    case 'below': return a.row > b.row;
    default: throw new Error(`unknown relation ${relation}`);
  }
}

const yesNo = (value: boolean): string => (value ? 'yes' : 'no');

export function evaluateProgram(scene: Scene, program: Program): string {
  switch (program.op) {
    case 'count': return String(select(scene, program.filter ?? {}).length);
    case 'query': return String(theOne(scene, program.object)[program.attribute]);
    case 'exists': return yesNo(select(scene, program.filter).length > 0);
    case 'verify': return yesNo(theOne(scene, program.object)[program.attribute] === program.value);
    case 'relate':
    case 'statement': {
      const truth = holds(theOne(scene, program.subject), program.relation, theOne(scene, program.object));
      return program.op === 'relate' ? yesNo(truth) : String(truth);
    }
    case 'query_related': {
      const anchor = theOne(scene, program.object);
      const found = scene.objects.filter((o) => o !== anchor && holds(o, program.relation, anchor));
      if (found.length !== 1) throw new Error(`query_related found ${found.length} objects`);
      return (found[0] as SceneObject)[program.attribute];
    }
    case 'temperature': {
      const color = theOne(scene, program.object).color;
      if (['red', 'orange', 'yellow'].includes(color)) return 'warm';
      if (['green', 'blue', 'purple'].includes(color)) return 'cool';
      throw new Error(`${color} is neither warm nor cool`);
    }
    case 'most_corners': {
      const ranked = [...scene.objects].sort((a, b) => (CORNERS[b.shape] ?? 0) - (CORNERS[a.shape] ?? 0));
      const [first, second] = ranked;
      if (!first || (second && CORNERS[first.shape] === CORNERS[second.shape])) throw new Error('no unique maximum');
      return first.shape;
    }
    default: {
      const never: never = program;
      throw new Error(`unknown program ${JSON.stringify(never)}`);
    }
  }
}

// ---- binary headers -------------------------------------------------------------------------

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export function pngHeader(buffer: Buffer): { width: number; height: number; bitDepth: number; colorType: number } {
  if (!buffer.subarray(0, 8).equals(PNG_SIGNATURE)) throw new Error('not a PNG');
  if (buffer.toString('latin1', 12, 16) !== 'IHDR') throw new Error('PNG without IHDR first');
  return { width: buffer.readUInt32BE(16), height: buffer.readUInt32BE(20), bitDepth: buffer[24] ?? -1, colorType: buffer[25] ?? -1 };
}

export interface WavInfo { format: number; channels: number; sampleRate: number; bitsPerSample: number; samples: Int16Array }

/** RIFF/WAVE reader for 16-bit PCM: walks the chunks, returns the fmt fields and the data. */
export function readWav(buffer: Buffer): WavInfo {
  if (buffer.toString('latin1', 0, 4) !== 'RIFF' || buffer.toString('latin1', 8, 12) !== 'WAVE') throw new Error('not RIFF/WAVE');
  let offset = 12;
  let fmt: Omit<WavInfo, 'samples'> | undefined;
  while (offset + 8 <= buffer.length) {
    const id = buffer.toString('latin1', offset, offset + 4);
    const size = buffer.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ') {
      fmt = { format: buffer.readUInt16LE(body), channels: buffer.readUInt16LE(body + 2), sampleRate: buffer.readUInt32LE(body + 4), bitsPerSample: buffer.readUInt16LE(body + 14) };
    } else if (id === 'data') {
      if (!fmt) throw new Error('data chunk before fmt');
      const copy = Buffer.from(buffer.subarray(body, body + size));
      return { ...fmt, samples: new Int16Array(copy.buffer, copy.byteOffset, size / 2) };
    }
    offset = body + size + (size % 2);
  }
  throw new Error('no data chunk');
}

/** .npy v1 reader for little-endian float32 C-order arrays. */
export function readNpy(buffer: Buffer): { descr: string; fortran: boolean; shape: number[]; data: Float32Array } {
  if (buffer.toString('latin1', 1, 6) !== 'NUMPY' || buffer[0] !== 0x93) throw new Error('not .npy');
  const headerLength = buffer.readUInt16LE(8);
  const header = buffer.toString('latin1', 10, 10 + headerLength);
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1] ?? '';
  const fortran = /'fortran_order':\s*True/.test(header);
  const shape = (/'shape':\s*\(([^)]*)\)/.exec(header)?.[1] ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
  const start = 10 + headerLength;
  const copy = Buffer.from(buffer.subarray(start));
  return { descr, fortran, shape, data: new Float32Array(copy.buffer, copy.byteOffset, copy.length / 4) };
}
