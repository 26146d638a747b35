/**
 * The committed synthetic test split says what its media show: every VQA and instruction answer
 * re-derives from the scene metadata through an independent evaluator of the documented
 * programs, captions only name colours, shapes, sizes and counts that are in the scene, the
 * pixels agree with the metadata (colour at each object's centre, size by pixel area, grid cell),
 * the WAVs contain the annotated number, length and pitch of tones, point clouds are normalised
 * with the geometry of their label, and videos move the annotated shape in the annotated direction.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import {
  COLOR_RGB, bundledPath, evaluateProgram, holds, readCsv, readJson, readJsonl, readLines, readNpy, readWav,
} from './bundled-helpers.js';
import type { Program, Scene, SceneEntry, SceneObject } from './bundled-helpers.js';

const scenes = readJson<{ images: SceneEntry[] }>('scenes_test.json').images;
const sceneById = new Map(scenes.map((entry) => [entry.image_id, entry.scene]));

function sceneOf(imageId: number): Scene {
  const scene = sceneById.get(imageId);
  if (!scene) throw new Error(`no scene for image ${imageId}`);
  return scene;
}

// Caption vocabulary mapped to the scene attribute it names (synonyms from the generator README).
const COLOR_WORDS: Record<string, string> = { red: 'red', orange: 'orange', yellow: 'yellow', green: 'green', blue: 'blue', purple: 'purple', violet: 'purple', black: 'black', dark: 'black' };
const SHAPE_WORDS: Record<string, string> = {
  circle: 'circle', circles: 'circle', disc: 'circle', square: 'square', box: 'square', triangle: 'triangle', star: 'star',
  diamond: 'diamond', rhombus: 'diamond', cross: 'cross', plus: 'cross',
};
const SIZE_WORDS: Record<string, string> = { small: 'small', little: 'small', tiny: 'small', large: 'large', big: 'large' };
const COUNT_WORDS: Record<string, number> = { two: 2, three: 3 };

test('every VQA answer follows from the scene through its program', () => {
  const annotations = readJson<{ annotations: { question_id: number; image_id: number; multiple_choice_answer: string; answer_type: string }[] }>('vqa/v2_synth_test_annotations.json').annotations;
  const questions = new Map(readJson<{ questions: { question_id: number; question: string }[] }>('vqa/v2_OpenEnded_synth_test_questions.json').questions.map((q) => [q.question_id, q.question]));
  const programs = new Map(readJson<{ question_id: number; program: Program }[]>('vqa/programs_test.json').map((p) => [p.question_id, p.program]));
  assert.is(programs.size, annotations.length);
  for (const a of annotations) {
    const program = programs.get(a.question_id) as Program;
    const expected = evaluateProgram(sceneOf(a.image_id), program);
    assert.is(a.multiple_choice_answer, expected, `question ${a.question_id}: ${questions.get(a.question_id)}`);
    const type = ['yes', 'no'].includes(expected) ? 'yes/no' : /^\d+$/.test(expected) ? 'number' : 'other';
    assert.is(a.answer_type, type, `question ${a.question_id}`);
    // The question names what the program looks at.
    const question = (questions.get(a.question_id) as string).toLowerCase();
    const selectors = [('object' in program ? program.object : undefined), ('filter' in program ? program.filter : undefined), ('subject' in program ? program.subject : undefined)];
    for (const selector of selectors) for (const word of Object.values(selector ?? {})) assert.ok(question.includes(word), `${question} / ${word}`);
  }
});

test('every instruction answer follows from the scene; multiple-choice answers are among the options', () => {
  const rows = readJsonl<{ id: string; image_id: number; type: string; answers: string[]; choices: string[]; program: Program | null }>('instructions/instructions_test.jsonl');
  for (const row of rows) {
    if (row.program === null) {
      assert.is(row.type, 'caption');
      continue;
    }
    const expected = evaluateProgram(sceneOf(row.image_id), row.program);
    if (row.type === 'vqa_short') assert.ok(row.answers.filter((a) => a === expected).length >= 6, row.id);
    else assert.equal(row.answers, [expected], row.id);
    if (row.choices.length > 0) assert.ok(row.choices.includes(expected), row.id);
  }
});

function captionProblems(caption: string, scene: Scene): string[] {
  const words = caption.split(/[\s,:]+/);
  const problems: string[] = [];
  const present = (attribute: 'color' | 'shape' | 'size', value: string): boolean => scene.objects.some((o) => o[attribute] === value);
  for (const word of words) {
    if (COLOR_WORDS[word] && !present('color', COLOR_WORDS[word])) problems.push(`colour ${word}`);
    if (SHAPE_WORDS[word] && !present('shape', SHAPE_WORDS[word])) problems.push(`shape ${word}`);
    if (SIZE_WORDS[word] && !present('size', SIZE_WORDS[word])) problems.push(`size ${word}`);
    if (COUNT_WORDS[word] !== undefined && COUNT_WORDS[word] !== scene.objects.length) problems.push(`count ${word}`);
  }
  return problems;
}

function relationProblem(caption: string, scene: Scene): string | undefined {
  const np = '(?:an? )(?:(?:small|large|big|little|tiny) )?(\\w+) (\\w+)';
  const match = new RegExp(`^${np} (to the left of|to the right of|above|below) ${np}`).exec(caption);
  if (!match) return undefined;
  const find = (color: string, shape: string): SceneObject | undefined => scene.objects.find((o) => o.color === COLOR_WORDS[color] && o.shape === SHAPE_WORDS[shape]);
  const [, c1, s1, relation, c2, s2] = match as unknown as string[];
  const a = find(c1 as string, s1 as string);
  const b = find(c2 as string, s2 as string);
  if (!a || !b) return `unknown objects in "${caption}"`;
  return holds(a, (relation as string).replace('to the ', ''), b) ? undefined : `false relation in "${caption}"`;
}

test('captions name only what is in the scene; the first one lists every object in reading order', () => {
  const karpathy = readJson<{ image: string; caption: string[] }[]>('captions/synth_karpathy_test.json');
  let relations = 0;
  karpathy.forEach((entry, i) => {
    const scene = (scenes[i] as SceneEntry).scene;
    for (const caption of entry.caption) {
      assert.equal(captionProblems(caption, scene), [], `${entry.image}: ${caption}`);
      const problem = relationProblem(caption, scene);
      assert.is(problem, undefined);
      if (/ (left of|right of|above|below) /.test(caption)) relations += 1;
    }
    const canonical = entry.caption[0] as string;
    let from = 0;
    for (const o of scene.objects) {
      const at = canonical.indexOf(`${o.size} ${o.color} ${o.shape}`, from);
      assert.ok(at >= from, `${entry.image}: "${canonical}" misses ${o.size} ${o.color} ${o.shape}`);
      from = at;
    }
  });
  assert.ok(relations > 200, `only ${relations} captions state a relation`);
});

test('pixels agree with the metadata: centre colour, grid cell, and large shapes cover more pixels', async () => {
  const area: Record<string, { small: number[]; large: number[] }> = {};
  for (const entry of scenes.slice(0, 100)) {
    const { data } = await sharp(bundledPath(entry.file_name)).raw().toBuffer({ resolveWithObject: true });
    const pixel = (x: number, y: number): number[] => [...data.subarray((y * 64 + x) * 3, (y * 64 + x) * 3 + 3)];
    for (const o of entry.scene.objects) {
      assert.equal(pixel(o.x, o.y), o.rgb, `${entry.file_name} centre of ${o.color} ${o.shape}`);
      const palette = COLOR_RGB[o.color] as number[];
      assert.ok(o.rgb.every((v, k) => Math.abs(v - (palette[k] as number)) <= 12), `${entry.file_name} ${o.color} ${o.rgb}`);
      assert.is(Math.floor(o.x / (64 / 3)), o.col, entry.file_name);
      assert.is(Math.floor(o.y / (64 / 3)), o.row, entry.file_name);
      let covered = 0;
      for (let k = 0; k < 64 * 64; k += 1) if (data[3 * k] === o.rgb[0] && data[3 * k + 1] === o.rgb[1] && data[3 * k + 2] === o.rgb[2]) covered += 1;
      (area[o.shape] ??= { small: [], large: [] })[o.size as 'small' | 'large'].push(covered);
    }
  }
  for (const [shape, { small, large }] of Object.entries(area)) {
    if (small.length && large.length) assert.ok(Math.min(...large) > Math.max(...small), `${shape}: small ${Math.max(...small)} vs large ${Math.min(...large)}`);
  }
});

interface AudioMeta { count: number; pitch: string; length: string; timbre: string; tone_s: number }

/** Tone runs by 5 ms RMS windows, and each run's zero-crossing frequency. */
function tones(samples: Int16Array): { seconds: number; hz: number }[] {
  const window = 80;
  const runs: { start: number; end: number }[] = [];
  for (let w = 0; w * window < samples.length; w += 1) {
    let energy = 0;
    for (let k = w * window; k < (w + 1) * window && k < samples.length; k += 1) energy += (samples[k] as number) ** 2;
    const loud = Math.sqrt(energy / window) > 2000;
    const last = runs[runs.length - 1];
    if (loud && last && last.end === w) last.end = w + 1;
    else if (loud) runs.push({ start: w, end: w + 1 });
  }
  return runs.map(({ start, end }) => {
    let crossings = 0;
    for (let k = start * window + 1; k < end * window; k += 1) if (Math.sign(samples[k] as number) !== Math.sign(samples[k - 1] as number) && samples[k] !== 0) crossings += 1;
    const seconds = ((end - start) * window) / 16000;
    return { seconds, hz: crossings / (2 * seconds) };
  });
}

