/** The run's console lines: a failed sample names where the problem is, once. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { progressPrinter } from '../../../../runners/commands/progress.js';

function printed(events: Parameters<ReturnType<typeof progressPrinter>>[0][]): string {
  let text = '';
  const stream = { isTTY: false, write: (chunk: string) => ((text += chunk), true) } as unknown as NodeJS.WriteStream;
  const print = progressPrinter(stream);
  for (const event of events) print(event);
  return text;
}

test('a failed sample line carries its location unless the reason already names it', () => {
  const base = { type: 'sample-failed' as const, model: 'm', task: 't', sampleId: '7' };
  assert.is(printed([{ ...base, reason: 'answer list entry missing', location: 'q.json:/questions/5' }]), 'm / t: sample 7 failed: answer list entry missing (at q.json:/questions/5)\n');
  assert.is(printed([{ ...base, reason: 'cannot prepare /d/a.png: corrupt', location: '/d/a.png' }]), 'm / t: sample 7 failed: cannot prepare /d/a.png: corrupt\n');
});

const start = (task: string) => ({ type: 'task-start' as const, model: 'm', task, total: null, alreadyDone: 0 });
const end = (task: string, failed: number) => ({ type: 'task-end' as const, model: 'm', task, done: 20, failed, seconds: 1 });
const failed = (task: string, sampleId: string, location: string) => ({ type: 'sample-failed' as const, model: 'm', task, sampleId, reason: `cannot prepare ${location}: bad`, location });

test('after five failed samples the rest are counted at the task end, with where to find them', () => {
  const events = [start('audio'), ...Array.from({ length: 8 }, (_, i) => failed('audio', `s${i}`, `/d/${i}.wav`)), end('audio', 8)];
  const lines = printed(events).trimEnd().split('\n');
  assert.equal(lines.slice(1, 6), [0, 1, 2, 3, 4].map((i) => `m / audio: sample s${i} failed: cannot prepare /d/${i}.wav: bad`));
  assert.equal(lines.slice(6), [
    'm / audio: ... and 3 more failed samples (see predictions/m/audio.jsonl in the run folder, records with "kind":"failed")',
    'm / audio: 20 done, 8 failed in 1.0 s',
  ]);
  // Five or fewer: no such line; and every task counts afresh.
  const two = printed([start('a'), failed('a', 'x', '/d/x.png'), end('a', 1), start('b'), ...Array.from({ length: 6 }, (_, i) => failed('b', `y${i}`, `/d/y${i}.png`)), end('b', 6)]);
  assert.not.match(two, 'm / a: ... and');
  assert.match(two, 'm / b: ... and 1 more failed sample (see predictions/m/b.jsonl');
  // Past the cap, some from new media and some from media already named.
  const mixed = printed([start('c'), ...Array.from({ length: 5 }, (_, i) => failed('c', `z${i}`, `/d/z${i}.png`)), failed('c', 'z0#1', '/d/z0.png'), failed('c', 'w', '/d/w.png'), end('c', 7)]);
  assert.match(mixed, 'm / c: ... and 2 more failed samples, 1 from media named above (see');
});

test("one line per failed media file: a bad retrieval image's caption queries do not crowd out other bad images", () => {
  const gif = '/img/img.gif';
  const events = [
    start('ret'),
    failed('ret', 'img', gif),
    ...Array.from({ length: 5 }, (_, i) => failed('ret', `img#${i}`, gif)),
    failed('ret', 'trunc', '/img/trunc.jpg'),
    failed('ret', 'trunc#0', '/img/trunc.jpg'),
    failed('ret', 'empty', '/img/empty.png'),
    end('ret', 9),
  ];
  const lines = printed(events).trimEnd().split('\n').slice(1);
  assert.equal(lines.map((l) => l.replace(/ failed: .*/, '')), ['m / ret: sample img', 'm / ret: sample trunc', 'm / ret: sample empty', 'm / ret: ... and 6 more failed samples, all from media named above (see predictions/m/ret.jsonl in the run folder, records with "kind":"failed")', 'm / ret: 20 done, 9 failed in 1.0 s']);
});

test.run();
