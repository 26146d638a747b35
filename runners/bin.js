#!/usr/bin/env node
// The published entry point: registers tsx so the TypeScript sources run as they are, then hands
// argv to the CLI. Kept in plain JS because it is what node executes before any loader exists.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./cli.ts');
process.exitCode = await main(process.argv.slice(2));
