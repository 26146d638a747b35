/** The generated suite schema as a module (kept in sync with suite.ts by `npm run schema`). */
import { readFileSync } from 'node:fs';

export const SUITE_SCHEMA: object = JSON.parse(readFileSync(new URL('./suite.schema.json', import.meta.url), 'utf8')) as object;
