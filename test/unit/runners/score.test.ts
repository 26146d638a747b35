import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { executeScore } from '../../../runners/commands/score.js';
import { UsageError } from '../../../runners/errors.js';
import { MetricInputError } from '../../../reports/metrics/input-error.js';
import { throwsWith } from '../helpers/thrown.js';
import { UnavailableMetricError } from '../../../reports/metrics/registry.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const golden = (path: string): string => join(root, 'test/golden', path);
const tmp = mkdtempSync(join(tmpdir(), 'vlbench-score-'));
const writeTmp = (name: string, content: string): string => {
  const path = join(tmp, name);
  writeFileSync(path, content);
  return path;
};
const vqaArgs = ['--questions', golden('vqa/questions.json'), '--annotations', golden('vqa/annotations.json'), '--results', golden('vqa/results.json')];
const vqaExpected = JSON.parse(readFileSync(golden('vqa/expected.json'), 'utf8')) as {
  rounded: { overall: number; perAnswerType: Record<string, number>; perQuestionType: Record<string, number> };
  unrounded: unknown;
  perQuestionFraction: Record<string, number>;
};

const isInput = (e: unknown): boolean => e instanceof MetricInputError;
const isUsage = (e: unknown): boolean => e instanceof UsageError;
/** --json output minus the "notes" key (present only when there are notes: ties in the golden cases). */
const metricsOf = (json: string): Record<string, unknown> => {
  const { notes: _notes, ...metrics } = JSON.parse(json) as Record<string, unknown>;
  return metrics;
};

test('vqa --json prints the official evaluator values, unrounded', () => {
  assert.equal(JSON.parse(executeScore(['vqa', ...vqaArgs, '--json'])), vqaExpected.unrounded);
});

test('vqa table rounds to 2 decimals like the official code; --per-question writes every question', () => {
  const perQuestion = join(tmp, 'per-question.json');
  const table = executeScore(['vqa', ...vqaArgs, '--per-question', perQuestion]);
  assert.ok(table.startsWith(`Overall Accuracy is: ${vqaExpected.rounded.overall.toFixed(2)}\n`));
  for (const [type, value] of Object.entries(vqaExpected.rounded.perAnswerType)) assert.ok(table.includes(`\n${type} : ${value.toFixed(2)}\n`), type);
  const written = JSON.parse(readFileSync(perQuestion, 'utf8')) as Record<string, number>;
  assert.equal(Object.keys(written).sort(), Object.keys(vqaExpected.perQuestionFraction).sort());
  for (const [id, fraction] of Object.entries(vqaExpected.perQuestionFraction)) assert.is(written[id], 100 * fraction, id);
});

test('vqa: missing flags and bad files', () => {
  throwsWith(() => executeScore(['vqa', '--questions', 'q.json']), isUsage, /--annotations is required/);
  const results = writeTmp('results-extra.json', JSON.stringify([{ question_id: 99999999, answer: 'yes' }]));
  throwsWith(() => executeScore(['vqa', ...vqaArgs.slice(0, 4), '--results', results]), isInput, /results-extra\.json at \/0\/question_id: question_id 99999999 is not annotated/);
  // A single-value flag given twice would score whichever file came last: refused, naming both.
  throwsWith(() => executeScore(['vqa', ...vqaArgs, '--results', 'other.json']), isUsage, /^vqa: --results is given twice \('.*results\.json', then 'other\.json'\)/);
  const empty = writeTmp('empty.json', '  \n');
  throwsWith(() => executeScore(['vqa', ...vqaArgs.slice(0, 4), '--results', empty]), isInput, /empty\.json: the file is empty/);
});

interface RetrievalCase {
  name: string;
  scores: string;
  metrics: Record<string, number>;
}
const retrievalCases = (JSON.parse(readFileSync(golden('retrieval/expected.json'), 'utf8')) as { cases: RetrievalCase[] }).cases;

test('retrieval --json prints the LAVIS keys exactly for every golden case', () => {
  for (const c of retrievalCases) {
    assert.equal(metricsOf(executeScore(['retrieval', '--scores', golden(`retrieval/${c.scores}`), '--json'])), c.metrics, c.name);
  }
});

