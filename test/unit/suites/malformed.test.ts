/**
 * A table of malformed suites, each a small edit of the valid fixture suite, with the exact
 * problems the loader reports (JSON pointer + message, plus the file in the rendered form).
 * Messages are part of the interface: they tell a new user what is wrong and how to fix it.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSuite } from '../../../suites/load.js';
import { SuiteError } from '../../../suites/messages.js';
import { thrown } from '../helpers/thrown.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const base: Json = JSON.parse(readFileSync('test/fixtures/suites/valid.suite.json', 'utf8'));
const models = new Map([['tiny-albef', '/models/albef/model.json'], ['tiny-blip', '/models/blip/model.json'], ['tiny-blip2-opt', '/models/blip2/model.json']]);
const dir = mkdtempSync(join(tmpdir(), 'vlbench-suites-'));
const TOP_KEYS = '$schema, name, description, data, models, tasks, gates, seed';

function problemsOf(edit: (suite: Json) => void, text?: string, data: Record<string, string> = { extra: '/tmp' }): string[] {
  const suite = structuredClone(base);
  edit(suite);
  const file = join(dir, 'case.suite.json');
  writeFileSync(file, text ?? JSON.stringify(suite));
  try {
    loadSuite(file, { models, checkFiles: false, data });
  } catch (error) {
    if (error instanceof SuiteError) return error.problems.map((p) => `${p.pointer}: ${p.message}`);
    throw error;
  }
  return [];
}

const cases: [string, (s: Json) => void, string[]][] = [
  ['missing tasks', (s) => delete s.tasks, ["/tasks: missing required key 'tasks'"]],
  ['misspelled top-level key', (s) => { s.modles = s.models; delete s.models; }, [
    "/models: missing required key 'models'",
    `/modles: unknown key 'modles' (did you mean 'models'?); allowed keys: ${TOP_KEYS}`]],
  ['misspelled task key', (s) => { s.tasks[0].kTets = 4; }, [
    "/tasks/0/kTets: unknown key 'kTets' (did you mean 'kTest'?); allowed keys: id, dataset, metrics, limit, batchSize, models, kind, kTest, maxTextLength"]],
  ['unknown task kind', (s) => { s.tasks[1].kind = 'captionning'; }, [
    "/tasks/1/kind: expected one of 'retrieval', 'captioning', 'vqa', 'instruction'; got 'captionning' (did you mean 'captioning'?)"]],
  ['kTest below minimum', (s) => { s.tasks[0].kTest = 0; }, ['/tasks/0/kTest: expected a number >= 1, got 0']],
  ['kTest not an integer', (s) => { s.tasks[0].kTest = 2.5; }, ['/tasks/0/kTest: expected integer, got number']],
  ['numBeams as a string', (s) => { s.tasks[1].generation.numBeams = '3'; }, ['/tasks/1/generation/numBeams: expected integer, got string']],
  ['suite name with capitals', (s) => { s.name = 'My Suite'; }, [
    "/name: expected lowercase letters, digits, '.', '_' or '-', starting with a letter or digit; got 'My Suite'"]],
  ['no models', (s) => { s.models = []; }, ['/models: expected at least 1 item, got 0']],
  ['instruction without mode', (s) => { delete s.tasks[3].mode; }, ["/tasks/3/mode: missing required key 'mode'"]],
  ['decoding on a multiple-choice task', (s) => { s.tasks[3].decoding = 'answer'; }, [
    "/tasks/3/decoding: 'decoding' is only used with mode 'open' (multiple choice ranks the choices, it does not decode)"]],
  ['misspelled generation key', (s) => { s.tasks[1].generation.num_beams = 3; }, [
    "/tasks/1/generation/num_beams: unknown key 'num_beams' (did you mean 'numBeams'?); allowed keys: numBeams, doSample, maxLength, maxNewTokens, minLength, lengthPenalty, repetitionPenalty, noRepeatNgramSize, earlyStopping, topK, topP, temperature, seed"]],
  ['unknown loader', (s) => { s.tasks[1].dataset.loader = 'karpathy-captions'; }, [
    "/tasks/1/dataset/loader: unknown loader 'karpathy-captions' (did you mean 'karpathy-caption'?); registered: karpathy-caption, karpathy-retrieval, coco-captions, nocaps, vqav2, okvqa, gqa, scienceqa, iconqa, vizwiz, jsonl, csv, audiocaps, clotho-caption, clotho-aqa, modelnet, msvd-qa, video-caption"]],
  ['loader of the wrong sample kind', (s) => { s.tasks[2].dataset = s.tasks[1].dataset; }, [
    "/tasks/2/dataset/loader: loader 'karpathy-caption' yields caption samples; a vqa task needs one of: vqav2, okvqa, gqa, vizwiz, jsonl, csv"]],
  ['misspelled file role', (s) => { s.tasks[0].dataset.files = { annotation: 'x.json' }; }, [
    "/tasks/0/dataset/files/annotation: loader 'karpathy-retrieval' has no file role 'annotation' (did you mean 'annotations'?); roles: annotations",
    "/tasks/0/dataset/files/annotations: loader 'karpathy-retrieval' needs file role 'annotations': the LAVIS/Karpathy annotation JSON (list of {image, caption})"]],
  ['unknown loader option', (s) => { s.tasks[3].dataset.options = { spilt: 'test' }; }, [
    "/tasks/3/dataset/options/spilt: loader 'scienceqa' has no option 'spilt' (did you mean 'split'?); options: split, imageOnly"]],
  ['loader option outside its values', (s) => { s.tasks[3].dataset.options = { split: 'tset' }; }, [
    "/tasks/3/dataset/options/split: expected one of 'train', 'val', 'test', 'minival', 'minitrain', 'minitest', 'trainval'; got 'tset' (did you mean 'test'?)"]],
  ['misspelled metric', (s) => { s.tasks[1].metrics = ['CIDer']; }, [
    "/tasks/1/metrics/0: metric 'CIDer' is not reported by a captioning task (did you mean 'CIDEr'?); available: Bleu_1, Bleu_2, Bleu_3, Bleu_4, ROUGE_L, CIDEr"]],
  ['METEOR asked for', (s) => { s.tasks[1].metrics = ['METEOR']; }, [
    "/tasks/1/metrics/0: metric 'METEOR' is not available: METEOR needs the METEOR 1.5 Java jar (meteor-1.5.jar, with its paraphrase tables) that pycocoevalcap runs; it cannot be obtained here; vlbench does not approximate it"]],
  ['metric of another task kind', (s) => { s.tasks[3].metrics = ['vqa_accuracy']; }, [
    "/tasks/3/metrics/0: metric 'vqa_accuracy' is not reported by a multiple-choice instruction task; available: multiple_choice_accuracy"]],
  ['misspelled template name', (s) => { s.tasks[2].template = 'vqa-short-anwser'; }, [
    "/tasks/2/template: unknown prompt template 'vqa-short-anwser' (did you mean 'vqa-short-answer'?); registered: question, vqa-short-answer, vqa-short-answer-capital, vqa-answer, scienceqa, iconqa, xinstructblip-respond, xinstructblip-respond-vizwiz, xinstructblip-respond-video, describe-3d, describe-audio; a word this close to a name is read as a misspelt name: to send it as inline text instead, write it with punctuation, another word or a placeholder (e.g. \"vqa-short-anwser.\")"]],
  ['inline template with a misspelled placeholder', (s) => { s.tasks[3].template = 'Question: {questoin} Answer:'; }, [
    "/tasks/3/template: unknown placeholder '{questoin}' (did you mean 'question'?); a prompt template may use {question}, {context}, {options}"]],
  ['duplicate task id', (s) => { s.tasks[2].id = 'coco-cap'; }, ["/tasks/2/id: duplicate task id 'coco-cap' (first used at /tasks/1/id)"]],
  ['misspelled model name', (s) => { s.models = ['tiny-albef', 'tiny-bilp']; }, [
    "/models/1: unknown model 'tiny-bilp' (did you mean 'tiny-blip'?); registered: tiny-albef, tiny-blip, tiny-blip2-opt; or give a path to a model.json"]],
  ['rank without an answer list', (s) => { delete s.tasks[2].answerList; }, [
    "/tasks/2/answerList: method 'rank' needs 'answerList' (a JSON list of candidate answers, LAVIS answer_list.json)"]],
  ['decoding settings that rank would ignore', (s) => { s.tasks[2].generation = { numBeams: 3 }; }, [
    "/tasks/2/generation: decoding settings are unused with method 'rank'; remove them or use method 'generate'"]],
  ['decoding settings on multiple choice', (s) => { s.tasks[3].generation = { maxLength: 10 }; }, [
    "/tasks/3/generation: decoding settings are unused with mode 'multiple-choice' (choices are ranked by likelihood)"]],
  ['sampling with beams', (s) => { s.tasks[1].generation.doSample = true; }, [
    '/tasks/1/generation/doSample: sampling is not combined with beam search; set numBeams to 1 or doSample to false']],
  ['both maxLength and maxNewTokens', (s) => { s.tasks[1].generation.maxNewTokens = 5; }, [
    "/tasks/1/generation/maxNewTokens: set either maxLength (the length limit as LAVIS's max_len counts it) or maxNewTokens (new tokens only), not both: Hugging Face ignores maxLength when maxNewTokens is set"]],
  ['a model listed twice', (s) => { s.models = ['tiny-albef', 'tiny-blip', 'tiny-albef']; }, [
    "/models/2: 'tiny-albef' is listed twice (first at /models/0); a suite runs each model once: remove this entry"]],
  ['a model by name and by the path of its model.json', (s) => { s.models = ['tiny-albef', '/models/albef/model.json']; }, [
    "/models/1: '/models/albef/model.json' is the model.json of 'tiny-albef' (first at /models/0); a suite runs each model once: remove this entry"]],
  ['task model not in the suite', (s) => { s.tasks[0].models = ['tiny-blip2-opt']; }, ["/tasks/0/models/0: model 'tiny-blip2-opt' is not in the suite's models"]],
  ['a task model listed twice', (s) => { s.tasks[0].models = ['tiny-blip', 'tiny-blip']; }, [
    "/tasks/0/models/1: model 'tiny-blip' is listed twice (first at /tasks/0/models/0); remove this entry"]],
  ['an empty task model list', (s) => { s.tasks[0].models = []; }, ['/tasks/0/models: expected at least 1 item, got 0']],
  ['a metric listed twice', (s) => { s.tasks[1].metrics = ['CIDEr', 'Bleu_1', 'CIDEr']; }, [
    "/tasks/1/metrics/2: metric 'CIDEr' is listed twice (first at /tasks/1/metrics/0); remove this entry"]],
  ['a model.json spelled with ../ after its registered name', (s) => { s.models = ['tiny-albef', '/models/x/../albef/model.json']; }, [
    "/models/1: '/models/x/../albef/model.json' is the model.json of 'tiny-albef' (first at /models/0); a suite runs each model once: remove this entry"]],
  ['three positional {} in an instruction template', (s) => { s.tasks[3].template = 'Q: {} O: {} A: {}'; }, [
    "/tasks/3/template: prompt template 'Q: {} O: {} A: {}' has 3 '{}' placeholders; LAVIS fills at most two (the question, then the options): name them {question}, {context}, {options}"]],
  ['a candidate template that does not write the choice', (s) => { s.tasks[3].candidateTemplate = 'an answer'; }, [
    `/tasks/3/candidateTemplate: the candidate template 'an answer' does not write {choice}, so every choice would be scored as the same text and the first would always win; add {choice} (e.g. "a photo of {choice}")`]],
  ['a template name of the other role', (s) => { s.tasks[3].template = 'choice'; }, [
    "/tasks/3/template: 'choice' is a registered candidate template, not a prompt template; registered prompt templates: question, vqa-short-answer, vqa-short-answer-capital, vqa-answer, scienceqa, iconqa, xinstructblip-respond, xinstructblip-respond-vizwiz, xinstructblip-respond-video, describe-3d, describe-audio"]],
  ['${data.NAME} in a prompt, which is not expanded', (s) => { s.tasks[1].prompt = 'a photo of ${data.fx}'; }, [
    "/tasks/1/prompt: 'a photo of ${data.fx}' is not expanded here: ${data.NAME} is replaced only in the suite's models, dataset files, mediaRoot and answerList (data locations are paths); write the value itself"]],
  ['${data.NAME} in a dataset option', (s) => { s.tasks[3].dataset.options = { split: '${data.fx}' }; }, [
    "/tasks/3/dataset/options/split: '${data.fx}' is not expanded here: ${data.NAME} is replaced only in the suite's models, dataset files, mediaRoot and answerList (data locations are paths); write the value itself"]],
  ['a data value that uses another', (s) => { s.data.fx = '${data.extra}/datasets'; }, [
    "/data/fx: '${data.extra}/datasets' uses a variable, but data values are not expanded (one location cannot refer to another); write the path in full, or pass --data fx=PATH"]],
  ['an empty data value', (s) => { s.data.fx = ''; }, [
    "/data/fx: data location 'fx' is empty; give a path (relative to the suite file's folder), or null for a location --data fx=PATH must supply"]],
  ['an unclosed ${', (s) => { s.tasks[0].dataset.mediaRoot = '${data.fx/flickr30k/images'; }, [
    "/tasks/0/dataset/mediaRoot: '${data.fx/flickr30k/images' is never closed; write ${data.NAME}"]],
  ['gate on a metric the task does not report', (s) => { s.gates[0].metric = 'CIDEr-D'; }, [
    "/gates/0/metric: metric 'CIDEr-D' is not reported by task 'coco-cap' (did you mean 'CIDEr'?); available: Bleu_1, Bleu_2, Bleu_3, Bleu_4, ROUGE_L, CIDEr, samplesPerSecond, tokensPerSecond, latencyMs.mean, latencyMs.p50, latencyMs.p95, latencyMs.p99"]],
  ['gate on an unknown task', (s) => { s.gates[0].task = 'coco-caption'; }, ["/gates/0/task: no task with id 'coco-caption' (did you mean 'coco-cap'?)"]],
  ['max-drop with both tolerances', (s) => { s.gates[1].maxDropPercent = 5; }, ["/gates/1: a 'max-drop' gate needs exactly one of 'maxDrop' (metric units) or 'maxDropPercent'"]],
  ['gate of an unknown kind', (s) => { s.gates[2].kind = 'max-latency'; }, [
    "/gates/2/kind: expected one of 'floor', 'ceiling', 'max-drop', 'max-throughput-drop', 'max-latency-increase'; got 'max-latency'"]],
  ['a modality the loader does not yield', (s) => { s.tasks[3].modality = 'audio'; }, [
    "/tasks/3/modality: loader 'scienceqa' yields image media, not audio; remove 'modality' or use a loader of audio data"]],
  ['misspelled data variable', (s) => { s.tasks[0].dataset.mediaRoot = '${data.xf}/flickr30k/images'; }, [
    "/tasks/0/dataset/mediaRoot: unknown data location 'xf' (did you mean 'fx'?); define it in 'data' or pass --data xf=PATH"]],
  ['problems of models, tasks and gates, all in one report', (s) => {
    s.models = ['tiny-albef', 'tiny-blip', 'tiny-albef'];
    s.tasks[0].metrics = ['txt_r1', 'bogus'];
    s.gates.push({ kind: 'floor', metric: 'nonexistent', min: 1, task: 'coco-cap' });
  }, [
    "/models/2: 'tiny-albef' is listed twice (first at /models/0); a suite runs each model once: remove this entry",
    "/tasks/0/metrics/1: metric 'bogus' is not reported by a retrieval task; available: txt_r1, txt_r5, txt_r10, txt_r_mean, img_r1, img_r5, img_r10, img_r_mean, r_mean, agg_metrics",
    "/gates/3/metric: metric 'nonexistent' is not reported by task 'coco-cap'; available: Bleu_1, Bleu_2, Bleu_3, Bleu_4, ROUGE_L, CIDEr, samplesPerSecond, tokensPerSecond, latencyMs.mean, latencyMs.p50, latencyMs.p95, latencyMs.p99"]],
  ['a gate on the metric a task misspells is not reported twice', (s) => { s.tasks[1].metrics = ['CIDEr-D']; s.gates[0].metric = 'CIDEr-D'; }, [
    "/tasks/1/metrics/0: metric 'CIDEr-D' is not reported by a captioning task (did you mean 'CIDEr'?); available: Bleu_1, Bleu_2, Bleu_3, Bleu_4, ROUGE_L, CIDEr"]],
];

for (const [name, edit, expected] of cases) {
  test(`malformed suite: ${name}`, () => {
    assert.equal(problemsOf(edit), expected);
  });
}

test('there are at least 20 malformed cases', () => {
  assert.ok(cases.length >= 20);
});

test('the valid fixture suite has no problems', () => {
  assert.equal(problemsOf(() => {}), []);
});

test('a data location left null must come from --data', () => {
  assert.equal(problemsOf(() => {}, undefined, {}), ["/data/extra: data location 'extra' is not set: pass --data extra=PATH"]);
});

const jsonCases: [string, string, string][] = [
  ['a trailing comma', '{ "name": "x", }', "line 1, column 14: a trailing comma before '}': JSON allows no trailing comma; remove it"],
  ['a comment', '{\n  // my suite\n  "name": "x"\n}', 'line 2, column 3: a comment: JSON allows no comments; remove it (notes belong in "description")'],
  ['a missing comma', '{\n  "name": "x"\n  "models": []\n}', "line 3, column 3: expected ',' or '}', found '\"'"],
  ['a misspelt literal (V8 gives no position)', '{\n  "seed": tru\n}', 'line 2, column 11: expected a value (object, array, string, number, true, false or null), found \'t\''],
  ['an unclosed array', '{ "models": ["a"', "line 1, column 17: expected ',' or ']', found the end of the file"],
  ['single quotes', "{ 'name': 'x' }", "line 1, column 3: expected a property name in double quotes, found '''"],
];

for (const [name, text, expected] of jsonCases) {
  test(`invalid JSON is located by line and column: ${name}`, () => {
    assert.equal(problemsOf(() => {}, text), [`: not valid JSON at ${expected}`]);
  });
}

test('the rendered error names the file, the pointer and the fix', () => {
  const file = join(dir, 'render.suite.json');
  writeFileSync(file, JSON.stringify({ ...base, seed: -1 }));
  try {
    loadSuite(file, { models, checkFiles: false, data: { extra: '/tmp' } });
    assert.unreachable('should have failed');
  } catch (error) {
    assert.instance(error, SuiteError);
    assert.is((error as Error).message, `${file}: /seed: expected a number >= 0, got -1`);
  }
});

test('a seed past 32 bits is refused: it would sample as a smaller seed does', () => {
  const file = join(dir, 'seed.suite.json');
  writeFileSync(file, JSON.stringify({ ...base, seed: 2 ** 32 }));
  try {
    loadSuite(file, { models, checkFiles: false, data: { extra: '/tmp' } });
    assert.unreachable('should have failed');
  } catch (error) {
    assert.instance(error, SuiteError);
    assert.is((error as Error).message, `${file}: /seed: expected a number <= 4294967295, got 4294967296`);
  }
});

test('missing files are reported when files are checked', () => {
  const file = join(dir, 'files.suite.json');
  const suite = structuredClone(base);
  suite.data.fx = join(process.cwd(), 'test/fixtures/datasets');
  suite.tasks[0].dataset.files.annotations = '${data.fx}/flickr30k/nope.json';
  writeFileSync(file, JSON.stringify(suite));
  try {
    loadSuite(file, { models, checkFiles: true, data: { extra: '/tmp' } });
    assert.unreachable('should have failed');
  } catch (error) {
    assert.instance(error, SuiteError);
    const pointers = (error as SuiteError).problems.map((p) => `${p.pointer}: ${p.message.replace(process.cwd(), '.')}`);
    assert.equal(pointers, [
      '/models/0: model manifest not found: /models/albef/model.json; give the path of a model.json, or a registered model name (npx vlbench ls models)',
      '/models/1: model manifest not found: /models/blip/model.json; give the path of a model.json, or a registered model name (npx vlbench ls models)',
      '/tasks/0/dataset/files/annotations: file not found: ./test/fixtures/datasets/flickr30k/nope.json',
    ]);
  }
});

test('a model.json given twice under two spellings is reported with the missing files', () => {
  const file = join(dir, 'spellings.suite.json');
  const suite = structuredClone(base);
  suite.data.fx = join(process.cwd(), 'test/fixtures/datasets');
  suite.models = ['tiny-blip', 'models/tiny/tiny-blip/model.json', './models/tiny/../tiny/tiny-blip/model.json'];
  suite.tasks[0].dataset.files.annotations = '${data.fx}/flickr30k/nope.json';
  writeFileSync(file, JSON.stringify(suite));
  const blip = join(dir, 'models/tiny/tiny-blip/model.json');
  const error = thrown(() => loadSuite(file, { models: new Map([['tiny-blip', blip]]), checkFiles: true, data: { extra: '/tmp' } }));
  assert.instance(error, SuiteError);
  const problems = (error as SuiteError).problems;
  assert.equal(problems.map((p) => `${p.pointer}: ${p.message.replace(process.cwd(), '.').replace(dir, 'DIR')}`), [
    "/models/1: 'models/tiny/tiny-blip/model.json' is the model.json of 'tiny-blip' (first at /models/0); a suite runs each model once: remove this entry",
    "/models/2: './models/tiny/../tiny/tiny-blip/model.json' is the model.json of 'tiny-blip' (first at /models/0); a suite runs each model once: remove this entry",
    '/models/0: model manifest not found: DIR/models/tiny/tiny-blip/model.json; give the path of a model.json, or a registered model name (npx vlbench ls models)',
    '/tasks/0/dataset/files/annotations: file not found: ./test/fixtures/datasets/flickr30k/nope.json',
  ]);
});

test.run();
