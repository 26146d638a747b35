/** What a command writes to stdout and stderr while `body` runs (the streams are restored after). */
export async function captureOutput<T>(body: () => Promise<T>): Promise<{ value: T; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  const writeErr = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((c: string) => out.push(String(c)) > 0) as typeof process.stdout.write;
  process.stderr.write = ((c: string) => err.push(String(c)) > 0) as typeof process.stderr.write;
  try {
    const value = await body();
    return { value, out: out.join(''), err: err.join('') };
  } finally {
    process.stdout.write = write;
    process.stderr.write = writeErr;
  }
}

/** A command run with its output captured: exit code, stdout, stderr. */
export async function captureCommand(command: { run(argv: readonly string[]): Promise<number> }, argv: readonly string[]): Promise<{ code: number; out: string; err: string }> {
  const { value: code, out, err } = await captureOutput(() => command.run(argv));
  return { code, out, err };
}
