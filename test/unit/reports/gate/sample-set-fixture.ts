/**
 * Shared by the sample-set tests (sample-set, media-digests): the fixture runs, a temp folder,
 * and a gate file of two quality drops and a latency gate over them.
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Test } from 'uvu';
import { tempDirFactory } from '../../helpers/temp-dirs.js';

export const FAST = { replicates: 200 };
export const runs = fileURLToPath(new URL('../../../fixtures/runs/', import.meta.url));

export function sampleSetFixture(test: Test, prefix: string): { dir: string; gatesFile: string } {
  const dir = tempDirFactory(test)(join(tmpdir(), prefix));
  const gatesFile = join(dir, 'gates.json');
  writeFileSync(gatesFile, JSON.stringify({ gates: [
    { kind: 'max-drop', metric: 'vqa_accuracy', maxDrop: 5 },
    { kind: 'max-drop', metric: 'r_mean', maxDrop: 5 },
    { kind: 'max-latency-increase', statistic: 'mean', maxIncreasePercent: 500 },
  ] }));
  return { dir, gatesFile };
}
