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

test.run();