test('retrieval --metrics selects keys; METEOR is refused clearly; typos get a suggestion', () => {
  const path = golden(`retrieval/${retrievalCases[0]!.scores}`);
  const out = metricsOf(executeScore(['retrieval', '--scores', path, '--json', '--metrics', 'r_mean,txt_r1']));
  assert.equal(Object.keys(out), ['txt_r1', 'r_mean']);
  throwsWith(() => executeScore(['retrieval', '--scores', path, '--metrics', 'METEOR']), (e) => e instanceof UnavailableMetricError, /METEOR 1\.5 Java jar/);
  throwsWith(() => executeScore(['retrieval', '--scores', path, '--metrics', 'SPICE']), (e) => e instanceof UnavailableMetricError, /SPICE 1\.0/);
  throwsWith(() => executeScore(['retrieval', '--scores', path, '--metrics', 'txt_r11']), isUsage, /Did you mean 'txt_r1'/);
  throwsWith(() => executeScore(['retrieval', '--scores', path, '--metrics', 'CIDEr']), isUsage, /'CIDEr' is not produced by this subcommand/);
});

test('retrieval: NaN, null, wrong shapes and ids are reported with file and JSON pointer', () => {
  const base = { scores_i2t: [[0.1, 0.2], [0.3, 0.4]], img2txt: [[0], [1]], txt2img: [0, 1] };
  const write = (name: string, value: unknown): string => writeTmp(name, JSON.stringify(value));
  throwsWith(() => executeScore(['retrieval', '--scores', writeTmp('nan.json', '{"scores_i2t": [[0.1, NaN]], "img2txt": [[0]], "txt2img": [0, 0]}')]), isInput, /nan\.json at line 1, column 23: NaN is not valid JSON/);
  throwsWith(() => executeScore(['retrieval', '--scores', write('null.json', { ...base, scores_i2t: [[0.1, null], [0.3, 0.4]] })]), isInput, /null\.json at \/scores_i2t\/0\/1: score is null/);
  throwsWith(() => executeScore(['retrieval', '--scores', write('ragged.json', { ...base, scores_i2t: [[0.1, 0.2], [0.3]] })]), isInput, /at \/scores_i2t\/1: has 1 scores; expected 2 like row 0/);
  throwsWith(() => executeScore(['retrieval', '--scores', write('t2i.json', { ...base, scores_t2i: [[1, 2]] })]), isInput, /at \/scores_t2i: has 1 rows; expected 2/);
  throwsWith(() => executeScore(['retrieval', '--scores', write('ids.json', { ...base, txt2img: [0, 2] })]), isInput, /at \/txt2img\/1: number 2 is not an image id; image ids are integers 0\.\.1/);
  throwsWith(() => executeScore(['retrieval', '--scores', write('img2txt.json', { ...base, img2txt: [[0]] })]), isInput, /at \/img2txt: has 1 entries; expected 2/);
  throwsWith(() => executeScore(['retrieval', '--scores', write('key.json', { ...base, scores: [] })]), isInput, /at \/scores: unknown key "scores"/);
  throwsWith(() => executeScore(['retrieval', '--scores', writeTmp('bad.json', '{"scores_i2t": [[1,]]}')]), isInput, /bad\.json at line 1, column 19: not valid JSON: a trailing comma before '\]'/);
  throwsWith(() => executeScore(['retrieval', '--scores', join(tmp, 'absent.json')]), isInput, /absent\.json: file not found/);
});

test('help texts and unknown subcommands', () => {
  assert.match(executeScore(['--help']), /vqa/);
  assert.match(executeScore(['retrieval', '--help']), /--scores S/);
  assert.match(executeScore(['vqa', '-h']), /--per-question FILE/);
  throwsWith(() => executeScore(['bleu']), isUsage, /unknown subcommand 'bleu'/);
  throwsWith(() => executeScore(['retrieval', '--scores', 'x', 'extra']), isUsage, /positional/i);
});

interface CaptionCorpus {
  tokenize: 'ptb' | 'none';
  images: { id: string; refs: string[]; pred: string }[];
}
type CaptionValues = Record<string, number>;
const captionGolden = (name: string): { corpus: CaptionCorpus; expected: { metrics: CaptionValues; perImage: (CaptionValues & { id: string })[] } } => ({
  corpus: JSON.parse(readFileSync(golden(`caption/corpora/${name}.json`), 'utf8')),
  expected: JSON.parse(readFileSync(golden(`caption/expected/${name}.json`), 'utf8')),
});
/** The issue's tolerances: relative difference 1e-12 for BLEU and ROUGE-L, 1e-9 for CIDEr-D. */
function assertCaptionClose(actual: CaptionValues, expected: CaptionValues, label: string): void {
  for (const [key, want] of Object.entries(expected)) {
    if (key === 'id') continue;
    const got = actual[key]!;
    const tolerance = key === 'CIDEr' ? 1e-9 : 1e-12;
    assert.ok(Math.abs(got - want) <= tolerance * Math.max(Math.abs(want), 1e-300), `${label} ${key}: ${got} vs ${want}`);
  }
}

