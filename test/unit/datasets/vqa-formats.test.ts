/**
 * VQA-style loaders on broken annotations: a question whose answers are missing, empty or hold a
 * non-answer fails with the annotation's file and JSON pointer instead of being scored against
 * no answers; a repeated question_id fails at the repeat; an id zero-padded on one side of a join
 * is named; GQA questions come in file order.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { failureAt, load, loadError, removeTempDatasets, sampleIds, summary, tempDataset } from './temp-dataset.js';

const TEMPLATE = { imageTemplate: 'img_{image_id}.jpg' };
const ten = (answer: string): { answer: string }[] => Array.from({ length: 10 }, () => ({ answer }));

function vqaDataset(questions: unknown[], annotations: unknown[]): string {
  return tempDataset({
    'img_1.jpg': '', 'img_2.jpg': '',
    'q.json': JSON.stringify({ questions }),
    'a.json': JSON.stringify({ annotations }),
  });
}

const question = (id: number | string, text = 'what?'): Record<string, unknown> => ({ question_id: id, image_id: 1, question: text });

test('vqav2: missing, empty and null answers fail with the annotation file and pointer; good questions load', async () => {
  const root = vqaDataset(
    [question(10), question(11), question(12), question(13), question(14)],
    [
      { question_id: 10, answers: ten('yes'), answer_type: 'yes/no' },
      { question_id: 11 },
      { question_id: 12, answers: [] },
      { question_id: 13, answers: [{ answer: 'two' }, null] },
      { question_id: 14, answers: [{ answer: 'red' }] },
    ],
  );
  const items = await load('vqav2', root, { questions: 'q.json', annotations: 'a.json' }, TEMPLATE);
  assert.equal(summary(items), ['vqa:10', 'failure:11', 'failure:12', 'failure:13', 'vqa:14']);
  assert.match(failureAt(items[1]), /^\/annotations\/1\/answers: expected a non-empty array of answers.* @ \/annotations\/1\/answers$/);
  assert.match(failureAt(items[2]), /^\/annotations\/2\/answers: expected a non-empty array of answers.* @ \/annotations\/2\/answers$/);
  assert.match(failureAt(items[3]), /^\/annotations\/3\/answers\/1: expected \{"answer": string\}, got null.* @ \/annotations\/3\/answers\/1$/);
  for (const failed of items.slice(1, 4)) assert.is(failed.source.file, join(root, 'a.json'));
  assert.ok(items[4]?.kind === 'vqa');
  assert.equal(items[4].answers, ['red']);
});

test('vqav2: a repeated question_id fails at the repeat, naming the questions file and both pointers', async () => {
  const root = vqaDataset([question(6000, 'first'), question(6000, 'second'), question(6001)], [{ question_id: 6000, answers: ten('no') }, { question_id: 6001, answers: ten('2') }]);
  const items = await load('vqav2', root, { questions: 'q.json', annotations: 'a.json' }, TEMPLATE);
  assert.equal(items.map((i) => i.kind), ['vqa', 'failure', 'vqa']);
  assert.ok(items[0]?.kind === 'vqa' && items[0].question === 'first');
  const repeat = items[1]!;
  assert.is(repeat.source.file, join(root, 'q.json'));
  assert.match(failureAt(repeat), /^id '6000' is used again: the entry at .*q\.json \/questions\/0 already has it.* @ \/questions\/1$/);
  assert.is(new Set(items.map((i) => i.id)).size, 3);
});

test('vqav2: two annotations for one question, and an annotation without question_id, are failures', async () => {
  const root = vqaDataset([question(1), question(2)], [{ question_id: 1, answers: ten('a') }, { question_id: 1, answers: ten('b') }, { answers: ten('c') }, { question_id: 2, answers: ten('d') }]);
  const items = await load('vqav2', root, { questions: 'q.json', annotations: 'a.json' }, TEMPLATE);
  assert.equal(items.map((i) => i.kind), ['failure', 'vqa', 'failure']);
  assert.match(failureAt(items[0]), /question_id 1 has a second annotation here \(the first is \/annotations\/0\).* @ \/annotations\/1$/);
  assert.match(failureAt(items[2]), /annotation has no "question_id".* @ \/annotations\/2$/);
});

test('vqav2: an annotation whose question_id no question has fails at its pointer after the questions, naming the likely fix', async () => {
  const root = vqaDataset([question(1), { question_id: 2, image_id: 1 }], [{ question_id: 1, answers: ten('a') }, { question_id: 2, answers: ten('b') }, { question_id: 123456789, answers: ten('c') }]);
  const items = await load('vqav2', root, { questions: 'q.json', annotations: 'a.json' }, TEMPLATE);
  // The broken question 2 fails on its own; its annotation is not reported again as an orphan.
  assert.equal(summary(items), ['vqa:1', 'failure:row:1', 'failure:annotation:2']);
  const orphan = items[2]!;
  assert.is(orphan.source.file, join(root, 'a.json'));
  assert.match(failureAt(orphan), /^annotation for question_id 123456789, which no question in .*q\.json has; .*different splits or versions.*pass the matching pair.* @ \/annotations\/2$/);
});

test('an id written with leading zeros on one side of a join is named on both failures (VQAv2 question_id, COCO image id)', async () => {
  const root = vqaDataset([question('01000'), question('7')], [{ question_id: 1000, answers: ten('yes') }, { question_id: 7, answers: ten('no') }]);
  const items = await load('vqav2', root, { questions: 'q.json', annotations: 'a.json' }, TEMPLATE);
  assert.equal(summary(items), ['failure:01000', 'vqa:7', 'failure:annotation:0']);
  assert.match(failureAt(items[0]), /^question 01000 has no entry in the annotations file .*a\.json \(an annotation has the id 1000: one side writes it with leading zeros, and ids are compared as written; write it the same way in both files\) @ \/questions\/0$/);
  assert.match(failureAt(items[2]), /^annotation for question_id 1000, which no question in .*q\.json has \(a question has the id 01000: one side writes it with leading zeros/);
  const coco = tempDataset({
    'img_1.jpg': '',
    'c.json': JSON.stringify({ images: [{ id: '0001', file_name: 'img_1.jpg' }], annotations: [{ id: 5, image_id: 1, caption: 'a dog' }] }),
  });
  const captions = await load('coco-captions', coco, { annotations: 'c.json' });
  assert.equal(summary(captions), ['failure:0001', 'failure:annotation:0']);
  assert.match(failureAt(captions[0]), /^image 0001 has no caption in .*c\.json's annotations \(an annotation has the id 1: one side writes it with leading zeros/);
  assert.match(failureAt(captions[1]), /^annotation for image_id 1, which no entry of "images" in .*c\.json has \(an image has the id 0001: one side/);
});

test('vqav2: a question_id or image_id beyond 2^53 fails as too large to be read exactly, in questions and annotations', async () => {
  // Written as text: JSON.parse rounds these digits, so two questions could share an id or a question take another image.
  const big = '12345678901234567890';
  const questions = `{"questions": [{"question_id": 1, "image_id": 1, "question": "a?"}, {"question_id": ${big}, "image_id": 1, "question": "b?"}, {"question_id": 3, "image_id": ${big}, "question": "c?"}]}`;
  const annotations = `{"annotations": [{"question_id": 1, "answers": [{"answer": "x"}]}, {"question_id": ${big}, "answers": [{"answer": "y"}]}, {"question_id": 3, "answers": [{"answer": "z"}]}]}`;
  const root = tempDataset({ 'img_1.jpg': '', 'q.json': questions, 'a.json': annotations });
  const items = await load('vqav2', root, { questions: 'q.json', annotations: 'a.json' }, TEMPLATE);
  assert.equal(summary(items), ['vqa:1', 'failure:row:1', 'failure:row:2', 'failure:annotation:1']);
  const exactly = (field: string, at: string): RegExp => new RegExp(`^the id in field '${field}' is too large to be read exactly: .*quote the id as a string .* @ ${at}$`);
  assert.match(failureAt(items[1]), exactly('question_id', '/questions/1'));
  assert.match(failureAt(items[2]), exactly('image_id', '/questions/2'));
  assert.match(failureAt(items[3]), exactly('question_id', '/annotations/1'));
  assert.is(items[3]!.source.file, join(root, 'a.json'));
});

test('vqav2: questions and annotations files given the wrong way round are named as swapped', async () => {
  const root = vqaDataset([question(1)], [{ question_id: 1, answers: ten('yes') }]);
  assert.match(await loadError('vqav2', root, { questions: 'a.json', annotations: 'q.json' }, TEMPLATE), /a\.json: expected an object with a "questions" list \(VQA questions format\); it holds the "annotations" list, so it is the annotations file: the "questions" and "annotations" files are given the wrong way round/);
});

test('okvqa shares the checks (VQAv2 format)', async () => {
  const root = vqaDataset([question(1)], [{ question_id: 1, answers: [] }]);
  const items = await load('okvqa', root, { questions: 'q.json', annotations: 'a.json' }, TEMPLATE);
  assert.match(failureAt(items[0]), /^\/annotations\/0\/answers: expected a non-empty array/);
});

test('vizwiz: answers present but empty or broken fail with their pointer; absent (test split) loads without answers', async () => {
  const entry = (image: string, answers?: unknown): Record<string, unknown> => ({ image, question: 'what?', ...(answers === undefined ? {} : { answers }) });
  const root = tempDataset({
    'a.jpg': '', 'b.jpg': '', 'c.jpg': '', 'd.jpg': '',
    'val.json': JSON.stringify([entry('a.jpg', [{ answer: 'x' }]), entry('b.jpg', []), entry('c.jpg', [{ answer: 'x' }, { answer_confidence: 'yes' }]), entry('d.jpg')]),
  });
  const items = await load('vizwiz', root, { annotations: 'val.json' });
  assert.equal(summary(items), ['vqa:a', 'failure:b', 'failure:c', 'vqa:d']);
  assert.match(failureAt(items[1]), /^\/1\/answers: expected a non-empty array.* @ \/1\/answers$/);
  assert.match(failureAt(items[2]), /^\/2\/answers\/1: expected \{"answer": string\}.* @ \/2\/answers\/1$/);
  assert.ok(items[3]?.kind === 'vqa' && items[3].answers.length === 0);
});

const gqaEntry = (image: string, answer: unknown = 'yes'): Record<string, unknown> => ({ imageId: image, question: `about ${image}?`, answer, types: { structural: 'verify', detailed: 'x' } });

test('gqa: questions come in the file order, not JSON.parse order (integer-like keys first, ascending)', async () => {
  const keys = ['20968379', '201307251', '05451384', '1234'];
  const text = `{${keys.map((key, i) => `${JSON.stringify(key)}: ${JSON.stringify(gqaEntry(`n${i + 1}`))}`).join(',\n')}}`;
  const root = tempDataset({ 'n1.jpg': '', 'n2.jpg': '', 'n3.jpg': '', 'n4.jpg': '', 'q.json': text });
  const items = await load('gqa', root, { questions: 'q.json' });
  assert.equal(sampleIds(items), keys);
  assert.equal(items.map((i) => (i.kind === 'vqa' ? i.imageId : '')), ['n1', 'n2', 'n3', 'n4']);
});

test('gqa: a repeated key fails at the repeat and the first value stands; a non-string answer fails', async () => {
  const text = `{"7": ${JSON.stringify(gqaEntry('n1', 'first'))}, "8": ${JSON.stringify(gqaEntry('n1', 3))}, "7": ${JSON.stringify(gqaEntry('n1', 'second'))}}`;
  const root = tempDataset({ 'n1.jpg': '', 'q.json': text });
  const items = await load('gqa', root, { questions: 'q.json' });
  assert.equal(items.map((i) => i.kind), ['vqa', 'failure', 'failure']);
  assert.ok(items[0]?.kind === 'vqa');
  assert.equal(items[0].answers, ['first']);
  assert.match(failureAt(items[1]), /"answer" \(when present\) a string @ \/8$/);
  assert.match(failureAt(items[2]), /^question id "7" appears again \(occurrence 2/);
  assert.is(new Set(items.map((i) => i.id)).size, 3);
});

test.after(removeTempDatasets);

test.run();
