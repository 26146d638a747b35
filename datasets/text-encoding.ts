/**
 * Annotation files are read as UTF-8, as Python's json.load and csv.reader read them on a UTF-8
 * system, and strictly: Node's lenient decoding turns the bytes of a Latin-1/Windows-1252 file
 * (Excel, Notepad: 'é' = 0xE9) into U+FFFD, which would then be scored as reference text without
 * a word said. Python raises UnicodeDecodeError there, so the official tools never score such a
 * text; here the load stops, naming the line, column and byte and the command that converts the
 * file. UTF-16 (Excel "Unicode text", PowerShell's `>`) is recognised by its byte order mark and
 * named once, instead of the garbled error each format would give; a NUL byte, which no text
 * annotation holds, is named as UTF-16 without a byte order mark. A leading UTF-8 byte order
 * mark, which editors on Windows write, is dropped (TextDecoder does so). Everything that
 * locates a bad byte runs only after decoding failed.
 */
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { DatasetError } from './loader.js';

/** Byte order marks of encodings other than UTF-8; UTF-32 LE first, as it starts like UTF-16 LE. */
const FOREIGN_BOMS: readonly { readonly bytes: readonly number[]; readonly encoding: string }[] = [
  { bytes: [0xff, 0xfe, 0x00, 0x00], encoding: 'UTF-32' },
  { bytes: [0x00, 0x00, 0xfe, 0xff], encoding: 'UTF-32' },
  { bytes: [0xff, 0xfe], encoding: 'UTF-16' },
  { bytes: [0xfe, 0xff], encoding: 'UTF-16' },
];

function shellQuote(path: string): string {
  return `'${path.replaceAll("'", "'\\''")}'`;
}

/** A one-line conversion to a new file next to `file` (`a.json` -> `a.utf8.json`). */
function iconvCommand(file: string, from: string): string {
  const extension = extname(file);
  const target = `${file.slice(0, file.length - extension.length)}.utf8${extension}`;
  return `iconv -f ${from} -t UTF-8 ${shellQuote(file)} > ${shellQuote(target)}`;
}

function hex(bytes: readonly number[]): string {
  return bytes.map((b) => b.toString(16).toUpperCase().padStart(2, '0')).join(' ');
}

/** Stops the load of a file that starts with a UTF-16 or UTF-32 byte order mark. */
function refuseForeignBom(file: string, start: Uint8Array): void {
  const bom = FOREIGN_BOMS.find((b) => b.bytes.every((byte, i) => start[i] === byte));
  if (bom === undefined) return;
  const mark = hex(bom.bytes);
  const excel = /^\.(csv|tsv)$/i.test(extname(file)) ? ' (in Excel: Save As "CSV UTF-8")' : '';
  throw new DatasetError(`${file}: ${bom.encoding} text (byte order mark ${mark}), not UTF-8: save it as UTF-8, e.g. ${iconvCommand(file, bom.encoding)}${excel}`);
}

/**
 * Where the first byte that cannot start or continue a UTF-8 sequence is (WHATWG's decoder: no
 * overlong forms, surrogates or code points past U+10FFFF), or -1.
 */
function firstInvalidUtf8(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length;) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i += 1;
      continue;
    }
    // The length of the sequence b starts and the range its second byte must fall in.
    const [more, low, high] = b >= 0xc2 && b <= 0xdf ? [1, 0x80, 0xbf]
      : b === 0xe0 ? [2, 0xa0, 0xbf] : b === 0xed ? [2, 0x80, 0x9f] : b >= 0xe1 && b <= 0xef ? [2, 0x80, 0xbf]
      : b === 0xf0 ? [3, 0x90, 0xbf] : b === 0xf4 ? [3, 0x80, 0x8f] : b >= 0xf1 && b <= 0xf3 ? [3, 0x80, 0xbf]
      : [0, 0, 0];
    if (more === 0 || i + more >= bytes.length) return i;
    const second = bytes[i + 1]!;
    if (second < low || second > high) return i;
    for (let k = 2; k <= more; k += 1) if ((bytes[i + k]! & 0xc0) !== 0x80) return i;
    i += more + 1;
  }
  return -1;
}

/**
 * The editor's line and column (in characters) of byte `offset`, with up to 20 characters before
 * it on its line; '\r\n', '\n' and a lone '\r' each end a line. The bytes before `offset` are
 * valid UTF-8, so characters are counted as the bytes that do not continue one, without decoding
 * a line that may be a whole 100 MB document.
 */
