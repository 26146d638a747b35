/**
 * The diagnostics external decoders (ffmpeg/ffprobe, libvips through sharp) print, made fit for a
 * one-line failure reason: their memory addresses vary from run to run and say nothing to a user,
 * and libvips repeats the same libjpeg warning once per pass over a damaged file.
 */

/** `[mov,mp4,m4a,3gp,3g2,mj2 @ 0x56355d73c7c0] moov atom not found` -> `[mov,mp4,m4a,3gp,3g2,mj2] moov atom not found`. */
const ADDRESS = /\s*@\s*0x[0-9a-f]+/gi;

/**
 * One line per distinct message, joined with '; '. A line that an earlier line already ends
 * with is a repeat too: libvips prefixes only the first (`Input buffer has corrupt header: VipsJpeg: ...`).
 */
export function tidyToolMessage(text: string): string {
  const kept: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(ADDRESS, '').trim();
    if (line.length === 0 || kept.some((earlier) => earlier === line || earlier.endsWith(`: ${line}`))) continue;
    kept.push(line);
  }
  return kept.join('; ');
}