test('audio: the WAVs hold the annotated tones; captions and Clotho answers agree with them', () => {
  const metas = readJson<{ file_name: string; meta: AudioMeta }[]>('audio/audio_meta_test.json');
  const byFile = new Map(metas.map((m) => [m.file_name, m.meta]));
  for (const { file_name: file, meta } of metas) {
    const found = tones(readWav(readFileSync(bundledPath('audio/wav', file))).samples);
    assert.is(found.length, meta.count, file);
    for (const tone of found) {
      assert.ok(Math.abs(tone.seconds - meta.tone_s) <= 0.015, `${file}: ${tone.seconds}s`);
      assert.is(tone.hz >= 800 ? 'high' : 'low', meta.pitch, `${file}: ${tone.hz} Hz`);
    }
  }
  for (const row of readCsv('audio/audiocaps_test.csv').rows) {
    const meta = byFile.get(row.file_name as string) as AudioMeta;
    const caption = row.caption as string;
    assert.ok(caption.includes(meta.pitch) && caption.includes(meta.timbre), caption);
    const other = meta.pitch === 'low' ? 'high' : 'low';
    assert.not.ok(caption.includes(other), caption);
    const counted = /\b(two|twice)\b/.test(caption) ? 2 : /\b(three)\b/.test(caption) ? 3 : 1;
    assert.is(counted, meta.count, caption);
  }
  const clotho = readCsv('audio/clotho_aqa_test.csv').rows;
  for (let i = 0; i < clotho.length; i += 3) {
    const group = clotho.slice(i, i + 3);
    const meta = byFile.get(group[0]?.file_name as string) as AudioMeta;
    const question = group[0]?.QuestionText as string;
    const asked = /^Is the sound (\w+) pitched\?$/.exec(question)?.[1];
    const lengthAsked = /^Are the sounds (\w+)\?$/.exec(question)?.[1];
    const expected = question.startsWith('How many') ? String(meta.count)
      : asked ? (asked === meta.pitch ? 'yes' : 'no')
        : question === 'Is the pitch of the sound high or low?' ? meta.pitch
          : lengthAsked ? (lengthAsked === meta.length ? 'yes' : 'no')
            : question === 'Is it a buzzing sound?' ? (meta.timbre === 'buzz' ? 'yes' : 'no') : `unknown question ${question}`;
    assert.ok(group.filter((r) => r.answer === expected).length >= 2, `${group[0]?.file_name}: ${question} -> ${expected}`);
  }
});

