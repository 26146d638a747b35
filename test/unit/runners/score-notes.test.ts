import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { executeScore, executeScoreWithNotes } from '../../../runners/commands/score.js';
import { tempDirFactory } from '../helpers/temp-dirs.js';

const tempDir = tempDirFactory(test);
const tmp = tempDir(join(tmpdir(), 'vlbench-score-notes-'));
const root = fileURLToPath(new URL('../../../', import.meta.url));
const writeJson = (name: string, value: unknown): string => {
  const path = join(tmp, name);
  writeFileSync(path, JSON.stringify(value));
  return path;
};
const jsonOf = (argv: string[]): Record<string, unknown> => JSON.parse(executeScore(argv)) as Record<string, unknown>;

// Image 0's row ties its GT texts 0 and 2 with text 1 at 0.5: rank 0 or 1 depending on the tie
// order (numpy's generic introsort puts text 2 first: rank 0). Nothing else ties.
const tied = {
  scores_i2t: [[0.5, 0.5, 0.5, 0.1], [0.1, 0.2, 0.3, 0.9]],
  img2txt: [[0, 2], [1, 3]],
  txt2img: [0, 1, 0, 1],
};

test('retrieval: a GT tied across rank 1 gives a note with the count and the range of txt_r1', () => {
  const file = writeJson('tied.json', tied);
  const { stdout, notes } = executeScoreWithNotes(['retrieval', '--scores', file, '--json']);
  assert.is(notes.length, 1);
  assert.match(notes[0]!, /^tied scores at a recall cut-off: for 1 of 2 images \(txt_r\*\) the ground truth ties with other candidates across rank 1, 5 or 10/);
  assert.match(notes[0]!, /could be txt_r1 50\.00\.\.100\.00 \(means accordingly\)/);
  assert.match(notes[0]!, /numpy's generic introsort .*numpy <= 1\.24.*numpy >= 1\.25 on an AVX-512 CPU, or numpy 2\.x on AVX2/);
  assert.not.match(notes[0]!, /img_r/);
  const json = JSON.parse(stdout) as Record<string, unknown>;
  assert.is(json.txt_r1, 100);
  assert.is(json.img_r1, 75);
  assert.equal(json.notes, notes);
  // The table form prints the same numbers; the note goes to stderr only.
  assert.equal(executeScoreWithNotes(['retrieval', '--scores', file]).notes, notes);
});

test('retrieval --help says which tie order is reproduced and where LAVIS orders ties differently', () => {
  const help = executeScore(['retrieval', '--help']).replace(/\s+/g, ' ');
  assert.match(help, /Equal scores are ordered as numpy's generic introsort orders them: np\.argsort in numpy <= 1\.24, or in any numpy where its SIMD sort is not used/);
  assert.match(help, /LAVIS run with numpy >= 1\.25 on an AVX-512 CPU, or numpy 2\.x on AVX2 \(x86-simd-sort\), orders equal scores differently/);
  assert.match(help, /--gt GT .* or LAVIS's evaluation annotation/);
});

test('retrieval: the tie note follows --metrics: none for keys the ties cannot change', () => {
  const file = writeJson('tied-metrics.json', tied);
  assert.equal(Object.keys(jsonOf(['retrieval', '--scores', file, '--json', '--metrics', 'img_r1,txt_r5'])), ['txt_r5', 'img_r1']);
  assert.equal(executeScoreWithNotes(['retrieval', '--scores', file, '--metrics', 'img_r1,txt_r5']).notes, []);
  // r_mean is computed from txt_r1, so it gets the note.
  assert.is(executeScoreWithNotes(['retrieval', '--scores', file, '--metrics', 'r_mean']).notes.length, 1);
});

test('retrieval: without ties or ground-truth problems the --json output has no "notes" key', () => {
  const file = join(root, 'test/golden/retrieval/continuous-transpose.scores.json');
  const out = jsonOf(['retrieval', '--scores', file, '--json']);
  assert.equal(Object.keys(out), ['txt_r1', 'txt_r5', 'txt_r10', 'txt_r_mean', 'img_r1', 'img_r5', 'img_r10', 'img_r_mean', 'r_mean', 'agg_metrics']);
});

// Diagonal scores, no ties: every difference below comes from the ground truth alone.
const diagonal = [[0.9, 0.1, 0.2], [0.1, 0.8, 0.3], [0.2, 0.1, 0.7]];

test('retrieval: img2txt and txt2img disagreeing is scored as LAVIS (each direction its own list) with a note', () => {
  const file = writeJson('inconsistent.json', { scores_i2t: diagonal, img2txt: [[0], [1], [2]], txt2img: [2, 1, 2] });
  const { stdout, notes } = executeScoreWithNotes(['retrieval', '--scores', file, '--json']);
  const json = JSON.parse(stdout) as Record<string, number>;
  // img2txt pairs image 0 with text 0: rank 0. txt2img pairs text 0 with image 2 (0.2, below 0.9): rank 1.
  assert.is(json.txt_r1, 100);
  assert.is(json.img_r1, 200 / 3);
  assert.is(json.img_r5, 100);
  assert.equal(notes, ['img2txt and txt2img disagree for text 0 (img2txt: image 0; txt2img: image 2): txt_r* takes the pairs from img2txt and img_r* from txt2img, as LAVIS does, so the two directions score different ground truths']);
});

test('retrieval: an image without GT texts counts as a miss, with notes naming it and its orphaned text', () => {
  const file = writeJson('empty-gt.json', { scores_i2t: diagonal, img2txt: [[0], [], [2]], txt2img: [0, 1, 2] });
  const { stdout, notes } = executeScoreWithNotes(['retrieval', '--scores', file, '--json']);
  const json = JSON.parse(stdout) as Record<string, number>;
  assert.is(json.txt_r1, 200 / 3);
  assert.is(json.txt_r10, 200 / 3);
  assert.is(json.img_r1, 100);
  assert.equal(notes, [
    'image 1 has no ground-truth text (empty img2txt entry): it counts as a miss in every txt_r@K, as in LAVIS (rank 1e20), which lowers txt_r1/5/10',
    "text 1 is in no image's img2txt entry, though txt2img gives it an image: it counts in img_r* but can never be a txt_r* hit, as in LAVIS",
  ]);
});

test('retrieval: a text listed twice for one image changes nothing and says so', () => {
  const file = writeJson('dup-gt.json', { scores_i2t: diagonal, img2txt: [[0, 0], [1], [2]], txt2img: [0, 1, 2] });
  const { stdout, notes } = executeScoreWithNotes(['retrieval', '--scores', file, '--json']);
  assert.is((JSON.parse(stdout) as Record<string, number>).txt_r1, 100);
  assert.equal(notes, ["img2txt lists a text more than once for image 0 (text 0): no effect on the numbers (an image's rank is that of its best ground-truth text)"]);
});

test('retrieval: notes name at most five ids and the total', () => {
  const n = 8;
  const scores = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, t) => (i === t ? 1 : 0)));
  const file = writeJson('many-empty.json', { scores_i2t: scores, img2txt: [[0], [], [], [], [], [], [], []], txt2img: [0, 1, 2, 3, 4, 5, 6, 7] });
  const { notes } = executeScoreWithNotes(['retrieval', '--scores', file]);
  assert.match(notes[0]!, /^images 1, 2, 3, 4, 5, \.\.\. \(7 in all\) have no ground-truth text/);
});

test.run();