test('caption --json equals pycocoevalcap on the caption golden corpora (map refs, COCO results list preds)', () => {
  for (const name of ['random-ptb-150x5', 'edge-cases', 'spec-golden']) {
    const { corpus, expected } = captionGolden(name);
    // Written by hand so that the file keeps the corpus order (integer-like keys included).
    const refsText = `{${corpus.images.map((im) => `${JSON.stringify(im.id)}: ${JSON.stringify(im.refs)}`).join(',\n')}}`;
    const refs = writeTmp(`${name}.refs.json`, refsText);
    const preds = writeTmp(`${name}.preds.json`, JSON.stringify(corpus.images.map((im) => ({ image_id: /^[0-9]+$/.test(im.id) ? Number(im.id) : im.id, caption: im.pred }))));
    const perImageFile = join(tmp, `${name}.per-image.json`);
    const out = JSON.parse(executeScore(['caption', '--refs', refs, '--preds', preds, '--json', '--tokenize', corpus.tokenize, '--per-image', perImageFile])) as CaptionValues;
    assert.equal(Object.keys(out), ['Bleu_1', 'Bleu_2', 'Bleu_3', 'Bleu_4', 'ROUGE_L', 'CIDEr']);
    assertCaptionClose(out, expected.metrics, name);
    const perImage = JSON.parse(readFileSync(perImageFile, 'utf8')) as Record<string, CaptionValues>;
    for (const image of expected.perImage) assertCaptionClose(perImage[image.id]!, image, `${name} image ${image.id}`);
  }
});

test('caption: COCO annotation refs + map preds, table output, --metrics subset', () => {
  const { corpus, expected } = captionGolden('spec-golden');
  const coco = {
    images: corpus.images.map((im) => ({ id: im.id })),
    annotations: corpus.images.flatMap((im) => im.refs.map((caption, k) => ({ id: k, image_id: im.id, caption }))),
  };
  const refs = writeTmp('coco-refs.json', JSON.stringify(coco));
  const preds = writeTmp('map-preds.json', JSON.stringify(Object.fromEntries(corpus.images.map((im) => [im.id, im.pred]))));
  const table = executeScore(['caption', '--refs', refs, '--preds', preds, '--tokenize', 'none', '--metrics', 'CIDEr', '--metrics', 'Bleu_4']);
  assert.is(table, `Bleu_4: ${expected.metrics.Bleu_4!.toFixed(3)}\nCIDEr: ${expected.metrics.CIDEr!.toFixed(3)}`);
});

test('caption: image order is the file order; integer-like keys are not reordered', () => {
  // random-ptb-150x5 contains line-breaking characters that shift the PTB batch: order matters.
  const { corpus, expected } = captionGolden('random-ptb-150x5');
  const ids = corpus.images.map((im) => im.id);
  assert.not.equal(ids, [...ids].sort((a, b) => Number(a) - Number(b)));
  const refs = writeTmp('order.refs.json', `{${corpus.images.map((im) => `${JSON.stringify(im.id)}: ${JSON.stringify(im.refs)}`).join(',')}}`);
  const preds = writeTmp('order.preds.json', `{${[...corpus.images].reverse().map((im) => `${JSON.stringify(im.id)}: ${JSON.stringify(im.pred)}`).join(',')}}`);
  assertCaptionClose(JSON.parse(executeScore(['caption', '--refs', refs, '--preds', preds, '--json'])) as CaptionValues, expected.metrics, 'file order');
});