test('point clouds are normalised and shaped like their label (only the torus has a hole)', () => {
  for (const id of readLines('pointclouds/test.txt')) {
    const label = id.slice(0, id.lastIndexOf('_'));
    const { data } = readNpy(readFileSync(bundledPath('pointclouds', label, `${id}.npy`)));
    let [mx, my, mz] = [0, 0, 0];
    let maxNorm = 0;
    let nearAxis = 0;
    for (let p = 0; p < 1024; p += 1) {
      const [x, y, z] = [data[3 * p] as number, data[3 * p + 1] as number, data[3 * p + 2] as number];
      mx += x / 1024; my += y / 1024; mz += z / 1024;
      maxNorm = Math.max(maxNorm, Math.hypot(x, y, z));
      if (Math.hypot(x, y) < 0.3) nearAxis += 1;
    }
    assert.ok([mx, my, mz].every((m) => Math.abs(m) < 1e-3), `${id} centroid ${mx} ${my} ${mz}`);
    assert.ok(Math.abs(maxNorm - 1) < 1e-4, `${id} max radius ${maxNorm}`);
    assert.is(nearAxis === 0, label === 'torus', `${id}: ${nearAxis} points within 0.3 of the vertical axis`);
  }
});

interface VideoMeta { direction: string; step_px: number; n_frames: number; moving: SceneObject; static: SceneObject | null }

