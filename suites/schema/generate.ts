/**
 * Generates suite.schema.json from the types in suite.ts (the types are the source of truth).
 * `npm run schema` writes the file; test/unit/suites/schema.test.ts fails when the committed
 * file differs from what this produces, so the schema can never drift from the types.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGenerator } from 'ts-json-schema-generator';

const here = dirname(fileURLToPath(import.meta.url));
export const SUITE_SCHEMA_PATH = join(here, 'suite.schema.json');

export function generateSuiteSchema(): string {
  const generator = createGenerator({
    path: join(here, 'suite.ts'),
    tsconfig: join(here, '../../tsconfig.json'),
    type: 'Suite',
    skipTypeCheck: true,
    additionalProperties: false,
    discriminatorType: 'json-schema',
    schemaId: 'https://vlbench.dev/schema/suite.schema.json',
  });
  return JSON.stringify(generator.createSchema('Suite'), null, 2) + '\n';
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'));
if (invokedDirectly) {
  writeFileSync(SUITE_SCHEMA_PATH, generateSuiteSchema());
}
