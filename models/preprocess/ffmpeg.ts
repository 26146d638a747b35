/** Running the ffmpeg / ffprobe programs (optional: only video files and .mp4 audio need them). */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { tidyToolMessage } from './tool-messages.js';

const run = promisify(execFile);

export class FfmpegError extends Error {
  override name = 'FfmpegError';
}

/** Run `tool` and return its stdout; a missing program is an error that says how to fix it. */
export async function runFfmpegTool(tool: 'ffmpeg' | 'ffprobe', args: readonly string[], source: string, alternative: string): Promise<Buffer> {
  try {
    const { stdout } = await run(tool, [...args], { encoding: 'buffer', maxBuffer: 1 << 30 });
    return stdout;
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stderr?: Buffer };
    if (e.code === 'ENOENT') {
      throw new FfmpegError(`${source}: decoding this file needs ${tool} on PATH; install ffmpeg (e.g. apt-get install ffmpeg) or ${alternative}`);
    }
    throw new FfmpegError(`${source}: ${tool} failed: ${tidyToolMessage(e.stderr?.toString() ?? e.message)}`);
  }
}