test('videos move the annotated shape in the annotated direction; QA and captions agree', async () => {
  const metas = readJson<{ video: string; meta: VideoMeta }[]>('video/video_meta_test.json');
  const byVideo = new Map(metas.map((m) => [m.video, m.meta]));
  for (const { video, meta } of metas.slice(0, 24)) {
    const centroids: number[][] = [];
    for (const t of [0, meta.n_frames - 1]) {
      const { data } = await sharp(bundledPath('video/frames', video, `frame_00${t}.png`)).raw().toBuffer({ resolveWithObject: true });
      let sx = 0, sy = 0, n = 0;
      for (let k = 0; k < 64 * 64; k += 1) {
        if (data[3 * k] === meta.moving.rgb[0] && data[3 * k + 1] === meta.moving.rgb[1] && data[3 * k + 2] === meta.moving.rgb[2]) { sx += k % 64; sy += Math.floor(k / 64); n += 1; }
      }
      centroids.push([sx / n, sy / n]);
    }
    const [dx, dy] = [(centroids[1]?.[0] as number) - (centroids[0]?.[0] as number), (centroids[1]?.[1] as number) - (centroids[0]?.[1] as number)];
    const travel = meta.step_px * (meta.n_frames - 1);
    const expected = { left: [-travel, 0], right: [travel, 0], up: [0, -travel], down: [0, travel] }[meta.direction] as number[];
    assert.ok(Math.abs(dx - (expected[0] as number)) < 0.6 && Math.abs(dy - (expected[1] as number)) < 0.6, `${video}: moved ${dx},${dy}, expected ${expected}`);
  }
  for (const row of readJson<{ video: string; question: string; answer: string }[]>('video/msvd_qa_test.json')) {
    const meta = byVideo.get(row.video) as VideoMeta;
    const expected = row.question === 'what is moving?' ? meta.moving.shape
      : row.question === 'what color is the moving shape?' ? meta.moving.color
        : row.question === 'how many shapes are there?' ? String(meta.static ? 2 : 1) : meta.direction;
    assert.is(row.answer, expected, `${row.video}: ${row.question}`);
  }
  for (const entry of readJson<{ video: string; caption: string[] }[]>('video/video_captions_test.json')) {
    const meta = byVideo.get(entry.video) as VideoMeta;
    for (const caption of entry.caption) {
      assert.ok(caption.includes(meta.moving.shape), caption);
      assert.ok(caption.includes(meta.direction), caption);
    }
  }
});

test.run();
