/**
 * Clotho-AQA annotator rows (datasets/loaders/clotho-aqa.ts): rows whose question differs only
 * in whitespace (a stray space left by Excel or a hand edit) are one question, so it is neither
 * split into questions with one answer each nor renumbered; the yes/no category reads answers as
 * the VQA evaluation normalises them ('Yes', 'yes ', 'no.').
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { load, removeTempDatasets, summary, tempDataset } from './temp-dataset.js';

const HEADER = 'file_name,QuestionText,answer,confidence\n';

test('clotho-aqa: rows whose question differs only in whitespace are one question, kept under its trimmed text', async () => {
  const rows = [
    'a.wav,Is it a buzzing sound?,yes,yes', 'a.wav,Is it a buzzing sound? ,yes,yes', 'a.wav,"  Is it a  buzzing sound?",no,maybe',
    'a.wav,How many buzzes?,2,yes', 'a.wav,How many buzzes?,two,yes', 'a.wav,How many buzzes?,2,yes',
  ];
  const root = tempDataset({ 'a.wav': '', 'q.csv': `${HEADER}${rows.join('\n')}\n` });
  const items = await load('clotho-aqa', root, { questions: 'q.csv' });
  assert.equal(summary(items), ['instruction:a.wav#0', 'instruction:a.wav#1']);
  const shown = items.map((i) => (i.kind === 'instruction' ? `${i.question}|${i.answers.join(',')}|${i.source.at}` : ''));
  assert.equal(shown, ['Is it a buzzing sound?|yes,yes,no|2', 'How many buzzes?|2,two,2|5']);
});

test('clotho-aqa: the yes/no category reads answers in any case, with surrounding whitespace and punctuation', async () => {
  const rows = ['a.wav,Is it loud?,yes ,yes', 'a.wav,Is it loud?,Yes,yes', 'a.wav,Is it loud?,no.,yes', 'a.wav,Is it rain?,yes,yes', 'a.wav,Is it rain?,yes please,yes'];
  const root = tempDataset({ 'a.wav': '', 'q.csv': `${HEADER}${rows.join('\n')}\n` });
  const items = await load('clotho-aqa', root, { questions: 'q.csv' });
  assert.equal(items.map((i) => (i.kind === 'instruction' ? i.category : i.kind)), ['yes/no', 'other']);
});

test("clotho-aqa: LAVIS's unanimous and non_bin filters (X-InstructBLIP's evaluation), ids unchanged by them", async () => {
  const rows = [
    'a.wav,Is it loud?,yes,yes', 'a.wav,Is it loud?,yes,yes', 'a.wav,Is it loud?,yes,yes', // unanimous, binary
    'a.wav,How many?,2,yes', 'a.wav,How many?,2,yes', 'a.wav,How many?,two,yes', // not unanimous
    'a.wav,What sound?,rain,yes', 'a.wav,What sound?,rain,yes', 'a.wav,What sound?,rain,yes', // kept by both
    'a.wav,Is it rain?,Yes,yes', 'a.wav,Is it rain?,Yes,yes', 'a.wav,Is it rain?,Yes,yes', // 'Yes' is not LAVIS's exact 'yes'
  ];
  const root = tempDataset({ 'a.wav': '', 'q.csv': `${HEADER}${rows.join('\n')}\n` });
  const ids = async (options: Record<string, boolean>) => summary(await load('clotho-aqa', root, { questions: 'q.csv' }, options));
  assert.equal(await ids({}), ['instruction:a.wav#0', 'instruction:a.wav#1', 'instruction:a.wav#2', 'instruction:a.wav#3']);
  assert.equal(await ids({ unanimous: true }), ['instruction:a.wav#0', 'instruction:a.wav#2', 'instruction:a.wav#3']);
  assert.equal(await ids({ nonBinary: true }), ['instruction:a.wav#1', 'instruction:a.wav#2', 'instruction:a.wav#3']);
  assert.equal(await ids({ unanimous: true, nonBinary: true }), ['instruction:a.wav#2', 'instruction:a.wav#3']);
});

test.after(removeTempDatasets);

test.run();
