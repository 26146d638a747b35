import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { executeScore, executeScoreWithNotes } from '../../../runners/commands/score.js';
import { UsageError } from '../../../runners/errors.js';
import { MetricInputError } from '../../../reports/metrics/input-error.js';
import { throwsWith } from '../helpers/thrown.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const goldenDir = join(root, 'test/golden/retrieval');
const tmp = mkdtempSync(join(tmpdir(), 'vlbench-score-npy-'));

interface NpyOptions {
  descr?: string;
  fortran?: boolean;
  shape?: readonly number[];
  version?: 1 | 2;
}

/** A .npy file as np.save writes it (header padded to 64 bytes), with overridable header fields. */
function npyBytes(matrix: readonly (readonly number[])[], options: NpyOptions = {}): Uint8Array {
  const descr = options.descr ?? '<f8';
  const shape = options.shape ?? [matrix.length, matrix[0]?.length ?? 0];
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const prefix = options.version === 2 ? 12 : 10;
  let header = `{'descr': '${descr}', 'fortran_order': ${options.fortran === true ? 'True' : 'False'}, 'shape': ${shapeText}, }`;
  header += ' '.repeat((64 - ((prefix + header.length + 1) % 64)) % 64) + '\n';
  const flat = matrix.flat();
  const values = descr === '<f4' ? new Float32Array(flat) : new Float64Array(flat);
  const out = new Uint8Array(prefix + header.length + values.byteLength);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, options.version ?? 1, 0]);
  const view = new DataView(out.buffer);
  if (options.version === 2) view.setUint32(8, header.length, true);
  else view.setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[prefix + i] = header.charCodeAt(i);
  out.set(new Uint8Array(values.buffer), prefix + header.length);
  return out;
}

const writeNpy = (name: string, matrix: readonly (readonly number[])[], options?: NpyOptions): string => {
  const path = join(tmp, name);
  writeFileSync(path, npyBytes(matrix, options));
  return path;
};
const writeJson = (name: string, value: unknown): string => {
  const path = join(tmp, name);
  writeFileSync(path, JSON.stringify(value));
  return path;
};

interface ScoresFile {
  scores_i2t: number[][];
  scores_t2i?: number[][];
  img2txt: number[][];
  txt2img: number[];
}
const golden = JSON.parse(readFileSync(join(goldenDir, 'expected.json'), 'utf8')) as { cases: { name: string; scores: string; metrics: Record<string, number> }[] };
const goldenCases = golden.cases.map((c) => ({ ...c, path: join(goldenDir, c.scores), file: JSON.parse(readFileSync(join(goldenDir, c.scores), 'utf8')) as ScoresFile }));
const representableAsFloat32 = (m: number[][]): boolean => m.every((r) => r.every((v) => Math.fround(v) === v));

/** The .npy arguments for a scores file: its matrices as `descr` files, its ids as GT JSON. */
function npyArgs(name: string, file: ScoresFile, descr: '<f4' | '<f8', withT2i = true): string[] {
  const args = ['--scores-i2t', writeNpy(`${name}.i2t${descr}.npy`, file.scores_i2t, { descr }), '--gt', writeJson(`${name}.gt.json`, { img2txt: file.img2txt, txt2img: file.txt2img })];
  if (withT2i && file.scores_t2i) args.push('--scores-t2i', writeNpy(`${name}.t2i${descr}.npy`, file.scores_t2i, { descr }));
  return args;
}

const isInput = (e: unknown): boolean => e instanceof MetricInputError;
const isUsage = (e: unknown): boolean => e instanceof UsageError;
/** --json output minus the "notes" key (present only when there are notes: ties in the golden cases). */
const metricsOf = (json: string): Record<string, unknown> => {
  const { notes: _notes, ...metrics } = JSON.parse(json) as Record<string, unknown>;
  return metrics;
};

test('float64 .npy matrices give exactly the JSON path output (table and --json) on every golden case', () => {
  for (const c of goldenCases) {
    const args = npyArgs(c.name, c.file, '<f8');
    assert.is(executeScore(['retrieval', ...args]), executeScore(['retrieval', '--scores', c.path]), c.name);
    const json = executeScore(['retrieval', ...args, '--json']);
    assert.is(json, executeScore(['retrieval', '--scores', c.path, '--json']), c.name);
    assert.equal(metricsOf(json), c.metrics, c.name);
  }
});

