/** Manifest tests' shared steps: a manifest JSON written to a temporary model.json and read back. */
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readManifest, ManifestError } from '../../../models/manifest.js';

/** Writes `json` as model.json in a new temporary folder and reads it with readManifest. */
export function loadManifestJson(json: unknown): ReturnType<typeof readManifest> {
  const dir = mkdtempSync(join(tmpdir(), 'vlbench-manifest-'));
  writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
  return readManifest(join(dir, 'model.json'));
}

/** The ManifestError reading `json` throws; anything else (or no error) fails the test. */
export function manifestErrorOf(json: unknown): ManifestError {
  try {
    loadManifestJson(json);
  } catch (error) {
    assert.instance(error, ManifestError);
    return error as ManifestError;
  }
  throw new Error('expected a ManifestError');
}
