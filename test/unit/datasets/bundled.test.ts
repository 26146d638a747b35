/**
 * Structural invariants of the committed synthetic test split (datasets/bundled/): counts match
 * the manifest, every file is in its dataset's real format, every referenced media file exists,
 * default subsets are true subsets, and the whole split stays within its 10 MB budget.
 * Semantic checks (answers and captions against scene metadata and pixels) are in
 * bundled-consistency.test.ts.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  BUNDLED, bundledPath, exists, pngHeader, readCsv, readJson, readJsonl, readLines, readNpy, readWav,
} from './bundled-helpers.js';
import type { SceneEntry } from './bundled-helpers.js';

const COUNT_KEYS = ['images', 'captions', 'vqa_questions', 'instructions', 'default_images', 'default_vqa_questions', 'default_instructions',
  'audio_clips', 'audio_captions', 'audio_questions', 'default_audio_clips', 'pointclouds', 'default_pointclouds', 'videos',
  'video_questions', 'default_videos'] as const;
interface Manifest { seed: number; split: string; counts: Record<(typeof COUNT_KEYS)[number], number> }
interface KarpathyEntry { image: string; caption: string[] }
interface CocoGt { images: { id: number; file_name: string }[]; annotations: { image_id: number; id: number; caption: string }[] }
interface VqaQuestion { image_id: number; question: string; question_id: number }
interface VqaAnnotation {
  question_id: number; image_id: number; question_type: string; answer_type: string; multiple_choice_answer: string;
  answers: { answer: string; answer_confidence: string; answer_id: number }[];
}
interface InstructionRow {
  id: string; image: string; image_id: number; type: string; category: string; held_out: boolean; format: string;
  prompt: string; question: string; context: string; choices: string[]; answer: number; answers: string[];
}
interface QaRow { video: string; video_id: number; question: string; answer: string; id: number; question_id: number }

const manifest = readJson<Manifest>('manifest.json');
const counts = manifest.counts;
const scenes = readJson<{ images: SceneEntry[] }>('scenes_test.json').images;

function totalBytes(dir: string): number {
  let total = 0;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const stat = statSync(path);
    total += stat.isDirectory() ? totalBytes(path) : stat.size;
  }
  return total;
}

test('the split is the seeded test split and fits its 10 MB budget', () => {
  assert.is(manifest.split, 'test');
  assert.is(manifest.seed, 2026);
  assert.equal(Object.keys(manifest.counts).sort(), [...COUNT_KEYS].sort());
  assert.ok(totalBytes(BUNDLED) <= 10 * 1024 * 1024, `datasets/bundled is ${totalBytes(BUNDLED)} bytes`);
});

test('images: one 64x64 8-bit RGB PNG per scene, COCO-style names carrying the image id', () => {
  const pngs = readdirSync(bundledPath('images')).filter((name) => name.endsWith('.png'));
  assert.is(pngs.length, counts.images);
  assert.is(scenes.length, counts.images);
  for (const entry of scenes) {
    assert.is(Number(/_(\d+)\.png$/.exec(entry.file_name)?.[1]), entry.image_id, entry.file_name);
    const header = pngHeader(readFileSync(bundledPath(entry.file_name)));
    assert.equal(header, { width: 64, height: 64, bitDepth: 8, colorType: 2 }, entry.file_name);
    assert.ok(entry.scene.objects.length >= 1 && entry.scene.objects.length <= 3, entry.file_name);
  }
});

test('captions: Karpathy list with 5 distinct captions per image, COCO ground truth in step', () => {
  const karpathy = readJson<KarpathyEntry[]>('captions/synth_karpathy_test.json');
  assert.is(karpathy.length, counts.images);
  karpathy.forEach((entry, i) => {
    assert.is(entry.image, scenes[i]?.file_name);
    assert.is(entry.caption.length, 5);
    assert.is(new Set(entry.caption).size, 5, entry.image);
  });
  const gt = readJson<CocoGt>('captions/synth_karpathy_test_gt.json');
  assert.is(gt.images.length, counts.images);
  assert.is(gt.annotations.length, counts.captions);
  assert.equal(gt.annotations.map((a) => a.id), gt.annotations.map((_, i) => i + 1));
  assert.equal(gt.annotations.map((a) => `${a.image_id}:${a.caption}`),
    karpathy.flatMap((entry, i) => entry.caption.map((c) => `${scenes[i]?.image_id}:${c}`)));
  const defaults = readJson<KarpathyEntry[]>('captions/synth_karpathy_default.json');
  assert.is(defaults.length, counts.default_images);
  assert.equal(defaults, karpathy.slice(0, defaults.length));
  assert.is(readJson<CocoGt>('captions/synth_karpathy_default_gt.json').annotations.length, 5 * defaults.length);
});

test('vqa: official VQAv2 questions/annotations layout, 10 answers each, answer list covers them', () => {
  const questions = readJson<{ task_type: string; questions: VqaQuestion[] }>('vqa/v2_OpenEnded_synth_test_questions.json');
  const annotations = readJson<{ annotations: VqaAnnotation[] }>('vqa/v2_synth_test_annotations.json').annotations;
  assert.is(questions.task_type, 'Open-Ended');
  assert.is(questions.questions.length, counts.vqa_questions);
  assert.equal(annotations.map((a) => a.question_id), questions.questions.map((q) => q.question_id));
  assert.is(new Set(annotations.map((a) => a.question_id)).size, annotations.length);
  const imageIds = new Set(scenes.map((s) => s.image_id));
  const answerList = new Set(readJson<string[]>('vqa/answer_list.json'));
  annotations.forEach((a, i) => {
    const q = questions.questions[i] as VqaQuestion;
    assert.is(a.image_id, q.image_id);
    assert.ok(imageIds.has(a.image_id));
    assert.is(Math.floor(a.question_id / 1000), a.image_id);
    assert.equal(a.answers.map((x) => x.answer_id), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    assert.ok(a.answers.every((x) => ['yes', 'maybe', 'no'].includes(x.answer_confidence)));
    assert.ok(['yes/no', 'number', 'other'].includes(a.answer_type), a.answer_type);
    assert.ok(q.question.toLowerCase().startsWith(`${a.question_type} `), `${a.question_type} | ${q.question}`);
    const tally = new Map<string, number>();
    for (const x of a.answers) tally.set(x.answer, (tally.get(x.answer) ?? 0) + 1);
    const top = Math.max(...tally.values());
    assert.is(tally.get(a.multiple_choice_answer), top, `question ${a.question_id}`);
    assert.ok(answerList.has(a.multiple_choice_answer), a.multiple_choice_answer);
  });
  const defaults = readJson<{ questions: VqaQuestion[] }>('vqa/v2_OpenEnded_synth_default_questions.json').questions;
  assert.is(defaults.length, counts.default_vqa_questions);
  const byId = new Map(questions.questions.map((q) => [q.question_id, q]));
  for (const q of defaults) assert.equal(byId.get(q.question_id), q);
});

test('instructions: ScienceQA-like JSONL, multiple choice with answer index, held-out types only in eval', () => {
  const rows = readJsonl<InstructionRow>('instructions/instructions_test.jsonl');
  const types = readJson<{ held_in: string[]; held_out: string[] }>('instructions/instruction_types.json');
  assert.is(rows.length, counts.instructions);
  assert.is(new Set(rows.map((r) => r.id)).size, rows.length);
  for (const row of rows) {
    assert.ok(exists(row.image), row.image);
    assert.is(row.held_out, types.held_out.includes(row.type), row.id);
    assert.ok(types.held_in.includes(row.type) || types.held_out.includes(row.type), row.type);
    assert.is(row.category, row.type);
    if (row.format === 'multiple_choice') {
      assert.ok(row.choices.length >= 2 && row.answer >= 0 && row.answer < row.choices.length, row.id);
      assert.equal(row.answers, [row.choices[row.answer]], row.id);
      if (row.type !== 'spatial_true_false') {
        row.choices.forEach((choice, i) => assert.ok(row.prompt.includes(`(${'abcdefgh'[i]}) ${choice}`), row.prompt));
      }
    } else {
      assert.is(row.format, 'open_ended');
      assert.equal(row.choices, []);
      assert.is(row.answer, -1);
      assert.ok(row.answers.length >= 1, row.id);
    }
    assert.ok(row.prompt.includes(row.type === 'caption' ? row.question : row.question.slice(0, 20)), row.id);
    if (row.context !== '') assert.ok(row.prompt.startsWith(`Context: ${row.context}`), row.id);
  }
  for (const held of types.held_out) assert.ok(rows.filter((r) => r.type === held).length >= 50, held);
  const defaults = readJsonl<InstructionRow>('instructions/instructions_default.jsonl');
  assert.is(defaults.length, counts.default_instructions);
  const byId = new Map(rows.map((r) => [r.id, r]));
  for (const row of defaults) {
    assert.ok(row.held_out, row.id);
    assert.equal(byId.get(row.id), row);
  }
});

test('audio: AudioCaps caption CSV and Clotho-AQA CSV over 1 s 16 kHz mono 16-bit WAVs', () => {
  const audiocaps = readCsv('audio/audiocaps_test.csv');
  assert.equal(audiocaps.header, ['audiocap_id', 'youtube_id', 'start_time', 'caption', 'file_name']);
  assert.is(audiocaps.rows.length, counts.audio_captions);
  const files = new Set(audiocaps.rows.map((r) => r.file_name as string));
  assert.is(files.size, counts.audio_clips);
  for (const row of audiocaps.rows) assert.is(row.file_name, `${row.youtube_id}_${row.start_time}.wav`);
  assert.is(new Set(audiocaps.rows.map((r) => r.audiocap_id)).size, audiocaps.rows.length);
  for (const file of files) {
    const wav = readWav(readFileSync(bundledPath('audio/wav', file)));
    assert.equal({ ...wav, samples: wav.samples.length }, { format: 1, channels: 1, sampleRate: 16000, bitsPerSample: 16, samples: 16000 }, file);
  }
  const clotho = readCsv('audio/clotho_aqa_test.csv');
  assert.equal(clotho.header, ['file_name', 'QuestionText', 'answer', 'confidence']);
  assert.is(clotho.rows.length, 3 * counts.audio_questions);
  for (let i = 0; i < clotho.rows.length; i += 3) {
    const group = clotho.rows.slice(i, i + 3);
    assert.ok(group.every((r) => r.file_name === group[0]?.file_name && r.QuestionText === group[0]?.QuestionText), `rows ${i + 2}..${i + 4}`);
    assert.ok(files.has(group[0]?.file_name as string));
    assert.ok(group.every((r) => ['yes', 'maybe', 'no'].includes(r.confidence as string)));
  }
  assert.is(new Set(readCsv('audio/audiocaps_default.csv').rows.map((r) => r.file_name)).size, counts.default_audio_clips);
});

test('point clouds: ModelNet-style shape names, id lists and float32 [1024, 3] files per class', () => {
  const names = readLines('pointclouds/shape_names.txt');
  assert.equal(names, ['cube', 'sphere', 'cone', 'cylinder', 'pyramid', 'torus']);
  const ids = readLines('pointclouds/test.txt');
  assert.is(ids.length, counts.pointclouds);
  for (const id of ids) {
    const label = id.slice(0, id.lastIndexOf('_'));
    assert.ok(names.includes(label), id);
    const npy = readNpy(readFileSync(bundledPath('pointclouds', label, `${id}.npy`)));
    assert.equal([npy.descr, npy.fortran, npy.shape], ['<f4', false, [1024, 3]], id);
    assert.is(npy.data.length, 1024 * 3);
  }
  for (const name of names) assert.is(ids.filter((id) => id.startsWith(`${name}_`)).length, counts.pointclouds / names.length);
  const plys = readdirSync(bundledPath('pointclouds/ply'));
  assert.is(plys.length, names.length);
  for (const ply of plys) {
    const lines = readFileSync(bundledPath('pointclouds/ply', ply), 'utf8').split('\n');
    assert.equal(lines.slice(0, 3), ['ply', 'format ascii 1.0', 'element vertex 1024'], ply);
    assert.is(lines.indexOf('end_header'), 6);
  }
  const defaults = readLines('pointclouds/default.txt');
  assert.is(defaults.length, counts.default_pointclouds);
  assert.ok(defaults.every((id) => ids.includes(id)));
});

test('video: MSVD-QA-style JSON over 8-frame folders of 64x64 PNGs', () => {
  const qa = readJson<QaRow[]>('video/msvd_qa_test.json');
  assert.is(qa.length, counts.video_questions);
  assert.is(new Set(qa.map((r) => r.question_id)).size, qa.length);
  const videos = new Set(qa.map((r) => r.video));
  assert.is(videos.size, counts.videos);
  for (const video of videos) {
    const frames = readdirSync(bundledPath('video/frames', video)).sort();
    assert.equal(frames, [0, 1, 2, 3, 4, 5, 6, 7].map((t) => `frame_00${t}.png`), video);
    for (const frame of frames) {
      assert.equal(pngHeader(readFileSync(bundledPath('video/frames', video, frame))), { width: 64, height: 64, bitDepth: 8, colorType: 2 });
    }
  }
  const captions = readJson<{ video: string; caption: string[] }[]>('video/video_captions_test.json');
  assert.is(captions.length, counts.videos);
  assert.ok(captions.every((c) => c.caption.length === 5 && videos.has(c.video)));
  const defaults = readJson<QaRow[]>('video/msvd_qa_default.json');
  assert.is(new Set(defaults.map((r) => r.video)).size, counts.default_videos);
  assert.equal(defaults, qa.slice(0, defaults.length));
});

test.run();