function locate(bytes: Uint8Array, offset: number): { line: number; column: number; before: string } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i += 1) {
    const b = bytes[i];
    if (b === 0x0a || (b === 0x0d && bytes[i + 1] !== 0x0a)) {
      line += 1;
      lineStart = i + 1;
    }
  }
  let column = 1;
  for (let i = lineStart; i < offset; i += 1) if ((bytes[i]! & 0xc0) !== 0x80) column += 1;
  // 80 bytes hold 20 characters of any script; start on a character's first byte.
  let from = Math.max(lineStart, offset - 80);
  while (from < offset && (bytes[from]! & 0xc0) === 0x80) from += 1;
  const before = [...new TextDecoder('utf-8', { ignoreBOM: from > 0 }).decode(bytes.subarray(from, offset))].slice(-20).join('');
  if (lineStart === 0 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) column -= 1;
  return { line, column, before };
}

function where(file: string, bytes: Uint8Array, offset: number): string {
  const { line, column, before } = locate(bytes, offset);
  const after = before === '' ? '' : `, after '${before}'`;
  return `${file} line ${line}, column ${column} (byte offset ${offset}${after})`;
}

/** Why a file that failed strict decoding is not UTF-8 text, and how to convert it. */
function notUtf8Message(file: string, bytes: Uint8Array): string {
  const offset = firstInvalidUtf8(bytes);
  if (offset < 0) return `${file}: not valid UTF-8 text: re-save it as UTF-8`;
  const bad = `byte 0x${hex([bytes[offset]!])}`;
  // A lone high byte among ASCII is one accented letter or curly quote in a single-byte code page;
  // two or more in a row could as well be Shift-JIS, GBK or another multibyte encoding.
  const next = bytes[offset + 1];
  if (next === undefined || next < 0x80) {
    return `${where(file, bytes, offset)}: not UTF-8 (${bad}; the file looks Latin-1/Windows-1252, as Excel and Notepad save it): re-save it as UTF-8, e.g. ${iconvCommand(file, 'WINDOWS-1252')}`;
  }
  return `${where(file, bytes, offset)}: not UTF-8 (${bad} 0x${hex([next])}; the file was saved in another encoding, such as Windows-1252, Shift-JIS or GBK): re-save it as UTF-8, e.g. ${iconvCommand(file, '<its encoding>')}`;
}

function nulMessage(file: string, bytes: Uint8Array, offset: number): string {
  // UTF-16 writes ASCII as the character then 0 (LE) or 0 then the character (BE).
  const order = offset % 2 === 1 ? 'UTF-16LE' : 'UTF-16BE';
  return `${where(file, bytes, offset)}: a NUL byte, which no text annotation file holds: the file looks like UTF-16 without a byte order mark (or is not a text file): save it as UTF-8, e.g. ${iconvCommand(file, order)}`;
}

function isInvalidData(error: unknown): boolean {
  return (error as { code?: unknown }).code === 'ERR_ENCODING_INVALID_ENCODED_DATA';
}

/** A whole file's text, or the DatasetError that says why it is not UTF-8 text. */
export function decodeUtf8(file: string, bytes: Buffer): string {
  refuseForeignBom(file, bytes);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (error) {
    if (isInvalidData(error)) throw new DatasetError(notUtf8Message(file, bytes));
    throw error;
  }
  const nul = bytes.indexOf(0);
  if (nul !== -1) throw new DatasetError(nulMessage(file, bytes, nul));
  return text;
}

/**
 * A file's text in pieces as it streams, with the checks of decodeUtf8. A bad byte stops it
 * where it is found; the file is then read again, whole, to place it.
 */
export async function* readUtf8Chunks(file: string): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let first = true;
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    if (first) refuseForeignBom(file, chunk);
    first = false;
    let text: string;
    try {
      text = decoder.decode(chunk, { stream: true });
    } catch (error) {
      if (isInvalidData(error)) throw new DatasetError(notUtf8Message(file, await readFile(file)));
      throw error;
    }
    if (chunk.indexOf(0) !== -1) {
      const bytes = await readFile(file);
      throw new DatasetError(nulMessage(file, bytes, bytes.indexOf(0)));
    }
    yield text;
  }
  let tail: string;
  try {
    // A sequence the last chunk leaves unfinished.
    tail = decoder.decode();
  } catch (error) {
    if (isInvalidData(error)) throw new DatasetError(notUtf8Message(file, await readFile(file)));
    throw error;
  }
  yield tail;
}