test('caption: unknown image, missing prediction, duplicates, empty refs, METEOR', () => {
  const refs = writeTmp('refs.json', JSON.stringify({ '1': ['a dog'], '2': ['a cat'] }));
  const preds = (value: unknown): string => writeTmp('preds.json', JSON.stringify(value));
  throwsWith(() => executeScore(['caption', '--refs', refs, '--preds', preds({ '1': 'dog', '2': 'cat', '3': 'cow' })]), isInput, /preds\.json at \/3: prediction for image "3", which has no references in .*refs\.json/);
  throwsWith(() => executeScore(['caption', '--refs', refs, '--preds', preds([{ image_id: 1, caption: 'dog' }])]), isInput, /preds\.json: no prediction for referenced image "2"/);
  throwsWith(() => executeScore(['caption', '--refs', refs, '--preds', preds([{ image_id: 1, caption: 'a' }, { image_id: 2, caption: 'b' }, { image_id: 1, caption: 'c' }])]), isInput, /at \/2\/caption: second prediction for image "1"/);
  throwsWith(() => executeScore(['caption', '--refs', writeTmp('refs-empty.json', '{"1": []}'), '--preds', preds({ '1': 'x' })]), isInput, /refs-empty\.json at \/1: image "1" needs a non-empty array/);
  throwsWith(() => executeScore(['caption', '--refs', writeTmp('refs-dup.json', '{"1": ["a"], "2": ["b"], "1": ["c"]}'), '--preds', preds({ '1': 'x', '2': 'y' })]), isInput, /refs-dup\.json at \/1: key "1" appears twice/);
  const coco = writeTmp('coco-bad.json', JSON.stringify({ images: [{ id: 1 }], annotations: [{ image_id: 2, caption: 'x' }] }));
  throwsWith(() => executeScore(['caption', '--refs', coco, '--preds', preds({ '2': 'x' })]), isInput, /coco-bad\.json at \/annotations\/0\/image_id: image_id 2 is not in \/images/);
  throwsWith(() => executeScore(['caption', '--refs', refs, '--preds', preds({ '1': 'dog', '2': 'cat' }), '--metrics', 'Bleu_4,METEOR']), (e) => e instanceof UnavailableMetricError, /METEOR/);
  throwsWith(() => executeScore(['caption', '--refs', refs, '--preds', preds({ '1': 'dog', '2': 'cat' }), '--tokenize', 'nltk']), isUsage, /--tokenize must be 'ptb' or 'none'/);
});

const run = promisify(execFile);
async function cli(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', join(root, 'runners/cli.ts'), ...args], { cwd: root });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

test('through the CLI: exit 0 with output, 1 for bad input, 2 for usage errors', async () => {
  const [ok, bad, usage] = await Promise.all([
    cli(['score', 'retrieval', '--scores', golden(`retrieval/${retrievalCases[0]!.scores}`), '--json']),
    cli(['score', 'retrieval', '--scores', join(tmp, 'absent.json')]),
    cli(['score', 'vqa', '--nope']),
  ]);
  assert.is(ok.code, 0, ok.stderr);
  assert.equal(metricsOf(ok.stdout), retrievalCases[0]!.metrics);
  // The golden case has ties at cut-offs: the same notes on stderr, one line each, as in --json.
  const notes = (JSON.parse(ok.stdout) as { notes: string[] }).notes;
  assert.is(ok.stderr, notes.map((note) => `vlbench score retrieval: note: ${note}\n`).join(''));
  assert.match(ok.stderr, /^vlbench score retrieval: note: tied scores at a recall cut-off/);
  assert.is(bad.code, 1);
  assert.match(bad.stderr, /absent\.json: file not found/);
  assert.is(usage.code, 2);
  assert.match(usage.stderr, /unknown option '--nope'; the options are .*--help \(-h\)/);
});

test('a JSON file larger than Node can hold as one string is named with its size and a way out', () => {
  // Sparse: 2 GiB of NUL bytes (V8 strings stop at ~512 MiB), created instantly.
  const huge = join(tmp, 'huge-scores.json');
  writeFileSync(huge, '');
  truncateSync(huge, 2 ** 31);
  throwsWith(() => executeScore(['retrieval', '--scores', huge]), isInput, /huge-scores\.json: the file \(2048 MiB\) is larger than the \d+ MiB of JSON text that Node can read as one document\. For retrieval, save the score matrices with np\.save and pass them as --scores-i2t\/--scores-t2i with --gt .*; or write a smaller file/);
});

test('caption: a LAVIS/Karpathy annotation list as --refs is named, with the ground-truth file to use instead', () => {
  const refs = writeTmp('coco_karpathy_test.json', JSON.stringify([{ image: 'val2014/COCO_val2014_000000391895.jpg', caption: ['A man rides a bike.', 'a biker'] }]));
  const preds = writeTmp('karpathy-results.json', JSON.stringify([{ image_id: 391895, caption: 'a man on a bike' }]));
  throwsWith(() => executeScore(['caption', '--refs', refs, '--preds', preds]), isInput, /coco_karpathy_test\.json: this is a LAVIS\/Karpathy annotation list .*coco_karpathy_test_gt\.json/);
});

test.run();