test('float32 .npy matrices give the JSON path output where the scores are float32 values', () => {
  const cases = goldenCases.filter((c) => representableAsFloat32(c.file.scores_i2t) && (c.file.scores_t2i === undefined || representableAsFloat32(c.file.scores_t2i)));
  assert.ok(cases.some((c) => c.name === 'lavis-shaped-float32'));
  for (const c of cases) {
    assert.equal(metricsOf(executeScore(['retrieval', ...npyArgs(c.name, c.file, '<f4'), '--json'])), c.metrics, c.name);
  }
});

test('without --scores-t2i the transpose of --scores-i2t is ranked, across several column blocks', () => {
  // 25 x 600 spans three blocks of gathered columns (256, 256, 88); ties make the order matter.
  const nImg = 25;
  const nTxt = 600;
  const i2t = Array.from({ length: nImg }, (_, i) => Array.from({ length: nTxt }, (_, t) => ((i * 7 + t * 13) % 11) / 4 - 1));
  const file: ScoresFile = { scores_i2t: i2t, img2txt: Array.from({ length: nImg }, (_, i) => [i, i + nImg, i + 2 * nImg].filter((t) => t % 9 !== 0)), txt2img: Array.from({ length: nTxt }, (_, t) => t % nImg) };
  const viaJson = executeScore(['retrieval', '--scores', writeJson('blocks.json', file), '--json']);
  assert.is(executeScore(['retrieval', ...npyArgs('blocks', file, '<f4'), '--json']), viaJson);
  assert.is(executeScore(['retrieval', ...npyArgs('blocks', file, '<f8'), '--json']), viaJson);
  const transpose = i2t[0]!.map((_, t) => i2t.map((row) => row[t]!));
  const explicit = ['--scores-t2i', writeNpy('blocks.t2i.npy', transpose)];
  assert.is(executeScore(['retrieval', ...npyArgs('blocks', file, '<f8'), ...explicit, '--json']), viaJson);
});

test('format version 2.0 headers and --metrics work on the .npy path', () => {
  const c = goldenCases[0]!;
  const args = ['--scores-i2t', writeNpy('v2.npy', c.file.scores_i2t, { version: 2 }), '--gt', writeJson('v2.gt.json', { img2txt: c.file.img2txt, txt2img: c.file.txt2img })];
  const out = metricsOf(executeScore(['retrieval', ...args, '--json', '--metrics', 'txt_r1,txt_r10']));
  assert.equal(out, { txt_r1: c.metrics.txt_r1, txt_r10: c.metrics.txt_r10 });
});

const small = [[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]];
const gt = (): string => writeJson('small.gt.json', { img2txt: [[0], [1, 2]], txt2img: [0, 1, 1] });

test('dtype, order, shape and format problems name the file, what was found and the fix', () => {
  const run = (path: string): string => executeScore(['retrieval', '--scores-i2t', path, '--gt', gt()]);
  const fix = /np\.save\(path, np\.ascontiguousarray\(m, dtype=np\.float32\)\)/;
  throwsWith(() => run(writeNpy('f16.npy', small, { descr: '<f2' })), isInput, /f16\.npy: has dtype '<f2' \(float16\); expected little-endian float32 '<f4' or float64 '<f8'\. Save it with np\.save/);
  throwsWith(() => run(writeNpy('be.npy', small, { descr: '>f4' })), isInput, /be\.npy: has dtype '>f4' \(float32, big-endian\)/);
  throwsWith(() => run(writeNpy('int.npy', small, { descr: '<i8' })), isInput, /int\.npy: has dtype '<i8' \(int64\)/);
  throwsWith(() => run(writeNpy('fortran.npy', small, { fortran: true })), isInput, /fortran\.npy: is in Fortran order .*m\.T saved as is/);
  throwsWith(() => run(writeNpy('fortran.npy', small, { fortran: true })), isInput, fix);
  throwsWith(() => run(writeNpy('flat.npy', small, { shape: [6] })), isInput, /flat\.npy: has shape \(6,\); expected a 2-D matrix/);
  throwsWith(() => run(writeNpy('3d.npy', small, { shape: [1, 2, 3] })), isInput, /3d\.npy: has shape \(1, 2, 3\); expected a 2-D matrix/);
  const truncated = join(tmp, 'truncated.npy');
  const whole = npyBytes(small);
  writeFileSync(truncated, whole.subarray(0, whole.length - 12));
  throwsWith(() => run(truncated), isInput, /truncated\.npy: truncated: shape \(2, 3\) float64 needs 48 data bytes, the file has 36/);
  writeFileSync(truncated, whole.subarray(0, 40));
  throwsWith(() => run(truncated), isInput, /truncated\.npy: the \.npy header claims 118 bytes; the file is truncated/);
  throwsWith(() => run(writeJson('scores.json', { scores_i2t: small })), isInput, /scores\.json: not a \.npy file .*A JSON scores file goes to --scores/);
  throwsWith(() => run(join(tmp, 'absent.npy')), isInput, /absent\.npy: file not found/);
  throwsWith(() => run(tmp), isInput, /is a directory/);
});

