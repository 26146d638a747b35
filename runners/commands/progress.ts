/**
 * Turns run events into output: a one-line progress bar redrawn in place on a terminal, quiet
 * line-oriented logs otherwise (CI logs, files). Everything goes to stderr so stdout stays
 * for results.
 */
import type { RunEvent } from '../run/events.js';
import { safeName } from '../run/run-dir.js';

/** Failed samples printed per task; the rest are counted in one line at the task's end. */
const MAX_FAILED_LINES = 5;

type SampleFailed = Extract<RunEvent, { type: 'sample-failed' }>;

/**
 * Which failed samples of a task get a line: one per media file (a bad retrieval image also
 * fails every caption query of it, a bad VQA image every question), up to MAX_FAILED_LINES.
 */
function failureTally(): { line(event: SampleFailed): string | undefined; unprinted(model: string, task: string): string | undefined } {
  const locations = new Set<string>();
  let hidden = 0;
  let hiddenOfShown = 0;
  return {
    line(event) {
      if (locations.has(event.location) || locations.size >= MAX_FAILED_LINES) {
        hidden++;
        if (locations.has(event.location)) hiddenOfShown++;
        return undefined;
      }
      locations.add(event.location);
      return `${event.model} / ${event.task}: sample ${event.sampleId} failed: ${event.reason}${event.reason.includes(event.location) ? '' : ` (at ${event.location})`}`;
    },
    unprinted(model, task) {
      if (hidden === 0) return undefined;
      const where = `predictions/${safeName(model)}/${safeName(task)}.jsonl in the run folder`;
      // A bad retrieval image fails each of its caption queries too: say how many are not new media.
      const same = hiddenOfShown === 0 ? '' : `, ${hiddenOfShown === hidden ? (hidden === 1 ? 'it' : 'all') : hiddenOfShown} from media named above`;
      return `${model} / ${task}: ... and ${hidden} more failed sample${hidden === 1 ? '' : 's'}${same} (see ${where}, records with "kind":"failed")`;
    },
  };
}

export function progressPrinter(stream: NodeJS.WriteStream = process.stderr): (event: RunEvent) => void {
  const tty = stream.isTTY === true;
  let total: number | null = null;
  let started = performance.now();
  let lastLine = 0;
  let failures = failureTally();
  const line = (text: string): void => {
    if (tty) stream.write('\r\x1b[2K');
    stream.write(text + '\n');
  };
  return (event) => {
    switch (event.type) {
      case 'model-loaded': line(`loaded ${event.model} (provider ${event.provider})`); break;
      case 'not-applicable': line(`${event.model} / ${event.task}: not applicable: ${event.reason}`); break;
      case 'task-start':
        total = event.total;
        started = performance.now();
        failures = failureTally();
        line(`${event.model} / ${event.task}: started${event.alreadyDone > 0 ? ` (resuming, ${event.alreadyDone} already written)` : ''}`);
        break;
      case 'progress': {
        const seconds = (performance.now() - started) / 1000;
        const rate = seconds > 0 ? (event.done / seconds).toFixed(1) : '-';
        const count = total === null ? `${event.done}` : `${event.done}/${total}`;
        if (tty) {
          const width = 24;
          const filled = total === null ? 0 : Math.min(width, Math.round((width * event.done) / total));
          const bar = total === null ? '' : `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] `;
          stream.write(`\r\x1b[2K${event.model} / ${event.task} ${bar}${count} ${rate}/s${event.failed > 0 ? ` ${event.failed} failed` : ''}`);
        } else if (performance.now() - lastLine > 10_000) {
          lastLine = performance.now();
          line(`${event.model} / ${event.task}: ${count} done, ${rate}/s, ${event.failed} failed`);
        }
        break;
      }
      case 'sample-failed': {
        const text = failures.line(event);
        if (text !== undefined) line(text);
        break;
      }
      case 'task-end': {
        const more = failures.unprinted(event.model, event.task);
        if (more !== undefined) line(more);
        line(`${event.model} / ${event.task}: ${event.done} done, ${event.failed} failed in ${event.seconds.toFixed(1)} s`);
        break;
      }
      case 'interrupted': line(`${event.model} / ${event.task}: interrupted after the current batch`); break;
      case 'retrying':
        line(event.wholeTask
          ? `${event.model} / ${event.task}: ${event.failed} failed record(s); the whole task is run again, every query in both directions, since a retrieval rank depends on the whole gallery (--retry-failed)`
          : `${event.model} / ${event.task}: ${event.failed} failed sample(s) will be run again (--retry-failed)`);
        break;
      case 'lost-records': line(`${event.model} / ${event.task}: its predictions hold ${event.found} records of the ${event.requested} it finished with (lost after it finished); the missing samples are run again`); break;
      default: {
        const never: never = event;
        void never;
      }
    }
  };
}
