/**
 * The committed suite.schema.json must be exactly what ts-json-schema-generator produces from
 * suites/schema/suite.ts: the types are the source of truth, and drift fails here (the fix is
 * `npm run schema`), never silently.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { generateSuiteSchema, SUITE_SCHEMA_PATH } from '../../../suites/schema/generate.js';

test('suite.schema.json is up to date with suite.ts (run `npm run schema` if this fails)', () => {
  const committed = readFileSync(SUITE_SCHEMA_PATH, 'utf8');
  assert.ok(committed === generateSuiteSchema(), 'suites/schema/suite.schema.json is stale: run `npm run schema` and commit the result');
});

test('every object in the schema is closed (unknown keys are errors)', () => {
  const schema = JSON.parse(readFileSync(SUITE_SCHEMA_PATH, 'utf8')) as { definitions: Record<string, { type?: string; properties?: object; additionalProperties?: unknown }> };
  const open = Object.entries(schema.definitions).filter(([, d]) => d.type === 'object' && d.properties !== undefined && d.additionalProperties !== false && d.properties !== undefined && !('allOf' in d));
  assert.equal(open.map(([name]) => name), []);
});

test.run();
