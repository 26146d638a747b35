/** sha256 of a file, streamed: real LLM graphs and their external data run to gigabytes. */
import { createReadStream } from 'node:fs';
import { createHash } from 'node:crypto';

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