test('shapes are checked against the ground truth; transposed matrices are recognised', () => {
  const run = (...args: string[]): string => executeScore(['retrieval', ...args, '--gt', gt()]);
  throwsWith(() => run('--scores-i2t', writeNpy('t.npy', [[0.1, 0.4], [0.2, 0.5], [0.3, 0.6]])), isInput, /t\.npy: scores_i2t has shape \(3, 2\); .*small\.gt\.json has 2 images \(img2txt\) and 3 texts \(txt2img\), so it must be \(2, 3\): images x texts\. It looks transposed/);
  throwsWith(() => run('--scores-i2t', writeNpy('wide.npy', [[1, 2, 3, 4], [5, 6, 7, 8]])), isInput, /wide\.npy: scores_i2t has shape \(2, 4\); .* must be \(2, 3\).*Check that .*small\.gt\.json is the ground truth/);
  throwsWith(() => run('--scores-i2t', writeNpy('ok.npy', small), '--scores-t2i', writeNpy('t2i.npy', small)), isInput, /t2i\.npy: scores_t2i has shape \(2, 3\); .* must be \(3, 2\): texts x images\. It looks transposed/);
});

test('non-finite scores and bad ground truth are refused like the JSON path', () => {
  const args = (i2t: number[][], gtPath: string): string[] => ['retrieval', '--scores-i2t', writeNpy('m.npy', i2t), '--gt', gtPath];
  throwsWith(() => executeScore(args([[0.1, NaN, 0.3], [0.4, 0.5, 0.6]], gt())), isInput, /m\.npy at row 0, column 1: score is NaN; every score must be a finite number\. NaN is not a score .*find where the NaN comes from/);
  // Infinity is not NaN: the fix says how to keep its ranking, and does not mention NaN.
  throwsWith(() => executeScore(args([[0.1, 0.2, 0.3], [0.4, 0.5, -Infinity]], gt())), isInput, /at row 1, column 2: score is -Infinity; every score must be a finite number\. LAVIS ranks it like any other score.*np\.clip\(m, -1e30, 1e30\)$/);
  throwsWith(() => executeScore(args([[0.1, Infinity, 0.3], [0.4, 0.5, 0.6]], gt())), isInput, /^(?!.*NaN).*score is Infinity/);
  throwsWith(() => executeScore(args(small, writeJson('ids.gt.json', { img2txt: [[0], [3]], txt2img: [0, 1, 1] }))), isInput, /ids\.gt\.json at \/img2txt\/1\/0: number 3 is not a text id; text ids are integers 0\.\.2/);
  throwsWith(() => executeScore(args(small, writeJson('img.gt.json', { img2txt: [[0], [1]], txt2img: [0, 2, 1] }))), isInput, /img\.gt\.json at \/txt2img\/1: number 2 is not an image id; image ids are integers 0\.\.1/);
  throwsWith(() => executeScore(args(small, writeJson('key.gt.json', { img2txt: [[0], [1]], txt2img: [0, 1, 1], scores_i2t: small }))), isInput, /key\.gt\.json at \/scores_i2t: unknown key "scores_i2t"\. With --gt the scores come from --scores-i2t/);
  throwsWith(() => executeScore(args(small, writeJson('missing.gt.json', { img2txt: [[0], [1]] }))), isInput, /missing\.gt\.json at \/txt2img: expected a non-empty array \(one entry per text\), found nothing/);
});

// Three images with 2, 1 and 3 captions: texts 0-1, 2 and 3-5 when numbered as LAVIS does.
const annotation = [
  { image: 'val2014/a.jpg', caption: ['a dog', 'a brown dog'] },
  { image: 'val2014/b.jpg', caption: ['a cat'] },
  { image: 'val2014/c.jpg', caption: ['a bird', 'a small bird', 'a bird on a branch'] },
];
// Each image scores its own captions highest, with distinct values: any other numbering of the
// texts puts some GT elsewhere and lowers the recalls.
const annotationScores = [
  [0.9, 0.8, 0.1, 0.2, 0.15, 0.05],
  [0.3, 0.2, 0.95, 0.1, 0.25, 0.12],
  [0.11, 0.21, 0.31, 0.7, 0.85, 0.6],
];

