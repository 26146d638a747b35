#!/usr/bin/env node
// The published entry point: registers tsx so the TypeScript sources run as they are, then hands
// argv to the CLI. Kept in plain JS because it is what node executes before any loader exists.
// An older Node than 20.9 would fail further on with a stack trace (tsx needs module.register,
// sharp needs 20.9), and package.json's engines only warns: checked first, in words.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 9)) {
  process.stderr.write(`vlbench: needs Node.js 20.9 or newer; this is v${process.versions.node} (${process.execPath}): install a newer Node and run it again\n`);
  process.exit(1);
}
// Until the CLI takes the signals over (runners/cli.ts), a Ctrl-C or SIGTERM would kill the
// process without a word; nothing has been done yet, so say so and exit with the interrupt code.
const early = (signal) => {
  process.stderr.write(`vlbench: interrupted by ${signal} while starting; nothing was done\n`);
  process.exit(130);
};
process.on('SIGINT', early);
process.on('SIGTERM', early);
// Imported after the handlers: a static import would load tsx before any of this runs.
const { register } = await import('tsx/esm/api');
register();
const { main, ignoreClosedStdout } = await import('./cli.ts');
process.off('SIGINT', early);
process.off('SIGTERM', early);
ignoreClosedStdout();
process.exitCode = await main(process.argv.slice(2));