test('--gt takes LAVIS\'s annotation list: images and texts numbered in file order, as RetrievalEvalDataset', () => {
  const m = writeNpy('ann.npy', annotationScores);
  const viaList = executeScore(['retrieval', '--scores-i2t', m, '--gt', writeJson('coco_karpathy_test.json', annotation), '--json']);
  const explicit = writeJson('ann.gt.json', { img2txt: [[0, 1], [2], [3, 4, 5]], txt2img: [0, 0, 1, 2, 2, 2] });
  assert.is(viaList, executeScore(['retrieval', '--scores-i2t', m, '--gt', explicit, '--json']));
  assert.equal(JSON.parse(viaList), { txt_r1: 100, txt_r5: 100, txt_r10: 100, txt_r_mean: 100, img_r1: 100, img_r5: 100, img_r10: 100, img_r_mean: 100, r_mean: 100, agg_metrics: 100 });
  // The text count comes from the captions: 6 columns.
  throwsWith(() => executeScore(['retrieval', '--scores-i2t', writeNpy('ann5.npy', annotationScores.map((r) => r.slice(0, 5))), '--gt', writeJson('ann2.json', annotation)]), isInput, /has shape \(3, 5\); .* has 3 images \(img2txt\) and 6 texts/);
});

test('--gt annotation list: a string caption is refused (LAVIS would number its characters); repeated images get a note', () => {
  const m = writeNpy('ann-str.npy', annotationScores);
  const oneString = annotation.map((entry, i) => (i === 1 ? { ...entry, caption: 'a cat' } : entry));
  throwsWith(() => executeScore(['retrieval', '--scores-i2t', m, '--gt', writeJson('ann-str.json', oneString)]), isInput, /ann-str\.json at \/1\/caption: is one string; LAVIS's RetrievalEvalDataset enumerates "caption", so it would number every character as a text\. .*Wrap single captions as \["\.\.\."\]/);
  throwsWith(() => executeScore(['retrieval', '--scores-i2t', m, '--gt', writeJson('ann-noimg.json', [{ caption: ['x'] }])]), isInput, /ann-noimg\.json at \/0\/image: expected the image path/);
  const repeated = annotation.map((entry, i) => (i === 2 ? { ...entry, image: 'val2014/a.jpg' } : entry));
  const { notes } = executeScoreWithNotes(['retrieval', '--scores-i2t', m, '--gt', writeJson('ann-rep.json', repeated)]);
  assert.equal(notes, ['the annotation lists the same image path more than once: "val2014/a.jpg" (images 0 and 2). LAVIS ranks each entry as a separate image with only its own captions as ground truth, so the other entry\'s captions count against it']);
});

test('--gt: Karpathy\'s dataset_*.json is named, with the LAVIS annotation to use instead', () => {
  const karpathy = { images: [{ filename: 'COCO_val2014_000000000001.jpg', imgid: 0, cocoid: 1, split: 'test', sentences: [{ raw: 'a dog', tokens: ['a', 'dog'] }] }], dataset: 'coco' };
  throwsWith(() => executeScore(['retrieval', '--scores-i2t', writeNpy('k.npy', [[1]]), '--gt', writeJson('dataset_coco.json', karpathy)]), isInput, /dataset_coco\.json: this is Karpathy's dataset_\*\.json .*Pass the LAVIS evaluation annotation the matrices were computed on \(coco_karpathy_test\.json/);
});

test('option combinations: one input form at a time, --gt and --scores-i2t together', () => {
  const m = writeNpy('combo.npy', small);
  throwsWith(() => executeScore(['retrieval', '--scores', 'x.json', '--scores-i2t', m, '--gt', gt()]), isUsage, /--scores \(one JSON file\) and --scores-i2t\/--scores-t2i\/--gt \(\.npy matrices\) are alternatives/);
  throwsWith(() => executeScore(['retrieval', '--scores-i2t', m]), isUsage, /--gt is required with --scores-i2t/);
  throwsWith(() => executeScore(['retrieval', '--gt', gt()]), isUsage, /--scores-i2t is required with --gt/);
  throwsWith(() => executeScore(['retrieval', '--scores-t2i', m, '--gt', gt()]), isUsage, /--scores-i2t is required with --scores-t2i/);
  throwsWith(() => executeScore(['retrieval', '--scores', m]), isUsage, /--scores takes the JSON scores file; a \.npy matrix goes to --scores-i2t/);
  throwsWith(() => executeScore(['retrieval']), isUsage, /--scores S\.json is required, or --scores-i2t I2T\.npy with --gt GT\.json/);
  assert.match(executeScore(['retrieval', '--help']), /--scores-i2t FILE/);
});

test.run();
